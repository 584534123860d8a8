"""The feedback service's logic without a broker: tasks and results stored, feedback reviewed and stored with
its task, refusals (unknown task, another tenant's, malformed corrections), what corrections change, stats,
prompt policies and sticky assignments, proposals from a tenant's own best answers, and the export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autoglm.services.feedback.config import FeedbackConfig
from autoglm.services.feedback.intake import Intake, OperationError
from autoglm.services.feedback.review import LabelExample, Refused, TrustAnswer
from autoglm.services.feedback.store import FeedbackStore, RequestSeen, ResultSeen
from autoglm.shared.events import (
    EventType,
    FeedbackCorrection,
    FeedbackExport,
    FeedbackList,
    FeedbackStats,
    FeedbackSubmitted,
    PromptAdd,
    PromptPin,
    PromptPolicy,
    PromptPropose,
    PromptRetire,
    PromptStats,
    PromptVariant,
    VariantAssigned,
)

KB_INTENTS = [{"id": "i1", "type": "question_answering", "tool": "kb_search", "text": "How many days of leave?",
               "entities": {}, "depends_on": []}]
WRITE_INTENTS = [{"id": "i1", "type": "creative_writing", "tool": None, "text": "写一首春天的诗", "entities": {},
                  "depends_on": []}]


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(FeedbackStore.open(tmp_path / "fb.sqlite"), FeedbackConfig())


def task(intake: Intake, task_id: str, *, tenant: str = "acme", user: str | None = "u1", request: str = "写一首春天的诗",
         answer: str = "春风拂面", intents: list[dict[str, Any]] | None = None, versions: dict[str, str] | None = None,
         at: float = 1000.0) -> list[Any]:
    req = RequestSeen(task_id, tenant, user, f"s-{task_id}", request, at)
    res = ResultSeen(task_id=task_id, tenant=tenant, session_id=f"s-{task_id}", status="completed", answer=answer,
                     intents=WRITE_INTENTS if intents is None else intents, steps=[{"id": "s1", "kind": "generation"}],
                     prompt_versions={"creative_writing": "v1"} if versions is None else versions,
                     answer_source="model", at=at + 1)
    return intake.observe([req], [res])


def rate(intake: Intake, task_id: str, score: int = 1, *, tenant: str = "acme", user: str = "u1", scale: str = "thumbs",
         correction: FeedbackCorrection | None = None, event_id: str | None = None) -> Any:
    fb = FeedbackSubmitted(task_id=task_id, score=score, scale=scale, user=user, correction=correction)  # type: ignore[arg-type]
    return intake.submit(event_id or f"ev-{task_id}-{user}-{score}", tenant, fb, intake.task(task_id))


def test_feedback_is_stored_with_the_task_request_plan_answer_and_prompt_version(intake: Intake) -> None:
    task(intake, "t1")
    outcome = rate(intake, "t1", 4, scale="stars")
    assert outcome.stored and outcome.accepted.reward == 0.75
    [row] = intake.run("acme", FeedbackList(step_id="x", reply_to=""))[0]["feedback"]
    assert row["request"] == "写一首春天的诗" and row["answer"] == "春风拂面" and row["intents"] == WRITE_INTENTS
    assert row["steps"] == [{"id": "s1", "kind": "generation"}] and row["prompt_versions"] == {"creative_writing": "v1"}
    assert row["score"] == 4 and row["scale"] == "stars" and row["task_type"] == "creative_writing"
    # the same event again (a redelivery) is stored once
    assert not rate(intake, "t1", 4, scale="stars").stored
    assert len(intake.run("acme", FeedbackList(step_id="x", reply_to=""))[0]["feedback"]) == 1


def test_unknown_and_other_tenants_tasks_are_refused_alike(intake: Intake) -> None:
    task(intake, "t1", tenant="acme")
    with pytest.raises(Refused) as unknown:
        rate(intake, "nope")
    with pytest.raises(Refused) as other:
        rate(intake, "t1", tenant="globex")
    assert unknown.value.error_type == "unknown_task" and other.value.error_type == "other_tenant_task"
    assert unknown.value.message.replace("nope", "X") == other.value.message.replace("t1", "X").replace("globex", "acme")
    assert intake.run("globex", FeedbackList(step_id="x", reply_to=""))[0]["feedback"] == []


@pytest.mark.parametrize(
    ("correction", "why"),
    [
        (FeedbackCorrection(intents={"intents": [{"type": "flying"}]}), "intents.0.type"),
        (FeedbackCorrection(intents={"intents": []}), "at least one intent"),
        (FeedbackCorrection(intents={"intents": [{"type": "lookup", "depends_on": ["i7"]}]}), "not an earlier intent"),
        (FeedbackCorrection(intents={"intents": "lookup"}), "intents"),
        (FeedbackCorrection(answer="   "), "empty"),
        (FeedbackCorrection(answer="x", intents={"intents": [{"type": "lookup"}]}), "not both"),
    ],
)
def test_malformed_corrections_are_refused_with_the_reason(intake: Intake, correction: FeedbackCorrection,
                                                          why: str) -> None:
    task(intake, "t1")
    with pytest.raises(Refused) as refused:
        rate(intake, "t1", -1, correction=correction)
    assert refused.value.error_type == "invalid_correction" and why in refused.value.message


def test_an_intent_correction_becomes_a_labelled_example_of_that_tenant(intake: Intake) -> None:
    task(intake, "t1", request="帮我订明天去上海的机票", intents=[{"id": "i1", "type": "lookup", "tool": "weather"}])
    graph = {"language": "zh", "intents": [{"type": "chitchat", "tool": None, "entities": {}}]}
    outcome = rate(intake, "t1", -1, correction=FeedbackCorrection(intents=graph))
    [effect] = outcome.effects
    assert isinstance(effect, LabelExample) and effect.tenant == "acme" and effect.text == "帮我订明天去上海的机票"
    assert effect.graph["intents"][0]["type"] == "chitchat" and effect.graph["intents"][0]["id"] == "i1"
    assert outcome.accepted.applied == ("stored", "parser_example")


def test_an_answer_correction_of_a_kb_question_becomes_a_trusted_answer(intake: Intake) -> None:
    task(intake, "t1", request="How many days of leave?", answer="10 days", intents=KB_INTENTS, versions={})
    outcome = rate(intake, "t1", -1, correction=FeedbackCorrection(answer="15 days of annual leave."))
    [effect] = outcome.effects
    assert isinstance(effect, TrustAnswer)
    assert (effect.tenant, effect.question, effect.answer) == ("acme", "How many days of leave?", "15 days of annual leave.")
    task(intake, "t2")  # not a KB question: kept as fine-tuning data, changes nothing
    assert rate(intake, "t2", -1, correction=FeedbackCorrection(answer="春眠不觉晓")).effects == ()


def test_stats_per_task_type_and_prompt_version(intake: Intake) -> None:
    for n, (version, score) in enumerate([("v1", 1), ("v1", -1), ("concise", 1), ("concise", 1)]):
        task(intake, f"t{n}", versions={"creative_writing": version})
        rate(intake, f"t{n}", score)
    task(intake, "kb", intents=KB_INTENTS, versions={})
    rate(intake, "kb", 5, scale="stars")
    stats = {(s["task_type"], s["prompt_version"]): s for s in intake.run("acme", FeedbackStats(step_id="x", reply_to=""))[0]["stats"]}
    assert stats[("creative_writing", "v1")]["ratings"] == 2 and stats[("creative_writing", "v1")]["mean_reward"] == 0.5
    assert stats[("creative_writing", "concise")]["thumbs_up"] == 2
    kb = stats[("question_answering", "none")]  # no prompt produced it: counted per task type all the same
    assert (kb["ratings"], kb["mean_stars"], kb["mean_reward"]) == (1, 5, 1.0)
    # a user who changes their mind replaces their rating
    rate(intake, "t0", -1, event_id="again")
    stats = {(s["task_type"], s["prompt_version"]): s for s in intake.run("acme", FeedbackStats(step_id="x", reply_to=""))[0]["stats"]}
    assert stats[("creative_writing", "v1")]["ratings"] == 2 and stats[("creative_writing", "v1")]["mean_reward"] == 0.0


def test_prompt_policies_assignments_pins_and_retirement(intake: Intake) -> None:
    add = PromptAdd(step_id="x", reply_to="", task_type="creative_writing",
                    variant=PromptVariant(id="concise", system="Be brief. $language_hint"))
    _, out = intake.run("acme", add)
    [policy_out] = out
    assert policy_out.key == "acme/creative_writing" and policy_out.type is EventType.PROMPT_POLICY
    policy: PromptPolicy = policy_out.data  # type: ignore[assignment]
    assert [v.id for v in policy.variants] == ["concise"] and policy.min_share == 0.05
    # a result with a variant fixes the user's sticky assignment, published for every planner
    [assigned] = task(intake, "t1", versions={"creative_writing": "concise"}, at=5000)
    data: VariantAssigned = assigned.data  # type: ignore[assignment]
    assert assigned.key == "acme/creative_writing/@u1" and (data.user, data.variant) == ("u1", "concise")
    assert task(intake, "t2", versions={"creative_writing": "v1"}, at=6000) == []  # sticky: kept, nothing new
    # a rating republishes the policy with its evidence
    [republished] = rate(intake, "t1", 1).out
    assert republished.data.stats[0].variant == "concise" and republished.data.stats[0].successes == 1  # type: ignore[attr-defined]
    _, out = intake.run("acme", PromptPin(step_id="x", reply_to="", task_type="creative_writing", variant="concise"))
    assert out[0].data.pinned == "concise"  # type: ignore[attr-defined]
    with pytest.raises(OperationError, match="no live variant 'nope'"):
        intake.run("acme", PromptPin(step_id="x", reply_to="", task_type="creative_writing", variant="nope"))
    _, out = intake.run("acme", PromptRetire(step_id="x", reply_to="", task_type="creative_writing", variant="concise"))
    retired: PromptPolicy = out[0].data  # type: ignore[assignment]
    assert retired.pinned is None and retired.retired == ["concise"] and retired.variants == []
    # another tenant has no policy of acme's
    assert all(o.tenant == "acme" for o in intake.all_policies())


def test_prompt_stats_show_traffic_ratings_and_credible_intervals(intake: Intake) -> None:
    intake.run("acme", PromptAdd(step_id="x", reply_to="", task_type="creative_writing", variant=PromptVariant(id="b")))
    for n in range(10):
        version = "b" if n % 2 else "v1"
        task(intake, f"t{n}", user=f"u{n}", versions={"creative_writing": version})
        rate(intake, f"t{n}", 1 if version == "b" else -1, user=f"u{n}")
    [entry] = intake.run("acme", PromptStats(step_id="x", reply_to=""))[0]["prompts"]
    rows = {r["variant"]: r for r in entry["variants"]}
    assert rows["b"]["traffic"] == 5 and rows["b"]["ratings"] == 5 and rows["b"]["status"] == "live"
    low, high = rows["b"]["ci95"]
    assert low < rows["b"]["mean"] < high and rows["b"]["mean"] == pytest.approx(6 / 7)
    assert rows["b"]["p_best"] > 0.95 > rows["v1"]["p_best"]


def test_proposals_use_only_the_tenants_own_best_answers_with_personal_data_masked(intake: Intake) -> None:
    for n in range(4):
        task(intake, f"a{n}", request=f"写一首诗 {n}，联系我 13812345678", answer=f"好诗 {n}", at=1000 + n)
        rate(intake, f"a{n}", 5, scale="stars")
    task(intake, "bad", request="写一首烂诗", answer="烂")
    rate(intake, "bad", 1, scale="stars")
    task(intake, "other", tenant="globex", request="globex secret poem", answer="globex best answer")
    rate(intake, "other", 5, scale="stars", tenant="globex")
    output, out = intake.run("acme", PromptPropose(step_id="x", reply_to="", task_type="creative_writing", examples=3))
    shots = output["variant"]["few_shot"]
    assert len(shots) == 3 and all("好诗" in s["answer"] for s in shots)
    assert all("13812345678" not in s["request"] and "[PHONE]" in s["request"] for s in shots)
    assert "globex" not in str(output) and out[0].key == "acme/creative_writing"
    with pytest.raises(OperationError, match="fewer than 3"):
        intake.run("globex", PromptPropose(step_id="x", reply_to="", task_type="creative_writing", examples=3))


def test_export_sft_and_dpo_per_tenant_with_personal_data_masked(intake: Intake) -> None:
    task(intake, "good", request="给 a@b.com 写封信", answer="好的信")
    rate(intake, "good", 1)
    task(intake, "fixed", request="How many days of leave?", answer="10 days", intents=KB_INTENTS, versions={})
    rate(intake, "fixed", -1, correction=FeedbackCorrection(answer="15 days; call 138-1234-5678"))
    task(intake, "meh", request="给 a@b.com 写封信", answer="不写")
    rate(intake, "meh", -1)
    task(intake, "other", tenant="globex", request="globex request", answer="globex answer")
    rate(intake, "other", 1, tenant="globex")
    sft = intake.run("acme", FeedbackExport(step_id="x", reply_to="", format="sft"))[0]["rows"]
    assert {r["task_id"] for r in sft} == {"good", "fixed"}
    assert sft[0]["messages"][0] == {"role": "user", "content": "给 [EMAIL] 写封信"}
    assert "[PHONE]" in str(sft) and "1234" not in str(sft) and "globex" not in str(sft)
    dpo = intake.run("acme", FeedbackExport(step_id="x", reply_to="", format="dpo"))[0]["rows"]
    pairs = {r["task_id"]: (r["chosen"][0]["content"], r["rejected"][0]["content"]) for r in dpo}
    assert pairs == {"fixed": ("15 days; call [PHONE]", "10 days"), "meh": ("好的信", "不写")}
