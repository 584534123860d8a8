"""The intent parser: natural-language request -> :class:`IntentGraph`. Pure, fast, no model.

Pipeline: normalize (full-width, emoji, typos) -> mask quotes and payload -> split into clauses
-> classify each clause by rules -> merge fragments that carry no task of their own -> extract
entities -> expand multi-city lookups and implicit URL fetches -> set dependencies -> resolve
referents against the session context or ask a clarifying question.

A :class:`Fallback` (an embedding classifier or a language model) may be passed to re-classify
clauses that no specific rule recognised; the parser itself never loads a model.

This module runs the stages in order; the stages live in split.py (quotes, payload, clauses),
clauses.py (classify and merge), drafts.py (entities, expansion, dependencies) and resolve.py
(again, referents, ellipsis, clarifying questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from autoglm.shared.events import Intent, IntentGraph, IntentType
from autoglm.shared.word_problem import UNCOMPUTED, is_word_problem

from .chain import exact_steps
from .classify import Classification
from .clauses import PUNCT, split_parts
from .drafts import (
    Draft,
    entities_of,
    example_dependencies,
    finish,
    make_drafts,
    set_dependencies,
    summaries_of_data_are_writing,
)
from .problem import Step, compile_problem, read_problem
from .reader import more_at_unit_price, unit_of_last
from .resolve import (
    CLARIFICATIONS,
    OPTION_NAMES,
    asks_only_about_the_reference,
    clarify,
    clarify_missing,
    clarify_options,
    context_candidates,
    default_language,
    from_context,
    referent_question,
    shape_of,
)
from .split import mask_quotes, split_payload
from .text import detect_language, fix_typos, normalize
from .uncomputed import account_qualifiers, honest_graph

__all__ = ["Fallback", "parse_request", "CLARIFICATIONS", "OPTION_NAMES", "clarify_options", "referent_question"]

_INSTRUCTION_WINDOW = 300


class Fallback(Protocol):
    """Second opinion for clauses no specific rule placed: those no rule recognised (``cue=False``)
    and those only the catch-all question words made ``question_answering`` (``generic``).

    Return a :class:`Classification` to use instead of the default ``question_answering``, or
    None to keep it. Implementation: :class:`~autoglm.services.parser.fallback.EmbeddingFallback`
    (nearest intent/tool description by embedding similarity); a language model constrained to the
    intent JSON schema would fit the same hook."""

    def classify(self, clause: str, language: str) -> Classification | None: ...


def _today(now: datetime | None, tz: str) -> date:
    zone = ZoneInfo(tz)
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    return now.astimezone(zone).date()


def _parse(
    text: str,
    now: datetime | None,
    tz: str,
    context: Sequence[str],
    fallback: Fallback | None,
    use_context: bool = True,
) -> tuple[IntentGraph, bool]:
    today = _today(now, tz)
    raw_instruction, sep, payload = split_payload(text, lambda s: fix_typos(normalize(s)))
    if not PUNCT.sub("", normalize(raw_instruction)) and PUNCT.sub("", normalize(payload[:_INSTRUCTION_WINDOW])):
        # Nothing but punctuation before the content: read the content's head as the instruction.
        raw_instruction, sep, payload = payload[:_INSTRUCTION_WINDOW], "", payload[_INSTRUCTION_WINDOW:]
    clean = normalize(raw_instruction)
    m = mask_quotes(clean)
    instruction = fix_typos(m.text)
    lang = detect_language(instruction, default_language(context, tz))
    if not PUNCT.sub("", instruction):
        return IntentGraph(language=lang, intents=[], clarification=clarify("empty", lang)), False
    payload = sep + payload if payload.strip() else ""

    shape = shape_of(instruction, payload, today)
    parts = split_parts(m, instruction, payload, today)
    is_ellipsis = len(parts) == 1 and parts[0].ellipsis
    if use_context and (shape.again or is_ellipsis or shape.referent):
        candidates = context_candidates(context, lambda turn: _parse(turn, now, tz, (), None, use_context=False))
        return from_context(shape, parts, m, instruction, context, candidates, today, lang), True

    drafts = make_drafts(parts, m, payload, today, lang)
    unsure: list[tuple[str, str | None]] = []
    if fallback is not None:
        unsure = _second_opinions(drafts, fallback, today, lang)
    set_dependencies(drafts)
    if fallback is not None and hasattr(fallback, "depends"):
        example_dependencies(drafts, fallback, lang)
    summaries_of_data_are_writing(drafts)
    cue = any(d.cue for d in drafts)
    if unsure:
        # The rules are silent and the examples split between tasks: ask, naming them, instead of guessing.
        return finish([] if len(drafts) == 1 else drafts, lang, clarify_options(unsure, lang)), cue
    clarification = clarify_missing(drafts, parts, context if use_context else (), lang)
    if clarification and asks_only_about_the_reference(drafts):
        drafts = []
    return finish(drafts, lang, clarification), cue


def _adopt(d: Draft, better: Classification, today: date, lang: str) -> bool:
    """Take a fallback's label for ``d`` (entities extracted anew for it); False where it can't be used."""
    guess = replace(d, type=better.type, tool=better.tool, cue=True)
    guess.entities = {} if better.type == "unsupported" else entities_of(guess, d.text, d.text, today, lang)
    if guess.tool == "calculator" and "expression" not in guess.entities:
        return False  # arithmetic in words the rules can't read: a generated answer beats a failing tool call
    d.type, d.tool, d.cue, d.entities = guess.type, guess.tool, True, guess.entities
    d.confidence = better.confidence if better.confidence is not None else 0.7
    d.source = better.source or "model"
    return True


def _second_opinions(drafts: list[Draft], fallback: Fallback, today: date, lang: str) -> list[tuple[str, str | None]]:
    """Ask the fallback about the clauses the rules were unsure of (and, where it reviews them, about the
    others: a tenant's own correction outranks a rule). Returns the options of a clause it could not decide."""
    review = getattr(fallback, "review", None)
    prefetch = getattr(fallback, "prefetch", None)
    if prefetch is not None:
        # every clause this loop will ask about, embedded in one encoder call (one call per clause cost the most)
        prefetch([d.clause or d.text for d in drafts if not d.auxiliary and (not d.cue or d.generic)],
                 [d.clause or d.text for d in drafts if not d.auxiliary and d.cue and not d.generic])
    options: list[tuple[str, str | None]] = []
    for d in drafts:
        if d.auxiliary:
            continue
        if not d.cue or d.generic:
            better = fallback.classify(d.clause or d.text, lang)
            if better is None:
                continue
            if better.options:
                if not d.cue and not options:
                    options = list(better.options)
                continue
            _adopt(d, better, today, lang)
        elif review is not None:
            corrected = review(d.clause or d.text, lang, Classification(d.type, d.tool))
            if corrected is not None:
                _adopt(d, corrected, today, lang)
    return options


def parse_request(
    text: str,
    *,
    now: datetime | None = None,
    tz: str = "Asia/Shanghai",
    context: Sequence[str] = (),
    fallback: Fallback | None = None,
) -> IntentGraph:
    """Parse one request into an intent graph.

    ``now`` is the reference time for relative dates (default: the current time), read in time
    zone ``tz``. ``context`` holds the session's recent turns (earlier requests and answers,
    oldest first); it resolves referents ("再来一次", "translate that", "上海呢？") and fills a
    missing city or order id. ``fallback`` re-classifies clauses no rule recognised.
    """
    today = _today(now, tz)
    # An arithmetic word problem is compiled to its exact steps before any rule guesses at it (problem.py).
    problem = _word_problem(text, now, tz, context, fallback, today)
    arithmetic = is_word_problem(normalize(text))
    graph, _ = _parse(text, now, tz, context, fallback)
    if problem is not None and not _other_tasks(graph, arithmetic):
        problem = account_qualifiers(problem, normalize(text), bool(context))
        return honest_graph(problem, normalize(text), bool(context), compiled=True) if arithmetic else problem
    # Then: what a tool answers exactly goes to that tool, also on an earlier result (chain.py).
    graph = exact_steps(graph, text, today)
    if arithmetic:
        # Last: a word problem's arithmetic is a tool's or nobody's; what no step computes is named (uncomputed.py).
        # Where the rules' steps leave a part uncomputed, the reader's steps up to the first clause it could not
        # read come first.
        graph = honest_graph(graph, normalize(text), bool(context))
        partial = None
        if any(i.entities.get(UNCOMPUTED) for i in graph.intents):
            partial = _partial_problem(normalize(text), context, graph.language, today)
        if partial is not None:
            graph = honest_graph(partial, normalize(text), bool(context), compiled=True)
    # Any reading with exact steps, word problem or not, accounts for the qualifiers of the request (qualifiers.py).
    return account_qualifiers(graph, normalize(text), bool(context))


_OTHER_TOOLS = ("weather", "sql_query", "http_get", "kb_search")
_OTHER_TYPES = ("translation", "summarization", "code_generation", "unsupported")


def _other_tasks(graph: IntentGraph, arithmetic: bool = False) -> bool:
    """Whether the rules find tasks no word problem holds beside the numbers ("Remember that …. Also, what's the
    weather in Toronto tomorrow, and how many days until Christmas?"): then the compiler, which reads the request as
    one problem, would drop them, and the rules' graph (whose sums and dates go to the tools anyway) is kept.
    In a request judged a word problem (``arithmetic``: it names no weather, order, document or URL, and asks for no
    writing, translation, summary or code) only a fact to remember is another task; a query or search the rules
    made of its numbers is a misreading (ar-02: "$128.50 + 7.25% tax…" as SQL on orders)."""
    if arithmetic:
        return len(graph.intents) > 1 and any("memory" in i.entities for i in graph.intents)
    return len(graph.intents) > 1 and any(
        i.tool in _OTHER_TOOLS or i.type.value in _OTHER_TYPES or "memory" in i.entities for i in graph.intents
    )


def _steps_as_intents(steps: Sequence[Step]) -> list[Intent]:
    return [
        Intent(id=f"i{n}", type=IntentType.LOOKUP if step.tool == "datetime" else IntentType.CALCULATION,
               tool=step.tool, text=step.text, entities=step.entities, depends_on=step.depends_on,
               confidence=0.9, source="rule")
        for n, step in enumerate(steps, 1)
    ]


def _partial_problem(text: str, context: Sequence[str], language: str, today: date) -> IntentGraph | None:
    """The steps :func:`read_problem` read, then the rest it could not read (left for honest_graph to name)."""
    got = read_problem(text, today, last_unit=unit_of_last(context))
    if got is None or not got.steps or not got.uncompiled:
        return None
    intents = _steps_as_intents(got.steps)
    intents.append(Intent(id=f"i{len(intents) + 1}", type=IntentType.CALCULATION, text=" ".join(got.uncompiled),
                          entities={UNCOMPUTED: True}, confidence=0.9, source="rule"))
    return IntentGraph(language=language, intents=intents)


def _word_problem(text: str, now: datetime | None, tz: str, context: Sequence[str], fallback: Fallback | None,
                  today: date) -> IntentGraph | None:
    more = more_at_unit_price(normalize(text), context)
    if more is not None:
        # "那买10瓶要多少钱？" after "每瓶多少钱？": N of the unit the last turn priced
        step = Step(more[0], "calculator", {"expression": more[1]}, [])
        return IntentGraph(language=detect_language(text, default_language(context, tz)),
                           intents=_steps_as_intents([step]))
    compiled = compile_problem(normalize(text), today, last_unit=unit_of_last(context))
    if compiled is None:
        return None
    intents = _steps_as_intents(compiled.steps)
    if compiled.rest:
        # "…, then write a tweet about that distance": the rules read the rest, which works on the last result.
        rest = parse_request(compiled.rest, now=now, tz=tz, context=context, fallback=fallback)
        if rest.clarification or not rest.intents:
            return None
        offset, last = len(intents), intents[-1].id
        for intent in rest.intents:
            depends = [f"i{int(d[1:]) + offset}" for d in intent.depends_on] or [last]
            intents.append(intent.model_copy(update={"id": f"i{int(intent.id[1:]) + offset}", "depends_on": depends}))
    language = detect_language(text, default_language(context, tz))
    return IntentGraph(language=language, intents=intents)
