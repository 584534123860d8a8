"""A tenant's own zh<->en glossary, read from its documents: what a Chinese question's words are called in an
English document and the reverse, so that an extract can tell rows and sentences in the other language apart
(the encoder's cosine across scripts barely separates "Large dog" from "Small dog" under 大型犬).

Three sources, all the tenant's own wording, never a general dictionary:

- pairs the documents state: a name with its other-language form in brackets (``Boarding (寄养)``,
  ``银鹭号（MV Silver Egret，BL-21）``, ``电助力车（e-bike）``) and bilingual headings or table headers
  (``费用 / Fees``);
- sound: a Chinese place or brand name and its romanised form (锦江 = Jinjiang, 五通 = Wutong, 新疆 = Xinjiang):
  the pinyin of the question's Chinese words meets the capitalised words of the tenant's English documents,
  and a question's capitalised English word meets the Chinese words of the tenant's documents that sound so;
- meaning, word by word: the question's words (and two-word phrases) meet the other script's words of the tenant's
  documents that the multilingual encoder puts closest (大型犬 = "large dog", 押金 = "deposit"), when the
  closest is at least ``WORD_MATCH`` and clearly closer than the next (``WORD_MARGIN``), and no stated pair or
  sound already bridges the word.

Terms are :func:`~autoglm.shared.lexical.terms` (English words, Chinese character bigrams), so a bridge maps the
question's terms to the terms of the other script that a span must hold to name the same thing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from autoglm.shared import lexical

Embed = Callable[[list[str]], list[list[float]]]
WORD_MATCH = 0.55
WORD_MARGIN = 0.1
"""Set on words of our own (tests/unit/memory/test_glossary.py): true translations of a tenant's words score
0.55-0.94 (猫 = cat 0.94, 押金 = deposit 0.63, 储物柜 = locker 0.55), the runner-up 0.1-0.3 lower; a word with no
counterpart in the documents (fee among 调度费 and 挂号费) has two near-equal candidates."""
_MAX_VOCAB = 1500

_CJK = r"\u3400-\u9fff"
_CJK_RUN = re.compile(rf"[{_CJK}]+")
# a name with its other-language form in brackets; the inside may list several things ("MV Silver Egret，BL-21")
_BRACKETED = re.compile(r"(?P<before>[^\n（()）]{1,80}?)\s*[（(](?P<inside>[^（()）\n]{1,60})[）)]")
_SPLIT_INSIDE = re.compile(r"\s*[，,、/；;]\s*")
# heading or header cells written in both languages: "费用 / Fees", "Fees｜费用"
_BILINGUAL = re.compile(r"^\s*(?P<a>[^/｜|]+?)\s*[/／｜|]\s*(?P<b>[^/｜|]+?)\s*$")
# English words that end a name read backwards from its bracket ("the Jinji Lake branch (金鸡湖分院)")
_EN_BOUNDARY = frozenset(
    "a an the at in on of for to by with from and or is are was has have our your its their this that these "
    "those each every per all".split()
)
# Chinese function characters a name read backwards from its bracket stops at ("适用于绿叶动物医院（...）")
_ZH_BOUNDARY = re.compile(r"[的和与及于在是为有个各、把被让向从对由或]")
# verbs and prepositions that lead into a name ("请到东门服务台（East Gate desk）"), dropped from its front
_ZH_LEAD = re.compile(r"^(?:请|到|去|往|前往|可|须|需|凭|持|经|设|配|位于|包括|称为|叫做|叫|即|每)+")
_MAX_EN_WORDS = 4
_MAX_ZH_CHARS = 8
_MIN_SOUND = 4  # letters of a romanised name: "Dadeng", "Gaoxin"; two syllables at least
_CAPWORD = re.compile(r"\b[A-Z][a-z]{3,}\b")

_pinyin_lock = threading.Lock()


def _pinyin(text: str) -> list[str]:
    with _pinyin_lock:
        from pypinyin import lazy_pinyin

    return lazy_pinyin(text, errors="ignore")


def _latin(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", text)) and not re.search(f"[{_CJK}]", text)


def _chinese(text: str) -> bool:
    return bool(re.search(f"[{_CJK}]", text)) and not re.search(r"[A-Za-z]{2}", text)


def _en_name_before(text: str) -> str:
    """The English name that ends just before a bracket: up to four words, stopping at punctuation or glue."""
    words: list[str] = []
    for word in reversed(re.split(r"\s+", text.strip())):
        bare = word.strip("*_`\"'“”‘’")
        if not bare or not re.fullmatch(r"[A-Za-z][A-Za-z0-9&'’-]*", bare) or bare.lower() in _EN_BOUNDARY:
            break  # (a word ending in a full stop or comma ends the clause before the name)
        words.append(bare)
        if len(words) == _MAX_EN_WORDS or word != bare:
            break
    return " ".join(reversed(words))


def _zh_name_before(text: str) -> str:
    """The Chinese name that ends just before a bracket: the last run of Chinese characters, cut at a function
    character ("本须知适用于绿叶动物医院" -> 绿叶动物医院) and at eight characters."""
    runs = _CJK_RUN.findall(text[-40:])
    if not runs or not text.rstrip().endswith(runs[-1]):
        return ""
    name = _ZH_LEAD.sub("", _ZH_BOUNDARY.split(runs[-1])[-1])
    return name[-_MAX_ZH_CHARS:] if len(name) >= 2 else ""


def stated_pairs(text: str) -> list[tuple[str, str]]:
    """The (Chinese, English) name pairs a text states: bracketed other-language forms, and headings or table
    header cells written in both languages."""
    pairs: list[tuple[str, str]] = []
    for m in _BRACKETED.finditer(text):
        before, inside = m.group("before"), m.group("inside")
        parts = [p for p in _SPLIT_INSIDE.split(inside.strip()) if p]
        tail = before.rstrip()[-1:]
        if tail and _CJK_RUN.match(tail):
            zh = _zh_name_before(before.rstrip())
            pairs += [(zh, p) for p in parts if zh and _latin(p) and len(p) <= 40]
        else:
            en = _en_name_before(before)
            pairs += [(p, en) for p in parts if en and _chinese(p) and len(p) <= _MAX_ZH_CHARS + 4]
    for line in text.splitlines():
        heading = re.match(r"^\s*#+\s*(?:[一二三四五六七八九十\d]+[、.．)）]\s*)?(.+)$", line)
        cells = [heading.group(1)] if heading else ([c for c in line.split("|") if c.strip()] if "|" in line else [])
        for cell in cells:
            b = _BILINGUAL.match(cell.replace("|", "｜") if heading else cell)
            if b is None:
                continue
            a, c = b.group("a"), b.group("b")
            if _chinese(a) and _latin(c):
                pairs.append((a, c))
            elif _latin(a) and _chinese(c):
                pairs.append((c, a))
    return pairs


@dataclass(frozen=True)
class Glossary:
    """A tenant's glossary (:func:`build`): ``pairs`` are the (Chinese, English) names its documents state side
    by side; ``sounds`` maps a romanised key to the tenant's Chinese n-grams that read so;
    ``romanised`` holds the tenant's capitalised English words (lower-cased) that a Chinese name may read as."""

    pairs: tuple[tuple[str, str], ...] = ()
    listed: frozenset[str] = frozenset()  # the terms of the things the documents list: table row names
    zh_words: tuple[str, ...] = ()
    zh_vectors: np.ndarray | None = field(default=None, repr=False)
    en_words: tuple[str, ...] = ()
    en_vectors: np.ndarray | None = field(default=None, repr=False)
    sounds: Mapping[str, frozenset[str]] = field(default_factory=dict)
    romanised: frozenset[str] = frozenset()

    def bridge(self, question: str) -> dict[str, frozenset[str]]:
        """For each of ``question``'s terms that the glossary knows as a name, the other script's terms that name
        the same thing in the tenant's documents (empty when it knows none)."""
        out: dict[str, set[str]] = {}
        # a stated pair bridges only when the question holds one side whole: 会员 alone is not 尊享会员 (Premier)
        q_terms = lexical.terms(question)
        for zh, en in self.pairs:
            en_terms = _en_terms(en)
            if zh in question:
                for t in _bigrams(zh):
                    out.setdefault(t, set()).update(en_terms)
            elif (whole := {t for t in en_terms if len(t) > 2}) and whole <= q_terms:  # "MV" may go unsaid
                for t in en_terms:
                    out.setdefault(t, set()).update(_bigrams(zh))
        for run in _CJK_RUN.findall(question):
            syllables = _pinyin(run)
            if len(syllables) != len(run):
                continue
            for n in range(2, 5):
                for i in range(len(run) - n + 1):
                    key = "".join(syllables[i : i + n])
                    if key in self.romanised:
                        for t in _bigrams(run[i : i + n]):
                            out.setdefault(t, set()).add(key)
        for word in _CAPWORD.findall(question):
            key = word.lower()
            for gram in self.sounds.get(key, ()):
                out.setdefault(key, set()).update(_bigrams(gram))
        return {t: frozenset(v) for t, v in out.items() if v}

    def by_meaning(
        self, question: str, embed: Embed, named: Mapping[str, object] = {}, held: Container[str] = ()
    ) -> dict[str, frozenset[str]]:
        """The question's words that ``named`` (its :meth:`bridge`) does not hold and the documents never say in
        the question's own script (``held``: the tenant's terms), each bridged to the other script's closest words
        of the documents (see ``WORD_MATCH``): words of meaning, not names. A word the documents say as it is
        (online, 猫) needs no translation, and a guessed one would only compete with it."""
        out: dict[str, set[str]] = {}
        if lexical.mostly_cjk(question):
            words = [w for w in _zh_words(question) if not _bigrams(w) & named.keys()
                     and not all(t in held for t in _bigrams(w))]
            vocab, vecs = self.en_words, self.en_vectors
        else:
            words = [w for w in _en_phrases(question) if not set(w.split()) & named.keys()
                     and not all(t in held for t in _en_terms(w))]
            vocab, vecs = self.zh_words, self.zh_vectors
        if not words or vecs is None or not len(vocab):
            return {}
        sims = np.asarray(embed(words), dtype=np.float32) @ vecs.T
        for w, row in zip(words, sims, strict=True):
            matches = _closest(row, vocab)
            if lexical.mostly_cjk(w):
                targets = {t for m in matches for t in _en_terms(m)}
                for t in _bigrams(w):
                    out.setdefault(t, set()).update(targets)
            else:
                for t in _en_terms(w):
                    out.setdefault(t, set()).update(g for m in matches for g in _bigrams(m))
        return {t: frozenset(v) for t, v in out.items() if v}


    def names_in(self, text: str) -> set[str]:
        """The tenant's names ``text`` holds, each under one key whatever its script (the romanised form, or a
        stated pair's English side, lower-cased): "The Jinjiang club" and 锦江店 both give ``jinjiang``."""
        keys = {w.lower() for w in _CAPWORD.findall(text) if w.lower() in self.sounds}
        for run in _CJK_RUN.findall(text):
            syllables = _pinyin(run)
            if len(syllables) != len(run):
                continue
            keys.update(key for n in range(2, 5) for i in range(len(run) - n + 1)
                        if (key := "".join(syllables[i : i + n])) in self.romanised)
        held = lexical.terms(text)
        for zh, en in self.pairs:
            whole = {t for t in _en_terms(en) if len(t) > 2}
            if zh in text or (whole and whole <= held):
                keys.add(en.lower())
        return keys


def _closest(row: np.ndarray, vocab: Sequence[str]) -> list[str]:
    """The documents' words a question word means: the closest at ``WORD_MATCH`` or more, with those within half
    ``WORD_MARGIN`` of it that share a word with it or are as close ("parking" beside "car park"); none when
    another word, unlike it, comes within ``WORD_MARGIN`` (the question's word could be either)."""
    order = np.argsort(-row)[:8]
    best = float(row[order[0]])
    if best < WORD_MATCH:
        return []
    top = vocab[int(order[0])]
    near = [vocab[int(i)] for i in order[1:] if float(row[i]) > best - WORD_MARGIN]
    close = [v for v in near if float(row[vocab.index(v)]) >= best - WORD_MARGIN / 2]
    unlike = [v for v in near if v not in close and not set(v.split()) & set(top.split())]
    if unlike or len(close) > 2:
        return []
    return [top, *close]


def _bigrams(run: str) -> set[str]:
    return {run[i : i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}


def _en_terms(en: str) -> set[str]:
    return {t for t in lexical.terms(en) if t.isascii() and re.search(r"[a-z]", t)}


_ZH_COUNTING = frozenset("一二三四五六七八九十几两每半")  # 一个, 几个, 两天, 每套: counts, not things
_ZH_STOP_WORDS = frozenset("多少 什么 怎么 如何 可以 是否 需要 一下 请问 我们 你们 他们 这个 那个 时候 之后 以后 以前 没有 现在".split())


def _zh_words(text: str) -> list[str]:
    """The Chinese words of a text (jieba's dictionary words of two to six characters, less question words)."""
    from .graph.extract import _cut

    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += [w for w in _cut(run) if 2 <= len(w) <= 6 and w not in _ZH_STOP_WORDS and w not in out
                and not (len(w) <= 3 and w[0] in _ZH_COUNTING)]
    return out


_EN_STOP_WORDS = frozenset(
    "what when where which who whom whose how much many does do did is are was were be been the a an and or of for to "
    "in on at by with from per my your our their its it this that these those there here can could would should will "
    "shall may might must have has had get got cost costs price fee fees pay charge long one two three four five six "
    "seven eight nine ten any some all each every also just only".split()
)


def _en_phrases(text: str) -> list[str]:
    """The English content words of a text and its two-word phrases ("large dog", "city bike")."""
    out: list[str] = []
    for clause in re.split(r"[^A-Za-z0-9' -]+", text):
        words = [w.lower().strip("'") for w in re.findall(r"[A-Za-z][A-Za-z'-]*", clause)]
        run: list[str] = []
        for w in [*words, ""]:
            if w and w not in _EN_STOP_WORDS and len(w) > 2:
                run.append(w)
                continue
            out += [x for x in run if x not in out]
            out += [f"{a} {b}" for a, b in zip(run, run[1:], strict=False) if f"{a} {b}" not in out]
            run = []
    return out


def _listed(text: str) -> list[str]:
    """The names of things a chunk lists: the first cell of each table row (a heading may be a verb:
    "Borrowing")."""
    out: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("|") and not re.match(r"^\s*\|?\s*:?-{2,}", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and cells[0]:
                out.append(cells[0])
    return out


def _vectors(words: Sequence[str], embed: Embed | None) -> np.ndarray | None:
    if embed is None or not words:
        return None
    return np.asarray(embed(list(words)), dtype=np.float32)


def build(texts: Iterable[str], embed: Embed | None = None) -> Glossary:
    """The glossary of a tenant's documents (``texts``: its chunks' title, heading and text); with ``embed``,
    its words in each script are embedded for matching by meaning."""
    pairs: dict[tuple[str, str], None] = {}
    capital: set[str] = set()
    runs: set[str] = set()
    zh_vocab: dict[str, None] = {}
    en_vocab: dict[str, None] = {}
    listed: set[str] = set()
    for text in texts:
        listed.update(lexical.terms(" ".join(_listed(text))))
        if embed is not None:
            zh_vocab.update(dict.fromkeys(_zh_words(text)))
            en_vocab.update(dict.fromkeys(_en_phrases(re.sub(f"[{_CJK}]+", " | ", text))))
        for zh, en in stated_pairs(text):
            zh = "".join(_CJK_RUN.findall(zh)) if _CJK_RUN.fullmatch(zh.strip()) is None else zh.strip()
            if len(zh) >= 2 and _en_terms(en):
                pairs[(zh, en.strip())] = None
        capital.update(w.lower() for w in _CAPWORD.findall(text))
        runs.update(r for r in _CJK_RUN.findall(text) if len(r) >= 2)
    sounds: dict[str, set[str]] = {}
    for run in runs:
        syllables = _pinyin(run)
        if len(syllables) != len(run):
            continue
        for n in range(2, 5):
            for i in range(len(run) - n + 1):
                key = "".join(syllables[i : i + n])
                if len(key) >= _MIN_SOUND:
                    sounds.setdefault(key, set()).add(run[i : i + n])
    romanised = frozenset(w for w in capital if len(w) >= _MIN_SOUND)
    zh_words, en_words = tuple(zh_vocab)[:_MAX_VOCAB], tuple(en_vocab)[:_MAX_VOCAB]
    return Glossary(pairs=tuple(pairs), listed=frozenset(listed), zh_words=zh_words, zh_vectors=_vectors(zh_words, embed), en_words=en_words,
                    en_vectors=_vectors(en_words, embed), sounds={k: frozenset(v) for k, v in sounds.items()}, romanised=romanised)
