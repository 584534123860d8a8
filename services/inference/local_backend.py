"""The local transformers backend: one worker thread owns the model, the scheduler and the batch.

The event loop never runs torch. `generate()` tokenizes, hands a `Sequence` to the worker through an
inbox, and awaits its deltas and result on an asyncio queue; the worker loops `EngineCore.step()` and
serves embedding requests between steps (one thread, so generation and embeddings never fight over the
CPU cores).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from autoglm.services.inference import metrics
from autoglm.services.inference.admission import StepMeter, plan_admission
from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.core import EngineCore
from autoglm.services.inference.cpu_kernels import prepack_linears
from autoglm.services.inference.loading import (
    LoadedModel,
    ModelNotFound,
    dtype_name,
    load_causal_lm,
    load_encoder,
)
from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.runner import RowPayload, TorchRunner
from autoglm.services.inference.scheduler import Finished, QueueFull, Scheduler, Sequence
from autoglm.services.inference.steering import script_masks
from autoglm.services.inference.types import GenerateRequest, GenerateResult, InferenceError
from autoglm.shared.sentence_encoder import embed

log = logging.getLogger(__name__)
# How long past a request's deadline its caller waits for the worker to end it (one step, however slow).
_DEADLINE_GRACE_S = 5.0


@dataclass
class _Handle:
    loop: asyncio.AbstractEventLoop
    events: asyncio.Queue[tuple[str, Any]]

    def post(self, kind: str, value: Any) -> None:
        self.loop.call_soon_threadsafe(self.events.put_nowait, (kind, value))


@dataclass
class _EmbedJob:
    texts: list[str]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[list[float]]]


class LocalBackend:
    """Continuous batching over a transformers causal LM, plus a local sentence encoder."""

    def __init__(
        self,
        cfg: InferenceConfig,
        loaded: LoadedModel,
        encoder: LocalEmbedder | None,
        worker: ThreadPoolExecutor | None = None,
    ) -> None:
        self.cfg = cfg
        self.loaded = loaded
        self.tokenizer = loaded.tokenizer
        self.model_name = loaded.name
        self.device = loaded.device
        self.dtype = dtype_name(loaded.dtype)
        self._encoder = encoder
        eos = {loaded.tokenizer.eos_token_id}
        gen_eos = getattr(loaded.model.generation_config, "eos_token_id", None)
        eos |= set(gen_eos if isinstance(gen_eos, list) else [gen_eos])
        eos.discard(None)
        self.eos_token_ids = sorted(eos)
        self.scheduler = Scheduler(
            max_batch_size=cfg.max_batch_size,
            max_waiting=cfg.max_batch_size if cfg.max_waiting is None else cfg.max_waiting,
            max_queue_delay_s=cfg.max_queue_delay_ms / 1000.0,
            max_prefill_tokens=cfg.max_prefill_tokens,
            eos_token_ids=self.eos_token_ids,
            admit_fraction=cfg.admit_fraction,
            max_admit_delay_s=cfg.max_admit_delay_ms / 1000.0,
        )
        vocab = int(loaded.model.config.vocab_size)
        self.runner = TorchRunner(
            loaded.model, loaded.tokenizer.pad_token_id, cfg.prefix_cache_entries,
            script_masks=lambda: script_masks(loaded.tokenizer, vocab, self.runner.device),
            eos_token_ids=self.eos_token_ids,
        )
        self.core = EngineCore(self.scheduler, self.runner, self._decode)
        self._held = 0
        self.meter = StepMeter()  # measured step times: admission by deadline (admission.py)
        self._ids = itertools.count()
        # A fast tokenizer's Rust object must not be used from two threads at once ("Already borrowed").
        self._tokenizer_lock = threading.Lock()
        self._default_prefix = self._template_prefix()
        self._handles: dict[str, _Handle] = {}
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._closed = False
        self._grammar_compiler: Any = None
        self._executor = worker or _worker_thread()
        self._worker: Future[None] = self._executor.submit(self._run)

    @classmethod
    async def create(cls, cfg: InferenceConfig, *, data_dir: Path, adapter: Path | None = None) -> LocalBackend:
        """The backend over the configured model, with ``adapter`` (a LoRA directory) merged into it if given."""
        if cfg.model_path is None:
            raise InferenceError(
                "unknown_model", "no model_path configured and the bundled model is not installed"
            )
        cache_dir = cfg.cache_dir or data_dir / "models"
        # The model loads on the thread that will run it: the first thread to run torch's OpenMP kernels
        # keeps them fast, a second one ran small decode steps up to ~1.8x slower (2-core CPU, libgomp).
        worker = _worker_thread()

        def load() -> tuple[LoadedModel, LocalEmbedder | None]:
            if cfg.num_threads:
                torch.set_num_threads(cfg.num_threads)
            loaded = load_causal_lm(cfg.model_path, cache_dir, cfg.device, cfg.dtype, cfg.model_name,  # type: ignore[arg-type]
                                    adapter=adapter)
            if cfg.prepack_weights:
                prepack_linears(loaded.model)
            encoder = None
            if cfg.embedding_model_path:
                model, tokenizer = load_encoder(cfg.embedding_model_path, cfg.device)
                encoder = LocalEmbedder(model, tokenizer, cfg.embedding_batch_size)
            return loaded, encoder

        try:
            loaded, encoder = await asyncio.get_running_loop().run_in_executor(worker, load)
        except ModelNotFound as exc:
            worker.shutdown(wait=False)
            raise InferenceError("unknown_model", str(exc)) from exc
        log.info("loaded %s on %s as %s", loaded.name, loaded.device, dtype_name(loaded.dtype))
        return cls(cfg, loaded, encoder, worker)

    def capacity(self) -> int:
        return self.scheduler.capacity

    def _template_prefix(self) -> list[int]:
        """Tokens every single-turn prompt starts with (the template's default system prompt, if any)."""
        try:
            a, b = (
                self.tokenizer.apply_chat_template(
                    [{"role": "user", "content": text}],
                    add_generation_prompt=True,
                    tokenize=True,
                    return_dict=False,
                )
                for text in ("a", "b")
            )
        except Exception:  # noqa: BLE001 - a model without a chat template simply gets no prefix reuse
            return []
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return list(a[:n])

    def _prefix_len(self, messages: list[dict[str, Any]], prompt_ids: list[int]) -> int:
        """How many leading prompt tokens are shared with other requests: all turns but the last, or the
        template's default system prompt. Checked token by token, so a template that renders differently
        just gets no reuse."""
        candidates = [self._default_prefix]
        if len(messages) > 1:
            candidates.append(
                self.tokenizer.apply_chat_template(messages[:-1], tokenize=True, return_dict=False)
            )
        best = 0
        for head in candidates:
            if best < len(head) < len(prompt_ids) and list(prompt_ids[: len(head)]) == list(head):
                best = len(head)
        return best

    def _decode(self, ids: list[int]) -> str:
        with self._tokenizer_lock:
            return self.tokenizer.decode(ids, skip_special_tokens=True)

    # ------------------------------------------------------------------ structured output

    def check_schema(self, schema: dict[str, Any]) -> Any:
        import json

        import xgrammar as xgr

        if self._grammar_compiler is None:
            info = xgr.TokenizerInfo.from_huggingface(
                self.tokenizer,
                vocab_size=int(self.loaded.model.config.vocab_size),
                stop_token_ids=self.eos_token_ids,
            )
            self._grammar_compiler = xgr.GrammarCompiler(info)
        try:
            # No free whitespace: small models otherwise tend to loop on newlines inside the JSON.
            return self._grammar_compiler.compile_json_schema(json.dumps(schema), any_whitespace=False)
        except Exception as exc:  # noqa: BLE001 - xgrammar raises plain RuntimeError/ValueError variants
            raise InferenceError("invalid_schema", f"cannot compile the schema: {exc}") from exc

    # ------------------------------------------------------------------ generation

    async def generate(
        self,
        req: GenerateRequest,
        params: SamplingParams,
        compiled_schema: Any,
        on_delta: Callable[[str], Awaitable[None]],
    ) -> GenerateResult:
        if self._closed:
            raise InferenceError("closed", "the engine is shut down")
        try:
            with self._tokenizer_lock:
                prompt_ids = self.tokenizer.apply_chat_template(
                    req.messages, add_generation_prompt=True, tokenize=True, return_dict=False
                )
                prefix_len = (
                    self._prefix_len(req.messages, prompt_ids) if self.cfg.prefix_cache_entries else 0
                )
        except Exception as exc:  # noqa: BLE001 - template errors come in many types
            raise InferenceError("invalid_params", f"messages do not fit the chat template: {exc}") from exc
        if len(prompt_ids) > self.cfg.max_prompt_tokens:
            raise InferenceError(
                "prompt_too_long",
                f"{len(prompt_ids)} prompt tokens > max_prompt_tokens {self.cfg.max_prompt_tokens}",
            )
        if self._held >= self.scheduler.capacity:
            raise InferenceError(
                "overloaded", f"engine holds {self._held} of {self.scheduler.capacity} requests"
            )
        if req.timeout_s is not None and compiled_schema is None and self.cfg.admission_control:
            params = self._admit(req.timeout_s, params)
        rid = f"{req.request_id}#{next(self._ids)}"
        arrival = time.monotonic()
        seq = Sequence(
            request_id=rid,
            prompt_ids=list(prompt_ids),
            max_new_tokens=params.max_new_tokens,
            arrival=arrival,
            payload=RowPayload(params=params, grammar=compiled_schema, prefix_len=prefix_len),
            # At its deadline the worker ends the sequence with the text it has (finish reason `deadline`).
            deadline=None if req.timeout_s is None else arrival + req.timeout_s,
            stop_on_repeat=params.stop_on_repeat and compiled_schema is None,
        )
        handle = _Handle(asyncio.get_running_loop(), asyncio.Queue())
        self._held += 1
        self._submit("add", (seq, params.stop, handle))
        # A backstop only: the worker ends the sequence at its deadline between two steps.
        backstop = None if req.timeout_s is None else arrival + req.timeout_s + _DEADLINE_GRACE_S
        try:
            while True:
                remaining = None if backstop is None else max(0.0, backstop - time.monotonic())
                try:
                    kind, value = await asyncio.wait_for(handle.events.get(), remaining)
                except TimeoutError:
                    raise InferenceError("timeout", f"generation exceeded {req.timeout_s} s") from None
                if kind == "delta":
                    await on_delta(value)
                elif kind == "done":
                    return self._result(*value)
                else:
                    raise value
        except BaseException:
            self._submit("abort", rid)
            raise
        finally:
            self._held -= 1

    def _admit(self, deadline_s: float, params: SamplingParams) -> SamplingParams:
        """A budget that fits the deadline, from the measured step time and the queued work; ``busy`` at
        once when not even a short answer would (admission.py). Structured output is never cut: a JSON
        document cut short is worth nothing, so it keeps its budget."""
        try:
            running = [s.max_new_tokens - len(s.output_ids) for s in list(self.scheduler.running)]
            waiting = [s.max_new_tokens for s in list(self.scheduler.waiting)]
        except RuntimeError:  # the worker changed the queue while it was read: admit unchanged
            return params
        plan = plan_admission(self.meter, deadline_s=deadline_s, max_new_tokens=params.max_new_tokens,
                              running_left=running, waiting_budgets=waiting, max_batch=self.scheduler.max_batch_size)
        if plan.busy:
            metrics.ADMISSION.labels("busy").inc()
            raise InferenceError("busy", plan.reason(deadline_s))
        if plan.max_new_tokens < params.max_new_tokens:
            metrics.ADMISSION.labels("reduced").inc()
            return params.model_copy(update={"max_new_tokens": plan.max_new_tokens})
        return params

    def _result(self, done: Finished, text: str) -> GenerateResult:
        seq = done.seq
        end = seq.finished_at or time.monotonic()
        first = seq.first_token_at or end
        admitted = seq.admitted_at or seq.arrival
        return GenerateResult(
            text=text,
            finish_reason=done.reason,
            truncated=done.reason if done.reason in ("deadline", "length") else None,
            prompt_tokens=len(seq.prompt_ids),
            completion_tokens=len(seq.output_ids),
            ttft_ms=(first - seq.arrival) * 1000.0,
            duration_ms=(end - seq.arrival) * 1000.0,
            queue_ms=(admitted - seq.arrival) * 1000.0,
            model=self.model_name,
            batch_size=max(seq.max_batch_size, 1),
        )

    # ------------------------------------------------------------------ embeddings

    async def embed(self, texts: list[str]) -> list[list[float]]:
        if self._encoder is None:
            raise InferenceError("unknown_model", "no embedding model configured")
        if self._closed:
            raise InferenceError("closed", "the engine is shut down")
        loop = asyncio.get_running_loop()
        job = _EmbedJob(list(texts), loop, loop.create_future())
        self._submit("embed", job)
        return await job.future

    def _embed_batch(self, jobs: list[_EmbedJob]) -> None:
        assert self._encoder is not None
        texts = [t for job in jobs for t in job.texts]
        try:
            vectors = self._encoder.encode(texts)
        except Exception as exc:  # noqa: BLE001 - reported to every waiting caller
            for job in jobs:
                job.loop.call_soon_threadsafe(_set_exc, job.future, InferenceError("backend_error", str(exc)))
            return
        at = 0
        for job in jobs:
            part = vectors[at : at + len(job.texts)]
            at += len(job.texts)
            job.loop.call_soon_threadsafe(_set_result, job.future, part)

    # ------------------------------------------------------------------ worker thread

    def _submit(self, kind: str, value: Any) -> None:
        self._inbox.put((kind, value))
        self._wake.set()

    def _drain_inbox(self) -> list[_EmbedJob]:
        jobs: list[_EmbedJob] = []
        while True:
            try:
                kind, value = self._inbox.get_nowait()
            except queue.Empty:
                return jobs
            if kind == "add":
                seq, stop, handle = value
                try:
                    self.core.add(seq, stop)
                except QueueFull as exc:
                    handle.post("error", InferenceError("overloaded", str(exc)))
                    continue
                self._handles[seq.request_id] = handle
            elif kind == "abort":
                self._handles.pop(value, None)
                self.core.abort(value)
            elif kind == "embed":
                jobs.append(value)

    def _run(self) -> None:
        while not self._closed:
            try:
                self._iteration()
            except Exception as exc:  # noqa: BLE001 - the worker must outlive any one bad step
                log.exception("inference worker iteration failed")
                self._fail_all(InferenceError("backend_error", f"generation step failed: {exc}"))

    def _iteration(self) -> None:
        """Serve queued embeddings, then one generation step; sleep when there is nothing to do."""
        jobs = self._drain_inbox()
        if jobs:
            self._embed_batch(jobs)
        started = time.perf_counter()
        out = self.core.step()
        if out.batch_size and not out.prefilled:  # decode-only steps: the speed rows see while they run
            self.meter.observe_step(out.batch_size, time.perf_counter() - started)
            metrics.DECODE_TOKENS_PER_S.set(self.meter.tokens_per_s)
        metrics.RUNNING.set(len(self.scheduler.running))
        metrics.WAITING.set(len(self.scheduler.waiting))
        if out.idle:
            self._wake.wait(out.wait_s)
            self._wake.clear()
            return
        if out.batch_size:
            metrics.BATCH_SIZE.observe(out.batch_size)
            metrics.TOKENS.labels("completion").inc(out.batch_size)
        for rid, delta in out.deltas.items():
            handle = self._handles.get(rid)
            if handle is not None:
                handle.post("delta", delta)
        for done in out.finished:
            seq = done.seq
            handle = self._handles.pop(seq.request_id, None)
            if handle is None:
                continue
            metrics.TOKENS.labels("prompt").inc(len(seq.prompt_ids))
            metrics.FINISHES.labels(done.reason).inc()
            if done.reason in ("stop", "length"):
                self.meter.observe_finish(len(seq.output_ids), seq.max_new_tokens)
            if seq.first_token_at is not None:
                metrics.TTFT.observe((seq.first_token_at - seq.arrival) * 1000.0)
            if seq.admitted_at is not None:
                metrics.QUEUE_DELAY.observe((seq.admitted_at - seq.arrival) * 1000.0)
            if seq.finished_at is not None:
                metrics.DURATION.observe((seq.finished_at - seq.arrival) * 1000.0)
            handle.post("done", (done, out.texts.get(seq.request_id, "")))

    def _fail_all(self, exc: InferenceError) -> None:
        for rid in [s.request_id for s in self.scheduler.running] + [
            s.request_id for s in self.scheduler.waiting
        ]:
            self.core.abort(rid)
            handle = self._handles.pop(rid, None)
            if handle is not None:
                handle.post("error", exc)
        self.runner.release(list(self.runner.order))

    async def aclose(self) -> None:
        self._closed = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.wrap_future(self._worker), 10.0)
        except TimeoutError:
            log.warning("inference worker did not stop within 10 s")
        self._executor.shutdown(wait=False)
        err = InferenceError("closed", "the engine is shut down")
        for handle in self._handles.values():
            handle.post("error", err)
        self._handles.clear()


class LocalEmbedder:
    """Mean-pooled, L2-normalized sentence embeddings from a local encoder (all-MiniLM-L6-v2 by default).

    `encode` is blocking (the local backend calls it on its worker thread); `embed` is the async form
    used next to a remote generation backend, batching concurrent callers' texts into one forward pass.
    """

    def __init__(self, model: Any, tokenizer: Any, batch_size: int) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self._pending: list[tuple[list[str], asyncio.Future[list[list[float]]]]] = []
        self._lock = asyncio.Lock()

    @classmethod
    async def create(cls, cfg: InferenceConfig) -> LocalEmbedder:
        if cfg.embedding_model_path is None:
            raise InferenceError("unknown_model", "no embedding model configured")
        try:
            model, tokenizer = await asyncio.to_thread(load_encoder, cfg.embedding_model_path, cfg.device)
        except ModelNotFound as exc:
            raise InferenceError("unknown_model", str(exc)) from exc
        return cls(model, tokenizer, cfg.embedding_batch_size)

    @torch.inference_mode()
    def encode(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start : start + self.batch_size]
            vectors.extend(embed(self.model, self.tokenizer, chunk).tolist())
        metrics.EMBED_TEXTS.inc(len(texts))
        return vectors

    async def embed(self, texts: list[str]) -> list[list[float]]:
        future: asyncio.Future[list[list[float]]] = asyncio.get_running_loop().create_future()
        self._pending.append((list(texts), future))
        # Whoever holds the lock encodes everything queued meanwhile, in one batch.
        async with self._lock:
            if not future.done():
                batch, self._pending = self._pending, []
                try:
                    vectors = await asyncio.to_thread(self.encode, [t for part, _ in batch for t in part])
                except Exception as exc:  # noqa: BLE001 - reported to every waiting caller
                    for _, fut in batch:
                        _set_exc(fut, InferenceError("backend_error", str(exc)))
                else:
                    at = 0
                    for part, fut in batch:
                        _set_result(fut, vectors[at : at + len(part)])
                        at += len(part)
        return await future

    async def aclose(self) -> None:
        return None


def _worker_thread() -> ThreadPoolExecutor:
    """The one thread that loads the model and then runs every generation step and embedding."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference-worker")


def _set_result(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _set_exc(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
