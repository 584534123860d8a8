"""Plans: an intent graph becomes a DAG of steps (pure).

:func:`new_state` opens a task with its session recall (skipped when the request refers to nothing
earlier); :func:`build_execution` appends one step per intent, or a short chain for the intents that
need one (knowledge base: search -> answer, the answer being the search's extract unless the model is
asked to rephrase it; text-to-SQL: schema -> structured query -> query), plus the long-term memory search
a generation reads; :func:`add_remember_steps` adds the turn's write once the result is out. Nothing is
embedded here: the memory service embeds what it stores and searches with (layout 2). Steps are named
``s0, s1, ...`` in the order they are added, so a replayed plan names them alike.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autoglm.shared.events import Intent, IntentGraph, IntentType, StepKind, StepStatus, TaskRequested

from . import text_to_sql as T2S
from .arithmetic import UNCOMPUTED, continues_problem, uncomputed_answer
from .capabilities import unsupported_answer
from .exact import refers_to_last_turn, restates_only
from .kb_first import tries_kb_first
from .periods import date_ranges
from .state import KB_ANSWER, RESTATE, TEXT_TO_SQL, PlannerPolicy, PlanStep, TaskState

# Tools whose calls may be retried: they only read.
READ_ONLY_TOOLS = frozenset(
    {"calculator", "convert_units", "text_stats", "datetime", "weather", "sql_query", "sql_schema", "kb_search",
     "http_get"}
)
_DATE_ARGS = ("operation", "start", "end", "years", "months", "weeks", "days", "hours", "minutes")


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
    tenant_kb: bool | None = None,
) -> TaskState:
    """A new task's state; ``tenant_kb`` is what the planner knows of the tenant's knowledge base
    (kb_first.py: False skips the knowledge-base search of general questions)."""
    state = TaskState(
        task_id=task_id,
        session_id=session_id,
        tenant=tenant,
        request=request,
        graph=graph,
        received_at=received_at,
        deadline=received_at.timestamp() + timeout_s,
        partition=partition,
        tenant_kb=tenant_kb,
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
        and all(
            (i.tool and i.tool != "kb_search" and "referent" not in i.entities and not refers_to_last_turn(i))
            or restates_only(i, [d for d in graph.intents if d.id in i.depends_on])  # answered by a template
            for i in graph.intents
        )
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
        args: dict[str, Any] = {k: entities[k] for k in _DATE_ARGS if entities.get(k) not in (None, "")}
        if entities.get("timezone"):
            args["timezone"] = entities["timezone"]
        return args
    if tool == "convert_units":
        return {"value": entities.get("value", ""), "from_unit": entities.get("from_unit") or entities.get("from", ""),
                "to_unit": entities.get("to_unit") or entities.get("to", "")}
    if tool == "text_stats":
        args = {"text": entities.get("text") or text}
        if entities.get("phrase"):
            args["phrase"] = entities["phrase"]
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
    """Store the stated fact as a long-term memory of the task's user (op ``remember``)."""
    text = str(intent.entities["memory"])[:4000]
    kind = "preference" if intent.entities.get("memory_kind") == "preference" else "fact"
    # Idempotent: the memory's identity is its user, kind and text, so a retry updates the same memory.
    store = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.REMEMBER, name="remember", intent_id=intent.id,
                     depends_on=deps, timeout_s=policy.step_timeout_s, max_attempts=policy.max_attempts,
                     arguments={"text": text, "kind": kind, "importance": policy.remember_importance,
                                "confidence": policy.remember_confidence})
    state.steps.append(store)
    return store


def _long_term_steps(state: TaskState, policy: PlannerPolicy) -> str | None:
    """Search long-term memory once, for the generation steps' context: only memories about this
    request (``memory.recall_min_similarity``) come back."""
    wants = [i for i in state.graph.intents
             if not i.tool and i.type.value in policy.long_term_for and not remembers(i)]
    if not wants or policy.long_term_limit <= 0:
        return None
    search = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.RECALL, name="long_term_search",
                      arguments={"limit": policy.long_term_limit, "query": state.request.text[:2000]},
                      timeout_s=policy.step_timeout_s, max_attempts=2, optional=True)
    state.steps.append(search)
    return search.id


def build_execution(state: TaskState, policy: PlannerPolicy) -> None:
    """Append one step per intent; a dependent step consumes its inputs' outputs."""
    by_intent: dict[str, str] = {}
    # Earlier turns reach a prompt only where the conversation itself is the context (chitchat): a
    # wrong earlier answer in the prompt of an unrelated request is what the small model copies.
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
        if intent.entities.get(UNCOMPUTED) or continues_problem(intent, state.turns):
            # A part of a word problem no reader computed: said plainly, never handed to a model (arithmetic.py).
            step = PlanStep(id=sid, kind=StepKind.COMPOSE, name=UNCOMPUTED, intent_id=intent.id,
                            status=StepStatus.COMPLETED, text=uncomputed_answer(intent.text, state.graph.language),
                            finished_at=time.time(), max_attempts=0)
            state.steps.append(step)
            by_intent[intent.id] = step.id
            continue
        if intent.tool == "kb_search":
            # Knowledge-base answers: search the tenant's passages (memory, which also picks the
            # sentence that answers), then the answer: that extract, or the model's rephrasing of it
            # when planner.kb_rephrase asks for one (checked against the passage, compose.py).
            query = str(intent.entities.get("query") or intent.text)
            search = PlanStep(id=sid, kind=StepKind.TOOL, name="kb_search", intent_id=intent.id, depends_on=deps,
                              arguments={"query": query, "top_k": int(intent.entities.get("top_k", 4))},
                              timeout_s=policy.step_timeout_s, max_attempts=policy.max_attempts)
            state.steps.append(search)
            answer = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.GENERATE, name=KB_ANSWER, intent_id=intent.id,
                              depends_on=[search.id], task_type=IntentType.QUESTION_ANSWERING.value,
                              arguments={"text": intent.text, "entities": intent.entities},
                              timeout_s=policy.generation_timeout_s, max_attempts=1)
            state.steps.append(answer)
            by_intent[intent.id] = answer.id
            continue
        if intent.tool == "sql_query" and _needs_text_to_sql(intent.entities):
            by_intent[intent.id] = _text_to_sql_steps(state, policy, intent, deps)
            continue
        if restates_only(intent, [i for i in state.graph.intents if i.id in intent.depends_on]):
            # "…，然后告诉我结果": the tool's output is the answer; no model restates it (exact.py).
            step = PlanStep(id=sid, kind=StepKind.GENERATE, name=RESTATE, intent_id=intent.id, depends_on=deps,
                            task_type=intent.type.value, timeout_s=policy.step_timeout_s, max_attempts=1)
        elif intent.tool:
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
            kb_first = state.tenant_kb is not False and tries_kb_first(intent, policy)
            if kb_first:
                # A general question tries the tenant's documents first (kb_first.py): the generation
                # answers with the search's extract when a passage passed the floor (requests.py), else
                # the model answers. Optional: a failed or slow search leaves the model to answer.
                search = add_kb_first_search(state, policy, intent.id, intent.text, deps)
                deps, sid = [*deps, search.id], f"s{len(state.steps)}"
            step = PlanStep(
                id=sid,
                kind=StepKind.GENERATE,
                name="generate",
                intent_id=intent.id,
                depends_on=deps + ([memory_step] if memory_step and intent.type.value in policy.long_term_for else []),
                task_type=intent.type.value,
                arguments={"text": intent.text, "entities": intent.entities,
                           "history": history if intent.type.value in policy.history_for else [],
                           **({"kb_first": True} if kb_first else {})},
                timeout_s=policy.generation_timeout_s,
                # A generation that timed out would time out again; it is not retried.
                max_attempts=1,
            )
        by_intent[intent.id] = sid
        state.steps.append(step)
    for step in state.steps:
        if step.kind is StepKind.GENERATE and step.name != RESTATE and not step.after_result:
            step.reply_grace_s = policy.generation_reply_grace_s
    search = state.step(memory_step) if memory_step else None
    if search is not None:
        # "记住我不吃辣，然后推荐一道菜": the recommendation should already know what was just stated.
        search.depends_on += [by_intent[i.id] for i in state.graph.intents if remembers(i)]
    state.phase = "execute"


def add_kb_first_search(state: TaskState, policy: PlannerPolicy, intent_id: str, query: str,
                        deps: list[str]) -> PlanStep:
    """The optional, quick search of the tenant's documents that a question tries first (kb_first.py): one
    attempt, ``planner.kb_first_timeout_s``; its dependants run whether it finds anything or fails."""
    search = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="kb_search", intent_id=intent_id,
                      depends_on=deps, optional=True, max_attempts=1,
                      arguments={"query": query, "top_k": 4, "kb_first": True},
                      timeout_s=min(policy.kb_first_timeout_s, policy.step_timeout_s))
    state.steps.append(search)
    return search


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
    detour: list[str] = []
    if policy.kb_first and state.tenant_kb is not False:
        # The tenant's documents may be what the question is about (schema_fit.py): their search runs first
        # (optional, quick), and the structured query is only asked for when the question fits the schema
        # or no passage answers it (requests.py).
        detour = [add_kb_first_search(state, policy, intent.id, question, deps).id]
    schema = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="sql_schema", depends_on=deps,
                      arguments={k: intent.entities[k] for k in ("database",) if intent.entities.get(k)},
                      max_attempts=policy.max_attempts, **common)
    state.steps.append(schema)
    generate = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.GENERATE, name="generate",
                        intent_id=intent.id, depends_on=[schema.id, *detour], task_type=TEXT_TO_SQL,
                        arguments={"text": question, "today": today.isoformat(), "date_ranges": ranges},
                        timeout_s=policy.generation_timeout_s, max_attempts=1)
    state.steps.append(generate)
    query = PlanStep(id=f"s{len(state.steps)}", kind=StepKind.TOOL, name="sql_query", depends_on=[generate.id],
                     max_attempts=policy.max_attempts, **common)
    state.steps.append(query)
    return query.id


def add_remember_steps(state: TaskState, policy: PlannerPolicy) -> None:
    """The turn's write: the memory service keeps it for the session, and as a long-term memory only
    when the answer is grounded (``turn_record``'s ``grounded``; it embeds that one itself)."""
    if not policy.remember_turns:
        state.phase = "done"
        return
    store = PlanStep(
        id=f"s{len(state.steps)}",
        kind=StepKind.REMEMBER,
        name="store_turn",
        timeout_s=policy.step_timeout_s,
        max_attempts=2,
        after_result=True,
        # The memory service consumes the request at least once and stores the turn idempotently by
        # task id, so the acknowledged request is as good as the stored turn: no reply, no handling.
        acked_only=True,
    )
    state.steps.append(store)
    state.phase = "remember"
