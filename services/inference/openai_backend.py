"""OpenAI-compatible HTTP backend (vLLM, SGLang, Ollama, hosted GLM or Qwen APIs).

`/v1/chat/completions` (streamed over SSE when the caller wants tokens) and `/v1/embeddings`.
Timeouts, 429 and 5xx are retried with exponential backoff; schema requests send
`response_format: json_schema` and the engine validates the output either way (no grammar here).
Embeddings fall back to the local MiniLM encoder when no embedding model is configured.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.types import GenerateRequest, GenerateResult, InferenceError

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class OpenAIBackend:
    """Generation and embeddings over an OpenAI-compatible endpoint."""

    device = "remote"
    dtype = "remote"

    def __init__(self, cfg: InferenceConfig, local_embedder: Any = None) -> None:
        self.cfg = cfg
        self.oc = cfg.openai
        self.model_name = self.oc.model
        headers = {"Authorization": f"Bearer {self.oc.api_key.get_secret_value()}"} if self.oc.api_key else {}
        self._client = httpx.AsyncClient(
            base_url=self.oc.base_url.rstrip("/"), headers=headers, timeout=self.oc.timeout_seconds
        )
        self._local_embedder = local_embedder
        self._inflight = 0

    @classmethod
    async def create(cls, cfg: InferenceConfig, *, data_dir: Path) -> OpenAIBackend:
        local = None
        if cfg.openai.embedding_model is None and cfg.embedding_model_path is not None:
            from autoglm.services.inference.local_backend import LocalEmbedder

            local = await LocalEmbedder.create(cfg)
        return cls(cfg, local)

    def capacity(self) -> int:
        # The remote server batches; we bound what one replica keeps in flight.
        return self.cfg.max_batch_size + (
            self.cfg.max_batch_size if self.cfg.max_waiting is None else self.cfg.max_waiting
        )

    def check_schema(self, schema: dict[str, Any]) -> Any:
        return schema

    # ------------------------------------------------------------------ HTTP with retries

    @asynccontextmanager
    async def _request(self, path: str, body: dict[str, Any], stream: bool) -> AsyncIterator[httpx.Response]:
        delay = self.oc.backoff_seconds
        for attempt in range(self.oc.retries + 1):
            last = attempt == self.oc.retries
            try:
                req = self._client.build_request("POST", path, json=body)
                resp = await self._client.send(req, stream=stream)
            except httpx.TimeoutException as exc:
                if last:
                    raise InferenceError(
                        "backend_timeout", f"{path} timed out after {attempt + 1} attempts"
                    ) from exc
            except httpx.TransportError as exc:
                if last:
                    raise InferenceError("backend_error", f"{path}: {exc!r}") from exc
            else:
                if resp.status_code < 400:
                    try:
                        yield resp
                    finally:
                        await resp.aclose()
                    return
                text = (await resp.aread()).decode(errors="replace")[:300]
                await resp.aclose()
                if resp.status_code == 404 and "model" in text.lower():
                    raise InferenceError("unknown_model", f"{self.model_name!r}: {text}")
                if resp.status_code not in _RETRY_STATUS:
                    raise InferenceError("backend_error", f"{path} returned {resp.status_code}: {text}")
                if last:
                    raise InferenceError(
                        "backend_error", f"{path} returned {resp.status_code} after retries: {text}"
                    )
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ generation

    async def generate(
        self,
        req: GenerateRequest,
        params: SamplingParams,
        compiled_schema: Any,
        on_delta: Callable[[str], Awaitable[None]],
    ) -> GenerateResult:
        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": req.messages,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_new_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed
        if req.json_schema is not None and self.oc.use_response_format:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": req.json_schema, "strict": True},
            }
        self._inflight += 1
        start = time.monotonic()
        parts: list[str] = []
        try:
            work = self._stream(body, on_delta, start, parts)
            if req.timeout_s is not None:
                try:
                    return await asyncio.wait_for(work, req.timeout_s)
                except TimeoutError:
                    if not parts:
                        raise InferenceError("timeout", f"generation exceeded {req.timeout_s} s") from None
                    # The deadline degrades the answer instead of discarding it: the text streamed so far.
                    end = time.monotonic()
                    return GenerateResult(text="".join(parts), finish_reason="deadline", truncated="deadline",
                                          completion_tokens=len(parts), duration_ms=(end - start) * 1000.0,
                                          model=self.model_name, batch_size=1)
            return await work
        finally:
            self._inflight -= 1

    async def _stream(
        self, body: dict[str, Any], on_delta: Callable[[str], Awaitable[None]], start: float, parts: list[str]
    ) -> GenerateResult:
        first: float | None = None
        finish = "stop"
        usage: dict[str, Any] = {}
        async with self._request("/v1/chat/completions", body, stream=True) as resp:
            if "text/event-stream" not in resp.headers.get("content-type", ""):
                # Servers that ignore `stream` answer with one JSON document.
                data = json.loads(await resp.aread())
                choice = data["choices"][0]
                text = choice["message"].get("content") or ""
                await on_delta(text)
                usage = data.get("usage") or {}
                parts[:] = [text]
                finish, first = choice.get("finish_reason") or "stop", time.monotonic()
            else:
                async for line in resp.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        break
                    chunk = json.loads(payload)
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        delta = (choice.get("delta") or {}).get("content") or ""
                        if delta:
                            first = first or time.monotonic()
                            parts.append(delta)
                            await on_delta(delta)
                        finish = choice.get("finish_reason") or finish
        end = time.monotonic()
        return GenerateResult(
            text="".join(parts),
            finish_reason=finish,
            truncated="length" if finish == "length" else None,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", len(parts))),
            ttft_ms=((first or end) - start) * 1000.0,
            duration_ms=(end - start) * 1000.0,
            model=self.model_name,
            batch_size=1,
        )

    # ------------------------------------------------------------------ embeddings

    async def embed(self, texts: list[str]) -> list[list[float]]:
        if self.oc.embedding_model is None:
            if self._local_embedder is None:
                raise InferenceError("unknown_model", "no embedding model configured")
            return await self._local_embedder.embed(texts)
        body = {"model": self.oc.embedding_model, "input": texts}
        async with self._request("/v1/embeddings", body, stream=False) as resp:
            data = json.loads(await resp.aread())
        rows = sorted(data["data"], key=lambda d: d.get("index", 0))
        vectors = [list(map(float, d["embedding"])) for d in rows]
        return [_normalize(v) for v in vectors]

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._local_embedder is not None:
            await self._local_embedder.aclose()


def _normalize(v: list[float]) -> list[float]:
    norm = sum(x * x for x in v) ** 0.5
    return [x / norm for x in v] if norm else v
