"""Entities and relations from a document's chunks, by rules (Chinese and English).

Mentions, in order of precedence where they overlap: names already known (a table cell, a heading, a
``name (alias)`` pair anywhere in the document, or the tenant's names at assembly), dates, numbers with
units, codes (``db-prod-03``, ``HZ-2``, ``ISO 9001``), capitalised English names ("Acme Films Co.",
"Payments team"), lower-case English names ending in a head noun ("checkout service"), and Chinese noun
chunks (jieba words between function words, relation words and punctuation) that end in an
organisation, site or thing head (交付部, 宁波仓库, 阿特拉斯项目), are places (杭州, 鄞州区) or look like
personal names (surname + one or two characters). A mention followed by a parenthesised name in the
other script or form is one entity with an alias: ``艾克薄膜（Acme Films Co.）``.

Relations: in each clause, consecutive mentions are linked and the words between them are the label
("阿特拉斯项目的客户是星河零售" gives 阿特拉斯项目 —客户→ 星河零售); a clause that starts with its
predicate ("，由云栖数据运营", "who reports to …", "It is owned by …") takes the sentence's subject,
the previous sentence's, or the section's (its heading's entity); table rows link the row's first cell to
the others under the column's name; ``key: value`` lines link the section's entity to the value.
Every relation cites the sentence (a verbatim piece of the chunk) it came from.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import lexicon as lx
from .model import DocGraph, Entity, Relation, Sentence
from .text import Unit, clauses, is_cjk, name_key, split_units

_jieba_lock = threading.Lock()
_jieba = None


def _cut(text: str) -> list[str]:
    """jieba's dictionary words, no HMM new-word guessing: an unknown name comes out as single characters,
    which the chunker joins back (HMM glues function words onto names: 由云栖)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return list(_jieba.cut(text, HMM=False))


@dataclass
class Mention:
    start: int
    end: int
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    priority: int = 9


# ------------------------------------------------------------------ recognisers

_MONTHS = "|".join(lx.EN_MONTHS)
_DATE = re.compile(
    rf"(?<![A-Za-z0-9_-])(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{4}}/\d{{1,2}}/\d{{1,2}}|\d{{4}}年\d{{1,2}}月(?:\d{{1,2}}[日号])?"
    rf"|\d{{4}}年|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}|\d{{1,2}}月\d{{1,2}}[日号]|(?:19|20)\d{{2}}(?=\D|$))(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
_UNITS = (
    r"%|％|percent|people|persons|employees|staff|stores|shops|cores?|vcpus?|tons?|tonnes|boxes|units|pcs|GB|TB|MB|"
    r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yuan|RMB|CNY|USD|EUR|dollars|km|kg|m2|sqm|"
    r"万元|亿元|元|人|名|台|个|家|天|小时|分钟|年|吨|核|平方米|间|套|次|箱|件|万|亿"
)
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_.-])(?:约|about |around |approximately |over |under )?\d[\d,]*(?:\.\d+)?\s?(?:million|billion|thousand|万|亿|千)?"
    rf"\s?(?:{_UNITS})?(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
_CODE = re.compile(
    r"(?<![A-Za-z0-9_.-])(?:(?=[A-Za-z0-9_./-]*\d)(?=[A-Za-z0-9_./-]*[A-Za-z])[A-Za-z0-9]+(?:[-_./][A-Za-z0-9]+)+"
    r"|[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:db|k8s|api|svc|srv|web|app|cache|mq|queue|prod|stg|dev|cluster|node|gw|"
    r"hub|gateway|indexer|renderer|builder|transcoder|service|worker|proxy|scheduler|runner|agent|server|store|"
    r"sync|bot|ui|cli|job|cron|etl|pipeline|engine|manager|monitor|router|broker|collector|exporter|loader)"
    r"|(?:ISO|IEC|GB|EN|IEEE|RFC|SOC|FSC)\s?-?\d{3,5}(?:[-:]\d+)*"
    r"|(?!Q[1-4](?![0-9])|H[12](?![0-9]))[A-Z]{1,4}\d{1,5}[A-Za-z]?)(?![A-Za-z0-9_-])"
)
# Latin letters with their accented forms: "Tomás Ibarra", "Étienne Roy", "Elif Aydın" are whole names
_UP = "A-ZÀ-ÖØ-Þ"
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ɏ"
_CAP = rf"[{_UP}][{_LATIN}&'’.-]*[{_LATIN}&]|[{_UP}]"
_CAP_PHRASE = re.compile(
    rf"(?<![{_LATIN}0-9_-])(?:{_CAP})(?:\s+(?:(?:of|de|&|of the)\s+)?(?:{_CAP}))*(?:\s+\d{{1,5}}(?![\w-]))?(?![{_LATIN}0-9_-])"
)
_HEAD_NP = re.compile(
    r"\b((?:[a-z][a-z-]+\s+){1,2})(" + "|".join(sorted(lx.EN_HEADS, key=len, reverse=True)) + r")\b"
)
_PAREN = re.compile(r"\s*[（(]\s*([^（）()]{1,48}?)\s*[)）]")
_ALIAS_MARK = re.compile(r"^(?:hereinafter|以下简称|简称|a\.k\.a\.?|aka|also known as|即)\s*[\"'“”‘’「」]?|[\"'“”‘’「」]$")
_EN_VERBS = frozenset(
    "is are was were has have had stores runs owns manages leads uses holds reports adds expands rotates mirrors "
    "applied failed signed supplies supply provides keeps lists buys sells hosts".split()
)
_EN_CITY: frozenset[str] | None = None


def _en_cities() -> frozenset[str]:
    global _EN_CITY
    if _EN_CITY is None:
        from .text import sound_keys

        keys: set[str] = set()
        for p in lx.ZH_PLACES:
            keys |= sound_keys(p)
        keys |= {"hongkong", "macau", "taipei", "xian", "singapore", "tokyo", "seoul", "london", "paris", "berlin",
                 "frankfurt", "amsterdam", "newyork", "sanfrancisco", "seattle", "boston", "chicago", "sydney",
                 "mumbai", "bangalore", "dubai", "toronto", "munich", "zurich", "dublin", "osaka", "bangkok"}
        _EN_CITY = frozenset(keys)
    return _EN_CITY


def _en_type(name: str) -> str:
    words = [w.strip(".,'’").lower() for w in name.split()]
    if any(ch.isdigit() for ch in name):
        return "code"
    if any(w in lx.EN_ORG_WORDS for w in words):
        return "org"
    if any(w in lx.EN_HEADS for w in words):
        return "thing"
    if re.sub(r"[\s'’.-]", "", name.lower()) in _en_cities():
        return "place"
    if 2 <= len(words) <= 3 and all(re.fullmatch(rf"[{_UP}][a-zß-öø-ÿĀ-ɏ’'-]+", w) for w in name.split()):
        if words[-1] in lx.EN_HEADS:
            return "thing"
        return "person"
    return "thing"


def _zh_type(chunk: str, question: bool = False) -> str | None:
    """The type of a Chinese noun chunk, or None when it is not a name (a role, a common word)."""
    if len(chunk) < 2 or len(chunk) > 14:
        return None
    if chunk in lx.ZH_LABEL_WORDS or chunk in lx.ZH_STOP_WORDS:
        return None
    if chunk.endswith(lx.ZH_ROLE_WORDS):
        return None
    if chunk in lx.ZH_PLACES or (chunk.endswith(lx.ZH_PLACE_SUFFIXES) and 2 <= len(chunk) <= 6):
        return "place"
    for head in lx.ZH_SITE_HEADS:
        if chunk.endswith(head) and len(chunk) > len(head):
            return "place"
    for head in lx.ZH_ORG_HEADS:
        if chunk.endswith(head) and len(chunk) > len(head):
            return "org"
    for head in lx.ZH_THING_HEADS:
        if chunk.endswith(head) and len(chunk) > len(head):
            return "thing"
    if 2 <= len(chunk) <= 3 and chunk[0] in lx.ZH_SURNAMES:
        return "person"
    if "·" in chunk and 3 <= len(chunk) <= 12:
        return "person"
    # any other run of words is no name: "主机当时", "对象" (a name the document marks elsewhere, in a
    # table or in parentheses, is found through the document's own names instead); in a question it
    # may still be linked to a name by meaning ("铝箔" to "Aluminium foil")
    return "thing" if question and 2 <= len(chunk) <= 8 else None


class Gazetteer:
    """Known names (main names and aliases) found in a text, longest first, case-insensitive; a Latin name
    only at word boundaries. A dictionary scan (no regex alternation), so 10,000 names cost little."""

    def __init__(self, names: Iterable[tuple[str, str, str]] = ()) -> None:
        """``names``: (surface form, entity name, type)."""
        self._by_surface: dict[str, tuple[str, str]] = {}
        self._latin_max = 1
        self._cjk_max = 1
        for surface, entity, typ in names:
            self.add(surface, entity, typ)

    def add(self, surface: str, entity: str, typ: str) -> None:
        s = re.sub(r"\s+", " ", surface.strip()).casefold()
        if len(s) < 2 or (len(s) < 3 and not is_cjk(s)):
            return
        self._by_surface.setdefault(s, (entity, typ))
        if is_cjk(s):
            self._cjk_max = max(self._cjk_max, len(s))
        self._latin_max = max(self._latin_max, len(s.split(" ")))

    def __len__(self) -> int:
        return len(self._by_surface)

    def items(self) -> list[tuple[str, str, str]]:
        return [(s, e, t) for s, (e, t) in self._by_surface.items()]

    def find(self, text: str) -> list[Mention]:
        if not self._by_surface:
            return []
        low = text.casefold()
        if len(low) != len(text):
            low = "".join(c.casefold() if len(c.casefold()) == 1 else c for c in text)
        found: list[Mention] = []
        # Latin (and mixed) names: runs of word tokens at token boundaries
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(low)]
        for i in range(len(tokens)):
            for j in range(min(len(tokens), i + self._latin_max) - 1, i - 1, -1):
                s, e = tokens[i][0], tokens[j][1]
                hit = self._by_surface.get(re.sub(r"\s+", " ", low[s:e]))
                if hit:
                    found.append(Mention(s, e, hit[0], hit[1], priority=0))
                    break
        # Chinese names: any substring
        if is_cjk(low):
            for i, ch in enumerate(low):
                if not ("\u3400" <= ch <= "\u9fff"):
                    continue
                for n in range(min(self._cjk_max, len(low) - i), 1, -1):
                    hit = self._by_surface.get(low[i : i + n])
                    if hit:
                        found.append(Mention(i, i + n, hit[0], hit[1], priority=0))
                        break
        return found


_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’&._-]*[a-z0-9]|[a-z0-9]|[\u3400-\u9fff·]+")


def _clean_en_phrase(text: str, start: int) -> tuple[int, str] | None:
    words = text.split(" ")
    while words and words[0].strip(".,'’").lower() in lx.EN_SENTENCE_STARTERS:
        start += len(words[0]) + 1
        words = words[1:]
    while words and words[-1].strip(".,'’").lower() in lx.EN_STOP:
        words = words[:-1]
    if not words:
        return None
    phrase = " ".join(words).rstrip(".,")
    phrase = re.sub(r"(?:'s|’s|'|’)$", "", phrase)
    lowered = [w.strip(".,'’").lower() for w in phrase.split()]
    titles = lx.EN_TITLES | {"operating", "executive", "technology", "technical", "financial", "information",
                             "senior", "junior", "assistant", "deputy", "general", "sales", "product"}
    if all(w in titles for w in lowered):
        return None
    lead = 0
    while lead < len(lowered) - 2 and lowered[lead] in titles | _PERSON_TITLES:
        lead += 1
    if lead and lowered[-1] not in titles | _PERSON_TITLES and _en_type(" ".join(phrase.split()[lead:])) == "person":
        # "Captain Rafael Mendes", "Chief Pilot Gong Lixin": the person is Rafael Mendes
        cut = phrase.split()[:lead]
        start += len(" ".join(cut)) + 1
        phrase = " ".join(phrase.split()[lead:])
    if len(lowered) == 1 and (lowered[0] in lx.EN_MONTHS or lowered[0] in lx.EN_STOP):
        return None
    return start, phrase


# words that stand before a person's name as a title or rank (with lexicon.EN_TITLES)
_PERSON_TITLES = frozenset(
    "captain capt pilot professor doctor nurse dean president chairman chair commander officer investigator "
    "inspector superintendent sergeant supervisor coordinator principal".split()
)


# a sentence that starts with its verb ("Reports to …", "Based in …", "Working with …") leaves its
# subject out: the capitalised first word is that verb, not a name
_PREDICATE_PREP = re.compile(r"\s+(?:to|in|at|by|from|with|into|under|for|on)\b")


def _predicate_first(word: str, rest: str) -> bool:
    w = word.lower()
    verb = w in _EN_VERBS or w in lx.EN_PREDICATE_OPENERS or bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", w))
    return verb and bool(_PREDICATE_PREP.match(rest))


def find_mentions(text: str, gazetteer: Gazetteer | None = None, *, question: bool = False) -> list[Mention]:
    """The entity mentions of one sentence (or cell), non-overlapping, in text order, aliases merged.
    ``question``: also the thing a role word is about ("印刷油墨供应商" -> 印刷油墨), to link it."""
    cands: list[Mention] = list(gazetteer.find(text)) if gazetteer else []
    for m in _DATE.finditer(text):
        cands.append(Mention(m.start(), m.end(), m.group(0).strip(), "date", priority=1))
    for m in _CODE.finditer(text):
        cands.append(Mention(m.start(), m.end(), m.group(0), "code", priority=2))
    for m in _NUMBER.finditer(text):
        value = m.group(0).strip()
        if re.search(r"\d", value) and (len(re.sub(r"\D", "", value)) >= 2 or re.search(r"[^\d\s,.]", value)):
            s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            cands.append(Mention(s, s + len(value), value, "number", priority=3))
    for m in _CAP_PHRASE.finditer(text):
        cleaned = _clean_en_phrase(m.group(0), m.start())
        if cleaned is None:
            continue
        s, phrase = cleaned
        e = s + len(phrase)
        tail = re.match(r"\s+(" + "|".join(lx.EN_HEADS) + r")\b", text[e:])
        if tail and not re.search(r"\d", phrase):
            phrase, e = phrase + " " + tail.group(1), e + tail.end()
        at_start = not text[:s].strip(" \t\"'“(")
        if at_start and " " not in phrase and phrase.lower() in lx.EN_SENTENCE_STARTERS:
            continue
        if at_start and " " not in phrase and _predicate_first(phrase, text[e:]):
            continue  # "Reports to Zhou Man.", "Based in Porto.": a predicate whose subject is left out
        cands.append(Mention(s, e, phrase, _en_type(phrase), priority=4))
    for m in _HEAD_NP.finditer(text):
        mods = [w for w in m.group(1).split() if w]
        while mods and (mods[0] in lx.EN_STOP or mods[0] in _EN_VERBS):
            mods = mods[1:]
        if not mods or any(w in _EN_VERBS or w in lx.EN_STOP for w in mods):
            continue
        phrase = " ".join(mods + [m.group(2)])
        s = m.end() - len(phrase)
        if text[s:m.end()] == phrase:
            cands.append(Mention(s, m.end(), phrase, "thing", priority=5))
    accepted = _resolve(cands)
    accepted = _resolve(accepted + _zh_chunks(text, accepted, question))
    return _merge_aliases(text, _merge_modifiers(text, accepted), gazetteer)


def _merge_modifiers(text: str, ms: list[Mention]) -> list[Mention]:
    """"BOPP" + "packaging film" -> "BOPP packaging film": a short capitalised name or code right before
    a lower-case name ending in a head noun modifies it."""
    out: list[Mention] = []
    for m in ms:
        if (
            out and m.priority == 5 and out[-1].priority in (2, 4) and text[out[-1].end : m.start] == " "
            and len(out[-1].name.split()) <= 2 and not out[-1].aliases
        ):
            prev = out.pop()
            m = Mention(prev.start, m.end, f"{prev.name} {m.name}", "thing", m.aliases, prev.priority)
        out.append(m)
    return out


def _resolve(cands: list[Mention]) -> list[Mention]:
    taken: list[Mention] = []
    for m in sorted(cands, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        if m.end <= m.start or any(m.start < t.end and t.start < m.end for t in taken):
            continue
        taken.append(m)
    return sorted(taken, key=lambda c: c.start)


def _zh_chunks(text: str, taken: list[Mention], question: bool = False) -> list[Mention]:
    """Chinese noun chunks in the parts of ``text`` no other mention covers."""
    out: list[Mention] = []
    gaps: list[tuple[int, int]] = []
    pos = 0
    for t in taken:
        if t.start > pos:
            gaps.append((pos, t.start))
        pos = max(pos, t.end)
    gaps.append((pos, len(text)))
    for gs, ge in gaps:
        piece = text[gs:ge]
        if not is_cjk(piece):
            continue
        offset = gs
        run: list[tuple[int, str]] = []
        for tok in _cut(piece):
            if tok.strip() and re.fullmatch(r"[\u3400-\u9fff·]+", tok) and tok not in lx.ZH_STOP_WORDS and not (
                len(tok) == 1 and tok in lx.ZH_STOP_CHARS
            ):
                run.append((offset, tok))
            elif run:
                out.extend(_chunk_mentions(run, question))
                run = []
            offset += len(tok)
        if run:
            out.extend(_chunk_mentions(run, question))
    return out


def _chunk_mentions(run: list[tuple[int, str]], question: bool = False) -> list[Mention]:
    """Split a run of content words at role words ("交付总监郑浩" -> 郑浩) and type what is left."""
    pieces: list[list[tuple[int, str]]] = [[]]
    heads = lx.ZH_SITE_HEADS + lx.ZH_THING_HEADS
    longest_head = max(map(len, heads), default=0)
    # Characters from each token to the end of the run: the rest of a long run is never a head word,
    # so it is not joined to find out (joining it at every token was quadratic in the run).
    rest = [0] * (len(run) + 1)
    for j in range(len(run) - 1, -1, -1):
        rest[j] = rest[j + 1] + len(run[j][1])

    def rest_is_head(i: int) -> bool:
        return rest[i] <= longest_head and "".join(t for _, t in run[i:]) in heads

    so_far = ""  # the current piece's text
    for i, (pos, tok) in enumerate(run):
        pieces[-1].append((pos, tok))
        so_far += tok
        if i + 1 < len(run) and len(so_far) >= 2 and so_far[-1] in "省市区县" and so_far not in lx.ZH_STOP_WORDS:
            pieces.append([])  # an address: 广东省 | 深圳市 | 南山区 | …
            so_far = ""
            continue
        if i + 1 < len(run) and (
            any(so_far.endswith(r) for r in lx.ZH_ROLE_WORDS)
            or (len(so_far) >= 3 and len(tok) >= 2 and tok in heads and not rest_is_head(i + 1))
        ):
            pieces.append([])
            so_far = ""
    out = []
    for piece in pieces:
        if not piece:
            continue
        chunk = "".join(t for _, t in piece)
        if question:
            role = next((r for r in lx.ZH_ROLE_WORDS if chunk.endswith(r)), None)
            if role and len(chunk) - len(role) >= 2:
                chunk = chunk[: -len(role)]
        typ = _zh_type(chunk, question)
        if typ is None:
            # a label word in front of a name: "项目负责人" is a role, "供应商艾克" names 艾克
            continue
        out.append(Mention(piece[0][0], piece[0][0] + len(chunk), chunk, typ, priority=6))
    return out


def _merge_aliases(text: str, mentions: list[Mention], gazetteer: Gazetteer | None) -> list[Mention]:
    """``X（Y）`` and ``X (Y)``: Y is another name of X (when it is a name: not a number or a year)."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        p = _PAREN.match(text, m.end)
        if p and m.type not in ("date", "number"):
            inner = _ALIAS_MARK.sub("", p.group(1)).strip()
            inner_mentions = [n for n in mentions[i + 1 :] if n.start >= p.start(1) and n.end <= p.end(1)]
            name_like = bool(inner) and not re.fullmatch(r"[\d\s,.%年月日/-]+", inner) and (
                is_cjk(inner) != is_cjk(m.name) or inner_mentions or inner[:1].isupper()
            )
            if name_like and len(inner) <= 40:
                m = Mention(m.start, p.end(), m.name, m.type, m.aliases + [inner], m.priority)
                if m.type == "thing" and inner_mentions and inner_mentions[0].type not in ("thing", "date", "number"):
                    m.type = inner_mentions[0].type
                i += 1 + len(inner_mentions)
                out.append(m)
                continue
        out.append(m)
        i += 1
    return out


# ------------------------------------------------------------------ relations

_EN_REL_PRONOUN = re.compile(r"^\s*(?:who|which|that|whose)\b", re.IGNORECASE)
_PRONOUN_START = re.compile(
    r"^\s*(?:(?:since|before|after|until|from|in|on|as of|during)\s+[^,;]{1,30}?,?\s+)?"  # "Since July 2026 she …"
    r"(?:it|its|they|their|he|she|his|her|the company|the team|the supplier|the service|this company)\b|^\s*(?:"
    + "|".join(lx.ZH_PRONOUNS)
    + ")",
    re.IGNORECASE,
)
_COORD = re.compile(r"^\s*(?:和|与|及|以及|、|跟|and|&|/|,)\s*$", re.IGNORECASE)
_SUBJECT_PREFIX = re.compile(
    r"^[\s\"'“(]*(?:(?:the|our|a|an|host|cluster|database|server|service|project|team|datacenter|contract|"
    + "|".join(sorted(lx.EN_TITLES | _PERSON_TITLES))  # "Captain Rafael Mendes flies …": the title is no predicate
    + r")\.?\s+)*$",
    re.IGNORECASE,
)
_LEAD_KEY = re.compile(r"^\s*[^\s：:，,。]{1,8}[：:]\s*")
_NEW_PREDICATE = re.compile(r"^\s*(?:and|but|then|while)\s+(?:also\s+)?[a-z]+(?:s|ed)\b", re.IGNORECASE)
_ZH_TAIL_VERB = re.compile(r"^[\u3400-\u9fff]{1,6}")


def clean_label(text: str) -> str:
    """The words between two mentions as an edge label: trimmed of punctuation, determiners and the
    Chinese function characters at its ends, at most 40 characters."""
    t = re.sub(r"[（(][^（）()]*[)）]", " ", text)  # an aside in parentheses is no part of a relation
    t = re.sub(r"\s+", " ", t).strip(" ,，;；:：、。.()（）\"'“”|—–-·")
    t = re.sub(r"^(?:the|a|an|its|their|our|is|are|was|were)\s+", "", t, flags=re.IGNORECASE)
    t = re.sub(r"\s+(?:the|a|an|its|their|our)$", "", t, flags=re.IGNORECASE)
    t = re.sub(r"^(?:it|they|he|she|which|who|that)\s+", "", t, flags=re.IGNORECASE)
    t = t.strip("的是为之 ")
    return t[:40]


def _relate_clause(
    clause: str, ms: list[Mention], subject: str | None, prev_last: str | None
) -> tuple[list[tuple[str, str, str, str]], str | None]:
    """Relations (head, tail, label, kind) of one clause and the clause's own subject."""
    rels: list[tuple[str, str, str, str]] = []
    if not ms:
        return rels, None
    prefix = clause[: ms[0].start]
    starts_with_mention = bool(_SUBJECT_PREFIX.match(prefix)) or (is_cjk(clause) and len(prefix.strip()) == 0)
    head_for_predicate: str | None = None
    if _EN_REL_PRONOUN.match(prefix) and prev_last:
        head_for_predicate = prev_last
    elif not starts_with_mention or _PRONOUN_START.match(clause):
        head_for_predicate = subject
    if head_for_predicate:
        for m in ms:
            if m.name == head_for_predicate:
                continue
            label = clean_label(clause[: m.start])
            rest = clause[m.end :].strip().rstrip("。.！!？?")
            tail = _ZH_TAIL_VERB.fullmatch(rest) if is_cjk(clause) and len(rest) <= 4 else None
            if tail:
                label = f"{label}…{tail.group(0)}" if label else tail.group(0)
            rels.append((head_for_predicate, m.name, label or "related to", "pattern"))
        return rels, None
    # groups of coordinated mentions: "孙婷和何伟都在成都办公室工作"
    groups: list[list[Mention]] = [[ms[0]]]
    for a, b in zip(ms, ms[1:], strict=False):
        if _COORD.match(clause[a.end : b.start]):
            groups[-1].append(b)
        else:
            groups.append([b])
    for g1, g2 in zip(groups, groups[1:], strict=False):
        between = clause[g1[-1].end : g2[0].start]
        if _NEW_PREDICATE.match(between):
            g1 = groups[0]  # "X manages the line and reports to Y": Y is X's
        label = clean_label(between)
        rest = clause[g2[-1].end :].strip()
        if is_cjk(clause):
            tail = _ZH_TAIL_VERB.fullmatch(rest.rstrip("。.！!？?")) if len(label) > 3 else _ZH_TAIL_VERB.match(rest)
            if tail and (len(label) <= 3 or len(tail.group(0)) <= 4):
                label = f"{label}…{tail.group(0)}" if label else tail.group(0)
        if g2[0].type in ("date", "number") and re.fullmatch(r"(?:on|in|at|since|from|until|by|于|在)?", label, re.I):
            g1 = groups[0]  # "X was signed with Y on 2025-04-18": the date is X's
            label = clean_label(clause[groups[0][-1].end : g2[0].start]) if len(groups) > 2 else label
        for a in g1:
            for b in g2:
                if a.name != b.name:
                    rels.append((a.name, b.name, label or "related to", "pattern"))
    return rels, ms[0].name


@dataclass
class _DocState:
    sentences: list[Sentence] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)  # name_key -> entity
    relations: list[Relation] = field(default_factory=list)
    rel_seen: set[tuple[str, str, str, int]] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)  # the document's column names: words, not entities ("常驻基地")

    def entity(self, m: Mention) -> str:
        key = name_key(m.name)
        e = self.entities.get(key)
        if e is None:
            for alias in m.aliases:
                e = self.entities.get(name_key(alias))
                if e is not None:
                    break
        if e is None:
            e = self.entities[key] = Entity(name=m.name, type=m.type)
        for alias in m.aliases:
            if alias != e.name and alias not in e.aliases:
                e.aliases.append(alias)
            self.entities.setdefault(name_key(alias), e)
        if e.type == "thing" and m.type not in ("thing",):
            e.type = m.type
        return e.name

    def relate(self, head: str, tail: str, label: str, sentence: int, kind: str) -> None:
        if not head or not tail or name_key(head) == name_key(tail):
            return
        k = (head, tail, label, sentence)
        if k not in self.rel_seen:
            self.rel_seen.add(k)
            self.relations.append(Relation(head=head, tail=tail, label=label, sentence=sentence, kind=kind))


@dataclass
class ChunkInput:
    """What extraction needs of a stored chunk."""

    chunk_id: str
    text: str
    heading: str = ""
    citation: str = ""


def _topic(heading: str, gazetteer: Gazetteer, st: _DocState) -> str:
    """The entity a section is about: its own heading's (not the document's top heading)."""
    parts = [p.strip() for p in heading.split(" > ") if p.strip()]
    if not parts:
        return ""
    ms = [
        m for m in find_mentions(parts[-1], gazetteer)
        if m.type not in ("date", "number") and not (m.type == "thing" and " " not in m.name and not is_cjk(m.name))
    ]
    if not ms:
        return ""
    ms.sort(key=lambda m: (m.type not in ("code", "org", "person", "place"), -(m.end - m.start)))
    covered = sum(m.end - m.start for m in ms)
    named = ms[0].type in ("code", "org", "person", "place")  # "指夹式血氧仪 P200" is about P200
    if not named and covered < (0.6 if len(parts) > 1 else 0.3) * len(parts[-1].strip()):
        return ""
    return st.entity(ms[0])


def extract_document(
    chunks: Sequence[ChunkInput], *, source: str, title: str = "", key: str = "", gazetteer: Gazetteer | None = None
) -> DocGraph:
    """The document's :class:`DocGraph` from its chunks (in document order)."""
    st = _DocState()
    pairs = _units(chunks)
    # First pass: names the document itself marks as names (table cells, aliases, headings), so its
    # sentences find them even where the rules would not ("包装膜" in running Chinese text).
    local: list[tuple[str, str, str]] = []
    for _, text, _ in _sections(chunks):
        for m in _bold_names(text):
            local.extend((s, m.name, m.type) for s in [m.name, *m.aliases])
            st.entity(m)
    st.labels = {col.strip() for u, _ in pairs if u.kind == "row" for col, _ in u.cells if len(col.strip()) >= 2}
    for u, _ in pairs:
        if u.kind == "row":
            for _, cell in u.cells:
                if cell and not re.fullmatch(r"[\d\s,.%年月日/:-]+", cell) and len(cell) <= 40:
                    found = _cell_mentions(cell)
                    for m in found or [Mention(0, len(cell), cell, "thing")]:
                        local.extend((s, m.name, m.type) for s in [m.name, *m.aliases])
                    if not found:
                        local.append((cell, cell, "thing"))
        for m in find_mentions(u.text):
            if m.aliases:
                local.extend((s, m.name, m.type) for s in [m.name, *m.aliases])
    gaz = Gazetteer([*(gazetteer.items() if gazetteer else []), *local])

    prev_subject: str | None = None
    topics: dict[str, str] = {}
    section = None
    intro: _ListIntro | None = None
    para: tuple[str, int] | None = None
    owner: str | None = None  # what the current list item or profile paragraph is about
    for u, ch in pairs:
        if ch.heading not in topics:
            topics[ch.heading] = _topic(ch.heading, gaz, st)
        topic = topics[ch.heading]
        if ch.heading != section:
            section, prev_subject, intro = ch.heading, None, None  # nothing carries into the next section
        if (ch.heading, u.para) != para:
            para, owner = (ch.heading, u.para), None
        seen_key = f"{ch.heading}\n{u.para}\n{u.text}"  # the same words in another paragraph say it again
        idx = st.seen.get(seen_key)
        if idx is not None:
            continue  # repeated by the chunk overlap
        idx = st.seen[seen_key] = len(st.sentences)
        st.sentences.append(Sentence(chunk_id=ch.chunk_id, text=u.text, citation=ch.citation, topic=topic))
        if u.kind == "row":
            _row(u, idx, gaz, st)
            st.sentences[idx].mentions = sorted({n for r in st.relations if r.sentence == idx for n in (r.head, r.tail)})
            continue
        if u.kind == "field":
            (k, v), = u.cells
            ms = find_mentions(v, gaz) or ([Mention(0, len(v), v, "thing")] if len(v) <= 40 else [])
            head = topic or prev_subject
            for m in ms:
                name = st.entity(m)
                st.sentences[idx].mentions.append(name)
                if head:
                    st.relate(head, name, clean_label(k), idx, "field")
            continue
        first_of_para = owner is None
        prev_subject = _sentence(u.text, idx, gaz, st, topic, prev_subject, owner)
        if first_of_para and (u.item or _PROFILE_LEAD.match(u.text)):
            # "- Nadia Karimova — Director of Flight Operations; reports to Han Dong." and
            # "**天际航技（Skyline Technics）**：总部位于天津。合同编号 …": the later sentences are the
            # item's (or the profile's) even without a subject of their own
            owner = _own_subject(u.text, gaz)
            if owner:
                _job_title(u.text, owner, idx, st)
        if u.item == 1 and intro:
            intro.relate(u.text, idx, gaz, st)
        elif not u.item:
            intro = _ListIntro.of(u.text, gaz)
    return DocGraph(
        source=source,
        title=title,
        key=key,
        sentences=st.sentences,
        entities=_unique(st.entities.values()),
        relations=st.relations,
    )


_LIST_COLON = re.compile(r"\s*[:：]$")


@dataclass
class _ListIntro:
    """A sentence that introduces a list and names one end of a relation that every item of the list
    shares: "Two leads report to Priya Raman:" (each item reports to her; the items are heads) or
    "以下两位向 X 汇报：" (the same in Chinese), or "Priya Raman manages:" (the named entity is the head,
    each item a tail)."""

    entity: Mention
    label: str
    items_are_heads: bool

    @classmethod
    def of(cls, text: str, gaz: Gazetteer) -> _ListIntro | None:
        colon = _LIST_COLON.search(text)
        if not colon:
            return None
        body = text[: colon.start()]
        ms = find_mentions(body, gaz)
        if not ms:
            return None
        last = ms[-1]
        if not body[last.end :].strip(" ，,的"):  # "... report to Priya Raman:"
            before = body[ms[-2].end if len(ms) > 1 else 0 : last.start]
            label = clean_label(" ".join(before.split()[-4:]) if before.isascii() else before[-8:])
            return cls(last, label, True) if label else None
        after = body[last.end :].strip()
        if re.fullmatch(r"[\u3400-\u9fff]{1,4}", after) and re.search(r"[向对给]\s*$", body[: last.start]):
            return cls(last, body[: last.start].strip()[-1] + after, True)  # "以下两位向 X 汇报："
        first = ms[0]
        if len(ms) == 1 and not clean_label(body[: first.start]):  # "Priya Raman owns:"
            label = clean_label(body[first.end :])
            return cls(first, label, False) if label else None
        return None

    def relate(self, item: str, idx: int, gaz: Gazetteer, st: _DocState) -> None:
        """The relation to the entity an item starts with ("Aisha Okoye, Test Automation Lead.")."""
        ms = find_mentions(item, gaz)
        if not ms or clean_label(item[: ms[0].start]):
            return
        name, own = st.entity(self.entity), st.entity(ms[0])
        if own not in st.sentences[idx].mentions:
            st.sentences[idx].mentions.append(own)
        if name not in st.sentences[idx].mentions:
            st.sentences[idx].mentions.append(name)
        head, tail = (own, name) if self.items_are_heads else (name, own)
        st.relate(head, tail, self.label, idx, "list")


def _units(chunks: Sequence[ChunkInput]) -> list[tuple[Unit, ChunkInput]]:
    """The document's units in order, each with the chunk it starts in. Consecutive chunks of one
    section are joined first, without the overlap the chunker repeats, so a table cut across chunks
    (its header in one, a row split between two) reads whole again."""
    out: list[tuple[Unit, ChunkInput]] = []
    header: list[str] | None = None
    for group, text, starts in _sections(chunks):
        units, header = split_units(text, header)
        cursor = 0
        for u in units:
            probe = u.cells[0][1] if u.kind == "row" and u.cells else u.text[:24]
            pos = text.find(probe, cursor)
            if pos < 0:
                pos = cursor
            cursor = pos
            owner = max((k for k, s in enumerate(starts) if s <= pos), default=0)
            out.append((u, group[owner]))
    return out


def _sections(chunks: Sequence[ChunkInput]) -> Iterable[tuple[Sequence[ChunkInput], str, list[int]]]:
    """Runs of consecutive chunks under one heading, with their text joined (see :func:`_join`)."""
    i = 0
    while i < len(chunks):
        group = [chunks[i]]
        while i + len(group) < len(chunks) and chunks[i + len(group)].heading == chunks[i].heading:
            group.append(chunks[i + len(group)])
        yield (group, *_join(group))
        i += len(group)


def _join(group: Sequence[ChunkInput]) -> tuple[str, list[int]]:
    text = group[0].text
    starts = [0]
    for ch in group[1:]:
        nxt = ch.text
        cut = 0
        for k in range(min(len(text), len(nxt), 600), 3, -1):
            # a short overlap counts only as a whole sentence ("客户经理：周敏。" repeated by the chunker)
            if text.endswith(nxt[:k]) and (k >= 10 or re.search(r"[。！？.!?]$", nxt[:k])):
                cut = k
                break
        rest = nxt[cut:]
        last = text.rsplit("\n", 1)[-1].strip()
        if last.startswith("|") and not last.endswith("|"):
            sep = ""  # a table row the chunk boundary cut in two
        else:
            sep, rest = "\n", rest.lstrip(" ")
        starts.append(len(text) + len(sep))
        text = text + sep + rest
    return text, starts


def _unique(entities: Iterable[Entity]) -> list[Entity]:
    seen: set[int] = set()
    out = []
    for e in entities:
        if id(e) not in seen:
            seen.add(id(e))
            out.append(e)
    return out


# a column that gives the previous column's name in another language or form
_ALIAS_COLUMN = re.compile(
    r"^(?:英文名(?:称)?|中文名(?:称)?|英文|中文|别名|简称|全称|english(?: name)?|chinese(?: name)?|alias|aka|also known as)$",
    re.IGNORECASE,
)
_ENUM_SPLIT = re.compile(r"\s*[、；;]\s*")


def _cell_mentions(cell: str, gaz: Gazetteer | None = None) -> list[Mention]:
    """A table cell's mentions; a cell that is one Chinese word run is one name even where the rules
    find only part of it ("瑞和滨江医院", not "滨江医院")."""
    ms = find_mentions(cell, gaz)
    whole = re.fullmatch(r"[\u3400-\u9fff·]{2,14}", cell.strip())
    if whole and ms and (len(ms) > 1 or ms[0].end - ms[0].start < len(cell.strip())):
        typ = next((m.type for m in ms if m.type not in ("date", "number")), "thing")
        return [Mention(0, len(cell.strip()), cell.strip(), _zh_type(cell.strip()) or typ)]
    return ms


_BOLD = re.compile(r"\*\*([^*\n]{2,80}?)\*\*|__([^_\n]{2,80}?)__")
_BOLD_ALIAS = re.compile(r"^(.+?)\s*[（(]([^()（）]{1,48})[)）]$")


def _bold_names(text: str) -> list[Mention]:
    """Names a document sets in bold inside a line ("**天际航技（Skyline Technics）**：…", "1. **Magnetron
    sputtering system MS-600** — Thin Film Lab"): the bold text is one name, a parenthesised name after it
    (not a number) its alias, and a code or a quoted name inside it another alias. A line that is only bold
    is a label ("**Leadership**"), not a name."""
    out: list[Mention] = []
    for m in _BOLD.finditer(text):
        bold = (m.group(1) or m.group(2)).strip()
        if bold.endswith((":", "：")):
            continue  # "**Duty controller:** Marco Hale": a key, not a name
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        rest = text[m.end() : line_end if line_end >= 0 else len(text)].strip()
        if not rest or re.search(r"[。，；;!?！？]|[.,]\s", bold) or not bold:
            continue
        if _BULLET_OR_SPACE.sub("", text[line_start : m.start()]):
            continue  # bold in the middle of running text: emphasis, not a name
        name, aliases = bold, []
        pair = _BOLD_ALIAS.match(bold)
        if pair and not re.match(r"\d", pair.group(2)):
            name, aliases = pair.group(1).strip(), [pair.group(2).strip()]
        elif pair:
            name = pair.group(1).strip()
        aliases += re.findall(r"[\"“]([^\"”]{2,40})[\"”]", name)
        name = re.sub(r"[\"“”]", "", name)
        inner = [x for x in find_mentions(name) if x.type not in ("date", "number")]
        aliases += [c.group(0) for c in _CODE.finditer(name) if c.group(0) != name]
        if len(inner) == 1 and inner[0].name == name:
            typ = inner[0].type
        elif is_cjk(name):
            typ = _zh_type(name) or ("org" if aliases and _en_type(aliases[0]) == "org" else "thing")
        else:
            typ = "code" if inner and all(x.type == "code" for x in inner) else _en_type(name)
        if typ == "person" and is_cjk(name) and "·" not in name and len(name) > 3:
            typ = "thing"
        out.append(Mention(0, len(name), name, typ, aliases=list(dict.fromkeys(aliases))))
    return out


_BULLET_OR_SPACE = re.compile(r"^\s*(?:[-*•·+]|\d+[.)、]|[（(]?[一二三四五六七八九十]+[)）、.])?\s*")


def _row(u: Unit, idx: int, gaz: Gazetteer, st: _DocState) -> None:
    names: list[tuple[str, str]] = []  # (column, entity name)
    cells = list(u.cells)
    named = 0  # a column whose next column gives its name in another language: an entity of its own
    for k in range(len(cells) - 1, 0, -1):
        if _ALIAS_COLUMN.match(cells[k][0].strip()) and cells[k - 1][1] and cells[k][1]:
            # "| 华东 | 申通商贸 | Shentong Trading | 上海 |": Shentong Trading is 申通商贸's other name
            cell, alias = cells[k - 1][1], cells.pop(k)[1]
            gaz.add(alias, cell, "thing")
            st.entity(Mention(0, len(cell), cell, "thing", aliases=[alias]))
            named = k - 1
    expanded: list[tuple[str, str]] = []
    for col, cell in cells:
        parts = _ENUM_SPLIT.split(cell)
        expanded += [(col, p) for p in parts if p] if len(parts) > 1 and all(len(p) <= 40 for p in parts) else [(col, cell)]
    for col, cell in expanded:
        ms = _cell_mentions(cell, gaz)
        if ms and sum(m.end - m.start for m in ms) >= 0.5 * len(cell):
            m = ms[0]
        elif len(cell) <= 40:
            m = Mention(0, len(cell), cell, "thing")
        else:
            continue
        # a column named "Owning team" makes its cell "Payments" the Payments team too
        head = col.split()[-1].lower() if col.split() else ""
        if head in lx.EN_HEADS and m.type not in ("date", "number") and not m.name.lower().endswith(head):
            m.aliases = [*m.aliases, f"{m.name} {head}"]
        else:
            zh_head = next((h for h in (*lx.ZH_SITE_HEADS, "团队", "小组", "部门") if col.endswith(h)), None)
            if zh_head and is_cjk(m.name) and not m.name.endswith(zh_head) and m.type not in ("date", "number"):
                m.aliases = [*m.aliases, m.name + zh_head]
        names.append((col, st.entity(m)))
    if len(names) < 2:
        return
    _, key_name = names[0]
    for col, name in names[1:]:
        st.relate(key_name, name, clean_label(col), idx, "row")
    if named:
        # the named entity has the row's later cells too (its city, the products it carries)
        own = st.entity(Mention(0, len(cells[named][1]), cells[named][1], "thing"))
        later = {c for c, _ in cells[named + 1 :]}
        for col, name in names[1:]:
            if col in later:
                st.relate(own, name, clean_label(col), idx, "row")


# a profile paragraph starts with its subject and a colon or dash: "海科航修（Aerotech Haike）：总部…",
# "Han Dong (韩东) — Chief Executive Officer."
_PROFILE_LEAD = re.compile(r"^[^：:，,。.;；—–]{2,48}?\s*(?:[：:]|\s[—–-]\s)")


# what a person's profile line says they are: "X — Regional Director, North.", "X：华东区域经理，向Y汇报。"
_TITLE_LEAD = re.compile(r"^[^：:，,。;；—–]{2,60}?(?:\s[—–-]\s|\s*[：:]\s*)(?P<rest>.+)$")
_EN_ROLE_HEAD = re.compile(
    r"\b(?:director|head|lead|leader|manager|officer|chief|president|supervisor|engineer|producer|coordinator|"
    r"secretary|chair|chairman|chairwoman|counsel|controller|planner|buyer|auditor|inspector|administrator|"
    r"founder|partner|superintendent|dean|principal|captain|pilot|ceo|cfo|coo|cto|cio|vp)\b",
    re.IGNORECASE,
)
_ZH_ROLE_HEAD = re.compile(r"(?:总监|经理|主管|负责人|总裁|董事长|主任|厂长|站长|院长|组长|制作人|专员|工程师|部长|处长|队长|主席|秘书|总师|首席\S{0,6}官|[^，,。]{1,6}官)$")


def _job_title(text: str, owner: str, idx: int, st: _DocState) -> None:
    """A person's profile line names their job: the title, qualifier included ("Regional Director,
    North", "Head of HSE", "华东区域经理"), becomes a node the person holds (``job title``), so that a role
    named elsewhere ("the North regional director", "北区区域总监") can reach its holder."""
    e = st.entities.get(name_key(owner))
    m = _TITLE_LEAD.match(text)
    if e is None or e.type != "person" or m is None:
        return
    rest = re.sub(r"\s*[（(][^（）()]*[)）]", "", m.group("rest"))
    parts = re.split(r"[;；。]|\.(?:\s|$)", rest)[0]
    if is_cjk(parts):
        title = re.split(r"[，,]", parts)[0].strip()
        ok = bool(_ZH_ROLE_HEAD.search(title)) and len(title) <= 14
    else:
        kept: list[str] = []
        for seg in parts.split(","):
            seg = seg.strip()
            # "Regional Director, North": a capitalised qualifier stays; ", reports to …" ends the title
            if not seg or (kept and (not seg[0].isupper() or len(seg.split()) > 3)):
                break
            kept.append(seg)
        title = ", ".join(kept)
        ok = bool(kept) and bool(_EN_ROLE_HEAD.search(kept[0])) and len(title.split()) <= 8
    if not ok or name_key(title) == name_key(owner):
        return
    name = st.entity(Mention(0, len(title), title, "thing"))
    if name not in st.sentences[idx].mentions:
        st.sentences[idx].mentions.append(name)
    st.relate(owner, name, "job title", idx, "field")


def _own_subject(text: str, gaz: Gazetteer) -> str | None:
    """The entity a sentence starts with (its subject when it names one first), else None."""
    ms = [m for m in find_mentions(text, gaz) if m.type not in ("date", "number")]
    if not ms or not _SUBJECT_PREFIX.match(text[: ms[0].start]):
        return None
    return ms[0].name


def _sentence(
    text: str, idx: int, gaz: Gazetteer, st: _DocState, topic: str, prev_subject: str | None,
    owner: str | None = None,
) -> str | None:
    """Relations of one sentence; returns its subject (for the next sentence's pronouns). ``owner``: the
    entity the sentence's list item or profile paragraph is about, the subject of a sentence without one."""
    subject: str | None = None
    prev_last: str | None = None
    pronoun = bool(_PRONOUN_START.match(text))
    if pronoun and prev_subject:
        carried: str | None = prev_subject
    elif owner:
        carried = st.entity(Mention(0, 0, owner, "thing"))
    elif is_cjk(text):  # Chinese drops a subject that the previous sentence named
        carried = topic or prev_subject
    else:
        carried = topic or None
    lead = _LEAD_KEY.match(text)
    if lead and len(text) - lead.end() >= 1 and owner:
        # "Supplier: Kaiyuan Vacuum." / "客户经理：周敏。" in an item about X: X's supplier, X's manager
        rest = text[lead.end() :]
        ms = find_mentions(rest, gaz)
        if ms and not clean_label("".join(c for i, c in enumerate(rest) if not any(m.start <= i < m.end for m in ms))):
            for m in ms:
                name = st.entity(m)
                if name not in st.sentences[idx].mentions:
                    st.sentences[idx].mentions.append(name)
                st.relate(carried or owner, name, clean_label(text[: lead.end()]), idx, "field")
            return prev_subject
    if lead and len(text) - lead.end() >= 4:
        key_ms = [m for m in find_mentions(text[: lead.end()], gaz) if m.type == "person"]
        if not owner and len(key_ms) == 1 and not clean_label(text[: key_ms[0].start]):
            # "葛文涛：华东区域经理，向沈蔓汇报。": a person's name as the key is what the sentence is about
            carried = st.entity(key_ms[0])
        text = text[lead.end() :]  # "决定：晨光项目的上线日期…": the sentence proper starts after the key
    first = True
    previous: tuple[str, list[Mention]] | None = None
    for _, clause in clauses(text):
        asides = [(p.start(), p.end()) for p in re.finditer(r"[（(][^（）()]*[)）]", clause)]
        ms = [m for m in find_mentions(clause, gaz)
              if not any(a <= m.start and m.end <= b for a, b in asides) and m.name not in st.labels]
        for m in ms:
            m.name = st.entity(m)
            if m.name not in st.sentences[idx].mentions:
                st.sentences[idx].mentions.append(m.name)
        if previous is not None and len(ms) == 1 and not clean_label(
            clause[: ms[0].start] + clause[ms[0].end :]
        ).strip(" .。!！?？and"):
            # an apposition: "reports to the Chief Operating Officer, Daniel Wu."
            pclause, pms = previous
            if pms and not _SUBJECT_PREFIX.match(pclause[: pms[0].start]) and (subject or carried):
                # "Since July 2026 she reports directly to the CEO, Han Dong.": Han Dong is whom she reports to
                st.relate(subject or carried or "", ms[0].name, clean_label(pclause[pms[-1].end :]) or "related to",
                          idx, "pattern")
            elif pms:
                st.relate(pms[0].name, ms[0].name, clean_label(pclause[pms[0].end :]) or "related to", idx, "pattern")
            previous = (clause, ms)
            continue
        rels, own_subject = _relate_clause(clause, ms, subject or carried, prev_last)
        if first:
            subject = own_subject or (carried if rels else None)
            first = False
        for head, tail, label, kind in rels:
            st.relate(head, tail, label, idx, kind)
        if topic and ms and not rels and subject is None:
            for m in ms:
                st.relate(topic, m.name, clean_label(clause[: m.start]) or "related to", idx, "topic")
        if ms:
            prev_last = ms[-1].name
        previous = (clause, ms)
    return subject or prev_subject
