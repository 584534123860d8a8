"""One request builder per step kind: what the planner sends to run a step (pure).

:func:`build_request` looks the step's kind up in :data:`BUILDERS`. A builder reads the outputs of the
step's inputs (a schema, knowledge-base passages and their extract, a structured query) and returns
the :class:`Dispatch` to publish, or the step's own :class:`StepCompleted` when the planner settles it
without a worker: a knowledge-base answer is its search's extract unless ``planner.kb_rephrase`` sends it
to the model (with no passages it is "not found": the model must not make one up), and a structured
query that doesn't compile fails before anything reaches the database. Memory requests carry text, not
vectors: the memory service embeds with its own (multilingual) encoder.

A worker abandons a step at its own timeout, or the task's deadline if sooner, so a timed-out generation
stops using the model instead of running on beside its retry. Acknowledged-only steps ask for no reply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from autoglm.shared.events import (
    ChatMessage,
    EventType,
    InferenceRequested,
    Intent,
    IntentType,
    KbSearch,
    MemoryRecall,
    MemoryRemember,
    MemorySearch,
    ParseRequested,
    StepCompleted,
    StepKind,
    StepRequest,
    StepStatus,
    TaskStatus,
    ToolCallRequested,
    TurnWrite,
)
from autoglm.shared.safety import data_block
from autoglm.shared.topics import (
    INFERENCE_REQUESTS,
    MEMORY_REQUESTS,
    NO_REPLY,
    PARSE_REQUESTS,
    STEPS_COMPLETED,
    TOOL_CALLS,
)

from . import answers as A
from . import text_to_sql as T2S
from .build import remembers
from .exact import EXACT_TOOLS, ReferenceError_, references, resolve_references, restatement, result_of
from .language import output_language
from .periods import DateRange
from .prompts import render_prompt
from .schema_fit import fits_schema
from .state import (
    KB_ANSWER,
    RESTATE,
    TEXT_TO_SQL,
    PlannerPolicy,
    PlanStep,
    TaskState,
    graph_answer,
    intent_step,
    passages_of,
    structured_input,
)


@dataclass(frozen=True, slots=True)
class Dispatch:
    """Publish ``payload``, an event of ``type``, to ``topic`` to run ``step`` (already marked running).

    A :class:`TurnWrite` payload is one task's session turn: it goes out with the turns of the other
    tasks finishing now, one ``store_turns`` request per tenant (turns.py)."""

    step: PlanStep
    topic: str
    type: EventType
    payload: BaseModel


Builder = Callable[[TaskState, PlanStep, PlannerPolicy, dict[str, Any]], "Dispatch | StepCompleted"]


def build_request(state: TaskState, step: PlanStep, policy: PlannerPolicy, now: float) -> Dispatch | StepCompleted:
    """The request that runs ``step`` now, or its outcome when the planner settles it itself."""
    builder = BUILDERS.get(step.kind)
    if builder is None:
        raise ValueError(f"cannot dispatch {step.kind}")
    # A generation's worker ends it at this deadline with the text it has; the grace leaves time for that
    # truncated reply to arrive before the planner gives up on the step (or the task).
    end = min(state.deadline - step.reply_grace_s, now + step.timeout_s)
    deadline = datetime.fromtimestamp(max(end, now + 1.0), tz=UTC)
    common: dict[str, Any] = {
        "step_id": step.id,
        "attempt": step.attempts,
        "reply_to": NO_REPLY if step.acked_only else STEPS_COMPLETED,
        "deadline": None if step.after_result else deadline,
    }
    return builder(state, step, policy, common)


def _settled(
    step: PlanStep, *, ok: bool, text: str = "", error: str | None = None, output: dict[str, Any] | None = None
) -> StepCompleted:
    return StepCompleted(step_id=step.id, ok=ok, text=text, error=error, service="planner", output=output or {})


def _memory(step: PlanStep, operation: type[StepRequest], **fields: Any) -> Dispatch | StepCompleted:
    """A memory request, or the step failed here when what its inputs gave doesn't make a valid one."""
    try:
        request = operation(**fields)  # one model of MemoryRequested
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)[:3])
        return _settled(step, ok=False, error=f"invalid {operation.__name__} request: {problems}")
    return Dispatch(step, MEMORY_REQUESTS, EventType.MEMORY_REQUESTED, request)


def _recall(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch | StepCompleted:
    """The session's last turns, or (``long_term_search``) the tenant's long-term memories near the request."""
    if step.name == "long_term_search":
        query = str(step.arguments.get("query") or state.request.text)[:2000]
        return _memory(step, MemorySearch, **common, query=query, limit=int(step.arguments.get("limit", 3)),
                       user=state.request.user)
    return _memory(step, MemoryRecall, **common, limit=int(step.arguments.get("limit", 6)), user=state.request.user)


def _parse(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch:
    """The request parsed again with the session's turns (referents, an answer to a clarifying question)."""
    return Dispatch(step, PARSE_REQUESTS, EventType.PARSE_REQUESTED, ParseRequested(
        **common,
        text=state.request.text,
        context=context_lines(state.turns),
        pending_request=pending_request(state),
        now=state.request.now or state.received_at,
        timezone=state.request.timezone,
    ))


def _tool(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch | StepCompleted:
    if step.name == "kb_search":
        # The knowledge base lives in the memory service, scoped by the task's tenant.
        return _memory(
            step,
            KbSearch,
            **common,
            query=str(step.arguments.get("query", "")),
            limit=int(step.arguments.get("top_k", 4)),
            user=state.request.user,
        )
    if step.name == "sql_query" and (answered := _answered_from_kb(state, step)) is not None:
        # The question was about the tenant's documents, not the database (schema_fit.py): nothing is queried.
        return _settled(step, ok=True, text=answered.text, output={"superseded_by": answered.id})
    if step.name == "sql_query":
        try:
            step.arguments = sql_arguments(state, step, policy)
        except T2S.QueryError as exc:
            # The model's structured query doesn't compile: nothing reaches the database.
            return _settled(step, ok=False, error=f"no SQL built from the question: {exc}")
    if step.name in EXACT_TOOLS and references(step.arguments):
        try:
            # "…，然后减去30": the earlier result goes in as a number, so the tool does the arithmetic.
            step.arguments = resolve_references(state, step)
        except ReferenceError_ as exc:
            return _settled(step, ok=False, error=str(exc))
    return Dispatch(step, TOOL_CALLS, EventType.TOOL_CALL_REQUESTED, ToolCallRequested(
        **common, tool=step.name, arguments=step.arguments, allow_destructive=state.request.allow_destructive
    ))


def _generate(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch | StepCompleted:
    if step.name == RESTATE:
        return _settled(step, ok=True, text=restatement(state, step, state.graph.language == "zh"))
    if step.task_type == TEXT_TO_SQL and _kb_not_sql(state, step):
        # A question the parser routed to the database on its data words, about none of the schema's tables,
        # columns or values, that a passage of the tenant's documents answers: the documents answer it.
        step.name, step.task_type = KB_ANSWER, IntentType.QUESTION_ANSWERING.value
        step.arguments = {"text": step.arguments.get("text") or state.request.text, "kb_instead_of_sql": True}
    found = graph_answer(state, step) if step.task_type != TEXT_TO_SQL else None
    if found is not None and (not step.arguments.get("kb_first") or _kb_extract(state, step)):
        # The knowledge graph chained facts of several documents, each hop cited: its answer stands (a
        # model could only restate it less faithfully). A general question takes it only when a passage
        # also passed the relevance floor: the documents are about it.
        return _settled(step, ok=True, text=str(found["text"]), output={"graph": found})
    if step.name == KB_ANSWER:
        return _kb_answer(state, step, policy, common)
    if step.arguments.get("kb_first") and _kb_extract(state, step):
        # A general question the tenant's documents answer (kb_first.py): as a knowledge-base question.
        step.arguments["kb_hit"] = True
        return _kb_answer(state, step, policy, common)
    if _empty_knowledge(state, step):
        # Nothing relevant in the knowledge base: say so instead of letting the model make it up.
        zh = state.graph.language == "zh"
        return _settled(step, ok=True, output={"not_found": True},
                        text="知识库中没有找到相关内容。" if zh else "No matching passages were found in the knowledge base.")
    try:
        schema = generation_schema(state, step)
        messages = generation_messages(state, step)
    except T2S.QueryError as exc:  # a database with nothing to query
        return _settled(step, ok=False, error=f"no structured query possible: {exc}")
    return Dispatch(step, INFERENCE_REQUESTS, EventType.INFERENCE_REQUESTED, InferenceRequested(
        **common,
        operation="generate",
        task_type=step.task_type,
        messages=[ChatMessage(**m) for m in messages],  # type: ignore[arg-type]
        # Structured output is for the planner, not a text to show while it is written.
        stream=policy.stream_generation and schema is None,
        json_schema=schema,
        params={"temperature": 0.0, "max_new_tokens": policy.sql_max_new_tokens} if schema else
        generation_params(state, step, policy),
    ))


def generation_params(state: TaskState, step: PlanStep, policy: PlannerPolicy) -> dict[str, Any]:
    """A generation's token budget (per task type; a translation's from its source's length) and the
    language its sampler steers to (issue 16 item 7)."""
    task = step.task_type or ""
    params: dict[str, Any] = {}
    if task == IntentType.TRANSLATION.value:
        source = str(step.arguments.get("text") or "") + "".join(
            d.text for d in map(state.step, step.depends_on) if d is not None and d.intent_id)
        params["max_new_tokens"] = max(48, min(384, 48 + len(source)))
    elif task in policy.token_budgets:
        params["max_new_tokens"] = policy.token_budgets[task]
    language = output_language(state, step)
    if language and task in policy.steer_language_for:
        params["language"] = language
        if step.arguments.get("language_bias"):  # a retry after an answer in the wrong language
            params["language_bias"] = step.arguments["language_bias"]
    return params


def _kb_answer(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch | StepCompleted:
    """The extract answers (compose.py renders it with its citation); the model only rephrases it when
    ``planner.kb_rephrase`` asks, and compose checks the rephrasing against the passage."""
    search = _input(state, step, "kb_search")
    output = search.output if search is not None else {}
    extract = _kb_extract(state, step)
    question = str(step.arguments.get("text") or state.request.text)
    if not output.get("passages") or not extract or not A.wants_rephrase(policy.kb_rephrase, question, extract):
        return _settled(step, ok=True, text=extract)
    step.arguments["rephrase"] = True
    return Dispatch(step, INFERENCE_REQUESTS, EventType.INFERENCE_REQUESTED, InferenceRequested(
        **common,
        operation="generate",
        task_type=IntentType.QUESTION_ANSWERING.value,
        messages=[ChatMessage(**m) for m in A.rephrase_messages(  # type: ignore[arg-type]
            question, extract, state.graph.language, str((output.get("extract") or {}).get("citation") or ""))],
        stream=False,  # the text is checked before anyone sees it
        params={"temperature": 0.0, "max_new_tokens": policy.kb_rephrase_max_new_tokens},
    ))


def _embed(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch:
    return Dispatch(step, INFERENCE_REQUESTS, EventType.INFERENCE_REQUESTED, InferenceRequested(
        **common, operation="embed", task_type="embedding", texts=step.arguments["texts"]
    ))


def _remember(state: TaskState, step: PlanStep, policy: PlannerPolicy, common: dict[str, Any]) -> Dispatch | StepCompleted:
    if step.name == "store_turn":
        # Goes out with the turns of the other tasks finishing now, one request (see turns.py).
        turn = TurnWrite(task_id=state.task_id, session_id=state.session_id, user=state.request.user,
                         turn=turn_record(state))
        return Dispatch(step, MEMORY_REQUESTS, EventType.MEMORY_REQUESTED, turn)
    # A fact or preference the user stated, kept for the task's tenant and user.
    return _memory(step, MemoryRemember, **common, user=state.request.user,
                   source=f"task:{state.task_id}", **step.arguments)


BUILDERS: dict[StepKind, Builder] = {
    StepKind.RECALL: _recall,
    StepKind.PARSE: _parse,
    StepKind.TOOL: _tool,
    StepKind.GENERATE: _generate,
    StepKind.EMBED: _embed,
    StepKind.REMEMBER: _remember,
}
"""Every kind a plan holds; ``compose`` is a kind of the result's step list, never dispatched."""


def _empty_knowledge(state: TaskState, step: PlanStep) -> bool:
    """A generation over a knowledge-base search that found nothing (not a general question trying the
    knowledge base first: the model answers that one, unless the search found the question is about the
    tenant's own things, ``not_found.on_topic``; nor a database question: the database answers it)."""
    if step.task_type == TEXT_TO_SQL:
        return False
    deps = [state.step(d) for d in step.depends_on]
    kb = [d for d in deps if d is not None and d.name == "kb_search"]
    if step.arguments.get("kb_first"):
        # unless the question names the tenant's own things and the documents don't state what it asks
        # ("Who is the CEO of <the tenant's company>?"): a model would make that up
        return any(d.status is StepStatus.COMPLETED and (d.output.get("not_found") or {}).get("on_topic")
                   for d in kb)
    return bool(kb) and not passages_of(state, step)


def _kb_not_sql(state: TaskState, step: PlanStep) -> bool:
    """A structured-query step whose question doesn't fit the schema while the knowledge base has an extract."""
    schema = _input(state, step, "sql_schema")
    if schema is None or not _kb_extract(state, step):
        return False
    return not fits_schema(str(step.arguments.get("text") or state.request.text), schema.output)


def _answered_from_kb(state: TaskState, step: PlanStep) -> PlanStep | None:
    """The knowledge-base answer that took a sql_query step's place (its input, rerouted by _kb_not_sql)."""
    gen = next((d for d in map(state.step, step.depends_on) if d is not None and d.name == KB_ANSWER
                and d.arguments.get("kb_instead_of_sql") and d.status is StepStatus.COMPLETED), None)
    return gen


def _kb_extract(state: TaskState, step: PlanStep) -> str:
    """The extract of the step's completed knowledge-base search, when a passage passed the floor."""
    search = _input(state, step, "kb_search")
    if search is None or not search.output.get("passages"):
        return ""
    return str((search.output.get("extract") or {}).get("text") or "")


# ------------------------------------------------------------------ what the requests carry


def context_lines(turns: list[dict[str, Any]]) -> list[str]:
    """The parser's view of a session: each turn's request then its answer, oldest first."""
    lines: list[str] = []
    for turn in turns:
        if turn.get("request"):
            lines.append(str(turn["request"]))
        if turn.get("answer"):
            lines.append(str(turn["answer"]))
    return lines


def pending_request(state: TaskState) -> str | None:
    """The request the previous turn asked a question about, if it did."""
    if state.turns and state.turns[-1].get("status") == TaskStatus.NEEDS_CLARIFICATION.value:
        return str(state.turns[-1].get("request") or "") or None
    return None


def turn_record(state: TaskState) -> dict[str, Any]:
    return {
        "task_id": state.task_id,
        "request": state.request.text,
        "answer": state.answer,
        "status": state.status.value if state.status else "",
        # each intent with its exact result, if it has one: "then subtract 30" in the next turn works on it
        "intents": [_with_result(state, i) for i in state.graph.intents],
        "clarification": state.graph.clarification,
        # an acknowledgement of a stated fact is no answer worth keeping: the fact itself is stored
        "keep": not state.graph.intents or not all(remembers(i) for i in state.graph.intents),
        # only a grounded answer becomes a long-term memory; any other is context for its session alone
        "grounded": state.grounded,
        "answer_source": state.answer_source,
    }


def _with_result(state: TaskState, intent: Intent) -> dict[str, Any]:
    record = intent.model_dump(mode="json")
    step = intent_step(state, intent.id)
    value = result_of(step) if step is not None and step.status is StepStatus.COMPLETED else None
    if value is not None:
        record["result"] = value
    return record


def dependency_texts(state: TaskState, step: PlanStep) -> list[str]:
    """What a generation step is given to work from: knowledge-base passages, long-term memories and
    earlier steps' outputs. Each is data, not instructions (issue 20): sentences in it that read as
    instructions to the assistant are removed and it is delimited and labelled with its source."""
    out = []
    for n, passage in enumerate(passages_of(state, step), 1):
        citation = str(passage.get("citation", passage.get("source", "")))
        out.append(f"[{n}] " + data_block(str(passage.get("text", "")), f"kb:{citation}"))
    for dep_id in step.depends_on:
        dep = state.step(dep_id)
        if dep is not None and dep.name == "long_term_search":
            if dep.status is StepStatus.COMPLETED:
                out.extend(data_block(f"(score {h.get('score', 0):.2f}) {h.get('text', '')}"[:600], "memory")
                           for h in dep.output.get("hits", []))
            continue
        if dep is not None and dep.name == "kb_search":
            continue
        if dep is not None and dep.status is StepStatus.COMPLETED:
            intent = next((i for i in state.graph.intents if i.id == dep.intent_id), None)
            label = intent.text if intent else dep.name
            out.append(f"{label}:\n" + data_block(dep.text, f"{dep.kind.value}:{dep.name}"))
    return out


def generation_messages(state: TaskState, step: PlanStep) -> list[dict[str, str]]:
    if step.task_type == TEXT_TO_SQL:
        ranges = [
            DateRange(r["phrase"], date.fromisoformat(r["from"]), date.fromisoformat(r["to"]))
            for r in step.arguments.get("date_ranges", [])
        ]
        return T2S.sql_messages(str(step.arguments.get("text", "")), _schema_input(state, step),
                                date.fromisoformat(step.arguments["today"]), ranges)
    task_type = step.task_type or IntentType.QUESTION_ANSWERING.value
    return render_prompt(
        task_type,
        request=str(step.arguments.get("text") or state.request.text),
        full_request=state.request.text,
        inputs=dependency_texts(state, step),
        history=step.arguments.get("history") or [],
        language=state.graph.language,
        entities=step.arguments.get("entities") or {},
        variant=state.prompt_variants.get(task_type),
    )


def _input(state: TaskState, step: PlanStep, name: str) -> PlanStep | None:
    for dep_id in step.depends_on:
        dep = state.step(dep_id)
        if dep is not None and dep.name == name and dep.status is StepStatus.COMPLETED:
            return dep
    return None


def _schema_input(state: TaskState, step: PlanStep) -> dict[str, Any]:
    found = _input(state, step, "sql_schema")
    if found is None:
        raise T2S.QueryError("no database schema")
    return found.output


def generation_schema(state: TaskState, step: PlanStep) -> dict[str, Any] | None:
    """The JSON Schema a generation step's output must follow (text-to-SQL steps), else None."""
    if step.task_type != TEXT_TO_SQL:
        return None
    return T2S.query_json_schema(_schema_input(state, step))


def sql_arguments(state: TaskState, step: PlanStep, policy: PlannerPolicy) -> dict[str, Any]:
    """sql_query's arguments compiled from its structured-query input; QueryError when it can't be.

    A step without a text-to-SQL input keeps the arguments it was planned with.
    """
    gen = structured_input(state, step)
    if gen is None:
        return step.arguments
    try:
        structured = json.loads(gen.text)
    except ValueError:
        raise T2S.QueryError("the model's structured query is not JSON") from None
    compiled = T2S.compile_query(structured, _schema_input(state, gen), max_limit=policy.sql_max_rows)
    return {"query": compiled.sql, "params": compiled.params,
            **({"database": compiled.database} if compiled.database else {})}
