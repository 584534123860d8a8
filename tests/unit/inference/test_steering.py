"""Generation that ends well, without a model (issue 16 items 5 and 7): a sequence past its deadline ends
with the text it has, a looping tail is cut to one copy, and the sampler's repetition penalty, no-repeat
n-grams and script steering change the logits as specified."""

from __future__ import annotations

from collections.abc import Sequence as Seq

import pytest
import torch

from autoglm.services.inference.core import EngineCore
from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.runner import TorchRunner, _Row
from autoglm.services.inference.scheduler import Scheduler, Sequence
from autoglm.services.inference.steering import repeated_tail

EOS = 0


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class ScriptedRunner:
    """Each row emits its script's tokens in turn (then repeats the last); the clock advances per step."""

    def __init__(self, scripts: dict[str, list[int]], clock: Clock, step_s: float = 1.0) -> None:
        self.scripts, self.clock, self.step_s = scripts, clock, step_s
        self.order: list[str] = []
        self.at: dict[str, int] = {}

    def step(self, prefill: list[Sequence], decode: list[Sequence]) -> dict[str, int]:
        self.order += [s.request_id for s in prefill]
        self.clock.t += self.step_s
        out = {}
        for rid in self.order:
            i = self.at.get(rid, 0)
            script = self.scripts[rid]
            out[rid] = script[min(i, len(script) - 1)]
            self.at[rid] = i + 1
        return out

    def release(self, request_ids: Seq[str]) -> None:
        self.order = [r for r in self.order if r not in set(request_ids)]


def decode(ids: list[int]) -> str:
    return "".join(chr(ord("a") + (i - 1) % 26) for i in ids)


def core_with(clock: Clock, scripts: dict[str, list[int]]) -> EngineCore:
    scheduler = Scheduler(max_batch_size=4, max_waiting=4, max_queue_delay_s=0.0, max_prefill_tokens=100,
                          eos_token_ids=[EOS], clock=clock)
    return EngineCore(scheduler, ScriptedRunner(scripts, clock), decode)


def drain(core: EngineCore, limit: int = 200) -> dict[str, tuple[str, str]]:
    done: dict[str, tuple[str, str]] = {}
    for _ in range(limit):
        out = core.step()
        for f in out.finished:
            done[f.seq.request_id] = (f.reason, out.texts.get(f.seq.request_id, ""))
        if not core.scheduler.has_work:
            break
    return done


def test_a_sequence_past_its_deadline_ends_with_the_text_it_has() -> None:
    clock = Clock()
    core = core_with(clock, {"slow": list(range(1, 60)), "quick": [1, 2, EOS]})
    core.add(Sequence("slow", [1, 2, 3], 100, clock(), deadline=5.5))
    core.add(Sequence("quick", [1, 2, 3], 100, clock(), deadline=5.5))
    done = drain(core)
    assert done["quick"] == ("stop", "ab")
    reason, text = done["slow"]
    assert reason == "deadline" and text == "abcdef"  # checked between steps: the six begun before 5.5 s


def test_a_waiting_sequence_past_its_deadline_ends_empty_without_running() -> None:
    clock = Clock()
    scheduler = Scheduler(max_batch_size=1, max_waiting=4, max_queue_delay_s=0.0, max_prefill_tokens=100,
                          eos_token_ids=[EOS], clock=clock)
    runner = ScriptedRunner({"busy": list(range(1, 20)), "late": [1, 2, 3]}, clock)
    core = EngineCore(scheduler, runner, decode)
    core.add(Sequence("busy", [1], 10, clock()))
    core.add(Sequence("late", [1], 10, clock(), deadline=3.0))
    done = drain(core)
    assert done["late"] == ("deadline", "") and "late" not in runner.at
    assert done["busy"][0] == "length"


def test_a_looping_tail_is_cut_to_one_copy() -> None:
    clock = Clock()
    loop = [5, 6, 7, 8, 9]
    core = core_with(clock, {"r": [1, 2, 3] + loop * 20})
    core.add(Sequence("r", [1], 200, clock(), stop_on_repeat=True))
    reason, text = drain(core)["r"]
    assert reason == "repetition" and text == decode([1, 2, 3] + loop)


def test_loops_are_not_cut_when_the_request_opts_out() -> None:
    clock = Clock()
    core = core_with(clock, {"r": [4] * 50})
    core.add(Sequence("r", [1], 30, clock(), stop_on_repeat=False))
    assert drain(core)["r"] == ("length", "d" * 30)


@pytest.mark.parametrize(
    ("ids", "drop"),
    [
        ([1, 2, 3] + [9] * 30, 29),  # "；；；；…": one period of one token
        ([1, 2] + [4, 5, 6] * 10, 27),
        (list(range(1, 40)), 0),  # no repeat
        ([1, 2, 1, 2, 1, 2], 0),  # too short to call a loop
        ([7] * 10 + [1, 2, 3, 4] * 8, 28),
    ],
)
def test_repeated_tail(ids: list[int], drop: int) -> None:
    assert repeated_tail(ids) == drop


def _row(output: list[int], **params: object) -> _Row:
    return _Row(params=SamplingParams(**params), generator=None, matcher=None, output=output)  # type: ignore[arg-type]


def _runner(masks: dict[str, torch.Tensor] | None = None) -> TorchRunner:
    runner = TorchRunner.__new__(TorchRunner)
    runner._script_masks_fn = (lambda: masks) if masks is not None else None
    runner._script_masks = None
    runner.eos_token_ids = [0]
    return runner


def test_repetition_penalty_lowers_what_was_generated() -> None:
    logits = torch.tensor([[2.0, -1.0, 3.0, 0.5]])
    _runner()._adjust(logits, [_row([0, 1], repetition_penalty=2.0)])
    assert logits.tolist() == [[1.0, -2.0, 3.0, 0.5]]


def test_no_repeat_ngrams_ban_the_token_that_would_repeat_one() -> None:
    row = _row([1, 2, 3, 1, 2], no_repeat_ngram_size=3)
    logits = torch.zeros((1, 5))
    _runner()._adjust(logits, [row])
    assert logits[0, 3] == float("-inf") and torch.isfinite(logits[0, [0, 1, 2, 4]]).all()
    row.output.append(4)  # the scheduler appends; the row's n-gram table catches up incrementally
    logits = torch.zeros((1, 5))
    _runner()._adjust(logits, [row])
    assert torch.isfinite(logits).all()


def test_script_steering_lowers_off_script_tokens() -> None:
    masks = {"zh": torch.tensor([0.0, 1.0, 1.0, 0.0])}
    logits = torch.tensor([[1.0, 5.0, 2.0, 1.0], [1.0, 5.0, 2.0, 1.0]])
    runner = _runner(masks)
    runner._adjust(logits, [_row([], language="zh", language_bias=4.0), _row([])])
    assert logits.tolist() == [[1.0, 1.0, -2.0, 1.0], [1.0, 5.0, 2.0, 1.0]]


def test_min_new_tokens_holds_back_the_end_of_sequence() -> None:
    logits = torch.zeros((2, 4))
    _runner()._adjust(logits, [_row([5, 6], min_new_tokens=3), _row([5, 6, 7], min_new_tokens=3)])
    assert logits[0, 0] == float("-inf") and logits[1, 0] == 0
