"""The inference scheduler and step loop without a model: a fake runner emits scripted tokens."""

from __future__ import annotations

from collections.abc import Sequence as Seq

import pytest

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.core import EngineCore, TextStream
from autoglm.services.inference.params import ParamsError, resolve_params
from autoglm.services.inference.scheduler import QueueFull, Scheduler, Sequence

EOS = 0


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class FakeRunner:
    """Emits token `i + 1` at each step for every row (decoded as letters); EOS after `eos_after[id]` tokens."""

    def __init__(self, eos_after: dict[str, int] | None = None) -> None:
        self.eos_after = eos_after or {}
        self.order: list[str] = []
        self.steps: list[tuple[list[str], list[str]]] = []
        self.count: dict[str, int] = {}

    def step(self, prefill: list[Sequence], decode: list[Sequence]) -> dict[str, int]:
        assert [s.request_id for s in decode] == self.order, "decode rows must be the batch, in order"
        self.steps.append(([s.request_id for s in prefill], [s.request_id for s in decode]))
        self.order += [s.request_id for s in prefill]
        out = {}
        for rid in self.order:
            n = self.count.get(rid, 0) + 1
            self.count[rid] = n
            out[rid] = EOS if n > self.eos_after.get(rid, 10**9) else n
        return out

    def release(self, request_ids: Seq[str]) -> None:
        self.order = [r for r in self.order if r not in set(request_ids)]


def decode(ids: list[int]) -> str:
    return "".join(chr(ord("a") + (i - 1) % 26) for i in ids)


def make(clock: Clock, **kw) -> Scheduler:
    args = dict(
        max_batch_size=2, max_waiting=2, max_queue_delay_s=0.0, max_prefill_tokens=100, eos_token_ids=[EOS]
    )
    args.update(kw)
    return Scheduler(clock=clock, **args)


def seq(rid: str, clock: Clock, max_new: int = 5, prompt: int = 3) -> Sequence:
    return Sequence(rid, list(range(1, prompt + 1)), max_new, clock())


def run(core: EngineCore, limit: int = 100) -> dict[str, tuple[str, str]]:
    done: dict[str, tuple[str, str]] = {}
    for _ in range(limit):
        out = core.step()
        for f in out.finished:
            done[f.seq.request_id] = (f.reason, out.texts.get(f.seq.request_id, ""))
        if not core.scheduler.has_work:
            break
    return done


def test_short_requests_are_not_held_back_by_a_long_one() -> None:
    clock = Clock()
    runner = FakeRunner()
    core = EngineCore(make(clock), runner, decode)
    core.add(seq("long", clock, max_new=10))
    core.add(seq("short1", clock, max_new=2))
    core.add(seq("short2", clock, max_new=2))
    done = run(core)
    assert done["long"] == ("length", "abcdefghij")
    assert done["short1"] == ("length", "ab")
    # short2 joined the running batch at the step after short1 finished, while `long` kept decoding.
    assert runner.steps[0] == (["long", "short1"], [])
    assert runner.steps[2] == (["short2"], ["long"])
    assert len(runner.steps) == 10


def test_eos_finishes_with_stop_and_frees_the_row() -> None:
    clock = Clock()
    runner = FakeRunner(eos_after={"a": 2})
    core = EngineCore(make(clock), runner, decode)
    core.add(seq("a", clock))
    done = run(core)
    assert done["a"] == ("stop", "ab")
    assert runner.order == []


def test_stop_string_truncates_and_is_never_streamed() -> None:
    clock = Clock()
    core = EngineCore(make(clock), FakeRunner(), decode)
    core.add(seq("a", clock, max_new=10), stop=["cde"])
    streamed = []
    for _ in range(10):
        out = core.step()
        streamed.append(out.deltas.get("a", ""))
        if out.finished:
            assert out.finished[0].reason == "stop"
            assert out.texts["a"] == "ab"
            break
    assert "".join(streamed) == "ab"


def test_idle_engine_waits_for_the_queue_delay_then_batches() -> None:
    clock = Clock()
    sched = make(clock, max_batch_size=4, max_queue_delay_s=0.01)
    sched.add(seq("a", clock))
    plan = sched.schedule()
    assert plan.empty and plan.wait_s == pytest.approx(0.01)
    clock.t = 0.004
    sched.add(seq("b", clock))
    assert sched.schedule().wait_s == pytest.approx(0.006)
    clock.t = 0.011
    plan = sched.schedule()
    assert [s.request_id for s in plan.prefill] == ["a", "b"]
    # While a batch runs, arrivals join at the next step without waiting.
    sched.add(seq("c", clock))
    plan = sched.schedule()
    assert [s.request_id for s in plan.prefill] == ["c"] and len(plan.decode) == 2


def test_full_batch_skips_the_delay() -> None:
    clock = Clock()
    sched = make(clock, max_queue_delay_s=5.0)
    sched.add(seq("a", clock))
    sched.add(seq("b", clock))
    assert len(sched.schedule().prefill) == 2


def test_admission_is_bounded_by_capacity() -> None:
    clock = Clock()
    sched = make(clock)
    assert sched.capacity == 4
    for i in range(4):
        sched.add(seq(str(i), clock))
    with pytest.raises(QueueFull):
        sched.add(seq("x", clock))


def test_prefill_token_budget_spreads_long_prompts_over_steps() -> None:
    clock = Clock()
    sched = make(clock, max_batch_size=4, max_prefill_tokens=10)
    for i in range(3):
        sched.add(seq(str(i), clock, prompt=6))
    assert len(sched.schedule().prefill) == 1
    assert len(sched.schedule().prefill) == 1


def test_abort_removes_waiting_and_running() -> None:
    clock = Clock()
    runner = FakeRunner()
    core = EngineCore(make(clock, max_batch_size=1), runner, decode)
    core.add(seq("run", clock))
    core.add(seq("wait", clock))
    core.step()
    assert core.abort("wait").reason == "abort"
    assert core.abort("run").reason == "abort"
    assert runner.order == [] and not core.scheduler.has_work
    assert core.abort("unknown") is None


def test_batch_size_is_recorded_per_sequence() -> None:
    clock = Clock()
    core = EngineCore(make(clock), FakeRunner(), decode)
    core.add(seq("a", clock, max_new=1))
    core.add(seq("b", clock, max_new=3))
    core.step()
    assert core.scheduler.running[0].max_batch_size == 2


def test_text_stream_holds_back_incomplete_characters() -> None:
    # Tokens 2 and 3 are the two bytes of "é"; token 2 alone decodes to a replacement character.
    texts = {(1,): "h", (1, 2): "h\ufffd", (1, 2, 3): "hé"}
    stream = TextStream(lambda ids: texts[tuple(ids)])
    assert stream.update([1]) == ("h", False)
    assert stream.update([1, 2]) == ("", False)
    assert stream.update([1, 2, 3])[0] == "é"


def test_profiles_overrides_and_cap() -> None:
    cfg = InferenceConfig(model_path=None, embedding_model_path=None, max_new_tokens_cap=256)
    code = resolve_params(cfg, "code_generation", {})
    assert (code.temperature, code.top_p, code.max_new_tokens) == (0.2, 0.8, 256)
    creative = resolve_params(cfg, "creative_writing", {"max_tokens": 50, "stop": "END", "seed": 3})
    assert (creative.temperature, creative.top_p, creative.max_new_tokens) == (0.8, 0.95, 50)
    assert creative.stop == ("END",) and creative.deterministic
    assert resolve_params(cfg, "parsing", {}).greedy
    assert resolve_params(cfg, "no-such-type", {}).greedy
    with pytest.raises(ParamsError):
        resolve_params(cfg, None, {"top_p": 0})


def test_running_batch_admits_newcomers_in_groups() -> None:
    clock = Clock()
    sched = make(clock, max_batch_size=8, max_waiting=8, admit_fraction=0.5, max_admit_delay_s=1.0)
    for i in range(4):
        sched.add(seq(f"r{i}", clock))
    assert len(sched.schedule().prefill) == 4  # an idle engine admits at once
    sched.add(seq("late1", clock))
    assert sched.schedule().prefill == []  # 1 waiting < half of 4 running
    sched.add(seq("late2", clock))
    assert [s.request_id for s in sched.schedule().prefill] == ["late1", "late2"]
    sched.add(seq("late3", clock))
    assert sched.schedule().prefill == []
    clock.t += 1.0  # the oldest has waited max_admit_delay_s
    assert [s.request_id for s in sched.schedule().prefill] == ["late3"]
