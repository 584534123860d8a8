"""The session-turn write is fire-and-forget: no reply is asked for, and the task's checkpoint is
forgotten (tombstoned) only after the broker acknowledged the write. The turns of tasks finishing
together go out as one request per tenant. The runtime's publishes are
recorded in the order they are acknowledged, so this runs without a broker."""

from __future__ import annotations

import asyncio
from typing import Any

from autoglm.services.planner.advance import apply_reply
from autoglm.services.planner.coordinator import Coordinator
from autoglm.services.planner.state import PlanStep, TaskState
from autoglm.shared.config import Settings
from autoglm.shared.events import Intent, IntentGraph, IntentType, StepCompleted, StepStatus
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.topics import NO_REPLY, STEPS_COMPLETED

from .test_plan import POLICY, state_for


def _coordinator() -> tuple[Coordinator, list[tuple[str, Any]]]:
    rt = ServiceRuntime("planner", Settings(topic_prefix="t.", broker={"bootstrap_servers": "127.0.0.1:1"}))
    log: list[tuple[str, Any]] = []

    async def publish(topic: str, event: Any, **_: Any) -> None:
        await asyncio.sleep(0.01)  # an acknowledgement takes a round trip
        log.append((topic, event.data))

    async def publish_raw(topic: str, value: bytes | None, **_: Any) -> None:
        log.append((topic, value))

    rt.publish = publish  # type: ignore[method-assign]
    rt.publish_raw = publish_raw  # type: ignore[method-assign]
    return Coordinator(rt, POLICY), log


def _calculation() -> TaskState:
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.CALCULATION, tool="calculator",
                                                        text="2+2", entities={"expression": "2+2"})])
    return state_for(graph, text="what is 2+2")


async def _run_task(c: Coordinator, state: TaskState) -> PlanStep:
    c.tasks[state.task_id] = state
    await c._progress(state)
    [tool] = [s for s in state.steps if s.name == "calculator"]
    apply_reply(state, StepCompleted(step_id=tool.id, ok=True, output={"result": 4}, text="4", service="test"))
    await c._progress(state)
    [store] = [s for s in state.steps if s.name == "store_turn"]
    return store


def test_the_turn_is_written_without_a_reply_and_the_task_is_forgotten_only_after_the_ack() -> None:
    c, log = _coordinator()
    state = _calculation()
    store = asyncio.run(_run_task(c, state))
    topics = [topic for topic, _ in log]
    # tool call + checkpoint, then the result, the turn write, and only then the tombstone
    assert topics[0] in ("autoglm.tool.calls", "autoglm.planner.state")
    assert topics[-3:] == ["autoglm.results", "autoglm.memory.requests", "autoglm.planner.state"]
    request = log[-2][1]
    assert request.operation == "store_turns" and request.reply_to == NO_REPLY
    [turn] = request.turns
    assert (turn.task_id, turn.session_id) == (state.task_id, state.session_id)
    assert turn.turn["task_id"] == state.task_id and turn.turn["answer"] == state.answer
    assert turn.traceparent and turn.traceparent.startswith("00-")  # the store span joins the task's trace
    assert log[-1][1] is None  # a tombstone: the task is done
    assert store.status is StepStatus.COMPLETED and state.phase == "done"
    assert state.task_id not in c.tasks and state.task_id in c.finished


def test_other_steps_still_ask_for_a_reply() -> None:
    c, log = _coordinator()
    asyncio.run(_run_task(c, _calculation()))
    call = next(data for topic, data in log if topic == "autoglm.tool.calls")
    assert call.reply_to == STEPS_COMPLETED


def test_a_write_that_is_not_acknowledged_leaves_the_checkpoint_in_place() -> None:
    c, log = _coordinator()
    state = _calculation()
    c.tasks[state.task_id] = state
    asyncio.run(c._progress(state))
    [tool] = [s for s in state.steps if s.name == "calculator"]
    apply_reply(state, StepCompleted(step_id=tool.id, ok=True, output={"result": 4}, text="4", service="test"))

    async def refused(topic: str, event: Any, **_: Any) -> None:
        if topic == "autoglm.memory.requests":
            raise ConnectionError("broker gone")
        log.append((topic, event.data))

    c.rt.publish = refused  # type: ignore[method-assign]
    try:
        asyncio.run(c._progress(state))
    except ConnectionError:
        pass
    else:  # pragma: no cover - the failed send must surface, so the input is not committed
        raise AssertionError("the failed write was swallowed")
    assert log[-1][0] == "autoglm.results"  # no tombstone: recovery sends the turn again
    assert state.task_id in c.tasks


def test_tasks_finishing_together_share_one_request_per_tenant() -> None:
    c, log = _coordinator()
    sent: list[tuple[str, Any]] = []
    unacked: list[asyncio.Future[None]] = []

    def ack_all() -> None:
        for fut in unacked:
            if not fut.done():
                fut.set_result(None)
        unacked.clear()

    async def publish(topic: str, event: Any, **kw: Any) -> None:
        # The broker acknowledges what was sent together in one response: every record published in one turn of
        # the event loop is acknowledged in the next (a timer per record, as _coordinator's, fired apart when a
        # loaded CPU spread the four tasks' sends over more than its 10 ms, and the test failed on busy machines).
        if topic == "autoglm.memory.requests":
            sent.append((event.tenant, event.data))
        log.append((topic, event.data))
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        if not unacked:
            loop.call_soon(ack_all)
        unacked.append(fut)
        await fut

    c.rt.publish = publish  # type: ignore[method-assign]
    states = []
    for n, (tenant, session) in enumerate([("acme", "s1"), ("acme", "s2"), ("beta", "s3"), ("acme", "s1")]):
        state = _calculation()
        state.task_id, state.session_id, state.tenant = f"t{n}", session, tenant
        states.append(state)

    async def finish_together() -> None:
        for state in states:
            c.tasks[state.task_id] = state
            await c._progress(state)
            [tool] = [s for s in state.steps if s.name == "calculator"]
            apply_reply(state, StepCompleted(step_id=tool.id, ok=True, output={"result": 4}, text="4", service="t"))
        # as the step replies of one poll are handled: concurrently
        await asyncio.gather(*(c._progress(state) for state in states))

    asyncio.run(finish_together())
    assert sorted((tenant, tuple(t.task_id for t in req.turns)) for tenant, req in sent) == [
        ("acme", ("t0", "t1", "t3")), ("beta", ("t2",))
    ]
    assert all(s.phase == "done" for s in states) and not c.tasks  # every checkpoint tombstoned
    assert len({t.traceparent for _, req in sent for t in req.turns}) == 4  # each turn in its task's trace
