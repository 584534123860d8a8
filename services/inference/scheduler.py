"""Iteration-level scheduler: which requests join the running batch at each decode step.

Pure Python and single-threaded (the engine's worker thread owns it), kept apart from the model
runner the way vLLM v1 splits `scheduler.py` from the runner, so it is unit-tested without a model.

One step of the engine is: `schedule()` -> runner executes (prefill of newly admitted sequences, one
decode step of the running ones) -> `update()` with one new token per sequence -> finished ones leave
the batch and free their rows for waiting ones at the next step (continuous batching: a long
generation never holds short ones back).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class SequenceStatus(Enum):
    WAITING = "waiting"
    RUNNING = "running"
    FINISHED = "finished"


@dataclass(eq=False)
class Sequence:
    """One generation request as the scheduler sees it. `payload` is opaque here (sampling, grammar...)."""

    request_id: str
    prompt_ids: list[int]
    max_new_tokens: int
    arrival: float
    payload: Any = None
    output_ids: list[int] = field(default_factory=list)
    status: SequenceStatus = SequenceStatus.WAITING
    finish_reason: str | None = None
    admitted_at: float | None = None
    first_token_at: float | None = None
    finished_at: float | None = None
    max_batch_size: int = 0  # the largest batch this sequence was decoded in
    deadline: float | None = None  # on the scheduler's clock: past it, the sequence ends with what it has
    stop_on_repeat: bool = False  # end it when its tail loops (core.py, steering.repeated_tail)


class FCFSQueue:
    """Waiting sequences, first come first served."""

    def __init__(self) -> None:
        self._items: deque[Sequence] = deque()

    def add(self, seq: Sequence) -> None:
        self._items.append(seq)

    def peek(self) -> Sequence:
        return self._items[0]

    def pop(self) -> Sequence:
        return self._items.popleft()

    def remove(self, request_id: str) -> Sequence | None:
        for seq in self._items:
            if seq.request_id == request_id:
                self._items.remove(seq)
                return seq
        return None

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Sequence]:
        return iter(self._items)


@dataclass
class SchedulerOutput:
    """What the runner does this step.

    `decode` are the sequences already in the batch (one decode step each, in batch order);
    `prefill` are newly admitted ones (prompt forward pass, yielding their first token).
    When both are empty, `wait_s` says how long to sleep before scheduling again (None: until a new request).
    """

    prefill: list[Sequence]
    decode: list[Sequence]
    wait_s: float | None = None

    @property
    def empty(self) -> bool:
        return not self.prefill and not self.decode

    @property
    def batch_size(self) -> int:
        return len(self.prefill) + len(self.decode)


@dataclass
class Finished:
    seq: Sequence
    reason: str  # "stop" (EOS or stop string), "length", "abort"


class QueueFull(Exception):
    """More requests than `capacity` were offered."""


class Scheduler:
    """Admits waiting sequences into a running batch of at most `max_batch_size` rows.

    - Admission is bounded: at most `max_batch_size + max_waiting` sequences are held (`capacity`).
    - An idle engine waits up to `max_queue_delay_s` after the first arrival to gather a fuller first
      batch (dynamic batching); once a batch runs, arrivals join at the next step without waiting.
    - At most `max_prefill_tokens` prompt tokens are admitted per step (at least one sequence), so a
      burst of long prompts does not stall the running decodes for long.
    - A running batch admits newcomers in groups: once at least `admit_fraction` of the running rows'
      worth are waiting, or the oldest has waited `max_admit_delay_s`. A prefill forward reads all the
      weights whether it carries one prompt or several, so admitting one sequence per step (as requests
      trickle in) would nearly double the cost of every step. 0 / 0 admits at every step.
    """

    def __init__(
        self,
        *,
        max_batch_size: int,
        max_waiting: int,
        max_queue_delay_s: float,
        max_prefill_tokens: int,
        eos_token_ids: Iterable[int],
        admit_fraction: float = 0.0,
        max_admit_delay_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_batch_size = max_batch_size
        self.max_waiting = max_waiting
        self.max_queue_delay_s = max_queue_delay_s
        self.max_prefill_tokens = max_prefill_tokens
        self.admit_fraction = admit_fraction
        self.max_admit_delay_s = max_admit_delay_s
        self.eos_token_ids = frozenset(eos_token_ids)
        self.clock = clock
        self.waiting = FCFSQueue()
        self.running: list[Sequence] = []

    @property
    def capacity(self) -> int:
        return self.max_batch_size + self.max_waiting

    @property
    def num_held(self) -> int:
        return len(self.waiting) + len(self.running)

    @property
    def has_work(self) -> bool:
        return bool(self.waiting or self.running)

    def add(self, seq: Sequence) -> None:
        if self.num_held >= self.capacity:
            raise QueueFull(f"scheduler holds {self.num_held} of {self.capacity}")
        seq.status = SequenceStatus.WAITING
        self.waiting.add(seq)

    def schedule(self) -> SchedulerOutput:
        now = self.clock()
        decode = list(self.running)
        if not self.waiting:
            return SchedulerOutput(prefill=[], decode=decode)
        if not self.running and len(self.waiting) < self.max_batch_size:
            waited = now - self.waiting.peek().arrival
            if waited < self.max_queue_delay_s:
                return SchedulerOutput(prefill=[], decode=[], wait_s=self.max_queue_delay_s - waited)
        if self.running and not self._admit_now(now):
            return SchedulerOutput(prefill=[], decode=decode)
        prefill: list[Sequence] = []
        budget = self.max_prefill_tokens
        while self.waiting and len(self.running) < self.max_batch_size:
            nxt = self.waiting.peek()
            if prefill and len(nxt.prompt_ids) > budget:
                break
            seq = self.waiting.pop()
            budget -= len(seq.prompt_ids)
            seq.status = SequenceStatus.RUNNING
            seq.admitted_at = now
            self.running.append(seq)
            prefill.append(seq)
        size = len(self.running)
        for seq in self.running:
            seq.max_batch_size = max(seq.max_batch_size, size)
        return SchedulerOutput(prefill=prefill, decode=decode)

    def _admit_now(self, now: float) -> bool:
        free = self.max_batch_size - len(self.running)
        if free <= 0:
            return False
        group = min(free, max(1, math.ceil(self.admit_fraction * len(self.running))))
        return len(self.waiting) >= group or now - self.waiting.peek().arrival >= self.max_admit_delay_s

    def update(self, tokens: Mapping[str, int]) -> list[Finished]:
        """Record one new token per running sequence; return those that ended (EOS or length)."""
        now = self.clock()
        finished: list[Finished] = []
        for seq in list(self.running):
            token = tokens.get(seq.request_id)
            if token is None:
                continue
            if seq.first_token_at is None:
                seq.first_token_at = now
            if token in self.eos_token_ids:
                finished.append(self._finish(seq, "stop", now))
                continue
            seq.output_ids.append(token)
            if len(seq.output_ids) >= seq.max_new_tokens:
                finished.append(self._finish(seq, "length", now))
        return finished

    def expire(self) -> list[Finished]:
        """Sequences past their deadline end now with reason ``deadline``: a running one keeps the tokens it
        has (the caller returns its text so far, marked truncated); a waiting one ends with none."""
        now = self.clock()
        late = [s for s in (*self.waiting, *self.running) if s.deadline is not None and now >= s.deadline]
        return [done for s in late if (done := self.finish(s.request_id, "deadline")) is not None]

    def finish(self, request_id: str, reason: str) -> Finished | None:
        """End a sequence from outside (stop string, cancellation). Unknown ids are ignored."""
        now = self.clock()
        seq = self.waiting.remove(request_id)
        if seq is not None:
            seq.status = SequenceStatus.FINISHED
            seq.finish_reason = reason
            seq.finished_at = now
            return Finished(seq, reason)
        for seq in self.running:
            if seq.request_id == request_id:
                return self._finish(seq, reason, now)
        return None

    def _finish(self, seq: Sequence, reason: str, now: float) -> Finished:
        self.running.remove(seq)
        seq.status = SequenceStatus.FINISHED
        seq.finish_reason = reason
        seq.finished_at = now
        return Finished(seq, reason)
