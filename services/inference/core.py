"""The engine's step loop without threads or torch: scheduler + model runner + detokenization and stop strings.

`EngineCore.step()` runs one iteration and returns what happened, so the loop is tested with a fake runner.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from typing import Protocol

from autoglm.services.inference.scheduler import Finished, Scheduler, Sequence
from autoglm.services.inference.steering import repeated_tail


class ModelRunner(Protocol):
    """Executes one step: prompt prefill of `prefill`, one decode step of `decode` (batch order)."""

    def step(self, prefill: list[Sequence], decode: list[Sequence]) -> dict[str, int]:
        """Return one sampled token id per sequence of both lists."""
        ...

    def release(self, request_ids: Seq[str]) -> None:
        """Drop the rows of these sequences from the batch; unknown ids are ignored."""
        ...


class TextStream:
    """Incremental detokenization of one sequence, with stop strings.

    Text that could be the start of a stop string, or an incomplete UTF-8 character, is held back
    until it is known; `text` is final once `finish()` has been called.
    """

    def __init__(self, decode: Callable[[list[int]], str], stop: Seq[str] = ()) -> None:
        self._decode = decode
        self._stop = tuple(stop)
        self._hold = max((len(s) for s in self._stop), default=1) - 1
        self.text = ""
        self.emitted = 0

    def update(self, ids: list[int]) -> tuple[str, bool]:
        """Feed all output ids so far; return (new text safe to emit, whether a stop string was hit)."""
        text = self._decode(ids)
        for stop in self._stop:
            at = text.find(stop, max(0, self.emitted - len(stop)))
            if at != -1:
                text = text[:at]
                self.text = text
                return self._emit(len(text)), True
        self.text = text
        safe = len(text) - self._hold
        if text.endswith("\ufffd"):
            safe = min(safe, len(text) - 1)
        return self._emit(safe), False

    def finish(self) -> str:
        if self.text.endswith("\ufffd"):
            self.text = self.text.rstrip("\ufffd")
        return self._emit(len(self.text))

    def _emit(self, upto: int) -> str:
        if upto <= self.emitted:
            return ""
        delta = self.text[self.emitted : upto]
        self.emitted = upto
        return delta


@dataclass
class StepOutput:
    """What one iteration produced: text deltas per request and the sequences that ended."""

    deltas: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # final text of each finished request
    finished: list[Finished] = field(default_factory=list)
    batch_size: int = 0
    prefilled: int = 0
    wait_s: float | None = None
    idle: bool = False


class EngineCore:
    """Scheduler + runner + per-sequence text streams. Single-threaded."""

    def __init__(self, scheduler: Scheduler, runner: ModelRunner, decode: Callable[[list[int]], str]) -> None:
        self.scheduler = scheduler
        self.runner = runner
        self._decode = decode
        self._streams: dict[str, TextStream] = {}

    def add(self, seq: Sequence, stop: Seq[str] = ()) -> None:
        self.scheduler.add(seq)
        self._streams[seq.request_id] = TextStream(self._decode, stop)

    def abort(self, request_id: str) -> Finished | None:
        done = self.scheduler.finish(request_id, "abort")
        if done is not None:
            self.runner.release([request_id])
            self._streams.pop(request_id, None)
        return done

    def step(self) -> StepOutput:
        expired = self.scheduler.expire()
        if expired:
            self.runner.release(sorted(f.seq.request_id for f in expired))
        plan = self.scheduler.schedule()
        if plan.empty:
            if expired:
                return self._ended_only(expired)
            return StepOutput(wait_s=plan.wait_s, idle=True)
        tokens = self.runner.step(plan.prefill, plan.decode)
        out = StepOutput(batch_size=plan.batch_size, prefilled=len(plan.prefill))
        finished = self.scheduler.update(tokens)
        ended = {f.seq.request_id for f in finished}
        for seq in plan.decode + plan.prefill:
            rid = seq.request_id
            stream = self._streams[rid]
            if rid not in ended and seq.stop_on_repeat:
                drop = repeated_tail(seq.output_ids)
                if drop:
                    # A loop: keep one copy of the repeated span and end here (the text is re-read from the
                    # trimmed ids; what was already streamed of the repeats stays streamed).
                    del seq.output_ids[-drop:]
                    done = self.scheduler.finish(rid, "repetition")
                    if done is not None:
                        finished.append(done)
                        ended.add(rid)
            delta, stopped = stream.update(seq.output_ids)
            if stopped and rid not in ended:
                done = self.scheduler.finish(rid, "stop")
                if done is not None:
                    finished.append(done)
                    ended.add(rid)
            if rid in ended:
                delta += stream.finish()
                out.texts[rid] = stream.text
            if delta:
                out.deltas[rid] = delta
        if ended:
            self.runner.release(sorted(ended))
            for rid in ended:
                self._streams.pop(rid, None)
        if expired:
            extra = self._ended_only(expired)
            out.texts.update(extra.texts)
            for rid, delta in extra.deltas.items():
                out.deltas[rid] = out.deltas.get(rid, "") + delta
        out.finished = expired + finished
        return out

    def _ended_only(self, finished: list[Finished]) -> StepOutput:
        """The output for sequences that ended outside a model step (their deadline passed)."""
        out = StepOutput(finished=list(finished))
        for done in finished:
            stream = self._streams.pop(done.seq.request_id, None)
            if stream is None:
                continue
            stream.update(done.seq.output_ids)
            delta = stream.finish()
            out.texts[done.seq.request_id] = stream.text
            if delta:
                out.deltas[done.seq.request_id] = delta
        return out
