"""The planner's driver: turns intents and step replies into dispatches, results and checkpoints.

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
from datetime import UTC, datetime
from typing import Any

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from opentelemetry import trace

from autoglm.shared import metrics, telemetry
from autoglm.shared.events import (
    ChatMessage,
    EventType,
    InferenceRequested,
    IntentGraph,
    IntentsParsed,
    MemoryRequested,
    ParseRequested,
    StepCompleted,
    StepKind,
    StepStatus,
    TaskCompleted,
    TaskRequested,
    TaskStatus,
    ToolCallRequested,
    TurnWrite,
)
from autoglm.shared.kafka.codec import Received, Rejected
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.topics import (
    INFERENCE_REQUESTS,
    INTENTS,
    MEMORY_REQUESTS,
    NO_REPLY,
    PARSE_REQUESTS,
    PLAN_STATE,
    RESULTS,
    STEPS_COMPLETED,
    TOOL_CALLS,
)

from . import build as P
from .checkpoints import recover
from .text_to_sql import QueryError
from .turns import TurnBatcher

log = logging.getLogger("autoglm.planner")
_FINISHED_MEMORY = 200_000


def _empty_knowledge(state: P.TaskState, step: P.PlanStep) -> bool:
    deps = [state.step(d) for d in step.depends_on]
    kb = [d for d in deps if d is not None and d.name == "kb_search"]
    return bool(kb) and not P.passages_of(state, step)


class Coordinator:
    def __init__(self, rt: ServiceRuntime, policy: P.PlannerPolicy) -> None:
        self.rt = rt
        self.policy = policy
        self.tasks: dict[str, P.TaskState] = {}
        self.finished: OrderedDict[str, int | None] = OrderedDict()  # task id -> its request's fingerprint
        self._locks: dict[str, asyncio.Lock] = {}
        self.owned: set[int] = set()
        self.admission_paused = False
        self._ticker: asyncio.Task[None] | None = None
        self.turns = TurnBatcher(rt)

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
        consumer = next((c for c in (getattr(s, "consumer", None) for s in self.rt.subscribers) if c), None)
        if consumer is None:
            return
        intents = [tp for tp in consumer.assignment() if tp.topic == self.rt.topic(INTENTS)]
        if self.admission_paused:
            consumer.resume(*intents)
        else:
            consumer.pause(*intents)
            log.info("planner holds %d open tasks: intents paused", open_tasks)
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
            state = P.new_state(
                task_id=task_id,
                session_id=ev.session_id,
                tenant=ev.tenant,
                request=parsed.request,
                graph=parsed.graph,
                received_at=parsed.received_at,
                timeout_s=timeout,
                partition=item.partition,
                policy=self.policy,
            )
            state.traceparent = telemetry.inject_traceparent(span)
            state.trace_id = telemetry.trace_id_of(span)
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
            step = P.apply_reply(state, reply)
            if step is None:
                return
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
            due = any(
                s.status is StepStatus.RUNNING and s.dispatched_at and now - s.dispatched_at >= s.timeout_s
                for s in state.steps
            ) or any(
                s.status is StepStatus.PENDING and s.attempts and (s.dispatched_at or 0) <= now for s in state.steps
            )
            late = not state.result_published and now >= state.deadline
            if not (due or late):
                continue
            async with self._lock(task_id):
                with self.rt.tracer.start_as_current_span(
                    "planner tick",
                    context=telemetry.context_from_traceparent(state.traceparent),
                    attributes={telemetry.TASK_ID: task_id},
                ):
                    P.expire_steps(state, now, self.policy.retry_backoff_s)
                    if late and not state.result_published:
                        await self._fail_deadline(state, now)
                    await self._progress(state)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            try:
                await self.tick()
            except Exception:  # the ticker must survive anything a single task does
                log.exception("planner tick failed")

    # ------------------------------------------------------------ driving

    async def _progress(self, state: P.TaskState) -> None:
        """Advance the task, then send its step requests and its checkpoint together (one round
        of broker acknowledgements instead of two; the crash ordering in the module doc holds,
        since both complete before the input is committed). Acknowledged-only writes (the turn)
        go out a round before the checkpoint: a crash between the two replays the input, and
        recovery, finding the result published, sends the write again (idempotent)."""
        sends = await self._advance(state)
        if any(s.acked_only and s.status is StepStatus.RUNNING for s in state.steps):
            # A write that completes on its acknowledgement must be durable before the checkpoint
            # that may forget the task (a tombstone); then the task goes on from there.
            await asyncio.gather(*sends)
            sends = await self._advance(state)
        await asyncio.gather(*sends, self._checkpoint(state))

    async def _advance(self, state: P.TaskState) -> list[Awaitable[None]]:
        """Move the task as far as it can go now. Returns the step requests to publish."""
        sends: list[Awaitable[None]] = []
        for _ in range(100):
            progressed = False
            if state.phase == "recall":
                recall = state.steps[0]
                # Skipped: the request needs nothing from the session (see plan.new_state).
                if recall.status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED):
                    state.turns = list(recall.output.get("turns", [])) if recall.status is StepStatus.COMPLETED else []
                    if P.needs_reparse(state):
                        self._add_parse_step(state)
                    else:
                        P.build_execution(state, self.policy)
                    progressed = True
            elif state.phase == "reparse":
                parse = state.steps[-1]
                if parse.status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED):
                    if parse.status is StepStatus.COMPLETED and "graph" in parse.output:
                        state.graph = IntentGraph.model_validate(parse.output["graph"])
                    state.reparsed = True
                    P.build_execution(state, self.policy)
                    progressed = True
            elif state.phase == "execute" and P.execution_finished(state) and not state.result_published:
                await self._publish_result(state)
                progressed = True
            elif state.phase == "execute" and state.result_published:
                P.add_remember_steps(state, self.policy)
                progressed = True
            elif state.phase == "remember" and P.remember_finished(state):
                state.phase = "done"
                progressed = True
            ready = P.ready_steps(state)
            if ready:
                # Independent requests go out together; the broker acknowledges them in one round.
                sends += [send for send in (self._dispatch(state, step) for step in ready) if send is not None]
                progressed = True
            if not progressed:
                return sends
        return sends

    def _add_parse_step(self, state: P.TaskState) -> None:
        state.steps.append(
            P.PlanStep(
                id=f"s{len(state.steps)}",
                kind=StepKind.PARSE,
                name="parse",
                timeout_s=self.policy.step_timeout_s,
                max_attempts=self.policy.max_attempts,
            )
        )
        state.phase = "reparse"

    def _dispatch(self, state: P.TaskState, step: P.PlanStep) -> Awaitable[None] | None:
        """Mark the step dispatched and build its request; returns the publish to await (None when
        the planner answered the step itself)."""
        P.mark_dispatched(step)
        # A worker abandons the step at its own timeout (or the task's deadline, if sooner), so a
        # timed-out generation stops using the model instead of running on beside its retry.
        deadline = datetime.fromtimestamp(min(state.deadline, time.time() + step.timeout_s), tz=UTC)
        common: dict[str, Any] = {
            "step_id": step.id,
            "attempt": step.attempts,
            "reply_to": NO_REPLY if step.acked_only else STEPS_COMPLETED,
            "deadline": None if step.after_result else deadline,
        }
        attrs = {"taskid": state.task_id, "sessionid": state.session_id, "tenant": state.tenant}
        topic: str
        data: Any
        etype: EventType
        turn: TurnWrite | None = None
        if step.kind is StepKind.RECALL and step.name == "long_term_search":
            embed = state.step(step.depends_on[0]) if step.depends_on else None
            vectors = embed.output.get("vectors") if embed and embed.status is StepStatus.COMPLETED else None
            if not vectors:
                P.apply_reply(state, StepCompleted(step_id=step.id, ok=False, error="no query embedding",
                                                   service="planner"))
                return
            topic, etype = MEMORY_REQUESTS, EventType.MEMORY_REQUESTED
            data = MemoryRequested(**common, operation="search", vector=vectors[0],
                                   limit=int(step.arguments.get("limit", 3)), user=state.request.user)
        elif step.kind is StepKind.RECALL:
            topic, etype = MEMORY_REQUESTS, EventType.MEMORY_REQUESTED
            data = MemoryRequested(**common, operation="recall", limit=int(step.arguments.get("limit", 6)), user=state.request.user)
        elif step.kind is StepKind.PARSE:
            topic, etype = PARSE_REQUESTS, EventType.PARSE_REQUESTED
            data = ParseRequested(
                **common,
                text=state.request.text,
                context=P.context_lines(state.turns),
                pending_request=P.pending_request(state),
                now=state.request.now or state.received_at,
                timezone=state.request.timezone,
            )
        elif step.kind is StepKind.TOOL and step.name == "kb_search":
            # The knowledge base lives in the memory service, scoped by the task's tenant.
            embed = state.step(step.depends_on[0]) if step.depends_on else None
            vectors = embed.output.get("vectors") if embed else None
            topic, etype = MEMORY_REQUESTS, EventType.MEMORY_REQUESTED
            data = MemoryRequested(
                **common,
                operation="kb_search",
                query=str(step.arguments.get("query", "")),
                vector=vectors[0] if vectors else None,
                limit=int(step.arguments.get("top_k", 4)),
                user=state.request.user,
            )
        elif step.kind is StepKind.TOOL:
            if step.name == "sql_query":
                try:
                    step.arguments = P.sql_arguments(state, step, self.policy)
                except QueryError as exc:
                    # The model's structured query doesn't compile: nothing reaches the database.
                    self._refuse(state, step, f"no SQL built from the question: {exc}")
                    return
            topic, etype = TOOL_CALLS, EventType.TOOL_CALL_REQUESTED
            data = ToolCallRequested(
                **common, tool=step.name, arguments=step.arguments, allow_destructive=state.request.allow_destructive
            )
        elif step.kind is StepKind.GENERATE and _empty_knowledge(state, step):
            # Nothing relevant in the knowledge base: say so instead of letting the model make it up.
            zh = state.graph.language == "zh"
            P.apply_reply(state, StepCompleted(
                step_id=step.id, ok=True, service="planner",
                text="知识库中没有找到相关内容。" if zh else "No matching passages were found in the knowledge base.",
            ))
            return
        elif step.kind is StepKind.GENERATE:
            topic, etype = INFERENCE_REQUESTS, EventType.INFERENCE_REQUESTED
            try:
                schema = P.generation_schema(state, step)
                messages = P.generation_messages(state, step)
            except QueryError as exc:  # a database with nothing to query
                self._refuse(state, step, f"no structured query possible: {exc}")
                return
            data = InferenceRequested(
                **common,
                operation="generate",
                task_type=step.task_type,
                messages=[ChatMessage(**m) for m in messages],  # type: ignore[arg-type]
                # Structured output is for the planner, not a text to show while it is written.
                stream=self.policy.stream_generation and schema is None,
                json_schema=schema,
                params={"temperature": 0.0, "max_new_tokens": self.policy.sql_max_new_tokens} if schema else {},
            )
        elif step.kind is StepKind.EMBED:
            topic, etype = INFERENCE_REQUESTS, EventType.INFERENCE_REQUESTED
            data = InferenceRequested(**common, operation="embed", task_type="embedding", texts=step.arguments["texts"])
        elif step.kind is StepKind.REMEMBER:
            embed = state.step(step.depends_on[0]) if step.depends_on else None
            vectors = embed.output.get("vectors") if embed else None
            vector = vectors[0] if vectors else None
            topic, etype = MEMORY_REQUESTS, EventType.MEMORY_REQUESTED
            if step.name == "store_turn":
                # Goes out with the turns of the other tasks finishing now, one request (see turns.py).
                turn = TurnWrite(task_id=state.task_id, session_id=state.session_id, user=state.request.user,
                                 turn=P.turn_record(state), vector=vector)
            else:
                # A fact or preference the user stated, kept for the task's tenant and user.
                data = MemoryRequested(**common, user=state.request.user, vector=vector, operation="remember",
                                       source=f"task:{state.task_id}", **step.arguments)
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(f"cannot dispatch {step.kind}")
        span = self.rt.tracer.start_span(
            f"dispatch {step.kind.value}",
            attributes={telemetry.TASK_ID: state.task_id, telemetry.STEP_ID: step.id, "autoglm.step.name": step.name,
                        "autoglm.step.attempt": step.attempts},
        )
        with trace.use_span(span, end_on_exit=False):
            if turn is not None:
                turn.traceparent = telemetry.inject_traceparent()
            else:
                event = self.rt.event(etype, data, **attrs)

        async def send() -> None:
            with trace.use_span(span, end_on_exit=True):
                if turn is not None:
                    await self.turns.write(state.tenant, turn)
                else:
                    await self.rt.publish(topic, event)
            if step.acked_only:  # durable in Kafka now: the step is done (see PlanStep.acked_only)
                P.apply_reply(state, StepCompleted(step_id=step.id, attempt=step.attempts, ok=True, service="broker"))

        return send()

    @staticmethod
    def _refuse(state: P.TaskState, step: P.PlanStep, error: str) -> None:
        """Fail a step in the planner itself: its request could not be built."""
        P.apply_reply(state, StepCompleted(step_id=step.id, ok=False, service="planner", error=error))

    async def _fail_deadline(self, state: P.TaskState, now: float) -> None:
        timeout = state.deadline - state.received_at.timestamp()
        unfinished = []
        for step in state.steps:
            if step.after_result or step.status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED):
                continue
            step.status = StepStatus.FAILED
            step.error = f"deadline of {timeout:g}s exceeded"
            step.finished_at = now
            unfinished.append(f"{step.id} ({step.name})")
        if state.phase in ("recall", "reparse"):
            state.phase = "execute"
        await self._publish_result(
            state, forced=(TaskStatus.FAILED, f"deadline of {timeout:g}s exceeded; unfinished: {', '.join(unfinished) or 'none'}")
        )

    async def _publish_result(self, state: P.TaskState, forced: tuple[TaskStatus, str] | None = None) -> None:
        status, answer, error = P.compose(state)
        if forced is not None:
            status, error = forced[0], forced[1]
            answer = answer if state.graph.intents and any(
                s.status is StepStatus.COMPLETED for s in state.steps if s.intent_id
            ) else ""
        state.status, state.answer, state.error = status, answer, error
        duration_ms = (time.time() - state.received_at.timestamp()) * 1000
        result = TaskCompleted(
            task_id=state.task_id,
            status=status,
            answer=answer,
            error=error,
            steps=P.executed_steps(state),
            trace_id=state.trace_id,
            intents=[i.model_dump(mode="json") for i in state.graph.intents],
            clarification=state.graph.clarification if status is TaskStatus.NEEDS_CLARIFICATION else None,
            metadata=state.request.metadata,
            duration_ms=round(duration_ms, 2),
        )
        with self.rt.tracer.start_as_current_span(
            "publish result",
            attributes={telemetry.TASK_ID: state.task_id, "autoglm.task.status": status.value},
        ) as span:
            if status is TaskStatus.FAILED:
                telemetry.mark_error(span, error or "failed")
            await self.rt.publish(
                RESULTS,
                self.rt.event(
                    EventType.TASK_COMPLETED, result, taskid=state.task_id, sessionid=state.session_id, tenant=state.tenant
                ),
            )
        state.result_published = True
        state.finished_at = time.time()
        metrics.TASKS_FINISHED.labels(status.value).inc()
        metrics.TASK_LATENCY.observe(duration_ms / 1000)

    async def _checkpoint(self, state: P.TaskState) -> None:
        key = state.task_id.encode()
        if state.phase == "done":
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
