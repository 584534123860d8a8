"""Event schemas: every record on every topic is one of these.

Wire format: the CloudEvents Kafka protocol binding. What the project writes is in the
*structured* content mode unless configured per output topic (``Settings.content_modes``):
the record value is one JSON document holding the CloudEvents attributes and the payload
under ``data``, and the record header ``content-type`` is ``application/cloudevents+json``.
Every input topic also accepts the *binary* mode (attributes in ``ce_*`` headers, ``data``
as the value; ``shared/kafka/codec.py``). The record key is the session id, so all events of
a conversation land on one partition and stay ordered. Structured mode is the default so an
upstream system can publish a task with any Kafka client by writing one JSON document, and
so a dead-lettered record keeps every attribute in its original bytes.

Optional fields of a payload are written as ``null`` rather than left out, so the bytes match
the documented schema (README, AsyncAPI); only envelope attributes without a value are omitted.

Extension attributes (CloudEvents allows lowercase alphanumerics only): ``taskid``,
``sessionid``, ``tenant``, ``schemaversion`` and ``traceparent`` (the CloudEvents
distributed-tracing extension, W3C format).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, model_validator

SCHEMA_VERSION = "1"
SUPPORTED_SCHEMA_VERSIONS = frozenset({"1"})
CONTENT_TYPE = "application/cloudevents+json"
"""``content-type`` of a record in the structured content mode (the project's default for what it writes)."""
DATA_CONTENT_TYPE = "application/json"
"""``content-type`` of a record in the binary content mode: the value is ``data`` alone."""

MAX_TEXT_CHARS = 8000
"""The longest task text accepted (characters, as Python counts them), on every way in: Kafka, SDK, CLI, HTTP."""


class TextTooLong(ValueError):
    """A task text over :data:`MAX_TEXT_CHARS`; its message is the one line every entry point shows."""

    error_type = "text_too_long"

    def __init__(self, length: int) -> None:
        super().__init__(text_too_long_message(length))
        self.length = length
        self.limit = MAX_TEXT_CHARS


def text_too_long_message(length: int) -> str:
    return f"the task text is {length:,} characters long; the limit is {MAX_TEXT_CHARS:,}"


def check_text_length(text: str) -> None:
    """Raise :class:`TextTooLong` when ``text`` is over the limit (before anything is sent)."""
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLong(len(text))

D = TypeVar("D", bound=BaseModel)


ID_PATTERN = r"^[A-Za-z0-9._:\-]+$"
"""Task and session ids (1 to 128 of these characters): safe as record keys, file names and log text."""


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventType(StrEnum):
    """Values of the CloudEvents ``type`` attribute, one per payload model."""

    TASK_REQUESTED = "autoglm.task.requested"
    TASK_COMPLETED = "autoglm.task.completed"
    TASK_PROGRESS = "autoglm.task.progress"
    INTENTS_PARSED = "autoglm.intents.parsed"
    TOOL_CALL_REQUESTED = "autoglm.tool.call.requested"
    INFERENCE_REQUESTED = "autoglm.inference.requested"
    MEMORY_REQUESTED = "autoglm.memory.requested"
    PARSE_REQUESTED = "autoglm.parse.requested"
    STEP_COMPLETED = "autoglm.step.completed"
    DEAD_LETTERED = "autoglm.deadletter"
    FEEDBACK_SUBMITTED = "autoglm.feedback.submitted"
    EXAMPLE_LABELLED = "autoglm.parser.example.labelled"
    FEEDBACK_REQUESTED = "autoglm.feedback.requested"
    PROMPT_POLICY = "autoglm.prompts.policy"
    PROMPT_ASSIGNED = "autoglm.prompts.assigned"


class CloudEvent(BaseModel, Generic[D]):
    """A CloudEvents 1.0 envelope in structured mode, with Open-AutoGLM's extensions."""

    model_config = ConfigDict(extra="ignore")

    specversion: Literal["1.0"] = Field("1.0", description="CloudEvents spec version.", examples=["1.0"])
    id: str = Field(
        default_factory=new_id,
        min_length=1,
        max_length=128,
        description="Unique event id. Consumers de-duplicate on it.",
        examples=["3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60"],
    )
    source: str = Field(
        min_length=1,
        max_length=256,
        description="URI-reference of the producer, e.g. `/autoglm/planner` or `/crm/upstream`.",
        examples=["/crm/ticket-bot"],
    )
    type: str = Field(description="Event type; one value per payload model.", examples=["autoglm.task.requested"])
    time: datetime = Field(default_factory=utcnow, description="When the event was produced (RFC 3339).")
    subject: str | None = Field(
        None, max_length=256, description="What the event is about: the task id.", examples=["task-42"]
    )
    datacontenttype: str = Field("application/json", description="Media type of `data`.")
    taskid: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=ID_PATTERN,
        description="Task id. Optional on `autoglm.task.requested` (defaults to `id`); set on every other event.",
        examples=["task-42"],
    )
    sessionid: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=ID_PATTERN,
        description="Conversation id; the Kafka record key. Defaults to the task id.",
        examples=["sess-7"],
    )
    tenant: str = Field(
        "default",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._\-]+$",
        description="Tenant id. Memory and knowledge are scoped by it.",
        examples=["acme"],
    )
    schemaversion: str = Field(
        SCHEMA_VERSION, description="Version of the `data` schema for this `type`.", examples=["1"]
    )
    traceparent: str | None = Field(
        None,
        max_length=128,
        description="W3C trace context of the producing span (CloudEvents distributed tracing extension).",
        examples=["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    )
    data: D

    @model_validator(mode="after")
    def _defaults(self) -> CloudEvent[D]:
        if self.taskid is None:
            self.taskid = self.id if _ID_OK(self.id) else new_id()
        if self.sessionid is None:
            self.sessionid = self.taskid
        if self.subject is None:
            self.subject = self.taskid
        return self

    @property
    def task_id(self) -> str:
        assert self.taskid is not None
        return self.taskid

    @property
    def session_id(self) -> str:
        assert self.sessionid is not None
        return self.sessionid


def _ID_OK(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z0-9._:\-]{1,128}", value))


# --------------------------------------------------------------------------- public


class TaskRequested(BaseModel):
    """A natural-language task. Published by upstream systems on `autoglm.tasks`."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="The request in natural language (any language; Chinese and English are tuned), at most "
        "8,000 characters: a longer text is refused with the error class `text_too_long`.",
        examples=["查询北京明天的天气并生成一段提醒文案", "(12+8)*3等于多少？"],
    )
    timeout_seconds: float | None = Field(
        None,
        gt=0,
        le=3600,
        description="Deadline for this task in seconds from `time`; defaults to config `timeout_seconds`.",
        examples=[30],
    )
    user: str | None = Field(None, max_length=128, description="End-user id inside the tenant.", examples=["u-1"])
    allow_destructive: bool = Field(
        False, description="Whether tools marked destructive may run for this task.", examples=[False]
    )
    now: datetime | None = Field(
        None, description="Reference time for relative dates (defaults to the event time).", examples=[None]
    )
    timezone: str | None = Field(
        None, max_length=64, description="IANA time zone of the user (defaults to config).", examples=["Asia/Shanghai"]
    )
    metadata: dict[str, str] = Field(
        default_factory=dict, description="Opaque key/values echoed back on the result.", examples=[{"ticket": "T-9"}]
    )
    report_progress: bool = Field(
        False,
        description="Publish the plan and each step's start and end on `autoglm.progress` (TaskProgress "
        "`kind` plan/step) while the task runs: one more record per planner round. The HTTP gateway asks "
        "for it; streamed tokens are published either way.",
        examples=[True],
    )


class TaskStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    NEEDS_CLARIFICATION = "needs_clarification"
    BLOCKED = "blocked"
    PARTIAL = "partial"


class StepKind(StrEnum):
    RECALL = "memory_recall"
    PARSE = "parse"
    TOOL = "tool_call"
    GENERATE = "generation"
    EMBED = "embedding"
    REMEMBER = "memory_store"
    COMPOSE = "compose"


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"


# What the services write on public topics is documented as written: every field present (null when unset),
# so the AsyncAPI schema (serialization mode) marks every field required.
_WRITTEN_AS_IS = ConfigDict(json_schema_serialization_defaults_required=True)


class ExecutedStep(BaseModel):
    """One step of the execution path, as reported on the result."""

    model_config = _WRITTEN_AS_IS

    id: str = Field(description="Step id within the plan.", examples=["s2"])
    kind: StepKind = Field(description="What the step did.", examples=["tool_call"])
    name: str = Field(description="The tool or model it used, or the memory operation.", examples=["calculator"])
    intent_id: str | None = Field(None, description="The intent this step serves.", examples=["i1"])
    status: StepStatus = Field(description="Outcome.", examples=["completed"])
    duration_ms: float = Field(0.0, description="Wall time of the step.", examples=[3.2])
    attempts: int = Field(0, description="How many times it was dispatched.", examples=[1])
    summary: str = Field("", description="A short summary of the output or the error.", examples=["60"])
    depends_on: list[str] = Field(default_factory=list, description="Steps whose outputs it consumed.")
    truncated: str | None = Field(
        None,
        description="A generation whose text stops before the model finished it: `deadline` (the step's time ran "
        "out and the text so far was kept) or `length` (its token budget ran out); null when it ended on its own.",
        examples=[None, "deadline"],
    )


class ReasoningHop(BaseModel):
    """One hop of a multi-hop knowledge-base answer: `head —relation→ tail`, with the sentence that states
    it and where that sentence is (document, chunk). A console draws the chain from these, in order."""

    head: str = Field(description="The entity the hop starts from, as the document names it.",
                      examples=["packaging film"])
    relation: str = Field(description="The relation, by its common name where the label says one.",
                          examples=["supplied by"])
    label: str = Field(description="The relation as the document words it.", examples=["Supplier"])
    tail: str = Field(description="The entity the hop leads to.", examples=["Acme Films Co."])
    source: str = Field(description="The knowledge-base document the hop comes from.", examples=["suppliers.md"])
    chunk_id: str = Field(description="The chunk (knowledge-base point id) holding the evidence.",
                          examples=["5b1e0a7c-8f1d-5b8e-9a41-0d3c2a1f6e77"])
    citation: str = Field(description="How the answer cites it: title and heading.",
                          examples=["Approved supplier list § Approved supplier list (2026)"])
    evidence: str = Field(description="The sentence (or table row) that states the hop, verbatim.",
                          examples=["Material: packaging film; Supplier: Acme Films Co."])


class TaskCompleted(BaseModel):
    """The one result of a task, on `autoglm.results`. `status` says how it ended."""

    model_config = _WRITTEN_AS_IS

    task_id: str = Field(description="The task id.", examples=["task-42"])
    status: TaskStatus = Field(
        description="completed; partial: some intents were answered and others were not (a step failed, or a "
        "generation was cut at its deadline): `answer` holds what was done and names what was not, `error` says why; "
        "failed: nothing could be answered; needs_clarification; or blocked: the safety guard stopped the request "
        "before any step ran (no tool or model was used); `safety_category` says why and `answer` is a short fixed "
        "message in the request's language.",
        examples=["completed"],
    )
    answer: str = Field("", description="The answer in natural language (or the clarifying question).")
    error: str | None = Field(None, description="Why the task failed, when it did.", examples=[None])
    steps: list[ExecutedStep] = Field(default_factory=list, description="The execution path.")
    trace_id: str | None = Field(
        None, description="OpenTelemetry trace id (32 hex) of the task.", examples=["4bf92f3577b34da6a3ce929d0e0e4736"]
    )
    intents: list[dict[str, Any]] = Field(default_factory=list, description="The parsed intents.")
    clarification: str | None = Field(None, description="The question asked, when status is needs_clarification.")
    metadata: dict[str, str] = Field(default_factory=dict, description="Echo of the request's metadata.")
    duration_ms: float = Field(0.0, description="Time from the request event to the result.")
    safety_category: str | None = Field(
        None,
        description="When status is blocked: the safety category that blocked it, one of injection, jailbreak, harm, "
        "hate, secrets, cross_tenant, destructive (see the README's Safety section).",
        examples=[None, "injection"],
    )
    truncated: bool = Field(
        False,
        description="Some generated part of the answer stops before the model finished it: its step reached its "
        "deadline (the text generated so far is kept, and the status is partial) or its token budget. The steps "
        "say which (`steps[].truncated`).",
        examples=[False],
    )
    reasoning_path: list[ReasoningHop] = Field(
        default_factory=list,
        description="For a knowledge-base answer the graph found over several documents: the chain of hops from "
        "the question's entities to the answer, each citing its evidence, in order (comparison and intersection "
        "answers: one branch after the other). Empty for every other answer.",
    )
    answer_source: Literal["extract", "model", "tool", "template"] | None = Field(
        None,
        description="Where the answer comes from: `extract` (sentences quoted from the knowledge base or the "
        "source text, e.g. a knowledge-base answer or an extractive summary), `model` (generated text; for a "
        "knowledge-base answer, a rephrasing checked to keep every number, name and code of its passage), "
        "`tool` (a tool's output) or `template` (a fixed text: not found, an acknowledgement, a failure notice). "
        "For several parts, the least checked of them (model, then extract, tool, template).",
        examples=["extract"],
    )
    prompt_versions: dict[str, str] = Field(
        default_factory=dict,
        description="The prompt variant each task type's generation used (task type -> variant id; the base "
        "templates are `v1`); empty when no prompted generation ran. Ratings of the task count for these.",
        examples=[{"creative_writing": "v1"}],
    )


class TaskProgress(BaseModel):
    """Incremental output of a running task, on `autoglm.progress`. `kind` says which:

    - `tokens`: streamed text of a generation step (`step_id`, `index`, `delta`, `done`);
    - `plan`: the execution plan as built (`steps`, every one pending, with `depends_on`), for a task
      whose request asked for `report_progress`;
    - `step`: steps that started or ended in one planner round (`steps`, each with its new `status`,
      `duration_ms` and `summary`), for the same tasks.
    """

    model_config = _WRITTEN_AS_IS

    task_id: str = Field(description="The task id.", examples=["task-42"])
    kind: Literal["tokens", "plan", "step"] = Field(
        "tokens", description="What this event reports (see above).", examples=["tokens"]
    )
    step_id: str = Field("", description="The step producing the output (`tokens`).", examples=["s2"])
    index: int = Field(0, description="Sequence number of this chunk within the step, from 0 (`tokens`).")
    delta: str = Field("", description="New text since the previous chunk (`tokens`).", examples=["明天"])
    done: bool = Field(False, description="True on the step's last chunk (`tokens`).")
    steps: list[ExecutedStep] = Field(
        default_factory=list,
        description="`plan`: every step of the plan; `step`: the steps whose status changed.",
    )
    intents: list[dict[str, Any]] = Field(
        default_factory=list, description="`plan`: the parsed intents the steps serve (as on the result)."
    )


class DeadLetter(BaseModel):
    """A record that could not be processed, on `autoglm.dlq`, with its original bytes."""

    model_config = _WRITTEN_AS_IS

    reason: str = Field(description="Human-readable reason.", examples=["malformed JSON: Expecting value"])
    error_type: str = Field(
        description="Machine-readable class: malformed_json, invalid_event, unsupported_version, "
        "unknown_type, oversize, text_too_long, invalid_utf8, processing_error, unreadable_record.",
        examples=["malformed_json"],
    )
    service: str = Field(description="Service that rejected it.", examples=["parser"])
    topic: str = Field(description="Where it came from.", examples=["autoglm.tasks"])
    partition: int = Field(description="Source partition.", examples=[0])
    offset: int = Field(description="Source offset.", examples=[17])
    key: str | None = Field(None, description="Source record key (base64 when not UTF-8).")
    original_b64: str = Field(description="The original record value, base64.")
    original_size: int = Field(description="Size of the original value in bytes.")
    task_id: str | None = Field(None, description="Task id, when it could be read.")
    headers: dict[str, str] = Field(default_factory=dict, description="Original headers (values base64).")
    replayed: int = Field(0, description="How many times this record has been replayed from the DLQ.")
    original_sha256: str | None = Field(None, description="SHA-256 (hex) of the whole original value.")
    truncated: bool = Field(
        False,
        description="True when the original value, key or headers were too large for a DLQ record: "
        "`original_b64` then holds only the first 64 KiB (size and SHA-256 are of the whole), and the "
        "record can't be replayed.",
    )


class FeedbackCorrection(BaseModel):
    """What the answer or the parse should have been."""

    answer: str | None = Field(
        None, max_length=8000, description="The corrected answer text.", examples=["上海明天小雨，10~15°C"]
    )
    intents: dict[str, Any] | None = Field(
        None,
        description="The corrected intent graph (the parser contract: `language`, `intents`, `clarification`).",
        examples=[{"language": "zh", "intents": [{"id": "i1", "type": "lookup", "tool": "weather"}]}],
    )


class FeedbackSubmitted(BaseModel):
    """A user's rating of a task's answer, on `autoglm.feedback`. The envelope's `tenant` and `taskid` say
    whose task; `user` is the rater as the sender authenticated them (the gateway: from the credential)."""

    task_id: str = Field(description="The rated task.", examples=["task-42"])
    score: int = Field(
        ge=-1, le=5, description="-1 or +1 (thumbs down/up) on scale `thumbs`; 1 to 5 on scale `stars`.",
        examples=[1],
    )
    scale: Literal["thumbs", "stars"] = Field("thumbs", description="How to read `score`.", examples=["thumbs"])
    comment: str | None = Field(None, max_length=2000, description="Free text.", examples=["wrong city"])
    correction: FeedbackCorrection | None = Field(None, description="What it should have been, when given.")
    user: str | None = Field(None, max_length=128, description="Who rated it.", examples=["u-1"])
    session_id: str | None = Field(None, max_length=128, description="The task's session.", examples=["sess-7"])
    request: str | None = Field(
        None, max_length=8000, description="The task's request text, when the sender knew it.",
        examples=["查询上海明天的天气"],
    )
    answer: str | None = Field(
        None, description="The answer being rated, when the sender knew it.", examples=["北京明天晴"]
    )
    status: str | None = Field(None, description="The task's result status, when known.", examples=["completed"])
    trace_id: str | None = Field(None, description="The task's trace id, when known.")
    reply_to: str | None = Field(
        None,
        description="Where the feedback service sends its verdict, a StepCompleted whose `step_id` is this "
        "event's `id` (`ok` false with `error` when the feedback was refused); only `autoglm.client.replies`. "
        "The SDK and CLI set it; the gateway, which checks the task itself, does not.",
        examples=["autoglm.client.replies"],
    )

    @model_validator(mode="after")
    def _score_on_scale(self) -> FeedbackSubmitted:
        if self.scale == "thumbs" and self.score not in (-1, 1):
            raise ValueError("a thumbs score is -1 or 1")
        if self.scale == "stars" and not 1 <= self.score <= 5:
            raise ValueError("a stars score is 1 to 5")
        return self


# --------------------------------------------------------------------------- prompt variants


class FewShotExample(BaseModel):
    """One worked example shown to the model before the request (a user turn and the assistant's answer)."""

    request: str = Field(min_length=1, max_length=2000, description="The example request.", examples=["写一句春天的诗"])
    answer: str = Field(min_length=1, max_length=4000, description="Its well-rated answer.", examples=["春风拂柳绿"])


class PromptVariant(BaseModel):
    """A version of a task type's prompt: the base template's system text or its own, plus worked examples."""

    id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN, description="Variant id.", examples=["concise"])
    system: str | None = Field(
        None, max_length=4000,
        description="System text replacing the template's (same `$request`/`$language_hint` placeholders); None "
        "keeps the base template's.", examples=["Answer in at most two sentences. $language_hint"],
    )
    few_shot: list[FewShotExample] = Field(
        default_factory=list, max_length=8, description="Worked examples put before the request."
    )
    origin: Literal["manual", "proposed"] = Field(
        "manual", description="`manual` (added by an operator) or `proposed` (from the tenant's best-rated answers).",
        examples=["proposed"],
    )


class VariantStats(BaseModel):
    """A variant's ratings as a Beta posterior's evidence (rewards 0..1: thumbs up 1, 3 stars 0.5)."""

    variant: str = Field(description="Variant id.", examples=["v1"])
    successes: float = Field(0.0, ge=0, description="Sum of rewards.", examples=[12.5])
    failures: float = Field(0.0, ge=0, description="Sum of (1 - reward).", examples=[4.5])


class PromptPolicy(BaseModel):
    """How the planner picks a task type's prompt for a tenant's users, on `autoglm.prompts` (compacted, key
    `<tenant>/<task_type>`; tenant `*` applies to tenants without a record of their own). Written by the
    feedback service only. The base templates (variant `v1`) are always a candidate unless retired."""

    task_type: str = Field(description="Intent type whose generation steps it covers.", examples=["creative_writing"])
    variants: list[PromptVariant] = Field(
        default_factory=list, max_length=16, description="Live variants besides the base templates."
    )
    retired: list[str] = Field(default_factory=list, description="Variant ids no longer assigned (may include `v1`).")
    pinned: str | None = Field(None, description="When set, every user gets this variant.", examples=[None])
    min_share: float = Field(
        0.05, ge=0, le=1, description="Each live variant's minimum share of new assignments (exploration).",
        examples=[0.05],
    )
    sticky_seconds: float = Field(
        86400.0, gt=0, description="How long a user keeps the variant they were assigned.", examples=[86400]
    )
    stats: list[VariantStats] = Field(default_factory=list, description="Ratings per variant, for Thompson sampling.")


class VariantAssigned(BaseModel):
    """A user's sticky variant of a task type, on `autoglm.prompts` (key `<tenant>/<task_type>/@<user>`):
    the first assignment the feedback service saw on a result, so every planner replica keeps it."""

    task_type: str = Field(description="Intent type.", examples=["creative_writing"])
    user: str = Field(min_length=1, max_length=128, description="The user.", examples=["u-1"])
    variant: str = Field(description="Variant id.", examples=["concise"])
    assigned_at: datetime = Field(description="When it was first used; it expires `sticky_seconds` later.")


# --------------------------------------------------------------------------- intents


class IntentType(StrEnum):
    QUESTION_ANSWERING = "question_answering"
    LOOKUP = "lookup"
    CALCULATION = "calculation"
    CODE_GENERATION = "code_generation"
    CREATIVE_WRITING = "creative_writing"
    SUMMARIZATION = "summarization"
    TRANSLATION = "translation"
    CHITCHAT = "chitchat"
    # A capability no tool has (booking, buying, sending messages, alarms, device control): tool null,
    # entities {}; the planner answers it with what the system can do instead.
    UNSUPPORTED = "unsupported"


IntentSource = Literal["rule", "example", "model"]


class Intent(BaseModel):
    """One sub-intent of a request."""

    id: str = Field(description="i1, i2, ... in request order.", examples=["i1"])
    type: IntentType = Field(description="Task type.", examples=["lookup"])
    tool: str | None = Field(None, description="Registered tool that serves it, if any.", examples=["weather"])
    text: str = Field(description="The span of the request this intent covers.", examples=["查询北京明天的天气"])
    entities: dict[str, Any] = Field(
        default_factory=dict, description="Extracted entities.", examples=[{"city": "北京", "date": "2026-11-26"}]
    )
    depends_on: list[str] = Field(default_factory=list, description="Ids of earlier intents whose output it uses.")
    confidence: float = Field(
        1.0,
        ge=0,
        le=1,
        description="How sure the parser is of this intent's type and tool (0..1): a specific rule ~0.9, "
        "a catch-all question word ~0.6, a nearest-example vote its weighted share of the neighbours. Not part "
        "of exact-match evaluation.",
        examples=[0.92],
    )
    source: IntentSource = Field(
        "rule",
        description="What decided the type and tool: `rule` (the parser's rules), `example` (the nearest "
        "labelled examples of the example bank, the tenant's own included) or `model` (an embedding or language-"
        "model fallback).",
        examples=["rule"],
    )


class IntentGraph(BaseModel):
    """The parser's output: the parser contract of `autoglm parse --json`."""

    language: str = Field(description="ISO 639-1 language of the request.", examples=["zh"])
    intents: list[Intent] = Field(default_factory=list, description="Sub-intents in request order.")
    clarification: str | None = Field(None, description="Question to ask when the request can't be resolved.")


class LabelledIntent(BaseModel):
    """One intent of a labelled example: what the parser should have produced (no text, confidence or source)."""

    id: str | None = Field(None, description="i1, i2, ... (optional; position decides).", examples=["i1"])
    type: IntentType = Field(description="Task type.", examples=["unsupported"])
    tool: str | None = Field(None, description="Tool, for lookups, searches and calculations.", examples=[None])
    entities: dict[str, Any] = Field(default_factory=dict, description="Entities as the contract names them.")
    depends_on: list[str] = Field(default_factory=list, description="Ids of earlier intents it uses.")


class ExampleLabelled(BaseModel):
    """A labelled request for the parser's example bank, on `autoglm.parser.examples` (compacted).

    The record key is `<tenant>:<example_id>`; the envelope's `tenant` says whose it is, and only that tenant's
    parses ever see it. Every parser replica reads the topic from its start before it takes tasks, then follows
    it. A later record under the same key replaces the example; a tombstone (null value) removes it. Published by
    `autoglm parser example add` and by feedback (corrections)."""

    example_id: str = Field(
        min_length=1, max_length=64, pattern=ID_PATTERN,
        description="Stable id within the tenant; by default a hash of the normalised text, so adding the same "
        "request again replaces its label.", examples=["5f2c9a1e0b7d4c3a"],
    )
    text: str = Field(min_length=1, max_length=2000, description="The request as a user wrote it.",
                      examples=["帮我订一张明天去上海的机票"])
    language: str | None = Field(None, max_length=8, description="ISO 639-1 of the request (detected when absent).",
                                 examples=["zh"])
    intents: list[LabelledIntent] = Field(
        default_factory=list, max_length=16, description="The intents it should parse into, in request order.",
        examples=[[{"type": "unsupported", "tool": None, "entities": {}, "depends_on": []}]],
    )
    clarification: bool = Field(False, description="Whether the request should get a clarifying question instead.")
    now: datetime | None = Field(
        None, description="The time the labels' dates were resolved against; a later request shifts them by its own "
        "day (a label 'tomorrow' stays tomorrow).",
    )
    timezone: str | None = Field(None, max_length=64, description="IANA zone of `now`.", examples=["Asia/Shanghai"])
    source: Literal["cli", "api", "feedback"] = Field("api", description="Who labelled it.", examples=["cli"])


class IntentsParsed(BaseModel):
    """Parser -> planner: the request and its intent graph."""

    request: TaskRequested = Field(description="The original task payload.")
    graph: IntentGraph = Field(description="The intent graph.")
    received_at: datetime = Field(description="Time the task event was produced; deadlines count from it.")


# --------------------------------------------------------------------------- steps


class StepRequest(BaseModel):
    """Fields every step request carries, so any worker can reply without state."""

    step_id: str = Field(description="Plan step id; echoed on the reply.", examples=["s1"])
    attempt: int = Field(1, description="Dispatch attempt number; echoed on the reply.", examples=[1])
    reply_to: str = Field(
        description='Topic for the StepCompleted reply; "" for a fire-and-forget request (no reply; a failure '
        "goes to the DLQ).",
        examples=["autoglm.steps.completed"],
    )
    deadline: datetime | None = Field(None, description="Work past this instant is abandoned.")


class ToolCallRequested(StepRequest):
    """Planner -> tool-executor: call one tool (MCP tools/call shape)."""

    tool: str = Field(description="Tool name.", examples=["calculator"])
    arguments: dict[str, Any] = Field(default_factory=dict, description="Tool arguments.", examples=[{"expression": "(12+8)*3"}])
    allow_destructive: bool = Field(False, description="Whether a destructive tool may run.")


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"] = Field(description="Chat role.")
    content: str = Field(description="Message text.")


class InferenceRequested(StepRequest):
    """Planner -> inference: generate text, or embed texts."""

    operation: Literal["generate", "embed"] = Field(description="What to run.", examples=["generate"])
    task_type: str | None = Field(
        None, description="Decoding profile name (intent type or parsing/planning).", examples=["creative_writing"]
    )
    model: str | None = Field(None, description="Model name; default from config.")
    messages: list[ChatMessage] = Field(default_factory=list, description="Chat messages for `generate`.")
    texts: list[str] = Field(default_factory=list, description="Texts for `embed`.")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="Decoding overrides: temperature, top_p, max_new_tokens, stop, seed.",
        examples=[{"temperature": 0.2}],
    )
    json_schema: dict[str, Any] | None = Field(None, description="JSON Schema the output must validate against.")
    stream: bool = Field(False, description="Publish tokens as TaskProgress events while generating.")


class TurnWrite(BaseModel):
    """One task's session turn, in a `store_turns` request (turns of several tasks, one tenant)."""

    task_id: str = Field(min_length=1, max_length=128, pattern=ID_PATTERN, description="The task.")
    session_id: str = Field(
        min_length=1, max_length=128, pattern=ID_PATTERN, description="The task's session."
    )
    user: str | None = Field(None, description="End-user id.")
    turn: dict[str, Any] = Field(description="Request, answer, status, intents (as for `store_turn`).")
    traceparent: str | None = Field(
        None, max_length=128, description="W3C trace context of the task's write: the store span joins the task's trace."
    )


def _text_required(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


_LIMIT = Field(8, ge=1, le=100, description="Max items to return.")
_USER = Field(None, description="End-user id.")
_QUERY_VECTOR = Field(
    None, description="Query embedding of the store's size (512); usually left out: the memory service embeds `query` "
    "with its multilingual encoder."
)
_KB_SOURCE = Field(min_length=1, max_length=1024, description="Knowledge-base document id (its path or URL).")
_CHUNKS = Field(
    None, description="The document's chunks (text, source, heading, index, title); null: none."
)


class MemoryRecall(StepRequest):
    """The last turns of the event's session, oldest first."""

    operation: Literal["recall"] = "recall"
    user: str | None = _USER
    limit: int = _LIMIT


class MemoryStoreTurn(StepRequest):
    """Store one turn of the event's session (idempotent by task id); a completed, grounded answer (the turn's
    `grounded`) is also kept as a long-term memory, embedded by the memory service."""

    operation: Literal["store_turn"] = "store_turn"
    user: str | None = _USER
    turn: dict[str, Any] | None = Field(None, description="Request, answer, status, intents.")


class MemoryStoreTurns(StepRequest):
    """Store the session turns of tasks that finished together, all of the event's tenant (one request for
    many tasks: the planner's fire-and-forget write)."""

    operation: Literal["store_turns"] = "store_turns"
    turns: list[TurnWrite] | None = Field(None, max_length=1024, description="The turns, one per task.")


class MemorySearch(StepRequest):
    """Long-term memories nearest to a query embedding, ranked by similarity, recency and importance."""

    operation: Literal["search"] = "search"
    user: str | None = Field(None, description="End-user id: their own memories and the shared ones.")
    limit: int = _LIMIT
    query: str | None = Field(None, max_length=4000, description="The request the memories should be about.")
    vector: list[float] | None = _QUERY_VECTOR
    kind: Literal["fact", "preference"] | None = Field(None, description="Only memories of this kind.")
    min_similarity: float | None = Field(
        None, ge=-1, le=1, description="The least cosine a memory needs to the query (default "
        "memory.recall_min_similarity, memory.answer_recall_min_similarity for stored answers).", examples=[0.3],
    )

    @model_validator(mode="after")
    def _query_or_vector(self) -> MemorySearch:
        if self.vector is None and not (self.query and self.query.strip()):
            raise ValueError("search needs a query (or a vector)")
        return self


class MemoryRemember(StepRequest):
    """Keep a fact or preference someone stated; the same (or a near-duplicate) one is updated, and a trusted
    memory is never replaced by a less confident write."""

    operation: Literal["remember"] = "remember"
    user: str | None = Field(None, description="Whose memory it is (None: the tenant's).")
    vector: list[float] | None = Field(None, description="The text's embedding; left out, the memory service embeds it.")
    source: str | None = Field(None, max_length=1024, description="Where the memory came from (default the task).")
    text: Annotated[str, AfterValidator(_text_required)] = Field(
        max_length=4000, description="The fact or preference, as stated.", examples=["我喜欢喝无糖的咖啡"]
    )
    kind: Literal["fact", "preference"] | None = Field(None, description="What the memory is (default fact).")
    importance: float | None = Field(None, ge=0, le=1, description="Importance 0..1 (default 0.5).")
    confidence: float | None = Field(
        None, ge=0, le=1, description="Confidence 0..1 (default 0.5); a lower one never replaces a trusted memory."
    )


class MemoryForget(StepRequest):
    """Delete one long-term memory (with a user, only that user's own)."""

    operation: Literal["forget"] = "forget"
    user: str | None = _USER
    memory_id: str = Field(min_length=1, max_length=64, description="The memory's id.")


class MemoryList(StepRequest):
    """Long-term memories visible to a user (their own and the shared ones; all without a user), newest first."""

    operation: Literal["memories"] = "memories"
    user: str | None = _USER
    limit: int = _LIMIT
    kind: Literal["fact", "preference"] | None = Field(None, description="Only memories of this kind.")


class KbSearch(StepRequest):
    """Knowledge-base passages relevant to a question, best first; an empty list means "not found"."""

    operation: Literal["kb_search"] = "kb_search"
    user: str | None = _USER
    limit: int = _LIMIT
    query: str | None = Field(None, description="The question's text (embedded by the memory service; its word "
                              "overlap re-ranks the passages, and the reply's `extract` is the span that answers, "
                              "with `answers` saying whether it states the kind of value asked; when the closest "
                              "span does not, the reply has no passage and `not_found` says why).")
    vector: list[float] | None = _QUERY_VECTOR

    @model_validator(mode="after")
    def _query_or_vector(self) -> KbSearch:
        if self.vector is None and not (self.query and self.query.strip()):
            raise ValueError("kb_search needs a query (or a vector)")
        return self


class KbMissing(StepRequest):
    """Which of a document's chunks are not stored yet (only those need embedding)."""

    operation: Literal["kb_missing"] = "kb_missing"
    source: str = _KB_SOURCE
    chunks: list[dict[str, Any]] | None = _CHUNKS


class KbUpsert(StepRequest):
    """Make a document's stored chunks exactly these: add the new ones, drop the stale ones."""

    operation: Literal["kb_upsert"] = "kb_upsert"
    source: str = _KB_SOURCE
    chunks: list[dict[str, Any]] | None = _CHUNKS
    vectors_b64: list[str | None] | None = Field(
        None, description="Little-endian float32 vectors, base64, aligned with `chunks` (null: stored already, or "
        "embedded by the memory service)."
    )


class KbIngest(StepRequest):
    """A whole document file: memory loads and chunks it, embeds the chunks not stored yet and makes the stored
    document match (the HTTP gateway's upload). The reply's output is the ingest report."""

    operation: Literal["kb_ingest"] = "kb_ingest"
    source: str = _KB_SOURCE
    filename: str = Field(
        min_length=1, max_length=255, description="The file name; its suffix says the format.",
        examples=["handbook.md"],
    )
    document_b64: str = Field(max_length=1_900_000, description="The file's bytes, base64.")


class KbList(StepRequest):
    """The tenant's documents: source, title, chunk count, last ingest time."""

    operation: Literal["kb_list"] = "kb_list"


class KbDelete(StepRequest):
    """Remove a document from the tenant's knowledge base."""

    operation: Literal["kb_delete"] = "kb_delete"
    source: str = _KB_SOURCE


class KbGraph(StepRequest):
    """Export the tenant's knowledge graph (`autoglm kb graph`): its entities and relations, each relation
    citing its sentence and chunk; or only ``limit`` hops around ``entity``."""

    operation: Literal["kb_graph"] = "kb_graph"
    entity: str | None = Field(
        None, max_length=200, description="Only the neighbourhood (`limit` hops) of this entity, by any of its names.",
        examples=["Acme Films"],
    )
    limit: int = Field(1, ge=1, le=4, description="With `entity`: how many hops around it.")
    graph_format: Literal["json", "dot"] = Field(
        "json", description="`json` (nodes and edges with citations) or `dot` (Graphviz).", examples=["dot"]
    )


class MemoryPrune(StepRequest):
    """Apply retention now (session TTL, per-tenant caps), all tenants."""

    operation: Literal["prune"] = "prune"


class MemoryStats(StepRequest):
    """Point counts per tenant and category."""

    operation: Literal["stats"] = "stats"


MemoryOperation = Annotated[
    MemoryRecall | MemoryStoreTurn | MemoryStoreTurns | MemorySearch | MemoryRemember | MemoryForget | MemoryList
    | KbSearch | KbMissing | KbUpsert | KbIngest | KbList | KbDelete | KbGraph | MemoryPrune | MemoryStats,
    Field(discriminator="operation"),
]


# Producers publish an operation's own model (``MemoryRecall(step_id=..., reply_to=..., limit=6)``) under this
# event type; a consumer decodes ``MemoryRequested`` and reads ``.root``.
class MemoryRequested(RootModel[MemoryOperation]):
    """Planner or CLI -> memory: recall a session, store a turn (or the turns of several tasks),
    remember/forget/list/search long-term memories, and the knowledge-base operations.

    One schema per ``operation`` (the discriminator), each with only the fields that operation reads:
    a request without what its operation needs is refused when it is decoded (dead-lettered, like any
    invalid event), never half-run."""


class ParseRequested(StepRequest):
    """Planner -> parser: parse again with the session's recent turns (referents, clarification answers)."""

    text: str = Field(description="The request text.")
    context: list[str] = Field(
        default_factory=list, description="Recent turns' requests and answers, oldest first, as plain text."
    )
    pending_request: str | None = Field(
        None, description="The request whose clarifying question this text answers, when the last turn asked one."
    )
    now: datetime | None = Field(None, description="Reference time.")
    timezone: str | None = Field(None, description="IANA zone.")


_TASK_TYPE = Field(description="Intent type (`creative_writing`, `question_answering`, ...).",
                  examples=["creative_writing"])


class FeedbackList(StepRequest):
    """The tenant's feedback, newest first, each with its task's request, answer, task type and prompt version."""

    operation: Literal["list"] = "list"
    task_id: str | None = Field(None, max_length=128, description="Only this task's feedback.")
    task_type: str | None = Field(None, max_length=64, description="Only tasks of this type.")
    limit: int = Field(50, ge=1, le=1000, description="At most this many.")


class FeedbackStats(StepRequest):
    """Ratings of the tenant's tasks per task type and prompt version: count, mean reward, thumbs/stars."""

    operation: Literal["stats"] = "stats"


class FeedbackExport(StepRequest):
    """Fine-tuning rows from the tenant's feedback, personal data masked: `sft` (chat pairs from corrections
    and well-rated answers) or `dpo` (prompt, chosen, rejected from corrections and low ratings)."""

    operation: Literal["export"] = "export"
    format: Literal["sft", "dpo"] = Field("sft", description="Row shape.", examples=["sft"])
    offset: int = Field(0, ge=0, description="Skip this many rows (pages keep a reply under the record limit).")
    limit: int = Field(500, ge=1, le=2000, description="At most this many rows.")


class PromptStats(StepRequest):
    """Traffic and ratings per prompt variant, with 95% credible intervals, for one or every task type."""

    operation: Literal["prompt_stats"] = "prompt_stats"
    task_type: str | None = Field(None, max_length=64, description="Only this task type.")


class PromptAdd(StepRequest):
    """Make a variant live for the tenant (or for every tenant with `everyone`)."""

    operation: Literal["prompt_add"] = "prompt_add"
    task_type: str = _TASK_TYPE
    variant: PromptVariant = Field(description="The variant.")
    everyone: bool = Field(False, description="For every tenant (policy `*`), not just the sender's.")


class PromptRetire(StepRequest):
    """Stop assigning a variant (users holding it get a new one)."""

    operation: Literal["prompt_retire"] = "prompt_retire"
    task_type: str = _TASK_TYPE
    variant: str = Field(max_length=64, description="Variant id (`v1` retires the base templates).")


class PromptPin(StepRequest):
    """Give every user of the tenant one variant (`variant` None: unpin, back to the bandit)."""

    operation: Literal["prompt_pin"] = "prompt_pin"
    task_type: str = _TASK_TYPE
    variant: str | None = Field(None, max_length=64, description="Variant id, or None to unpin.")
    min_share: float | None = Field(None, ge=0, le=1, description="Also set the minimum exploration share.")


class PromptPropose(StepRequest):
    """A new variant with worked examples from the tenant's own best-rated answers of this task type."""

    operation: Literal["prompt_propose"] = "prompt_propose"
    task_type: str = _TASK_TYPE
    examples: int = Field(3, ge=1, le=8, description="How many worked examples.")
    min_reward: float = Field(0.75, ge=0, le=1, description="Only answers rated at least this well (0..1).")


FeedbackOperation = Annotated[
    FeedbackList | FeedbackStats | FeedbackExport | PromptStats | PromptAdd | PromptRetire | PromptPin
    | PromptPropose,
    Field(discriminator="operation"),
]


class FeedbackRequested(RootModel[FeedbackOperation]):
    """CLI or SDK -> feedback service, on `autoglm.feedback.requests`: read the tenant's feedback and manage its
    prompt variants. One schema per ``operation``; the reply (a StepCompleted on `reply_to`) carries the output."""


class StepCompleted(BaseModel):
    """Any worker -> planner: the outcome of one step request."""

    step_id: str = Field(description="Echo of the request's step id.")
    attempt: int = Field(1, description="Echo of the request's attempt.")
    ok: bool = Field(description="Whether the step succeeded.")
    output: dict[str, Any] = Field(default_factory=dict, description="Structured output.")
    text: str = Field("", description="Output as text (generated text, tool text content).")
    error: str | None = Field(None, description="Error message when ok is false.")
    service: str = Field(description="Which service answered.", examples=["tool_executor"])
    duration_ms: float = Field(0.0, description="Time the worker spent.")


EVENT_PAYLOADS: dict[EventType, type[BaseModel]] = {
    EventType.TASK_REQUESTED: TaskRequested,
    EventType.TASK_COMPLETED: TaskCompleted,
    EventType.TASK_PROGRESS: TaskProgress,
    EventType.INTENTS_PARSED: IntentsParsed,
    EventType.TOOL_CALL_REQUESTED: ToolCallRequested,
    EventType.INFERENCE_REQUESTED: InferenceRequested,
    EventType.MEMORY_REQUESTED: MemoryRequested,
    EventType.PARSE_REQUESTED: ParseRequested,
    EventType.STEP_COMPLETED: StepCompleted,
    EventType.DEAD_LETTERED: DeadLetter,
    EventType.FEEDBACK_SUBMITTED: FeedbackSubmitted,
    EventType.EXAMPLE_LABELLED: ExampleLabelled,
    EventType.FEEDBACK_REQUESTED: FeedbackRequested,
    EventType.PROMPT_POLICY: PromptPolicy,
    EventType.PROMPT_ASSIGNED: VariantAssigned,
}
