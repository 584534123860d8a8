"""The planner's shell: intents and step replies in; step requests, results and checkpoints out.

What to do is decided by advance.py, as data (:func:`~.advance.advance` returns the actions); this
module does the I/O around it: per-task locks, publishing, checkpoints, recovery on a partition
assignment, the clock (timeouts, deadlines) and admission (backpressure).

Ordering that makes a crash harmless (see checkpoints.py for recovery):
1. publish step requests, 2. publish the result (if any), 3. checkpoint the state,
4. return, after which the input batch is committed.
A crash before 3 replays the input: step requests may be sent again (workers are
idempotent, the planner keeps only the first reply), and a result already published is
found on the results topic during recovery, so no second result is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from opentelemetry import trace

from autoglm.shared import metrics, telemetry
from autoglm.shared.events import (
    EventType,
    IntentsParsed,
    StepCompleted,
    StepStatus,
    TaskRequested,
    TaskStatus,
    TurnWrite,
)
from autoglm.shared.kafka.codec import Received, Rejected
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.safety import Guard
from autoglm.shared.topics import INTENTS, PLAN_STATE, PROGRESS, RESULTS, STEPS_COMPLETED

from .advance import Forget, Publish, advance, apply_reply, due, expire, mark_published
from .build import new_state
from .checkpoints import recover
from .compose import progress_report
from .kb_first import KbPresence
from .language import not_trusted, trusted_languages
from .requests import Dispatch
from .state import PlannerPolicy, TaskState
from .turns import TurnBatcher
from .variants import VariantBook, user_key

log = logging.getLogger("autoglm.planner")
_FINISHED_MEMORY = 200_000


class Coordinator:
    def __init__(
        self, rt: ServiceRuntime, policy: PlannerPolicy, guard: Guard | None = None, variants: VariantBook | None = None
    ) -> None:
        self.rt = rt
        self.policy = policy
        self.guard = guard  # the output guard on every answer (None: off)
        self.variants = variants  # prompt variants per tenant and task type (None: the base templates only)
        self.tasks: dict[str, TaskState] = {}
        self.finished: OrderedDict[str, int | None] = OrderedDict()  # task id -> its request's fingerprint
        self._locks: dict[str, asyncio.Lock] = {}
        self.owned: set[int] = set()
        self.admission_paused = False
        self.admission_pauses = 0  # how often intake was paused since start (a short pause is seen by a reader)
        self._ticker: asyncio.Task[None] | None = None
        self.turns = TurnBatcher(rt)
        # Which tenants have no knowledge base: their general questions skip the search (kb_first.py).
        self.kb = KbPresence(policy.kb_first_absent_ttl_s)
        # The languages each task type's model answers and writes in, from its latest result (answer_languages):
        # a step whose text would not be handed over is answered here without the model (language.not_trusted).
        self.languages: dict[str, list[str]] = {}

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._ticker = asyncio.create_task(self._tick_forever())

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker

    def listener(self) -> ConsumerRebalanceListener:
        coordinator = self

        class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
                coordinator._release({tp.partition for tp in revoked})

            async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
                await coordinator._adopt({tp.partition for tp in assigned})
                coordinator.admission_paused = False  # a new assignment starts unpaused
                coordinator._admit()

        return _Listener()

    def _release(self, partitions: set[int]) -> None:
        self.owned -= partitions
        for task_id in [t for t, s in self.tasks.items() if s.partition in partitions]:
            self.tasks.pop(task_id, None)

    async def _adopt(self, partitions: set[int]) -> None:
        new = partitions - self.owned
        self.owned |= partitions
        if not new:
            return
        from autoglm.shared.kafka.security import security_kwargs

        states, finished = await recover(
            bootstrap_servers=self.rt.settings.broker.bootstrap_servers or "",
            state_topic=self.rt.topic(PLAN_STATE),
            results_topic=self.rt.topic(RESULTS),
            partitions=new,
            client_kwargs=security_kwargs(self.rt.settings),
        )
        for task_id in finished:
            self._remember_finished(task_id)
        for task_id, state in states.items():
            if task_id not in self.tasks:
                self.tasks[task_id] = state
        if states:
            log.info("planner recovered %d task(s) on partitions %s", len(states), sorted(new))
            for state in states.values():
                async with self._lock(state.task_id):
                    await self._progress(state)

    def _admit(self) -> None:
        """Backpressure: stop fetching intents while ``max_tasks_in_flight`` tasks are open.

        Step replies keep flowing, so open tasks finish; intents resume when a quarter of the
        limit has drained. The backlog waits in Kafka, not in this process."""
        open_tasks = len(self.tasks)
        metrics.OPEN_TASKS.set(open_tasks)
        limit = self.policy.max_tasks_in_flight
        if self.admission_paused == (open_tasks >= limit) or (self.admission_paused and open_tasks > limit * 3 // 4):
            return
        if not (self.rt.resume(INTENTS) if self.admission_paused else self.rt.pause(INTENTS)):
            return  # no consumer yet
        if not self.admission_paused:
            log.info("planner holds %d open tasks: intents paused", open_tasks)
            self.admission_pauses += 1
        self.admission_paused = not self.admission_paused
        metrics.ADMISSION_PAUSED.set(int(self.admission_paused))

    # ------------------------------------------------------------ handlers

    async def on_intents(self, item: Received) -> None:
        ev = item.event
        parsed: IntentsParsed = ev.data
        task_id = ev.task_id
        async with self._lock(task_id):
            known = self.tasks.get(task_id)
            if known is not None or task_id in self.finished:
                # A redelivered task: it has (or will get) its one result. A different request under a
                # taken id gets no second result either, but is told why on the DLQ.
                before = _fingerprint(known.request) if known is not None else self.finished[task_id]
                if before is not None and before != _fingerprint(parsed.request):
                    raise Rejected(
                        "invalid_event",
                        f"task id {task_id} is already taken by a different request: this one is not run",
                        task_id,
                    )
                return
            span = trace.get_current_span()
            timeout = parsed.request.timeout_seconds or self.rt.settings.timeout_seconds
            state = new_state(
                task_id=task_id,
                session_id=ev.session_id,
                tenant=ev.tenant,
                request=parsed.request,
                graph=parsed.graph,
                received_at=parsed.received_at,
                timeout_s=timeout,
                partition=item.partition,
                policy=self.policy,
                tenant_kb=self.kb.known(ev.tenant, time.time()),
            )
            state.traceparent = telemetry.inject_traceparent(span)
            state.trace_id = telemetry.trace_id_of(span)
            if self.variants is not None:
                chosen = self.variants.choose(ev.tenant, user_key(parsed.request.user, ev.session_id), time.time())
                state.prompt_variants = {t: v for t, v in chosen.items() if v is not None}
            span.set_attribute("autoglm.intent.count", len(parsed.graph.intents))
            self.tasks[task_id] = state
            self._admit()
            await self._progress(state)

    async def on_step(self, item: Received) -> None:
        ev = item.event
        reply: StepCompleted = ev.data
        task_id = ev.task_id
        async with self._lock(task_id):
            state = self.tasks.get(task_id)
            if state is None:
                return  # late reply of a finished task, or a task another replica owns now
            if ev.tenant != state.tenant:
                # Workers echo the request's tenant: another tenant's reply is forged or misrouted.
                raise Rejected(
                    "invalid_event", f"step reply for task {task_id} names tenant {ev.tenant!r}, not the task's", task_id
                )
            step = apply_reply(state, reply, policy=self.policy)
            if step is None:
                return
            if step.name == "kb_search" and step.status is StepStatus.COMPLETED:
                self.kb.observe(state.tenant, step.output, time.time())
            if (trusted := trusted_languages(step)) is not None and step.task_type:
                self.languages[step.task_type] = trusted
            trace.get_current_span().set_attributes(
                {telemetry.STEP_ID: step.id, "autoglm.step.kind": step.kind.value, "autoglm.step.ok": reply.ok}
            )
            await self._progress(state)

    async def tick(self, now: float | None = None) -> None:
        """Step timeouts, retries after backoff, and task deadlines."""
        now = time.time() if now is None else now
        for task_id in list(self.tasks):
            state = self.tasks.get(task_id)
            if state is None:
                continue
            if not due(state, now):
                continue
            async with self._lock(task_id):
                with self.rt.tracer.start_as_current_span(
                    "planner tick",
                    context=telemetry.context_from_traceparent(state.traceparent),
                    attributes={telemetry.TASK_ID: task_id},
                ):
                    for action in expire(state, self.policy, now, self.guard):
                        if isinstance(action, Publish):
                            await self._publish(state, action)
                    await self._progress(state)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            try:
                await self.tick()
            except Exception:  # the ticker must survive anything a single task does
                log.exception("planner tick failed")

    # ------------------------------------------------------------ driving

    async def _progress(self, state: TaskState) -> None:
        """Advance the task, then send its step requests and its checkpoint together (one round
        of broker acknowledgements instead of two; the crash ordering in the module doc holds,
        since both complete before the input is committed). Acknowledged-only writes (the turn)
        go out a round before the checkpoint: a crash between the two replays the input, and
        recovery, finding the result published, sends the write again (idempotent)."""
        sends, forget = await self._execute(state)
        if any(s.acked_only and s.status is StepStatus.RUNNING for s in state.steps):
            # A write that completes on its acknowledgement must be durable before the checkpoint
            # that may forget the task (a tombstone); then the task goes on from there.
            await asyncio.gather(*sends)
            sends, forget = await self._execute(state)
        report = progress_report(state)
        if report is not None:  # the plan and step changes, for a task that asked (report_progress)
            sends.append(self.rt.publish(PROGRESS, self.rt.event(
                EventType.TASK_PROGRESS, report, taskid=state.task_id, sessionid=state.session_id, tenant=state.tenant)))
        await asyncio.gather(*sends, self._checkpoint(state, forget=forget))

    async def _execute(self, state: TaskState) -> tuple[list[Awaitable[None]], bool]:
        """Run what :func:`advance` decides: the result is published at once (the task goes on only
        after it), the step requests are returned to be sent together. Also says whether to forget
        the task."""
        sends: list[Awaitable[None]] = []
        while True:
            actions = advance(state, self.policy, time.time(), self.guard)
            here = False
            for action in actions:
                if isinstance(action, Dispatch) and (trusted := not_trusted(state, action.step, self.languages)):
                    # Text the model is not trusted to write: not asked for; compose answers (a plain draft or
                    # the honest notice) as it would have on the model's reply.
                    step = action.step
                    apply_reply(state, StepCompleted(step_id=step.id, attempt=step.attempts, ok=True, text="",
                                                     output={"answer_languages": trusted, "model_skipped": True},
                                                     service="planner"))
                    here = True
                elif isinstance(action, Dispatch):
                    sends.append(self._send(state, action))
                elif isinstance(action, Publish):
                    await self._publish(state, action)
            if not here and not any(isinstance(a, Publish) for a in actions):
                return sends, any(isinstance(a, Forget) for a in actions)

    def _send(self, state: TaskState, action: Dispatch) -> Awaitable[None]:
        step, payload = action.step, action.payload
        span = self.rt.tracer.start_span(
            f"dispatch {step.kind.value}",
            attributes={telemetry.TASK_ID: state.task_id, telemetry.STEP_ID: step.id, "autoglm.step.name": step.name,
                        "autoglm.step.attempt": step.attempts},
        )
        with trace.use_span(span, end_on_exit=False):
            if isinstance(payload, TurnWrite):
                payload.traceparent = telemetry.inject_traceparent()
            else:
                event = self.rt.event(action.type, payload, taskid=state.task_id, sessionid=state.session_id,
                                      tenant=state.tenant)

        async def send() -> None:
            with trace.use_span(span, end_on_exit=True):
                if isinstance(payload, TurnWrite):
                    await self.turns.write(state.tenant, payload)
                else:
                    await self.rt.publish(action.topic, event)
            if step.acked_only:  # durable in Kafka now: the step is done (see PlanStep.acked_only)
                apply_reply(state, StepCompleted(step_id=step.id, attempt=step.attempts, ok=True, service="broker"))

        return send()

    async def _publish(self, state: TaskState, action: Publish) -> None:
        result = action.result
        with self.rt.tracer.start_as_current_span(
            "publish result",
            attributes={telemetry.TASK_ID: state.task_id, "autoglm.task.status": result.status.value},
        ) as span:
            if action.output is not None:
                span.set_attributes(action.output.span_attributes())
                if action.output.replaced:
                    metrics.SAFETY_VERDICTS.labels("planner", "output", action.output.replaced, "replace").inc()
                for kind in sorted({m.type for m in action.output.masked}):
                    metrics.SAFETY_VERDICTS.labels("planner", "output", f"pii_{kind}", "mask").inc()
            if result.status is TaskStatus.FAILED:
                telemetry.mark_error(span, result.error or "failed")
            await self.rt.publish(
                RESULTS,
                self.rt.event(
                    EventType.TASK_COMPLETED, result, taskid=state.task_id, sessionid=state.session_id, tenant=state.tenant
                ),
            )
        mark_published(state, time.time())
        metrics.TASKS_FINISHED.labels(result.status.value).inc()
        metrics.TASK_LATENCY.observe(result.duration_ms / 1000)

    async def _checkpoint(self, state: TaskState, *, forget: bool) -> None:
        key = state.task_id.encode()
        if forget:
            await self.rt.publish_raw(PLAN_STATE, None, key=key, partition=state.partition)
            self.tasks.pop(state.task_id, None)
            self._locks.pop(state.task_id, None)
            self._remember_finished(state.task_id, _fingerprint(state.request))
            self._admit()
        else:
            await self.rt.publish_raw(PLAN_STATE, state.model_dump_json().encode(), key=key, partition=state.partition)

    def _remember_finished(self, task_id: str, request: int | None = None) -> None:
        self.finished[task_id] = request
        while len(self.finished) > _FINISHED_MEMORY:
            self.finished.popitem(last=False)

    def _lock(self, task_id: str) -> asyncio.Lock:
        lock = self._locks.get(task_id)
        if lock is None:
            lock = self._locks[task_id] = asyncio.Lock()
        return lock

    def subscribe(self) -> None:
        self.rt.subscribe(
            [INTENTS, STEPS_COMPLETED],
            [EventType.INTENTS_PARSED, EventType.STEP_COMPLETED],
            self._route,
            listener=self.listener(),
            # Admission checks between batches: one batch can overshoot the limit by its size.
            max_records=min(256, self.policy.max_tasks_in_flight),
        )

    async def _route(self, item: Received) -> None:
        if item.event.type == EventType.INTENTS_PARSED.value:
            await self.on_intents(item)
        else:
            await self.on_step(item)


def _fingerprint(request: TaskRequested) -> int:
    """Tells a redelivered task from a different request under the same task id (in-process only)."""
    return hash(request.model_dump_json())
