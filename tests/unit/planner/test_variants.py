"""Prompt variants in the planner (issue 21): the policies and assignments read from `autoglm.prompts`, the
sticky Thompson choice per user, the variant's system text and worked examples in the generation prompt, and
the variant named on the result."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from autoglm.services.planner.advance import Publish, advance, apply_reply
from autoglm.services.planner.build import new_state
from autoglm.services.planner.requests import Dispatch
from autoglm.services.planner.state import PlannerPolicy, TaskState
from autoglm.services.planner.variants import VariantBook, user_key
from autoglm.shared.events import (
    CloudEvent,
    EventType,
    FewShotExample,
    InferenceRequested,
    Intent,
    IntentGraph,
    IntentType,
    PromptPolicy,
    PromptVariant,
    StepCompleted,
    TaskRequested,
    VariantAssigned,
    VariantStats,
)

POLICY = PlannerPolicy(step_timeout_s=5, generation_timeout_s=10, max_attempts=3)
T0 = 1_800_000_000.0
TERSE = PromptVariant(id="terse", system="Only code, no prose. $language_hint",
                      few_shot=[FewShotExample(request="reverse a list in python", answer="xs[::-1]")])


def _record(data: PromptPolicy | VariantAssigned, tenant: str = "acme") -> bytes:
    etype = EventType.PROMPT_POLICY if isinstance(data, PromptPolicy) else EventType.PROMPT_ASSIGNED
    return CloudEvent[type(data)](source="/t", type=etype.value, tenant=tenant, data=data).model_dump_json().encode()  # type: ignore[misc]


def _book(policy: PromptPolicy, scope: str = "acme") -> VariantBook:
    book = VariantBook(random.Random(0))
    book.apply(f"{scope}/code_generation".encode(), _record(policy))
    return book


def test_no_policy_means_the_base_templates_and_no_choice() -> None:
    assert VariantBook().choose("acme", "u1", T0) == {}


def test_pinned_variant_and_tombstones() -> None:
    book = _book(PromptPolicy(task_type="code_generation", variants=[TERSE], pinned="terse"))
    assert book.choose("acme", "u1", T0) == {"code_generation": TERSE}
    assert book.choose("globex", "u1", T0) == {}  # acme's policy is acme's
    book.apply(b"acme/code_generation", None)
    assert book.choose("acme", "u1", T0) == {}


def test_everyone_policy_applies_unless_the_tenant_has_its_own() -> None:
    book = _book(PromptPolicy(task_type="code_generation", variants=[TERSE], pinned="terse"), scope="*")
    assert book.choose("globex", "u1", T0) == {"code_generation": TERSE}
    book.apply(b"acme/code_generation", _record(PromptPolicy(task_type="code_generation", retired=["terse"])))
    assert book.choose("acme", "u1", T0) == {"code_generation": None}


def test_assignments_are_sticky_per_user_until_they_expire() -> None:
    stats = [VariantStats(variant="v1", successes=1, failures=50), VariantStats(variant="terse", successes=50, failures=1)]
    book = _book(PromptPolicy(task_type="code_generation", variants=[TERSE], stats=stats, min_share=0.0,
                              sticky_seconds=3600))
    # the feedback service says u1 holds the base templates: kept although terse rates far better
    held = VariantAssigned(task_type="code_generation", user="u1", variant="v1", assigned_at=datetime.fromtimestamp(T0, UTC))
    book.apply(b"acme/code_generation/@u1", _record(held))
    assert all(book.choose("acme", "u1", T0 + n) == {"code_generation": None} for n in range(20))
    # a new user gets the better variant, and keeps it
    assert book.choose("acme", "u2", T0) == {"code_generation": TERSE}
    assert book.assigned[("acme", "code_generation", "u2")] == ("terse", T0)
    # after sticky_seconds, u1 is drawn again
    assert book.choose("acme", "u1", T0 + 3601) == {"code_generation": TERSE}
    assert user_key(None, "sess-9") == "session:sess-9" and user_key("u3", "sess-9") == "u3"


def _state(variants: dict[str, PromptVariant]) -> TaskState:
    intent = Intent(id="i1", type=IntentType.CODE_GENERATION, text="write fizzbuzz in python")
    state = new_state(
        task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text="write fizzbuzz in python", user="u1"),
        graph=IntentGraph(language="en", intents=[intent]), received_at=datetime.fromtimestamp(T0, UTC),
        timeout_s=60, partition=0, policy=POLICY,
    )
    state.prompt_variants = variants
    return state


def _run_generation(state: TaskState) -> tuple[InferenceRequested, Publish]:
    """Drive the task to its generation step (answering a session recall with no turns), then answer it."""
    for _ in range(5):
        actions = advance(state, POLICY, T0)
        generate = next((a for a in actions if isinstance(a, Dispatch) and isinstance(a.payload, InferenceRequested)
                         and a.payload.operation == "generate"), None)
        if generate is not None:
            break
        for a in actions:
            apply_reply(state, StepCompleted(step_id=a.step.id, ok=True, output={"turns": []}, service="test"), T0)
    assert generate is not None
    apply_reply(state, StepCompleted(step_id=generate.step.id, ok=True, text="print(1)", service="test"), T0)
    publish = next(a for a in advance(state, POLICY, T0 + 1) if isinstance(a, Publish))
    return generate.payload, publish  # type: ignore[return-value]


def test_the_variant_shapes_the_prompt_and_is_named_on_the_result() -> None:
    request, publish = _run_generation(_state({"code_generation": TERSE}))
    messages = [m.model_dump() if hasattr(m, "model_dump") else m for m in request.messages]
    assert messages[0]["content"].startswith("Only code, no prose. Answer in English.")
    assert messages[1:3] == [{"role": "user", "content": "reverse a list in python"},
                             {"role": "assistant", "content": "xs[::-1]"}]
    assert messages[-1]["role"] == "user" and "fizzbuzz" in messages[-1]["content"]
    assert publish.result.prompt_versions == {"code_generation": "terse"}


def test_the_base_templates_are_named_v1() -> None:
    request, publish = _run_generation(_state({}))
    assert len(request.messages) == 2
    assert publish.result.prompt_versions == {"code_generation": "v1"}
