"""What the user is told, checked against where it came from (pure; issue 16).

- Knowledge-base questions: the extract (the sentence of the retrieved passages that answers, chosen by
  the memory service) is the answer; the model may only rephrase it (``planner.kb_rephrase``), and a
  rephrasing that states a number, quantity, code or name its passage lacks is rejected for the extract.
- Summaries: the model's summary stands only if it is faithful to its source (content words from it, in
  the language asked, not degenerate); otherwise the source's central sentences are the summary.
- Translations: the model's output must be in the target language and not degenerate, or the answer
  says the translation failed instead of handing over a wrong sentence.

Every answer part carries its ``source`` (``extract | model | tool | template``, the result's
``answer_source``) and whether it is ``grounded`` (worth keeping as a long-term memory).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from autoglm.shared import grounding, langid, lexical, spans
from autoglm.shared.safety import DATA_PREAMBLE, data_block

AnswerSource = Literal["extract", "model", "tool", "template"]
_RANK = {"model": 0, "extract": 1, "tool": 2, "template": 3}


@dataclass
class Part:
    """One intent's share of the answer."""

    text: str
    source: AnswerSource
    grounded: bool = False
    note: str = ""  # why the model's text was not used, for the step summary
    failed: str | None = None  # the part is a failure notice: why


def combined_source(parts: Sequence[Part]) -> AnswerSource | None:
    """The answer's source: the least checked of its parts (model < extract < tool < template)."""
    return min((p.source for p in parts), key=_RANK.__getitem__, default=None)


def load_checkers() -> None:
    """Load what the checks read with now: the language identifier's model and the multilingual encoder
    (summaries' faithfulness across scripts, extractive summaries). The planner's startup calls it on a
    worker thread, so the first summary or translation of a task does not stall the event loop (~1.5 s)
    while they load."""
    langid.detect("warm-up text")
    from autoglm.shared.multilingual import default_encoder

    default_encoder().encode(["warm-up"])


# ------------------------------------------------------------------ knowledge base


def citation_lines(passages: Sequence[dict[str, Any]]) -> str:
    lines: list[str] = []
    seen: set[str] = set()
    for p in passages:
        cite = str(p.get("citation") or p.get("source") or "")
        if cite and cite not in seen:
            seen.add(cite)
            source = str(p.get("source") or "")
            lines.append(f"[{len(lines) + 1}] {cite}" + (f" ({source})" if source and source not in cite else ""))
    return "\n".join(lines)


def with_sources(text: str, passages: Sequence[dict[str, Any]], zh: bool) -> str:
    sources = citation_lines(passages)
    return f"{text}\n{'来源：' if zh else 'Sources:'}\n{sources}" if sources else text


def cited_passage(output: dict[str, Any]) -> dict[str, Any] | None:
    """The passage the memory service's extract comes from."""
    extract, passages = output.get("extract"), output.get("passages") or []
    if not extract or not passages:
        return None
    i = int(extract.get("passage", 0))
    return passages[i] if 0 <= i < len(passages) else None


def wants_rephrase(mode: str, question: str, extract: str) -> bool:
    """``never``; ``cross_language``: the extract is in another language than the question; ``always``."""
    if mode == "always":
        return True
    if mode == "cross_language":
        return langid.detect(question)[0] != langid.detect(extract)[0]
    return False


def rephrase_messages(question: str, extract: str, language: str, citation: str = "") -> list[dict[str, str]]:
    """The model's prompt to rephrase ``extract``: the quote arrives as delimited data (issue 20)."""
    target = langid.language_name(language) if language else "the question's language"
    system = (
        f"You rewrite a quoted sentence from a document so that it answers the question directly, in {target}. "
        "Keep every number, unit, name and code exactly as the quote has them. Add nothing the quote does not say. "
        f"Answer in one or two sentences, without any preface. {DATA_PREAMBLE}"
    )
    quote = data_block(extract, f"kb:{citation}" if citation else "kb")
    return [{"role": "system", "content": system},
            {"role": "user", "content": f"Question: {question}\nQuote:\n{quote}\nAnswer:"}]


def kb_answer(question: str, output: dict[str, Any], zh: bool, rephrased: str | None = None) -> Part:
    """The answer to a knowledge-base question from the kb_search step's ``output`` (passages and
    extract), and the model's rephrasing of the extract when there is one."""
    passages = output.get("passages") or []
    if not passages:
        return Part("知识库中没有找到相关内容。" if zh else "No matching passages were found in the knowledge base.",
                    "template")
    extract = (output.get("extract") or {}).get("text")
    passage = cited_passage(output)
    if not extract or passage is None:  # an older memory service: the best passage is the extract
        passage = passages[0]
        extract = str(passage.get("text", "")).strip()
    note = ""
    if rephrased is not None and rephrased.strip():
        text = rephrased.strip()
        gaps = grounding.grounding_gaps(text, [str(passage.get("text", "")), str(passage.get("heading", ""))],
                                        allowed=question)
        bad = grounding.degenerate(text)
        if gaps.ok and not bad:
            return Part(with_sources(text, [passage], zh), "model", grounded=True)
        note = f"rephrasing rejected ({bad or gaps.reason()}): the extract stands"
    cited = [passage, *corroborating(extract, question, passages, passage)]
    return Part(with_sources(quoted(extract, zh), cited, zh), "extract", grounded=True, note=note)


def corroborating(extract: str, question: str, passages: Sequence[dict[str, Any]], cited: dict[str, Any],
                  limit: int = 2) -> list[dict[str, Any]]:
    """Other retrieved passages, of other documents, that state the extract's identifier too (the host
    ``bkp-sh-02`` of an inventory row is also the one the backup standard names): cited beside it, so the
    user sees every document that says so. Identifiers the question itself names prove nothing."""
    asked = spans.codes(question)
    keys = [c for c in spans.codes(extract) if c not in asked]
    if not keys:
        return []
    out: list[dict[str, Any]] = []
    for p in passages:
        if p is cited or p.get("source") == cited.get("source") or len(out) >= limit:
            continue
        if any(spans.mentions(str(p.get("text", "")), k) for k in keys):
            out.append(p)
    return out


def quoted(extract: str, zh: bool) -> str:
    """The extract as the answer: as it stands when it is in the question's language; quoted, and said to be
    the document's own words, when it is not (a Chinese question over an English handbook: the user reads
    the fact in the source's words rather than a translation nobody checked)."""
    cjk = bool(re.search(r"[\u3400-\u9fff]", extract))
    if (cjk if zh else not lexical.mostly_cjk(extract)):
        return extract  # in the question's language (a Chinese line naming hosts in Latin letters is)
    return f"知识库原文（英文）：“{extract}”" if zh else f"The knowledge base says (in Chinese): “{extract}”"


def untrusted_answer(language: str, zh: bool, *, searched_kb: bool = False) -> Part:
    """An open question in a language the answering model is not trusted in (``inference.open_answer_languages``:
    the bundled small model's Chinese answers to general questions were wrong 17 times out of 17): said so,
    instead of a wrong answer. ``searched_kb``: the tenant's documents were searched and hold nothing on it;
    then that is the answer (a question to a tenant with documents is most often about them: "not found" is
    complete and honest), followed by why no model answers instead."""
    name = langid.language_name(language, zh)
    notice = (f"抱歉，当前的内置小模型无法可靠地用{name}回答这类开放性问题，为避免给出错误答案，这次不作回答。可以换个说法查询知识库，"
              "或配置更强的模型（inference.model_path）。" if zh else
              f"Sorry, the bundled small model cannot answer open questions in {name} reliably, so I am not giving an "
              "answer that may be wrong. Ask the knowledge base, or configure a stronger model (inference.model_path).")
    if searched_kb:
        found = "知识库中没有找到相关内容。" if zh else "No matching passages were found in the knowledge base."
        return Part(f"{found}\n{notice}", "template")
    return Part(notice, "template", failed=f"no model trusted to answer open questions in {name}")


def untrusted_writing(language: str | None, zh: bool) -> str:
    """Why the answering model's writing in ``language`` is not handed over."""
    name = langid.language_name(language or "", zh)
    return f"内置小模型写不好{name}" if zh else f"the bundled small model does not write {name} reliably"


# ------------------------------------------------------------------ code

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)
_NAMED_FUNCTION = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# A signature the request spells out: `rotate(lst, k)` -> ("rotate", 2 parameters).
_SIGNATURE = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()`]*)\)`")
_PYTHON = re.compile(r"\bpython\b|\.py\b", re.I)


def code_problem(model_text: str, request: str) -> str | None:
    """Why the model's code can't be handed over (None: it can): Python that does not parse, or a function
    the request names (`is_palindrome(s)`) that the code never defines. Other languages are not checked."""
    import ast

    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(model_text)]
    python = [body for lang, body in blocks if lang in ("python", "py") or (not lang and _PYTHON.search(request))]
    if not python and _PYTHON.search(request) and not blocks and re.search(r"^\s*def\s", model_text, re.M):
        python = [model_text]  # unfenced Python
    trees = []
    for body in python:
        try:
            trees.append(ast.parse(body))
        except SyntaxError as exc:
            return f"its Python does not parse: {exc.msg} (line {exc.lineno})"
    if python:
        wanted = set(_NAMED_FUNCTION.findall(request))
        defined = {n.name for tree in trees for n in ast.walk(tree)
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        if wanted and not wanted & defined:
            return "it does not define " + ", ".join(sorted(wanted))
        if (wrong := _wrong_signature(request, trees)) is not None:
            return wrong
    if _PYTHON.search(request) and not python:
        return "it contains no Python code"
    return None


def _wrong_signature(request: str, trees: list[Any]) -> str | None:
    """A function the request spells out with its parameters (`rotate(lst, k)`) that the code defines taking a
    number of arguments the call would not fit (`def rotate(lst)`)."""
    import ast

    for name, params in _SIGNATURE.findall(request):
        asked = len([p for p in params.split(",") if p.strip() and not p.strip().startswith(("*", "/"))])
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                    args = node.args
                    positional = [a for a in args.posonlyargs + args.args if a.arg not in ("self", "cls")]
                    required = len(positional) - len(args.defaults)
                    if args.vararg is None and not required <= asked <= len(positional):
                        return f"{name} takes {len(positional)} argument(s), the request calls it with {asked}"
    return None


def code_answer(model_text: str, request: str, zh: bool) -> Part:
    """The model's code when it passes :func:`code_problem`, else a notice that says why."""
    problem = code_problem(model_text, request)
    if problem is None:
        return Part(model_text.strip(), "model")
    notice = (f"抱歉，内置的小模型这次写出的代码没有通过检查（{problem}），所以不把它交给您。可以配置更强的模型"
              "（inference.model_path）后再试。" if zh else
              f"Sorry, the code the bundled small model wrote this time failed the check ({problem}), so I am not "
              "handing it over. A stronger model (inference.model_path) can do this.")
    return Part(notice, "template", failed=f"code check failed: {problem}")


# ------------------------------------------------------------------ summaries

_PAYLOAD_COLON = re.compile(r"[:：]\s*")
_QUOTED = re.compile(r"[“\"「『](.{8,}?)[”\"」』]", re.S)


def payload(request: str, entities: dict[str, Any]) -> str:
    """The text a summary or translation works on: the referent the parser resolved, else what follows
    the instruction's colon or its line, else a quoted span, else the request itself."""
    referent = str(entities.get("referent") or "").strip()
    if referent:
        return referent
    m = _PAYLOAD_COLON.search(request)
    if m and len(request) - m.end() >= 8 and m.start() <= 60:
        return request[m.end():].strip()
    line, brk, rest = request.partition("\n")  # "What's the gist of this?\n<text>": the text under the line
    if brk and len(line) <= 300 and len(rest.strip()) >= 20:
        return rest.strip()
    q = _QUOTED.search(request)
    if q:
        return q.group(1).strip()
    return request.strip()


_ONE = re.compile(r"一句话|一句|one[- ]sentence|a single sentence|in a sentence|one line|一行", re.I)
_TWO = re.compile(r"两句|二句|two sentences|2 sentences", re.I)
_THREE = re.compile(r"三句|three sentences|3 sentences", re.I)


def summary_length(request: str, source: str) -> int:
    """Sentences a summary should have: what the request asks for, else 3; always fewer than the source's."""
    n = 1 if _ONE.search(request) else 2 if _TWO.search(request) else 3 if _THREE.search(request) else 3
    count = len(grounding.split_sentences(source))
    return max(1, min(n, count - 1)) if count > 1 else 1


MAX_SUMMARY_RATIO = 0.8
"""A "summary" of a text of two sentences or more at least this long (a share of the source's length,
:func:`~autoglm.shared.grounding.length_ratio`) is no summary: usually the source handed back."""


def summary_answer(model_text: str, request: str, source: str, language: str | None) -> Part:
    """The model's summary when it is faithful to ``source`` and shorter than it, else the extractive summary."""
    verdict = grounding.faithfulness(model_text, source, language=language)
    problem = None if verdict.ok else verdict.reason
    if problem is None and len(grounding.split_sentences(source)) > 1:
        ratio = grounding.length_ratio(model_text, source)
        if ratio >= MAX_SUMMARY_RATIO:
            problem = f"not a summary: {ratio:.0%} of the source's length"
    if problem is None:
        return Part(model_text.strip(), "model")
    summary = grounding.extractive_summary(source, max_sentences=summary_length(request, source))
    if language and langid.is_language(summary, language) is False:
        # The source's own sentences, in its language: said so, not passed off as the summary asked for.
        zh = language == "zh"
        name = langid.language_name(language, zh)
        found = langid.language_name(langid.detect(source)[0], zh)
        summary = (f"未能生成可靠的{name}摘要；以下是原文中最关键的句子（{found}原文）：\n{summary}" if zh else
                   f"I could not write a reliable summary in {name}; the source's key sentences, in {found}:\n{summary}")
    return Part(summary, "extract", note=f"model summary rejected ({problem}): central sentences instead")


# ------------------------------------------------------------------ translations


def translation_answer(model_text: str, target: str | None, source: str, zh: bool) -> Part:
    """The model's translation, or a notice that none could be trusted."""
    text = model_text.strip()
    problem = grounding.translation_check(text, target, source) if target else grounding.degenerate(text)
    if problem is None:
        return Part(text, "model")
    name = langid.language_name(target, zh) if target else ("译文" if zh else "translation")
    notice = (f"抱歉，这次没能得到可靠的{name}译文（{problem}），所以不给出可能错误的翻译。" if zh else
              f"Sorry, I could not produce a reliable {name} translation ({problem}), so I am not giving one that "
              "may be wrong.")
    return Part(notice, "template", failed=f"translation check failed: {problem}")


# ------------------------------------------------------------------ practical writing


def writing_answer(model_text: str, request: str, language: str | None, zh: bool,
                   forecast: dict[str, Any] | None = None, results: Sequence[str] = (),
                   trusted: Sequence[str] | None = None) -> Part:
    """The model's piece of writing when it carries the request's facts (drafts.py), else a plain draft of them.

    ``forecast`` is a weather step's output the writing works on: the draft is written from it. ``results`` are
    exact tools' results it works on ("…, then tell my colleague that this is the bonus"): the model's text must
    state them, and a plain draft names them. ``trusted`` are the languages the model writes reliably in (the
    result's ``answer_languages``; ``*`` any): in another language its text is never handed over (the bundled
    model's Chinese writing was garbled in every one of the 12 answers of two evaluation sets, some of which
    passed every other check)."""
    from . import drafts

    text = model_text.strip()
    untrusted = bool(language and trusted is not None and "*" not in trusted and language not in trusted)
    if forecast and forecast.get("days"):
        problem = untrusted_writing(language, zh) if untrusted else drafts.forecast_problem(text, forecast, language)
        if problem is None:
            return Part(text, "model")
        return Part(drafts.weather_draft(forecast, language == "zh" if language in ("zh", "en") else zh), "template",
                    note=f"model text rejected ({problem}): written from the forecast")
    # a plain draft is the request's own words in a frame: only in the request's language ("用英文写一封感谢信" has no
    # plain draft in English to give)
    own = language is None or language == ("zh" if zh else "en")
    draft = drafts.plain_draft(request, zh, results) if own else None
    if untrusted:
        problem = untrusted_writing(language, zh)
    elif draft is None and drafts.creative(request):  # a poem, a story: no facts to hold it to, only whether it
        problem = grounding.degenerate(text)  # is broken (the language is steered, and retried once: language.py)
    else:  # practical writing, with a plain frame or not (an out-of-office reply, a product description)
        values = [r.rsplit("=", 1)[-1].strip() for r in results]  # "26*45 = 1170": the writing states 1170
        problem = drafts.writing_problem(text, request + " " + " ".join(values), language)
    if problem is None:
        return Part(text, "model")
    if draft is not None:
        return Part(draft, "template", note=f"model draft rejected ({problem}): a plain draft from the request")
    notice = (f"抱歉，内置的小模型这次没能写出可用的内容（{problem}），所以不把它交给您。可以配置更强的模型（inference.model_path）后再试。"
              if zh else f"Sorry, the bundled small model did not write anything usable this time ({problem}), so I am "
              "not handing it over. A stronger model (inference.model_path) can do this.")
    return Part(notice, "template", failed=f"writing check failed: {problem}")
