"""What the sampler steers by, beyond the model's logits: a script mask per output language, and the test
for a generation that loops (pure, but for the mask's tensor).

- :func:`script_masks`: for ``zh``, the vocabulary's tokens that hold Latin letters; for ``en``, those that
  hold Chinese characters. The runner lowers their logits by ``language_bias`` for a row that asks for the
  language, so a small model asked for Chinese writes Chinese instead of drifting into English (SmolLM2-135M
  answered a Chinese poem request in English). Byte-fallback pieces of a character are left alone.
- :func:`repeated_tail`: a tail that repeats one span (period 1 to :data:`MAX_PERIOD` tokens) over at least
  :data:`MIN_SPAN` tokens and three periods is a loop ("；；；；…", "The output is: The output is: …").
"""

from __future__ import annotations

import re
from typing import Any

MAX_PERIOD = 48
MIN_SPAN = 24
MIN_REPEATS = 3

_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")


def script_masks(tokenizer: Any, vocab_size: int, device: Any) -> dict[str, Any]:
    """``{"zh": mask, "en": mask}``: float 0/1 vectors over the vocabulary marking the tokens off each
    language's script (decoded one by one; ~1 s for a 49k vocabulary, once)."""
    import torch

    latin = torch.zeros(vocab_size, dtype=torch.float32)
    han = torch.zeros(vocab_size, dtype=torch.float32)
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    for token_id in range(min(vocab_size, len(tokenizer))):
        if token_id in special:
            continue
        text = tokenizer.decode([token_id])
        if _LATIN.search(text):
            latin[token_id] = 1.0
        if _HAN.search(text):
            han[token_id] = 1.0
    return {"zh": latin.to(device), "en": han.to(device)}


def repeated_tail(ids: list[int], *, max_period: int = MAX_PERIOD, min_span: int = MIN_SPAN,
                  min_repeats: int = MIN_REPEATS) -> int:
    """How many trailing tokens to drop so that one copy of a repeated span is left; 0 when the tail does not
    loop. The tail of length L (L >= ``min_span`` and >= ``min_repeats`` periods) is periodic with period p
    when ``tail[p:] == tail[:-p]``."""
    n = len(ids)
    for period in range(1, max_period + 1):
        span = max(min_span, min_repeats * period)
        if span > n:
            break
        if ids[-1] != ids[-1 - period]:
            continue
        tail = ids[n - span :]
        if tail[period:] == tail[:-period]:
            # extend back as far as the loop goes, then keep its first copy
            start = n - span
            while start > 0 and ids[start - 1] == ids[start - 1 + period]:
                start -= 1
            return n - (start + period)
    return 0
