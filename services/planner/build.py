"""Plans: an intent graph becomes a DAG of steps (pure).

:func:`new_state` opens a task with its session recall (skipped when the request refers to nothing
earlier); :func:`build_execution` appends one step per intent, or a short chain for the intents that
need one (knowledge base: embed -> search -> answer; text-to-SQL: schema -> structured query -> query;
a stated fact: embed -> remember), plus the long-term memory search a generation reads;
:func:`add_remember_steps` adds the turn's writes once the result is out. Steps are named
``s0, s1, ...`` in the order they are added, so a replayed plan names them alike.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autoglm.shared.events import Intent, IntentGraph, IntentType, StepKind, StepStatus, TaskRequested

from . import text_to_sql as T2S
from .capabilities import unsupported_answer
from .periods import date_ranges
from .state import TEXT_TO_SQL, PlannerPolicy, PlanStep, TaskState

# Tools whose calls may be retried: they only read.
READ_ONLY_TOOLS = frozenset(
    {"calculator", "datetime", "weather", "sql_query", "sql_schema", "kb_search", "http_get"}
)


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


def parse_step(state: TaskState, policy: PlannerPolicy) -> None:
    """Ask the parser again, now with the session's turns (phase ``reparse``)."""
    state.steps.append(
        PlanStep(
            id=f"s{len(state.steps)}",
            kind=StepKind.PARSE,
            name="parse",
            timeout_s=policy.step_timeout_s,
            max_attempts=policy.max_attempts,
        )
    )
    state.phase = "reparse"


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
        if intent.type is IntentType.UNSUPPORTED:
            # Nothing can do it: the answer is a template, written now (capabilities.py); no worker is asked.
            step = PlanStep(id=sid, kind=StepKind.COMPOSE, name="unsupported", intent_id=intent.id,
                            status=StepStatus.COMPLETED, text=unsupported_answer(intent.text, state.graph.language),
                            finished_at=time.time(), max_attempts=0)
            state.steps.append(step)
            by_intent[intent.id] = step.id
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
