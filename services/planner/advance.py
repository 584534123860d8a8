"""The planner's decisions as data: ``advance(state, policy, now) -> list[Action]`` (pure).

The phase machine of one task: ``recall`` -> optional ``reparse`` -> ``execute`` -> its result ->
``remember`` -> ``done`` (state.py). As vLLM's scheduler returns a ``SchedulerOutput`` that the engine
executes and then folds back in, :func:`advance` changes the :class:`TaskState` and returns what to send;
the coordinator sends it and folds the outcomes back in (:func:`apply_reply` for replies and
acknowledgements, :func:`mark_published` for the result). Nothing here does I/O, and the caller passes
the clock in (``now``), so a task's whole life is tested with hand-built states and replies.

Actions, in the order they are to be sent:

- :class:`~.requests.Dispatch` -- a step's request (the step is marked running);
- :class:`Publish` -- the task's one result. :func:`advance` stops after it: the ``remember`` phase
  begins only once the result is out, on the next call after :func:`mark_published`;
- :class:`Forget` -- the task is done: its checkpoint becomes a tombstone.

A step the planner settles itself (see requests.py) gets its outcome here, with no action.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from autoglm.shared.events import IntentGraph, StepCompleted, StepKind, StepStatus, TaskCompleted, TaskStatus
from autoglm.shared.safety import Guard, OutputVerdict
from autoglm.shared.word_problem import is_follow_up

from .build import add_remember_steps, build_execution, parse_step
from .compose import guarded_result
from .language import retry_in_language
from .requests import Dispatch, build_request
from .state import PlannerPolicy, PlanStep, TaskState, execution_finished, remember_finished

_SETTLED = (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED)
_MAX_ROUNDS = 100


@dataclass(frozen=True, slots=True)
class Publish:
    """Publish the task's result (its state already records the status, answer and error); ``output`` is
    what the output guard did to the answer, if it ran."""

    result: TaskCompleted
    output: OutputVerdict | None = None


@dataclass(frozen=True, slots=True)
class Forget:
    """The task is done: tombstone its checkpoint and let it go."""


Action = Dispatch | Publish | Forget


def advance(state: TaskState, policy: PlannerPolicy, now: float, guard: Guard | None = None) -> list[Action]:
    """Move the task as far as it can go now; returns what to send, in order. ``guard`` checks the
    answer before it is published."""
    actions: list[Action] = []
    for _ in range(_MAX_ROUNDS):
        progressed = False
        if state.phase == "recall":
            recall = state.steps[0]
            # Skipped: the request needs nothing from the session (see build.new_state).
            if recall.status in _SETTLED:
                state.turns = list(recall.output.get("turns", [])) if recall.status is StepStatus.COMPLETED else []
                if needs_reparse(state):
                    parse_step(state, policy)
                else:
                    build_execution(state, policy)
                progressed = True
        elif state.phase == "reparse":
            parse = state.steps[-1]
            if parse.status in _SETTLED:
                if parse.status is StepStatus.COMPLETED and "graph" in parse.output:
                    state.graph = IntentGraph.model_validate(parse.output["graph"])
                state.reparsed = True
                build_execution(state, policy)
                progressed = True
        elif state.phase == "execute" and execution_finished(state) and not state.result_published:
            actions.append(Publish(*guarded_result(state, now, guard)))
            return actions
        elif state.phase == "execute" and state.result_published:
            add_remember_steps(state, policy)
            progressed = True
        elif state.phase == "remember" and remember_finished(state):
            state.phase = "done"
            progressed = True
        if skip_blocked(state, now):
            # A failed input settles its dependants at once: the task may be finished now, not at its
            # deadline (issue 16: a failed weather tool left the writing step pending for 180 s).
            progressed = True
        ready = ready_steps(state, now)
        if ready:
            # Independent requests go out together; the broker acknowledges them in one round.
            actions += [a for a in (_dispatch(state, step, policy, now) for step in ready) if a is not None]
            progressed = True
        if not progressed:
            break
    if state.phase == "done":
        actions.append(Forget())
    return actions


def _dispatch(state: TaskState, step: PlanStep, policy: PlannerPolicy, now: float) -> Dispatch | None:
    mark_dispatched(step, now)
    built = build_request(state, step, policy, now)
    if isinstance(built, StepCompleted):
        apply_reply(state, built, now)  # settled by the planner: no request
        return None
    return built


def mark_published(state: TaskState, now: float) -> None:
    """The result is acknowledged by the broker: the task may go on to remember its turn."""
    state.result_published = True
    state.finished_at = now


def needs_reparse(state: TaskState) -> bool:
    """Referents and answers to a clarifying question need the session's turns; so does a number asked about
    the previous turn's exact result ("ok so what would 50 bars cost at that price", "那买10瓶要多少钱？"), which
    the parser reads as N times that result only when it sees the turn that priced one."""
    if state.reparsed or not state.turns:
        return False
    previous = state.turns[-1]
    if bool(state.graph.clarification) or previous.get("status") == TaskStatus.NEEDS_CLARIFICATION.value:
        return True
    return _computed(previous) and is_follow_up(state.request.text) and not any(
        "{last}" in str(v) for i in state.graph.intents for v in i.entities.values())


def _computed(turn: dict) -> bool:
    """The turn's answer holds an exact result (a calculator or conversion step that completed)."""
    return any(i.get("tool") in ("calculator", "convert_units") and "result" in i for i in turn.get("intents") or [])


# ------------------------------------------------------------------ the clock


def due(state: TaskState, now: float) -> bool:
    """A running step timed out, a retry's backoff ended, or the task's deadline passed."""
    return (
        any(s.status is StepStatus.RUNNING and s.dispatched_at and now - s.dispatched_at >= s.timeout_s + s.reply_grace_s
            for s in state.steps)
        or any(s.status is StepStatus.PENDING and s.attempts and (s.dispatched_at or 0) <= now for s in state.steps)
        or (not state.result_published and now >= state.deadline)
    )


def expire(state: TaskState, policy: PlannerPolicy, now: float, guard: Guard | None = None) -> list[Action]:
    """A clock tick: steps past their timeout are retried or failed (:func:`expire_steps`); past the task's
    deadline without a result, the unfinished steps fail and the result says which. Call :func:`advance`
    after (and after publishing, :func:`mark_published`)."""
    expire_steps(state, now, policy.retry_backoff_s)
    if state.result_published or now < state.deadline:
        return []
    timeout = state.deadline - state.received_at.timestamp()
    unfinished = []
    for step in state.steps:
        if step.after_result or step.status in _SETTLED:
            continue
        step.status = StepStatus.FAILED
        step.error = f"deadline of {timeout:g}s exceeded"
        step.finished_at = now
        unfinished.append(f"{step.id} ({step.name})")
    if state.phase in ("recall", "reparse"):
        state.phase = "execute"
    reason = f"deadline of {timeout:g}s exceeded; unfinished: {', '.join(unfinished) or 'none'}"
    # What was answered before the deadline is kept: the task is partial, not failed, when there is some.
    answered = any(s.status is StepStatus.COMPLETED for s in state.steps if s.intent_id)
    status = TaskStatus.PARTIAL if answered and state.graph.intents else TaskStatus.FAILED
    return [Publish(*guarded_result(state, now, guard, forced=(status, reason)))]


# ------------------------------------------------------------------ steps


def skip_blocked(state: TaskState, now: float) -> list[PlanStep]:
    """Pending steps that can never run, because a (non-optional) input failed or was skipped, are skipped
    now, transitively (steps are in dependency order). Each names the input that failed and why."""
    skipped = []
    for step in state.steps:
        if step.status is not StepStatus.PENDING:
            continue
        failed = [d for d in map(state.step, step.depends_on)
                  if d is not None and d.status in (StepStatus.FAILED, StepStatus.SKIPPED) and not d.optional]
        if failed:
            step.status = StepStatus.SKIPPED
            step.error = "not run: " + "; ".join(_why_not(state, d) for d in failed)
            step.output = {"blocked_by": [name for d in failed for name in _blocked_by(state, d)]}
            step.finished_at = now
            skipped.append(step)
    return skipped


def _blocked_by(state: TaskState, dep: PlanStep) -> list[str]:
    """What the user asked for that failed and so kept a step from running (for the answer)."""
    if dep.status is StepStatus.SKIPPED and dep.output.get("blocked_by"):
        return list(dep.output["blocked_by"])
    intent = next((i for i in state.graph.intents if i.id == dep.intent_id), None)
    return [intent.text if intent else dep.name]


def _why_not(state: TaskState, dep: PlanStep) -> str:
    if dep.status is StepStatus.SKIPPED and dep.error and dep.error.startswith("not run: "):
        return dep.error.removeprefix("not run: ")  # the root cause, not the chain that carried it
    intent = next((i for i in state.graph.intents if i.id == dep.intent_id), None)
    what = f"{dep.id} ({dep.name}" + (f", for \"{intent.text}\")" if intent else ")")
    return f"input step {what} failed: {dep.error or dep.status.value}"


def ready_steps(state: TaskState, now: float | None = None) -> list[PlanStep]:
    """Pending steps whose inputs are all done; dependents of failed steps are skipped."""
    now = time.time() if now is None else now
    skip_blocked(state, now)
    ready = []
    for step in state.steps:
        if step.status is not StepStatus.PENDING:
            continue
        deps = [state.step(d) for d in step.depends_on]
        if all(
            d is not None
            and (d.status is StepStatus.COMPLETED or (d.optional and d.status in (StepStatus.FAILED, StepStatus.SKIPPED)))
            for d in deps
        ):
            if step.dispatched_at and step.attempts and now < step.dispatched_at:
                continue  # backoff before a retry
            ready.append(step)
    return ready


def mark_dispatched(step: PlanStep, now: float | None = None) -> None:
    now = time.time() if now is None else now
    step.status = StepStatus.RUNNING
    step.attempts += 1
    step.dispatched_at = now
    step.first_dispatched_at = step.first_dispatched_at or now


def apply_reply(state: TaskState, reply: StepCompleted, now: float | None = None,
                policy: PlannerPolicy | None = None) -> PlanStep | None:
    """Record a worker's reply. Returns the step it completed, or None for a duplicate or stray reply. With
    ``policy``, a generation answered in the wrong language is sent once more (language.py)."""
    now = time.time() if now is None else now
    step = state.step(reply.step_id)
    if step is None or step.status in (StepStatus.COMPLETED, StepStatus.SKIPPED):
        return None
    if step.status is StepStatus.FAILED and not reply.ok:
        return None
    step.finished_at = now
    step.duration_ms = (now - (step.first_dispatched_at or now)) * 1000
    if reply.ok:
        step.status = StepStatus.COMPLETED
        step.output = reply.output
        step.text = reply.text
        step.error = None
        if step.kind is StepKind.GENERATE and policy is not None and retry_in_language(
                state, step, reply.text, reply.output.get("finish_reason"), policy.steer_language_for, now):
            step.status = StepStatus.PENDING  # answered in the wrong language: once more, steered harder
            step.dispatched_at = now
    else:
        step.error = reply.error or "step failed"
        # A failure that took a third of the step's timeout or more (a tool's own network timeout, ~20 s for
        # weather) would take as long again: retrying it three times turned one dead service into a minute's
        # wait. Quick transient failures are retried; a step whose worker never answered is retried by
        # expire_steps (a killed worker).
        slow = now - (step.dispatched_at or now) >= step.timeout_s / 3
        if step.idempotent and step.attempts < step.max_attempts and _retryable(reply.error) and not slow:
            step.status = StepStatus.PENDING  # retried on the next dispatch round
            step.dispatched_at = now + 0.1 * (2 ** step.attempts)
        else:
            step.status = StepStatus.FAILED
    return step


def _retryable(error: str | None) -> bool:
    """Refusals and bad arguments won't improve on a retry; timeouts and transient errors may."""
    text = (error or "").lower()
    return any(word in text for word in ("timeout", "timed out", "temporar", "unavailable", "connection"))


def expire_steps(state: TaskState, now: float | None = None, backoff_s: float = 0.5) -> list[PlanStep]:
    """Running steps past their timeout: retried when idempotent and attempts remain, else failed."""
    now = time.time() if now is None else now
    expired = []
    for step in state.steps:
        if step.status is not StepStatus.RUNNING or step.dispatched_at is None:
            continue
        if now - step.dispatched_at < step.timeout_s + step.reply_grace_s:
            continue
        expired.append(step)
        if step.idempotent and step.attempts < step.max_attempts:
            step.status = StepStatus.PENDING
            step.dispatched_at = now + backoff_s * (2 ** (step.attempts - 1))
            step.error = f"attempt {step.attempts} timed out after {step.timeout_s:g}s"
        else:
            step.status = StepStatus.FAILED
            step.finished_at = now
            step.duration_ms = (now - (step.first_dispatched_at or now)) * 1000
            step.error = f"timed out after {step.timeout_s:g}s ({step.attempts} attempt(s))"
    return expired
