"""A task's plan as data: its steps, its state, and the policy that shapes it.

The whole :class:`TaskState` is a pydantic model, so it is checkpointed as one record and restored
after a crash (checkpoints.py). A task goes through phases:
``recall`` (session memory) -> optional ``reparse`` (the parser again, with the
session's turns, to resolve referents and answers to clarifying questions) ->
``execute`` (the intents' steps, concurrently where the graph allows) -> the result is
published -> ``remember`` (store the turn in memory) -> ``done``.

The planner's modules, all pure but the shell: build.py (intent graph -> steps), advance.py (the
phase machine: a state in, actions out), requests.py (one request builder per step kind),
compose.py (the answer and the result); coordinator.py alone talks to Kafka.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from autoglm.shared.events import IntentGraph, PromptVariant, StepKind, StepStatus, TaskRequested, TaskStatus

from .text_to_sql import MAX_LIMIT

Phase = Literal["recall", "reparse", "execute", "remember", "done"]
TEXT_TO_SQL = "text_to_sql"
RESTATE = "restate"  # a generation step that only restated a tool's output: answered by a template (exact.py)
KB_ANSWER = "kb_answer"


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
    reply_grace_s: float = Field(
        0.0,
        description="How long past its timeout the step's reply is still awaited: a generation's worker stops at "
        "the timeout and replies with the text so far (truncated), which must reach the planner to be used.",
    )
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
    answer_source: str | None = Field(None, description="extract | model | tool | template (see compose.py).")
    grounded: bool = Field(False, description="The answer rests on cited passages: worth a long-term memory.")
    tenant_kb: bool | None = Field(
        None, description="What the planner knew of the tenant's knowledge base when the task arrived: False = none "
        "(general questions go straight to the model), None = it may have one (they try it first; kb_first.py)."
    )
    finished_at: float | None = None
    reported: dict[str, str] = Field(
        default_factory=dict,
        description="Step id -> the status last published on autoglm.progress (tasks that asked for progress).",
    )
    prompt_variants: dict[str, PromptVariant] = Field(
        default_factory=dict,
        description="Task type -> the prompt variant this task's user was given (variants.py); a task type not "
        "here uses the base templates.",
    )

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
    history_for: list[str] = Field(
        default_factory=lambda: ["chitchat"],
        description="Task types whose prompts get the session's last turns (a conversation); others get none, so "
        "an earlier answer is never copied into an unrelated one.",
    )
    kb_rephrase: Literal["never", "cross_language", "always"] = Field(
        "never",
        description="When a knowledge-base answer goes to the model to be rephrased: never (the extract is the "
        "answer), cross_language (the extract is in another language than the question), always. A rephrasing "
        "whose numbers, quantities, codes or names the cited passage lacks is rejected for the extract.",
    )
    kb_first: bool = Field(
        True,
        description="In a tenant with a knowledge base, a general question (a type of kb_first_types, no tool) "
        "searches it first and is answered with the extract when a passage passes the relevance floor; otherwise "
        "the model answers.",
    )
    kb_first_types: list[str] = Field(
        default_factory=lambda: ["question_answering", "lookup"],
        description="Intent types (without a tool) that try the knowledge base first.",
    )
    kb_first_timeout_s: float = Field(
        10.0, gt=0, description="How long a general question waits for its knowledge-base search before the model "
        "answers without it (one attempt)."
    )
    kb_first_absent_ttl_s: float = Field(
        10.0, ge=0, description="A tenant whose search found no knowledge base is not searched again for this long "
        "(0: search every time); documents ingested meanwhile are used once it passes."
    )
    kb_rephrase_max_new_tokens: int = Field(96, ge=16, le=512, description="Token budget of a rephrasing.")
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
    max_tasks_in_flight: int = Field(
        1000,
        ge=1,
        description="Open tasks a replica holds; past it the planner stops taking intents (they wait in Kafka) "
        "until a quarter of them have finished.",
    )
    generation_reply_grace_s: float = Field(
        5.0, ge=0, le=60,
        description="A generation's deadline comes this long before its step's (and the task's) so that its "
        "truncated text still arrives in time to be part of the answer.",
    )
    token_budgets: dict[str, int] = Field(
        default_factory=lambda: {"creative_writing": 256, "chitchat": 128, "question_answering": 192,
                                 "summarization": 160, "code_generation": 256, "lookup": 128},
        description="max_new_tokens of a generation step per task type (a translation's follows its source's "
        "length); the inference service cuts it further when its queue would not let it finish in time.",
    )
    steer_language_for: list[str] = Field(
        default_factory=lambda: ["creative_writing", "chitchat", "question_answering", "summarization",
                                 "translation", "lookup"],
        description="Task types whose generations are steered to the output language's script (the sampler lowers "
        "off-script tokens); code is never steered.",
    )
    sql_max_rows: int = Field(50, ge=1, le=MAX_LIMIT, description="LIMIT cap of a text-to-SQL query.")
    sql_max_new_tokens: int = Field(512, ge=64, le=2048, description="Token budget of the structured query.")


# ------------------------------------------------------------------ queries


def execution_finished(state: TaskState) -> bool:
    work = [s for s in state.steps if not s.after_result]
    return all(s.status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED) for s in work)


def remember_finished(state: TaskState) -> bool:
    return all(s.status is not StepStatus.PENDING and s.status is not StepStatus.RUNNING for s in state.steps)


def intent_step(state: TaskState, intent_id: str) -> PlanStep | None:
    """The step whose output answers the intent: the last of the intent's steps (not one another step stood in
    for: a database query whose question the knowledge base answered)."""
    found = None
    for s in state.steps:
        if s.intent_id == intent_id and not s.output.get("superseded_by"):
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


MULTI_FACT_SHAPES = ("comparison", "intersection", "same")
"""Graph answers whose question needs facts of several sentences by its very form (which of two is larger,
what do two things share, are they the same): no one extract answers them."""


def graph_answer(state: TaskState, step: PlanStep) -> dict[str, Any] | None:
    """The knowledge graph's answer among a step's inputs (a kb_search reply's ``graph``), when it is what
    should answer, else None (the extract answers).

    The graph answers a question whose form needs several facts (a comparison, what two things share, a
    "same ...?" check), and a chain of two hops or more when the extract does not answer by itself: the
    memory service says whether the extract holds a value of the kind asked and the question's codes
    (``extract.answers``; None: the question asks for nothing it can check, and the chain stands). A plain
    one-hop question ("How much is the meal allowance?") whose extract states the amount is answered by the
    extract, however long a chain the graph found: a chain over a one-hop question links facts the question
    never asked about. With no extract at all, any graph answer is better than nothing; with the knowledge
    base saying "not found", none is."""
    for dep_id in step.depends_on:
        dep = state.step(dep_id)
        if dep is not None and dep.name == "kb_search" and dep.status is StepStatus.COMPLETED:
            found = dep.output.get("graph")
            if not isinstance(found, dict) or not found.get("text") or dep.output.get("not_found"):
                continue
            extract = (dep.output.get("extract") or {}) if dep.output.get("passages") else {}
            if not extract.get("text") or found.get("shape") in MULTI_FACT_SHAPES:
                return found
            if len(found.get("reasoning_path") or []) >= 2 and extract.get("answers") is not True:
                return found
    return None


def structured_input(state: TaskState, step: PlanStep) -> PlanStep | None:
    return next((d for d in map(state.step, step.depends_on) if d is not None and d.task_type == TEXT_TO_SQL), None)
