"""Model loading: device and dtype choice, GGUF conversion with a safetensors cache.

Only the inference package imports torch and transformers.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from autoglm.shared import sentence_encoder
from autoglm.shared.sentence_encoder import offline

log = logging.getLogger(__name__)

_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}


class ModelNotFound(Exception):
    """The configured model path does not exist or is not loadable."""


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 arithmetic (AVX512-BF16 or AMX); emulated bf16 is slower than fp32."""
    try:
        if torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported"):
            if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
                return False
    except Exception:  # noqa: BLE001 - a missing private op must not break loading
        pass
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags for flag in ("avx512_bf16", "amx_bf16"))


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelNotFound("device 'cuda' requested but no CUDA device is available")
    return device


def resolve_dtype(dtype: str, device: str) -> torch.dtype:
    if dtype != "auto":
        return _DTYPES[dtype]
    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_supports_bf16() else torch.float32


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _fingerprint(path: Path) -> str:
    st = path.stat()
    return hashlib.sha256(f"{path.resolve()}|{st.st_size}|{int(st.st_mtime)}".encode()).hexdigest()[:12]


def converted_dir(gguf: Path, cache_dir: Path) -> Path:
    """Where the safetensors copy of a GGUF file lives: `<cache_dir>/<stem>-<hash of path, size, mtime>`."""
    return cache_dir / f"{gguf.stem}-{_fingerprint(gguf)}"


def _convert_gguf(gguf: Path, target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s to safetensors under %s (one-off)", gguf, target)
    model: Any = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    )
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The dequantized weights are plain tensors now; saving would otherwise try to re-quantize.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp), safe_serialization=True)
    tokenizer.save_pretrained(str(tmp))
    tmp.rename(target)  # atomic: a crash mid-save never leaves a half-written cache entry


def local_model_dir(model_path: Path, cache_dir: Path) -> Path:
    """A loadable transformers directory for `model_path` (converting a GGUF file once, then reusing it)."""
    offline()
    if not model_path.exists():
        raise ModelNotFound(f"model path {model_path} does not exist")
    if model_path.is_dir():
        return model_path
    if model_path.suffix != ".gguf":
        raise ModelNotFound(f"{model_path} is neither a model directory nor a .gguf file")
    target = converted_dir(model_path, cache_dir)
    if not (target / "config.json").exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        _convert_gguf(model_path, target)
    return target


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    device: str
    dtype: torch.dtype
    name: str


def load_causal_lm(
    model_path: Path, cache_dir: Path, device: str, dtype: str, name: str | None, adapter: Path | None = None
) -> LoadedModel:
    """Load a causal LM for generation, in eval mode on the chosen device and dtype; with ``adapter`` (a peft
    LoRA directory) merged into its weights, so the adapted model costs no more per token than the base one.
    The adapter is merged in fp32 before the cast to ``dtype``; the model's name gets ``+<adapter dir name>``."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    directory = local_model_dir(model_path, cache_dir)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    try:
        model: Any = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32 if adapter else dt)
        if adapter is not None:
            model = merge_adapter(model, adapter)
        model = model.to(device=dev, dtype=dt).eval()
        tokenizer = AutoTokenizer.from_pretrained(str(directory))
    except (OSError, ValueError) as exc:
        raise ModelNotFound(f"cannot load {directory}{f' with adapter {adapter}' if adapter else ''}: {exc}") from exc
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    label = name or (model_path.stem if model_path.is_file() else model_path.name)
    if adapter is not None:
        label = f"{label}+{adapter.name}"
    return LoadedModel(model=model, tokenizer=tokenizer, device=dev, dtype=dt, name=label)


def merge_adapter(model: Any, adapter: Path) -> Any:
    """``model`` with the LoRA adapter at ``adapter`` merged into its weights (peft's merge_and_unload)."""
    from peft import PeftModel

    if not (adapter / "adapter_config.json").exists():
        raise ModelNotFound(f"{adapter} is not a LoRA adapter directory (no adapter_config.json)")
    return PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()


def load_encoder(model_path: Path, device: str) -> tuple[Any, Any]:
    """Load a sentence-embedding encoder (BERT-style) and its tokenizer, fp32 (it is small and fast already)."""
    try:
        return sentence_encoder.load_encoder(model_path, resolve_device(device))
    except FileNotFoundError as exc:
        raise ModelNotFound(str(exc)) from exc
