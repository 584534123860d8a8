"""The inference engine: request validation, decoding profiles, the response cache, and a backend.

Backends (`local_backend.LocalBackend`, `openai_backend.OpenAIBackend`) do the generation; this module
is what the service calls and knows nothing about Kafka. The types both sides use are in `types.py`,
so the backends never import the engine that chooses them.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

from autoglm.services.inference import metrics
from autoglm.services.inference.config import InferenceConfig, answer_languages
from autoglm.services.inference.params import ParamsError, SamplingParams, resolve_params
from autoglm.services.inference.types import (
    Backend,
    GenerateRequest,
    GenerateResult,
    InferenceError,
    OnToken,
)

log = logging.getLogger(__name__)


class ResponseCache:
    """LRU exact-match cache of results of deterministic requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, GenerateResult] = OrderedDict()

    @staticmethod
    def key(model: str, req: GenerateRequest, params: SamplingParams) -> str:
        blob = json.dumps(
            [model, req.messages, params.model_dump(mode="json"), req.json_schema],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str) -> GenerateResult | None:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key: str, result: GenerateResult) -> None:
        if self.size <= 0:
            return
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _check_json_schema(schema: dict[str, Any]) -> None:
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise InferenceError("invalid_schema", exc.message) from exc


class InferenceEngine:
    """Generation and embeddings behind one interface, whichever backend is configured.

    `stats` holds counters for tests and logs; the same figures go to Prometheus (`metrics.py`).
    """

    def __init__(
        self,
        cfg: InferenceConfig,
        backend: Backend,
        others: dict[str, Backend] | None = None,
        tenant_backends: dict[str, Backend] | None = None,
    ) -> None:
        self.cfg = cfg
        self.backend = backend
        # Further models by profile name (inference.models), chosen per task type by inference.route.
        self.others: dict[str, Backend] = dict(others or {})
        # Tenants with a LoRA adapter of their own: their generations run on their adapted model (issue 21).
        self.tenant_backends: dict[str, Backend] = dict(tenant_backends or {})
        # Languages each model answers open questions in, once: reading it locates the bundled model on disk.
        self._languages = answer_languages(cfg)
        self._other_languages = {name: answer_languages(cfg, cfg.models.get(name)) for name in self.others}
        self.cache = ResponseCache(cfg.cache_size if cfg.enable_cache else 0)
        self._compiled: OrderedDict[str, Any] = OrderedDict()
        self.stats: dict[str, float] = {
            "requests": 0,
            "errors": 0,
            "cache_hits": 0,
            "cache_misses": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
        }

    @classmethod
    async def create(cls, cfg: InferenceConfig, *, data_dir: Path) -> InferenceEngine:
        """Build the configured backend (and one per tenant adapter); model loading runs in a worker thread,
        off the event loop."""
        if cfg.backend == "openai":
            from autoglm.services.inference.openai_backend import OpenAIBackend

            if cfg.adapter or cfg.tenant_adapters:
                log.warning("LoRA adapters are for the local backend; the OpenAI-compatible endpoint ignores them")
            backend: Backend = await OpenAIBackend.create(cfg, data_dir=data_dir)
            return cls(cfg, backend)
        from autoglm.services.inference.local_backend import LocalBackend

        glob, tenants = find_adapters(cfg, data_dir)
        backend = await LocalBackend.create(cfg, data_dir=data_dir, adapter=glob)
        others: dict[str, Backend] = {}
        tenant_backends: dict[str, Backend] = {}
        try:
            for name, profile in cfg.models.items():
                # The same engine settings, another model; no second embedding model.
                sub = cfg.model_copy(update={
                    "model_path": profile.path, "model_name": profile.name, "embedding_model_path": None,
                    "max_new_tokens_cap": profile.max_new_tokens_cap or cfg.max_new_tokens_cap,
                    "max_batch_size": profile.max_batch_size or cfg.max_batch_size,
                })
                others[name] = await LocalBackend.create(sub, data_dir=data_dir)
            for tenant, path in tenants.items():
                # Embeddings stay on the base backend: a tenant's model only generates.
                own = cfg.model_copy(update={"embedding_model_path": None})
                tenant_backends[tenant] = await LocalBackend.create(own, data_dir=data_dir, adapter=path)
                log.info("tenant %s: generations with adapter %s", tenant, path)
        except BaseException:
            for b in (backend, *others.values(), *tenant_backends.values()):
                await b.aclose()
            raise
        return cls(cfg, backend, others, tenant_backends)

    def backend_for(
        self, task_type: str | None, requested: str | None = None, tenant: str | None = None
    ) -> tuple[Backend, InferenceConfig]:
        """The backend that serves a request: the model it names, else the tenant's adapted model (a tenant
        with a LoRA adapter of its own), else its task type's route, else the default."""
        own = self.tenant_backends.get(tenant or "")
        if requested:
            if own is not None and requested == own.model_name:
                return own, self.cfg
            if requested == self.backend.model_name:
                return self.backend, self.cfg
            for name, other in self.others.items():
                if requested in (name, other.model_name):
                    return other, self._cfg_of(name)
            raise InferenceError(
                "unknown_model", f"{requested!r} is not served here (models: {', '.join(self.model_names)})"
            )
        if own is not None:
            return own, self.cfg
        name = self.cfg.route.get(task_type or "")
        if name and name in self.others:
            return self.others[name], self._cfg_of(name)
        return self.backend, self.cfg

    def _answer_languages(self, backend: Backend) -> list[str]:
        name = next((n for n, other in self.others.items() if other is backend), None)
        # the default model, or a tenant's adapter of it, when it is none of the further models
        return self._languages if name is None else self._other_languages[name]

    def _cfg_of(self, name: str) -> InferenceConfig:
        profile = self.cfg.models.get(name)
        if profile is None or profile.max_new_tokens_cap is None:
            return self.cfg
        return self.cfg.model_copy(update={"max_new_tokens_cap": profile.max_new_tokens_cap})

    @property
    def model_names(self) -> list[str]:
        return [self.backend.model_name, *(b.model_name for b in self.others.values())]

    @property
    def model_name(self) -> str:
        return self.backend.model_name

    @property
    def device(self) -> str:
        return self.backend.device

    @property
    def dtype(self) -> str:
        return self.backend.dtype

    def capacity(self) -> int:
        """How many generations the engine holds at once; pull no more than this from Kafka."""
        return self.backend.capacity() + sum(b.capacity() for b in self.others.values())

    async def generate(self, req: GenerateRequest, on_token: OnToken | None = None) -> GenerateResult:
        """Generate a reply to `req.messages`; `on_token` receives text deltas in order as they are produced.

        Raises InferenceError for bad requests and backend failures; never anything else on bad input.
        """
        self.stats["requests"] += 1
        try:
            result = await self._generate(req, on_token)
        except InferenceError as exc:
            self.stats["errors"] += 1
            metrics.REQUESTS.labels(self.cfg.backend, exc.code).inc()
            raise
        metrics.REQUESTS.labels(self.cfg.backend, "ok").inc()
        return result

    async def _generate(self, req: GenerateRequest, on_token: OnToken | None) -> GenerateResult:
        if not req.messages or not any(str(m.get("content") or "").strip() for m in req.messages):
            raise InferenceError("empty_prompt", "no message has content")
        backend, cfg = self.backend_for(req.task_type, req.params.get("model") or None, req.tenant)
        try:
            params = resolve_params(cfg, req.task_type, req.params)
        except ParamsError as exc:
            raise InferenceError("invalid_params", str(exc)) from exc
        compiled = None
        if req.json_schema is not None:
            compiled = await self._compile(req.json_schema, backend)

        key = ResponseCache.key(backend.model_name, req, params) if params.deterministic else None
        if key is not None and self.cache.size > 0:
            hit = self.cache.get(key)
            if hit is not None:
                self.stats["cache_hits"] += 1
                metrics.CACHE.labels("hit").inc()
                if on_token is not None and hit.text:
                    await _call(on_token, hit.text)
                return hit.model_copy(update={"cached": True, "ttft_ms": 0.0, "duration_ms": 0.0})
            self.stats["cache_misses"] += 1
            metrics.CACHE.labels("miss").inc()

        async def on_delta(delta: str) -> None:
            if on_token is not None:
                await _call(on_token, delta)

        result = await backend.generate(req, params, compiled, on_delta)
        result.answer_languages = list(self._answer_languages(backend))
        if req.json_schema is not None:
            self._validate_output(result, req.json_schema)
        self.stats["prompt_tokens"] += result.prompt_tokens
        self.stats["completion_tokens"] += result.completion_tokens
        # A text cut by a deadline or by a budget the backend shrank to fit one is not what the key asked for; one
        # that used the whole budget the request asked for is (a deterministic request gives it again).
        whole = result.truncated is None or (
            result.truncated == "length" and result.completion_tokens >= params.max_new_tokens
        )
        if key is not None and self.cache.size > 0 and result.finish_reason != "abort" and whole:
            self.cache.put(key, result)
        return result

    async def _compile(self, schema: dict[str, Any], backend: Backend) -> Any:
        import asyncio

        _check_json_schema(schema)
        text = backend.model_name + "\x1f" + json.dumps(schema, sort_keys=True)  # grammars are per tokenizer
        if text in self._compiled:
            self._compiled.move_to_end(text)
            return self._compiled[text]
        compiled = await asyncio.to_thread(backend.check_schema, schema)
        self._compiled[text] = compiled
        while len(self._compiled) > 64:
            self._compiled.popitem(last=False)
        return compiled

    @staticmethod
    def _validate_output(result: GenerateResult, schema: dict[str, Any]) -> None:
        import jsonschema

        try:
            jsonschema.validate(json.loads(result.text), schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            why = "output cut at max_new_tokens" if result.finish_reason == "length" else str(exc)[:200]
            raise InferenceError("invalid_output", f"output does not match the schema: {why}") from exc

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """L2-normalized sentence embeddings (384-dim for MiniLM), batched with other callers' texts."""
        if not texts:
            return []
        return await self.backend.embed(texts)

    async def aclose(self) -> None:
        for backend in (self.backend, *self.others.values(), *self.tenant_backends.values()):
            await backend.aclose()


def find_adapters(cfg: InferenceConfig, data_dir: Path) -> tuple[Path | None, dict[str, Path]]:
    """The global adapter and the per-tenant ones: the configured ones, and (with ``discover_adapters``) those
    ``autoglm finetune`` wrote under ``adapters_dir`` (``global/``, ``tenants/<tenant>/``)."""
    root = cfg.adapters_dir or data_dir / "adapters"
    glob = cfg.adapter
    tenants = dict(cfg.tenant_adapters)
    if cfg.discover_adapters:
        if glob is None and (root / "global" / "adapter_config.json").exists():
            glob = root / "global"
        if (root / "tenants").is_dir():
            for path in sorted((root / "tenants").iterdir()):
                if (path / "adapter_config.json").exists():
                    tenants.setdefault(path.name, path)
    return glob, tenants


async def _call(fn: OnToken, text: str) -> None:
    out = fn(text)
    if inspect.isawaitable(out):
        await out
