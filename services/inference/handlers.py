"""Inference subscriber: generation and embedding requests in, StepCompleted out.

The events of one consumed batch are handled concurrently, so the engine's scheduler
sees them together and batches them; the batch size the broker hands over is bounded
by the engine's capacity (admission control: the backlog waits in Kafka).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Protocol

from autoglm.shared import telemetry
from autoglm.shared.events import EventType, InferenceRequested, TaskProgress
from autoglm.shared.kafka.codec import Received
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource
from autoglm.shared.topics import INFERENCE_REQUESTS, PROGRESS

from .types import GenerateRequest, GenerateResult, InferenceError


class Engine(Protocol):
    model_name: str

    async def generate(self, req: GenerateRequest, on_token: Any = None) -> GenerateResult: ...
    async def embed(self, texts: list[str]) -> list[list[float]]: ...


class _ProgressStream:
    """Publishes streamed tokens as TaskProgress events, coalesced every ~50 ms."""

    def __init__(self, rt: ServiceRuntime, like: Any, step_id: str) -> None:
        self.rt, self.like, self.step_id = rt, like, step_id
        self.buffer: list[str] = []
        self.index = 0
        self._task = asyncio.create_task(self._run())

    def push(self, delta: str) -> None:
        self.buffer.append(delta)

    async def _flush(self, done: bool = False) -> None:
        if not self.buffer and not done:
            return
        delta, self.buffer = "".join(self.buffer), []
        chunk = TaskProgress(
            task_id=self.like.task_id, step_id=self.step_id, index=self.index, delta=delta, done=done
        )
        self.index += 1
        await self.rt.publish(PROGRESS, self.rt.event(EventType.TASK_PROGRESS, chunk, like=self.like))

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(0.05)
            await self._flush()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._flush(done=True)


def register(rt: ServiceRuntime, engine_ref: Resource[Engine], *, max_records: int) -> None:
    async def on_request(item: Received) -> None:
        ev = item.event
        req: InferenceRequested = ev.data
        engine = engine_ref.get()
        started = time.perf_counter()
        output: dict[str, Any] = {}
        text = ""
        error: str | None = None
        op = "embeddings" if req.operation == "embed" else "chat"
        model = req.model or (
            getattr(engine, "embedding_model_name", "embedding") if req.operation == "embed" else engine.model_name
        )
        attrs: dict[str, Any] = {
            "gen_ai.operation.name": op,
            "gen_ai.provider.name": "autoglm.local" if rt.settings.model_provider == "local" else "openai",
            "gen_ai.request.model": model,
            telemetry.STEP_ID: req.step_id,
        }
        with rt.span(f"{op} {model}", **attrs) as span:
            try:
                if req.operation == "embed":
                    vectors = await engine.embed(req.texts)
                    output = {"vectors": vectors, "dimensions": len(vectors[0]) if vectors else 0}
                    span.set_attribute("gen_ai.embeddings.dimension.count", output["dimensions"])
                else:
                    params = dict(req.params)
                    if req.model:
                        params["model"] = req.model
                    stream = _ProgressStream(rt, ev, req.step_id) if req.stream else None
                    try:
                        result = await engine.generate(
                            GenerateRequest(
                                messages=[m.model_dump() for m in req.messages],
                                task_type=req.task_type,
                                params=params,
                                json_schema=req.json_schema,
                                request_id=f"{ev.task_id}/{req.step_id}/{req.attempt}",
                                timeout_s=_remaining(req.deadline),
                                tenant=ev.tenant,
                            ),
                            on_token=stream.push if stream else None,
                        )
                    finally:
                        if stream:
                            await stream.close()
                    text = result.text
                    output = result.model_dump(exclude={"text"})
                    span.set_attributes(
                        {
                            "gen_ai.response.model": result.model,
                            "gen_ai.response.finish_reasons": [result.finish_reason],
                            "gen_ai.usage.input_tokens": result.prompt_tokens,
                            "gen_ai.usage.output_tokens": result.completion_tokens,
                            "autoglm.inference.batch_size": result.batch_size,
                            "autoglm.inference.ttft_ms": result.ttft_ms,
                            "autoglm.inference.cached": result.cached,
                        }
                    )
                    for key in ("temperature", "top_p", "max_new_tokens", "seed"):
                        if key in params:
                            span.set_attribute(
                                f"gen_ai.request.{'max_tokens' if key == 'max_new_tokens' else key}",
                                params[key],
                            )
            except InferenceError as exc:
                error = str(exc)
                span.set_attribute("error.type", exc.code)
                telemetry.mark_error(span, error)
        await rt.reply(ev, req, ok=error is None, output=output, text=text, error=error, started=started)

    # Pipelined: a long generation never holds back the requests behind it, and the engine's
    # scheduler sees up to `max_records` requests at once to batch them.
    rt.subscribe([INFERENCE_REQUESTS], [EventType.INFERENCE_REQUESTED], on_request, max_records=max_records,
                 pipelined=max_records)


def _remaining(deadline: Any) -> float | None:
    if deadline is None:
        return None
    return max(0.5, deadline.timestamp() - time.time())
