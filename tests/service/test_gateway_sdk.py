"""The SDK's HTTP client against the gateway (Kafka side faked): the same calls as the Kafka client."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from autoglm.shared.events import StepCompleted
from autoglm.shared.sdk.http import AutoGLMHTTPClient, GatewayError

from .gateway_harness import gateway_settings, running_gateway


async def test_submit_wait_stream_feedback_upload_session(tmp_path: Path) -> None:
    async with running_gateway(gateway_settings(tmp_path)) as gw:
        loop = asyncio.get_running_loop()
        gw.link.on_task = lambda ev: loop.call_later(0.05, gw.link.finish, ev.taskid, ev.tenant)
        async with AutoGLMHTTPClient(gw.url, gw.tokens["acme"]) as client:
            result = await client.submit("(12+8)*3等于多少？", session_id="s-1")
            assert result.answer == "60" and result.status.value == "completed"

            gw.link.on_task = None
            task_id = await client.publish_task("later", idempotency_key="k1")
            assert await client.publish_task("later", idempotency_key="k1") == task_id
            loop.call_later(0.1, lambda: gw.link.progress(task_id, "acme", 3, "tokens", step_id="s1", delta="he"))
            loop.call_later(0.2, lambda: gw.link.finish(task_id, "acme", answer="hello"))
            chunks = [p.delta async for p in client.stream(task_id)]
            assert chunks == ["he"]
            assert (await client.wait_result(task_id, 5)).answer == "hello"
            assert (await client.get_task(task_id))["status"] == "completed"
            assert [t["task_id"] for t in await client.tasks()][0] == task_id

            feedback_id = await client.feedback(task_id, -1, comment="no", correction="hi")
            assert gw.link.published[-1][1].id == feedback_id

            def memory(request: Any, tenant: str, session_id: str) -> StepCompleted:
                out: dict[str, Any] = ({"turns": [{"task_id": "t", "user": "alice"}]} if request.operation == "recall"
                                       else {"source": request.source, "chunks": 1})
                return StepCompleted(step_id=request.step_id, ok=True, service="memory", output=out)

            gw.link.memory = memory
            doc = tmp_path / "faq.md"
            doc.write_text("# FAQ\n\nReset it in the portal.")
            assert (await client.upload(doc))["source"] == "faq.md"
            assert (await client.upload(b"plain", filename="a.txt", source="kb/a"))["source"] == "kb/a"
            assert (await client.session("s-1"))[0]["task_id"] == "t"

            with pytest.raises(GatewayError) as caught:
                await client.get_task("nope")
            assert caught.value.status == 404 and caught.value.problem["type"] == "/problems/not-found"
        async with AutoGLMHTTPClient(gw.url, "wrong") as client:
            with pytest.raises(GatewayError) as caught:
                await client.publish_task("x")
            assert caught.value.status == 401
