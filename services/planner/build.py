"""Plans: an intent graph becomes a DAG of steps, driven to an answer.

Pure logic, no Kafka: the planner service feeds it step results and clock ticks and
publishes what it asks for. The whole :class:`TaskState` is a pydantic model so it
can be checkpointed as one record and restored after a crash.

A task goes through phases:
``recall`` (session memory) -> optional ``reparse`` (the parser again, with the
session's turns, to resolve referents and answers to clarifying questions) ->
``execute`` (the intents' steps, concurrently where the graph allows) -> the result is
published -> ``remember`` (embed the turn, store it in memory) -> ``done``.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from autoglm.shared.events import (
    ExecutedStep,
    Intent,
    IntentGraph,
    IntentType,
    StepCompleted,
    StepKind,
    StepStatus,
    TaskRequested,
    TaskStatus,
)

from . import text_to_sql as T2S
from .periods import DateRange, date_ranges
from .prompts import render_prompt

Phase = Literal["recall", "reparse", "execute", "remember", "done"]

# Tools whose calls may be retried: they only read.
READ_ONLY_TOOLS = frozenset(
    {"calculator", "datetime", "weather", "sql_query", "sql_schema", "kb_search", "http_get"}
)
_SUMMARY_CHARS = 200
_SQL_SUMMARY_CHARS = 600
TEXT_TO_SQL = "text_to_sql"


class PlanStep(BaseModel):
    id: str
    kind: StepKind
    name: str = Field(description="Tool name, model operation or memory operation.")
    intent_id: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    arguments: dict[str, Any] = Field(default_factory=dict)
    task_type: str | None = None
    idempotent: bool = True
    timeout_s: float = 30.0
    max_attempts: int = 2
    status: StepStatus = StepStatus.PENDING
    attempts: int = 0
    dispatched_at: float | None = None
    first_dispatched_at: float | None = None
    finished_at: float | None = None
    duration_ms: float = 0.0
    output: dict[str, Any] = Field(default_factory=dict)
    text: str = ""
    error: str | None = None
    after_result: bool = Field(False, description="Runs after the result is published (memory writes).")
    optional: bool = Field(False, description="Dependents run even if this step fails (context, not input).")
    acked_only: bool = Field(
        False,
        description="Done when the broker acknowledges the request; the worker sends no reply (a durable, "
        "idempotent write whose output nobody reads; a write that fails goes to the DLQ).",
    )


class TaskState(BaseModel):
    task_id: str
    session_id: str
    tenant: str
    request: TaskRequested
    graph: IntentGraph
    received_at: datetime
    deadline: float = Field(description="Epoch seconds.")
    partition: int = 0
    traceparent: str | None = None
    trace_id: str | None = None
    phase: Phase = "recall"
    steps: list[PlanStep] = Field(default_factory=list)
    turns: list[dict[str, Any]] = Field(default_factory=list)
    reparsed: bool = False
    result_published: bool = False
    status: TaskStatus | None = None
    answer: str = ""
    error: str | None = None
    finished_at: float | None = None

    def step(self, step_id: str) -> PlanStep | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None


class PlannerPolicy(BaseModel):
    """Knobs of plan execution (from config)."""

    step_timeout_s: float = 30.0
    generation_timeout_s: float = 90.0
    max_attempts: int = 3
    retry_backoff_s: float = 0.5
    session_turns: int = 6
    remember_turns: bool = True
    history_in_prompt: int = 2
    stream_generation: bool = Field(True, description="Generation steps stream tokens to autoglm.progress.")
    long_term_limit: int = Field(3, ge=0, le=20, description="Long-term memories given to a generation step.")
    long_term_for: list[str] = Field(
        default_factory=lambda: ["question_answering", "chitchat", "creative_writing", "lookup"],
        description="Task types whose generation steps get long-term memory hits.",
    )
    remember_importance: float = Field(0.7, ge=0, le=1, description="Importance of a fact the user asked to remember.")
    remember_confidence: float = Field(
        0.9, ge=0, le=1, description="Confidence of a fact the user stated (at or above trusted: answers never replace it)."
    )
    timezone: str = Field(
        "Asia/Shanghai", description="Zone of a request's reference day when it names none (the stack's default)."
    )
    session_only_tools: list[str] = Field(
        default_factory=lambda: ["calculator", "datetime"],
        description="A turn whose every intent is answered by one of these tools is kept in session memory only, "
        "without an embedding for long-term search: such answers are recomputed, not remembered.",
    )
    max_tasks_in_flight: int = Field(
        1000,
        ge=1,
        description="Open tasks a replica holds; past it the planner stops taking intents (they wait in Kafka) "
        "until a quarter of them have finished.",
    )
    sql_max_rows: int = Field(50, ge=1, le=T2S.MAX_LIMIT, description="LIMIT cap of a text-to-SQL query.")
    sql_max_new_tokens: int = Field(512, ge=64, le=2048, description="Token budget of the structured query.")


def new_state(
    *,
    task_id: str,
    session_id: str,
    tenant: str,
    request: TaskRequested,
    graph: IntentGraph,
    received_at: datetime,
    timeout_s: float,
    partition: int,
    policy: PlannerPolicy,
) -> TaskState:
    state = TaskState(
        task_id=task_id,
        session_id=session_id,
        tenant=tenant,
        request=request,
        graph=graph,
        received_at=received_at,
        deadline=received_at.timestamp() + timeout_s,
        partition=partition,
    )
    state.steps.append(
        PlanStep(
            id="s0",
            kind=StepKind.RECALL,
            name="recall",
            arguments={"limit": policy.session_turns},
            timeout_s=min(policy.step_timeout_s, 10.0),
            max_attempts=policy.max_attempts,
        )
    )
    if self_contained(state):
        # Nothing in it can use the session's turns: don't fetch them (two fewer hops per task).
        recall = state.steps[0]
        recall.status, recall.text = StepStatus.SKIPPED, "not needed: the request refers to nothing earlier"
    return state


# ------------------------------------------------------------------ building


def tool_arguments(tool: str, entities: dict[str, Any], text: str) -> dict[str, Any]:
    """Arguments of a tool call from an intent's entities (the tool's inputSchema names)."""
    if tool == "calculator":
        return {"expression": entities.get("expression") or text}
    if tool == "datetime":
        args: dict[str, Any] = {}
        if entities.get("timezone"):
            args["timezone"] = entities["timezone"]
        return args
    if tool == "weather":
        args = {"city": entities.get("city", "")}
        if entities.get("date"):
            args["date"] = entities["date"]
        if entities.get("days"):
            args["days"] = entities["days"]
        return args
    if tool == "sql_query":
        if entities.get("query"):
            return {"query": entities["query"]}
        order_id = str(entities.get("order_id", ""))
        if order_id.isdigit():
            return {"query": f"SELECT * FROM orders WHERE order_id = {int(order_id)}"}
        if order_id.isalnum():
            return {"query": f"SELECT * FROM orders WHERE order_id = '{order_id}'"}
        return {"query": text}
    if tool == "kb_search":
        return {"query": entities.get("query") or text, "top_k": entities.get("top_k", 4)}
    if tool == "http_get":
        return {"url": entities.get("url", "")}
    return {k: v for k, v in entities.items()}


def remembers(intent: Intent) -> bool:
    """The intent states a fact or preference to keep (the parser's ``memory`` entity)."""
    return not intent.tool and bool(intent.entities.get("memory"))


def _remember_steps(state: TaskState, intent: Intent, deps: list[str], policy: PlannerPolicy) -> PlanStep:
    """Embed the stated fact, then store it as a long-term memory of the task's user (op ``remember``)."""
    text = str(intent.entities["memory"])[:4000]
    kind = "preference" if intent.entities.get("memory_kind") == "preference" else "fact"
    embed = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.EMBED, name="embed", intent_id=intent.id,
                     depends_on=deps, arguments={"texts": [text]}, timeout_s=policy.step_timeout_s,
                     max_attempts=policy.max_attempts)
    state.steps.append(embed)
    # Idempotent: the memory's identity is its user, kind and text, so a retry updates the same memory.
    store = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.REMEMBER, name="remember", intent_id=intent.id,
                     depends_on=[embed.id], timeout_s=policy.step_timeout_s, max_attempts=policy.max_attempts,
                     arguments={"text": text, "kind": kind, "importance": policy.remember_importance,
                                "confidence": policy.remember_confidence})
    state.steps.append(store)
    return store


def _long_term_steps(state: TaskState, policy: PlannerPolicy) -> str | None:
    """Embed the request and search long-term memory once, for the generation steps' context."""
    wants = [i for i in state.graph.intents
             if not i.tool and i.type.value in policy.long_term_for and not remembers(i)]
    if not wants or policy.long_term_limit <= 0:
        return None
    embed = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.EMBED, name="embed",
                     arguments={"texts": [state.request.text[:2000]]}, timeout_s=policy.step_timeout_s,
                     max_attempts=2, optional=True)
    state.steps.append(embed)
    search = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.RECALL, name="long_term_search", depends_on=[embed.id],
                      arguments={"limit": policy.long_term_limit}, timeout_s=policy.step_timeout_s,
                      max_attempts=2, optional=True)
    state.steps.append(search)
    return search.id


def build_execution(state: TaskState, policy: PlannerPolicy) -> None:
    """Append one step per intent; a dependent step consumes its inputs' outputs."""
    by_intent: dict[str, str] = {}
    history = state.turns[-policy.history_in_prompt :] if policy.history_in_prompt else []
    memory_step = _long_term_steps(state, policy)
    for intent in state.graph.intents:
        sid = f"s{len(state.steps)}"
        deps = [by_intent[d] for d in intent.depends_on if d in by_intent]
        if remembers(intent):
            by_intent[intent.id] = _remember_steps(state, intent, deps, policy).id
            continue
        if intent.tool == "kb_search":
            # Knowledge-base answers: embed the query (inference), search the tenant's passages
            # (memory), then answer from them with citations (inference).
            query = str(intent.entities.get("query") or intent.text)
            embed = PlanStep(id=sid, kind=StepKind.EMBED, name="embed", intent_id=intent.id, depends_on=deps,
                             arguments={"texts": [query]}, timeout_s=policy.step_timeout_s,
                             max_attempts=policy.max_attempts)
            state.steps.append(embed)
            search = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="kb_search", intent_id=intent.id,
                              depends_on=[embed.id], arguments={"query": query, "top_k": int(intent.entities.get("top_k", 4))},
                              timeout_s=policy.step_timeout_s, max_attempts=policy.max_attempts)
            state.steps.append(search)
            answer = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.GENERATE, name="generate", intent_id=intent.id,
                              depends_on=[search.id], task_type=IntentType.QUESTION_ANSWERING.value,
                              arguments={"text": intent.text, "entities": intent.entities, "history": history},
                              timeout_s=policy.generation_timeout_s, max_attempts=1)
            state.steps.append(answer)
            by_intent[intent.id] = answer.id
            continue
        if intent.tool == "sql_query" and _needs_text_to_sql(intent.entities):
            by_intent[intent.id] = _text_to_sql_steps(state, policy, intent, deps)
            continue
        if intent.tool:
            step = PlanStep(
                id=sid,
                kind=StepKind.TOOL,
                name=intent.tool,
                intent_id=intent.id,
                depends_on=deps,
                arguments=tool_arguments(intent.tool, intent.entities, intent.text),
                idempotent=intent.tool in READ_ONLY_TOOLS,
                timeout_s=policy.step_timeout_s,
                max_attempts=policy.max_attempts if intent.tool in READ_ONLY_TOOLS else 1,
            )
        else:
            step = PlanStep(
                id=sid,
                kind=StepKind.GENERATE,
                name="generate",
                intent_id=intent.id,
                depends_on=deps + ([memory_step] if memory_step and intent.type.value in policy.long_term_for else []),
                task_type=intent.type.value,
                arguments={"text": intent.text, "entities": intent.entities, "history": history},
                timeout_s=policy.generation_timeout_s,
                # A generation that timed out would time out again; it is not retried.
                max_attempts=1,
            )
        by_intent[intent.id] = sid
        state.steps.append(step)
    search = state.step(memory_step) if memory_step else None
    if search is not None:
        # "记住我不吃辣，然后推荐一道菜": the recommendation should already know what was just stated.
        search.depends_on += [by_intent[i.id] for i in state.graph.intents if remembers(i)]
    state.phase = "execute"


def reference_day(state: TaskState, policy: PlannerPolicy) -> date:
    """The request's "today" in its zone (the parser's rule): `now` if given, else the arrival time."""
    try:
        zone = ZoneInfo(state.request.timezone or policy.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo(policy.timezone)  # an unknown zone in a request must not stop its plan
    now = state.request.now or state.received_at
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    return now.astimezone(zone).date()


def _needs_text_to_sql(entities: dict[str, Any]) -> bool:
    """A question in words, with no rule to answer it (an order id) and no SQL of its own."""
    query = str(entities.get("query") or "")
    return bool(query) and not entities.get("order_id") and not T2S.is_sql(query)


def _text_to_sql_steps(state: TaskState, policy: PlannerPolicy, intent: Any, deps: list[str]) -> str:
    """sql_schema -> structured query (generation, JSON Schema from the schema) -> sql_query.

    The sql_query step's arguments are compiled from the generation's output when it is dispatched
    (:func:`sql_arguments`). Returns the id of the step that answers the intent.
    """
    question = str(intent.entities.get("query") or intent.text)
    today = reference_day(state, policy)
    ranges = [
        {"phrase": r.phrase, "from": r.start.isoformat(), "to": r.end.isoformat()}
        for r in date_ranges(intent.text, today, intent.entities)
    ]
    common = {"intent_id": intent.id, "timeout_s": policy.step_timeout_s}
    schema = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="sql_schema", depends_on=deps,
                      arguments={k: intent.entities[k] for k in ("database",) if intent.entities.get(k)},
                      max_attempts=policy.max_attempts, **common)
    state.steps.append(schema)
    generate = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.GENERATE, name="generate",
                        intent_id=intent.id, depends_on=[schema.id], task_type=TEXT_TO_SQL,
                        arguments={"text": question, "today": today.isoformat(), "date_ranges": ranges},
                        timeout_s=policy.generation_timeout_s, max_attempts=1)
    state.steps.append(generate)
    query = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="sql_query", depends_on=[generate.id],
                     max_attempts=policy.max_attempts, **common)
    state.steps.append(query)
    return query.id


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
    gen = _structured_input(state, step)
    if gen is None:
        return step.arguments
    try:
        structured = json.loads(gen.text)
    except ValueError:
        raise T2S.QueryError("the model's structured query is not JSON") from None
    compiled = T2S.compile_query(structured, _schema_input(state, gen), max_limit=policy.sql_max_rows)
    return {"query": compiled.sql, "params": compiled.params,
            **({"database": compiled.database} if compiled.database else {})}


def _structured_input(state: TaskState, step: PlanStep) -> PlanStep | None:
    return next((d for d in map(state.step, step.depends_on) if d is not None and d.task_type == TEXT_TO_SQL), None)


def sql_line(step: PlanStep, zh: bool = False) -> str:
    """What a sql_query step ran: its SQL and bound values."""
    query = str(step.arguments.get("query") or "")
    params = step.arguments.get("params")
    bound = f" {'参数' if zh else 'params'} {json.dumps(params, ensure_ascii=False)}" if params else ""
    return f"SQL: {query}{bound}" if query else ""


def add_remember_steps(state: TaskState, policy: PlannerPolicy) -> None:
    if not policy.remember_turns:
        state.phase = "done"
        return
    n = len(state.steps)
    intents = state.graph.intents
    session_only = bool(intents) and all(i.tool in policy.session_only_tools for i in intents)
    embed = PlanStep(
        id=f"s{n}",
        kind=StepKind.EMBED,
        name="embed",
        arguments={"texts": [turn_text(state)]},
        timeout_s=policy.step_timeout_s,
        max_attempts=2,
        after_result=True,
    )
    store = PlanStep(
        id=f"s{n + (0 if session_only else 1)}",
        kind=StepKind.REMEMBER,
        name="store_turn",
        depends_on=[] if session_only else [embed.id],
        timeout_s=policy.step_timeout_s,
        max_attempts=2,
        after_result=True,
        # The memory service consumes the request at least once and stores the turn idempotently by
        # task id, so the acknowledged request is as good as the stored turn: no reply, no handling.
        acked_only=True,
    )
    state.steps += [store] if session_only else [embed, store]
    state.phase = "remember"


def turn_text(state: TaskState) -> str:
    return f"{state.request.text}\n{state.answer}"[:4000]


def turn_record(state: TaskState) -> dict[str, Any]:
    return {
        "task_id": state.task_id,
        "request": state.request.text,
        "answer": state.answer,
        "status": state.status.value if state.status else "",
        "intents": [i.model_dump(mode="json") for i in state.graph.intents],
        "clarification": state.graph.clarification,
        # an acknowledgement of a stated fact is no answer worth keeping: the fact itself is stored
        "keep": not state.graph.intents or not all(remembers(i) for i in state.graph.intents),
    }


# ------------------------------------------------------------------ driving


def ready_steps(state: TaskState, now: float | None = None) -> list[PlanStep]:
    """Pending steps whose inputs are all done; dependents of failed steps are skipped."""
    now = time.time() if now is None else now
    ready = []
    for step in state.steps:
        if step.status is not StepStatus.PENDING:
            continue
        deps = [state.step(d) for d in step.depends_on]
        failed = [
            d.id for d in deps if d is not None and d.status in (StepStatus.FAILED, StepStatus.SKIPPED) and not d.optional
        ]
        if failed:
            step.status = StepStatus.SKIPPED
            step.error = f"not run: input step {', '.join(failed)} failed"
            step.finished_at = now
            continue
        if all(
            d is not None
            and (d.status is StepStatus.COMPLETED or (d.optional and d.status in (StepStatus.FAILED, StepStatus.SKIPPED)))
            for d in deps
        ):
            if step.dispatched_at and step.attempts and now < step.dispatched_at:
                continue  # backoff before a retry
            ready.append(step)
    return ready


def mark_dispatched(step: PlanStep, now: float | None = None) -> None:
    now = time.time() if now is None else now
    step.status = StepStatus.RUNNING
    step.attempts += 1
    step.dispatched_at = now
    step.first_dispatched_at = step.first_dispatched_at or now


def apply_reply(state: TaskState, reply: StepCompleted, now: float | None = None) -> PlanStep | None:
    """Record a worker's reply. Returns the step it completed, or None for a duplicate or stray reply."""
    now = time.time() if now is None else now
    step = state.step(reply.step_id)
    if step is None or step.status in (StepStatus.COMPLETED, StepStatus.SKIPPED):
        return None
    if step.status is StepStatus.FAILED and not reply.ok:
        return None
    step.finished_at = now
    step.duration_ms = (now - (step.first_dispatched_at or now)) * 1000
    if reply.ok:
        step.status = StepStatus.COMPLETED
        step.output = reply.output
        step.text = reply.text
        step.error = None
    else:
        step.error = reply.error or "step failed"
        if step.idempotent and step.attempts < step.max_attempts and _retryable(reply.error):
            step.status = StepStatus.PENDING  # retried on the next dispatch round
            step.dispatched_at = now + 0.1 * (2 ** step.attempts)
        else:
            step.status = StepStatus.FAILED
    return step


def _retryable(error: str | None) -> bool:
    """Refusals and bad arguments won't improve on a retry; timeouts and transient errors may."""
    text = (error or "").lower()
    return any(word in text for word in ("timeout", "timed out", "temporar", "unavailable", "connection"))


def expire_steps(state: TaskState, now: float | None = None, backoff_s: float = 0.5) -> list[PlanStep]:
    """Running steps past their timeout: retried when idempotent and attempts remain, else failed."""
    now = time.time() if now is None else now
    expired = []
    for step in state.steps:
        if step.status is not StepStatus.RUNNING or step.dispatched_at is None:
            continue
        if now - step.dispatched_at < step.timeout_s:
            continue
        expired.append(step)
        if step.idempotent and step.attempts < step.max_attempts:
            step.status = StepStatus.PENDING
            step.dispatched_at = now + backoff_s * (2 ** (step.attempts - 1))
            step.error = f"attempt {step.attempts} timed out after {step.timeout_s:g}s"
        else:
            step.status = StepStatus.FAILED
            step.finished_at = now
            step.duration_ms = (now - (step.first_dispatched_at or now)) * 1000
            step.error = f"timed out after {step.timeout_s:g}s ({step.attempts} attempt(s))"
    return expired


def execution_finished(state: TaskState) -> bool:
    work = [s for s in state.steps if not s.after_result]
    return all(s.status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED) for s in work)


def remember_finished(state: TaskState) -> bool:
    return all(s.status is not StepStatus.PENDING and s.status is not StepStatus.RUNNING for s in state.steps)


def intent_step(state: TaskState, intent_id: str) -> PlanStep | None:
    """The step whose output answers the intent: the last of the intent's steps."""
    found = None
    for s in state.steps:
        if s.intent_id == intent_id:
            found = s
    return found


def passages_of(state: TaskState, step: PlanStep) -> list[dict[str, Any]]:
    """Knowledge-base passages among a step's inputs."""
    out: list[dict[str, Any]] = []
    for dep_id in step.depends_on:
        dep = state.step(dep_id)
        if dep is not None and dep.name == "kb_search" and dep.status is StepStatus.COMPLETED:
            out.extend(dep.output.get("passages", []))
    return out


def citations(passages: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    seen: set[str] = set()
    for p in passages:
        cite = str(p.get("citation") or p.get("source") or "")
        if cite and cite not in seen:
            seen.add(cite)
            source = p.get("source")
            lines.append(f"[{len(lines) + 1}] {cite}" + (f" ({source})" if source and source not in cite else ""))
    return "\n".join(lines)


def dependency_texts(state: TaskState, step: PlanStep) -> list[str]:
    out = []
    for n, passage in enumerate(passages_of(state, step), 1):
        out.append(f"[{n}] ({passage.get('citation', passage.get('source', ''))}) {passage.get('text', '')}")
    for dep_id in step.depends_on:
        dep = state.step(dep_id)
        if dep is not None and dep.name == "long_term_search":
            if dep.status is StepStatus.COMPLETED:
                out.extend(f"(memory, score {h.get('score', 0):.2f}) {h.get('text', '')}"[:600]
                           for h in dep.output.get("hits", []))
            continue
        if dep is not None and dep.name == "kb_search":
            continue
        if dep is not None and dep.status is StepStatus.COMPLETED:
            intent = next((i for i in state.graph.intents if i.id == dep.intent_id), None)
            label = intent.text if intent else dep.name
            out.append(f"{label}: {dep.text}")
    return out


def generation_messages(state: TaskState, step: PlanStep) -> list[dict[str, str]]:
    if step.task_type == TEXT_TO_SQL:
        ranges = [
            DateRange(r["phrase"], date.fromisoformat(r["from"]), date.fromisoformat(r["to"]))
            for r in step.arguments.get("date_ranges", [])
        ]
        return T2S.sql_messages(str(step.arguments.get("text", "")), _schema_input(state, step),
                                date.fromisoformat(step.arguments["today"]), ranges)
    return render_prompt(
        step.task_type or IntentType.QUESTION_ANSWERING.value,
        request=str(step.arguments.get("text") or state.request.text),
        full_request=state.request.text,
        inputs=dependency_texts(state, step),
        history=step.arguments.get("history") or [],
        language=state.graph.language,
        entities=step.arguments.get("entities") or {},
    )


def compose(state: TaskState) -> tuple[TaskStatus, str, str | None]:
    """The final answer from the intents' outputs; failures are named, never silent."""
    zh = state.graph.language == "zh"
    if state.graph.clarification:
        return TaskStatus.NEEDS_CLARIFICATION, state.graph.clarification, None
    if not state.graph.intents:
        msg = "抱歉，我没有理解这个请求。" if zh else "Sorry, I could not understand this request."
        return TaskStatus.FAILED, msg, "no intent recognised"
    parts: list[str] = []
    failures: list[str] = []
    for intent in state.graph.intents:
        step = intent_step(state, intent.id)
        if step is None:
            continue
        if step.status is StepStatus.COMPLETED:
            parts.append(_render_output(state, step, zh))
        else:
            reason = step.error or step.status.value
            failures.append(f"{intent.text}: {reason}")
            parts.append(f"（未完成：{intent.text}——{reason}）" if zh else f"(not done: {intent.text} — {reason})")
    answer = parts[0] if len(parts) == 1 else "\n".join(f"{n}. {p}" for n, p in enumerate(parts, 1))
    if not failures:
        return TaskStatus.COMPLETED, answer, None
    if len(failures) == len(parts):
        return TaskStatus.FAILED, answer, "; ".join(failures)
    return TaskStatus.COMPLETED, answer, "partial: " + "; ".join(failures)


def acknowledgement(output: dict[str, Any], zh: bool) -> str:
    """What the user hears after asking to remember something (no model involved)."""
    text = str(output.get("text", "")).strip()
    if output.get("action") == "kept":
        return f"我之前记下的是：{text}，已保留。" if zh else f"I already have this on record: {text}"
    if output.get("kind") == "preference":
        return f"好的，我记住您的偏好了：{text}" if zh else f"Got it, I'll remember your preference: {text}"
    return f"好的，我记住了：{text}" if zh else f"Got it, I'll remember that: {text}"


def _render_output(state: TaskState, step: PlanStep, zh: bool) -> str:
    if step.kind is StepKind.REMEMBER and step.name == "remember":
        return acknowledgement(step.output, zh)
    if step.kind is StepKind.TOOL and step.name == "calculator":
        expr = step.arguments.get("expression", "")
        value = step.output.get("result", step.text)
        return f"{expr} = {value}"
    if step.kind is StepKind.TOOL and step.name == "sql_query":
        rendered = _render_rows(step.output, zh) or step.text.strip()
        if _structured_input(state, step) is not None:
            # A query the model chose: say what was asked of the database, not only what came back.
            return f"{'查询' if zh else 'Query'} {sql_line(step, zh)}\n{rendered}"
        if rendered:
            return rendered
    text = step.text.strip() or ("（无输出）" if zh else "(no output)")
    sources = citations(passages_of(state, step))
    if sources:
        text += ("\n来源：\n" if zh else "\nSources:\n") + sources
    return text


_ORDER_LABELS_ZH = {"order_id": "订单号", "status": "状态", "customer": "客户", "item": "商品", "amount": "金额",
                    "city": "城市", "carrier": "承运商", "tracking_no": "运单号", "created_at": "下单时间",
                    "updated_at": "更新时间", "quantity": "数量", "currency": "币种"}


def _render_rows(output: dict[str, Any], zh: bool) -> str | None:
    """A single row reads as `field: value` lines; several rows stay a table; none says so."""
    columns, rows = output.get("columns"), output.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        return None
    if not rows:
        return "没有查到符合条件的记录。" if zh else "No matching rows."
    if len(rows) == 1:
        labels = _ORDER_LABELS_ZH if zh else {}
        return "\n".join(f"{labels.get(c, c)}: {v}" for c, v in zip(columns, rows[0], strict=False))
    return None


def executed_steps(state: TaskState) -> list[ExecutedStep]:
    out = []
    for s in state.steps:
        if s.after_result:
            continue
        summary = (s.text or s.error or str(s.output.get("text", ""))).strip().replace("\n", " ")
        if s.status is not StepStatus.COMPLETED and s.error:
            summary = s.error
        limit = _SUMMARY_CHARS
        if s.kind is StepKind.TOOL and s.name == "sql_query" and sql_line(s):
            summary, limit = f"{sql_line(s)} -> {summary}", _SQL_SUMMARY_CHARS
        out.append(
            ExecutedStep(
                id=s.id,
                kind=s.kind,
                name=s.name,
                intent_id=s.intent_id,
                status=s.status,
                duration_ms=round(s.duration_ms, 2),
                attempts=s.attempts,
                summary=summary[:limit],
                depends_on=s.depends_on,
            )
        )
    return out


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


def self_contained(state: TaskState) -> bool:
    """Tool calls that need nothing from the session (no referent, no question pending to answer).

    Such a plan skips the session recall. A reply to a clarifying question that is itself a
    complete tool request would replace the pending request anyway.
    """
    graph = state.graph
    return (
        graph.clarification is None
        and bool(graph.intents)
        and all(i.tool and i.tool != "kb_search" and "referent" not in i.entities for i in graph.intents)
    )


def needs_reparse(state: TaskState) -> bool:
    """Referents and answers to a clarifying question need the session's turns."""
    if state.reparsed or not state.turns:
        return False
    previous = state.turns[-1]
    return bool(state.graph.clarification) or previous.get("status") == TaskStatus.NEEDS_CLARIFICATION.value
