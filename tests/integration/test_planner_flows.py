"""Parser and planner through the real stack: the source documents' example, clarification, kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid

import pytest

from .conftest import Bus, task_event

pytestmark = pytest.mark.integration


async def test_weather_then_reminder_copy(bus: Bus) -> None:
    """查询北京明天的天气并生成一段提醒文案: the weather API's data reaches the copywriting step."""
    ev = task_event("查询北京明天的天气并生成一段提醒文案", now="2026-11-25T10:00:00+08:00")
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 240))["data"]
    assert data["status"] == "completed", data
    [weather] = [s for s in data["steps"] if s["name"] == "weather"]
    [copy] = [s for s in data["steps"] if s["kind"] == "generation"]
    assert weather["status"] == "completed" and "北京" in weather["summary"]
    assert weather["id"] in copy["depends_on"]
    assert copy["status"] == "completed"
    # The copy is written from the forecast: by the model when it is trusted in Chinese, else (the bundled model,
    # once the planner has seen it answer) as a plain draft of the forecast without asking it.
    assert "北京" in data["answer"] and "2026-11-26" in data["answer"], data["answer"]
    requests = await bus.read(
        "autoglm.inference.requests",
        lambda d: d.get("taskid") == ev["taskid"] and d["data"]["operation"] == "generate",
        1,
        10,
    )
    for request in requests:  # asked: the weather data was put into the copy's context
        prompt = request["data"]["messages"][-1]["content"]
        assert "2026-11-26" in prompt and "北京" in prompt


async def test_chinese_writing_is_drafted_without_the_bundled_model_once_its_languages_are_known(bus: Bus) -> None:
    """The bundled model writes English only (answer_languages): after one writing result has said so, a Chinese
    notice is a plain draft of the request, and the model is not asked for it at all."""
    first = task_event("Write a short note to Sam saying the team lunch moved to 1 pm on Thursday")
    await bus.publish("autoglm.tasks", first, key=first["sessionid"])
    assert (await bus.result(first["taskid"], 240))["data"]["status"] in ("completed", "partial")
    ev = task_event("写一条通知：本周五下午3点在302会议室开安全培训会，请准时参加。")
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 240))["data"]
    assert data["status"] == "completed" and data["answer_source"] == "template", data
    assert "302" in data["answer"] and "周五" in data["answer"] and "通知" in data["answer"], data["answer"]
    asked = await bus.read("autoglm.inference.requests",
                           lambda d: d.get("taskid") == ev["taskid"] and d["data"]["operation"] == "generate", 1, 5)
    assert asked == []


async def test_clarification_round_trip_in_one_session(bus: Bus) -> None:
    session = f"clarify-{uuid.uuid4().hex[:8]}"
    first = task_event("查询明天的天气", session=session, now="2026-11-25T10:00:00+08:00")
    await bus.publish("autoglm.tasks", first, key=session)
    asked = (await bus.result(first["taskid"]))["data"]
    assert asked["status"] == "needs_clarification"
    assert "城市" in asked["answer"] and asked["clarification"] == asked["answer"]
    await bus.turn_stored(first["taskid"], session)
    second = task_event("北京", session=session, now="2026-11-25T10:00:00+08:00")
    await bus.publish("autoglm.tasks", second, key=session)
    done = (await bus.result(second["taskid"]))["data"]
    assert done["status"] == "completed", done
    [weather] = [s for s in done["steps"] if s["name"] == "weather"]
    assert weather["status"] == "completed" and "北京" in weather["summary"]
    assert any(s["kind"] == "parse" for s in done["steps"])  # the reply was merged with the pending request


async def test_referent_without_context_asks_in_the_users_language(bus: Bus) -> None:
    zh = task_event("帮我查一下那个")
    en = task_event("do it again")
    for ev in (zh, en):
        await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    zh_result = (await bus.result(zh["taskid"]))["data"]
    en_result = (await bus.result(en["taskid"]))["data"]
    assert zh_result["status"] == en_result["status"] == "needs_clarification"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh_result["answer"])
    assert en_result["answer"].isascii()


async def test_do_it_again_is_resolved_from_session_memory(bus: Bus) -> None:
    session = f"again-{uuid.uuid4().hex[:8]}"
    first = task_event("What is 2^10?", session=session)
    await bus.publish("autoglm.tasks", first, key=session)
    await bus.result(first["taskid"])
    await bus.turn_stored(first["taskid"], session)
    again = task_event("do it again", session=session)
    await bus.publish("autoglm.tasks", again, key=session)
    data = (await bus.result(again["taskid"]))["data"]
    assert data["status"] == "completed", data
    assert "1024" in data["answer"]


async def test_planner_killed_mid_task_resumes_with_exactly_one_result(bus: Bus) -> None:
    planner = bus.stack.procs["planner"]
    # English writing: the bundled model is asked for it (Chinese writing is drafted without it once the planner
    # knows the model's languages, and would finish before the kill).
    ev = task_event("Check the weather in Shanghai tomorrow and write a short reminder about it",
                    now="2026-11-25T10:00:00+08:00", timeout_seconds=240)
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    # Wait until the copywriting step is dispatched: the weather result is recorded by then.
    await bus.read(
        "autoglm.inference.requests",
        lambda d: d.get("taskid") == ev["taskid"] and d["data"]["operation"] == "generate",
        1,
        120,
    )
    old_pid = planner.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while (planner.pid == old_pid or planner.port is None) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert planner.pid != old_pid, "the supervisor did not restart the planner"
    data = (await bus.result(ev["taskid"], 240))["data"]
    assert data["status"] == "completed", data
    assert len(await bus.results(ev["taskid"], settle=3)) == 1
    # The weather tool ran once: its recorded result was not run again after the restart.
    calls = await bus.read("autoglm.tool.calls", lambda d: d.get("taskid") == ev["taskid"], 10, 5)
    assert len(calls) == 1
