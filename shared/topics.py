"""The topic catalog: every topic, who writes it, who reads it, and its partitions.

Keys are session ids on every topic, and every topic the planner reads has the same
partition count: with the range assignor, one planner replica owns partition *p* of
all of them, so it sees a task's intents, step replies and checkpoints together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import EventType

PARTITIONS = 8


@dataclass(frozen=True)
class TopicSpec:
    name: str
    description: str
    events: tuple[EventType, ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    public: bool = False
    partitions: int = PARTITIONS
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)


TASKS = "autoglm.tasks"
RESULTS = "autoglm.results"
DLQ = "autoglm.dlq"
PROGRESS = "autoglm.progress"
INTENTS = "autoglm.intents"
TOOL_CALLS = "autoglm.tool.calls"
INFERENCE_REQUESTS = "autoglm.inference.requests"
MEMORY_REQUESTS = "autoglm.memory.requests"
PARSE_REQUESTS = "autoglm.parse.requests"
STEPS_COMPLETED = "autoglm.steps.completed"
PLAN_STATE = "autoglm.planner.state"
CLIENT_REPLIES = "autoglm.client.replies"
FEEDBACK = "autoglm.feedback"
PARSER_EXAMPLES = "autoglm.parser.examples"
FEEDBACK_REQUESTS = "autoglm.feedback.requests"
PROMPTS = "autoglm.prompts"

CATALOG: tuple[TopicSpec, ...] = (
    TopicSpec(
        TASKS,
        "Natural-language tasks from upstream systems.",
        (EventType.TASK_REQUESTED,),
        ("upstream", "sdk", "gateway"),
        ("parser", "gateway", "feedback"),
        public=True,
    ),
    TopicSpec(
        RESULTS,
        "One result per task: completed, failed or needs_clarification.",
        (EventType.TASK_COMPLETED,),
        ("planner", "parser"),
        ("downstream", "sdk", "gateway", "feedback"),
        public=True,
    ),
    TopicSpec(
        DLQ,
        "Records no service could process, with the reason and the original bytes.",
        (EventType.DEAD_LETTERED,),
        ("parser", "planner", "tool_executor", "inference", "memory", "feedback"),
        ("operators",),
        public=True,
        partitions=1,
    ),
    TopicSpec(
        PROGRESS,
        "Streamed tokens of running tasks, and their plan and step events when the task asked for them.",
        (EventType.TASK_PROGRESS,),
        ("inference", "planner"),
        ("downstream", "sdk", "gateway"),
        public=True,
    ),
    TopicSpec(
        FEEDBACK,
        "Ratings and corrections of tasks' answers, keyed by the task's session.",
        (EventType.FEEDBACK_SUBMITTED,),
        ("gateway", "sdk", "cli"),
        ("feedback", "gateway"),
        public=True,
    ),
    TopicSpec(INTENTS, "Parsed intent graphs.", (EventType.INTENTS_PARSED,), ("parser",), ("planner",)),
    TopicSpec(TOOL_CALLS, "Tool calls to run.", (EventType.TOOL_CALL_REQUESTED,), ("planner",), ("tool_executor",)),
    TopicSpec(
        INFERENCE_REQUESTS,
        "Generation and embedding requests.",
        (EventType.INFERENCE_REQUESTED,),
        ("planner", "memory", "cli"),
        ("inference",),
    ),
    TopicSpec(
        MEMORY_REQUESTS,
        "Session recall, turn storage and long-term memory search.",
        (EventType.MEMORY_REQUESTED,),
        ("planner", "cli", "gateway"),
        ("memory",),
    ),
    TopicSpec(
        PARSE_REQUESTS,
        "Re-parse requests carrying session context (referents, answers to clarifying questions).",
        (EventType.PARSE_REQUESTED,),
        ("planner",),
        ("parser",),
    ),
    TopicSpec(
        STEPS_COMPLETED,
        "Replies of the parser, tool-executor, inference and memory services to the planner.",
        (EventType.STEP_COMPLETED,),
        ("parser", "tool_executor", "inference", "memory"),
        ("planner",),
    ),
    TopicSpec(
        PLAN_STATE,
        "Planner checkpoints (the planner's private TaskState JSON), keyed by task id; a tombstone ends a task; "
        "compacted.",
        (),
        ("planner",),
        ("planner",),
        compacted=True,
        config={"cleanup.policy": "compact"},
    ),
    TopicSpec(
        PARSER_EXAMPLES,
        "Labelled requests for the parser's example bank, keyed `<tenant>:<example_id>`; every parser replica reads "
        "it from the start and follows it; a tombstone removes an example; compacted.",
        (EventType.EXAMPLE_LABELLED,),
        ("cli", "feedback"),
        ("parser",),
        partitions=1,
        compacted=True,
        config={"cleanup.policy": "compact"},
    ),
    TopicSpec(
        FEEDBACK_REQUESTS,
        "Reads of a tenant's feedback (list, stats, export) and prompt-variant management, from the CLI and SDK.",
        (EventType.FEEDBACK_REQUESTED,),
        ("cli", "sdk"),
        ("feedback",),
    ),
    TopicSpec(
        PROMPTS,
        "Prompt-variant policies (key `<tenant>/<task_type>`) and users' sticky assignments (key "
        "`<tenant>/<task_type>/@<user>`); every planner replica reads it from the start and follows it; compacted.",
        (EventType.PROMPT_POLICY, EventType.PROMPT_ASSIGNED),
        ("feedback",),
        ("planner",),
        partitions=1,
        compacted=True,
        config={"cleanup.policy": "compact"},
    ),
    TopicSpec(
        CLIENT_REPLIES,
        "Replies to CLI, SDK and gateway step requests (knowledge-base ingest, embeddings, session turns, feedback "
        "reads and verdicts).",
        (EventType.STEP_COMPLETED,),
        ("inference", "memory", "feedback"),
        ("cli", "gateway", "sdk"),
    ),
)

BY_NAME = {spec.name: spec for spec in CATALOG}

# Topics a worker may reply to: a request can't make a worker write anywhere else.
REPLY_TOPICS = frozenset({STEPS_COMPLETED, CLIENT_REPLIES})
NO_REPLY = ""
"""``reply_to`` of a fire-and-forget request (the session-turn write): the worker sends no reply,
and a request it fails on goes to the DLQ instead."""


def topic(name: str) -> TopicSpec:
    return BY_NAME[name]
