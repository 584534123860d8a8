"""The runner's slot KV cache and top-k/top-p filter on small random tensors (no model)."""

from __future__ import annotations

import torch
from transformers import DynamicCache

from autoglm.services.inference.kv_slots import SlotKV
from autoglm.services.inference.runner import _top_k_top_p, _top_k_top_p_sorted

LAYERS, HEADS, DIM = 2, 2, 4


def prefill(lengths: list[int], fill: float) -> tuple[DynamicCache, torch.Tensor]:
    """A left-padded prefill cache whose real entries are `fill + position`, padding NaN-free zeros."""
    width = max(lengths)
    mask = torch.zeros((len(lengths), width), dtype=torch.long)
    cache = DynamicCache()
    keys = torch.zeros((len(lengths), HEADS, width, DIM))
    for i, n in enumerate(lengths):
        mask[i, width - n :] = 1
        keys[i, :, width - n :] = fill + i + torch.arange(n, dtype=torch.float)[None, :, None]
    for layer in range(LAYERS):
        cache.update(keys.clone(), -keys.clone(), layer)
    return cache, mask


def row_tokens(slots: SlotKV, row: int) -> torch.Tensor:
    """The real keys of `row` in layer 0, in order (the window's masked columns dropped)."""
    window = slots.mask[row, slots.start : slots.end].bool()
    return slots.keys[0][row, 0, slots.start : slots.end][window][:, 0]


def test_rows_join_leave_and_decode_keep_each_rows_tokens() -> None:
    slots = SlotKV(LAYERS, torch.device("cpu"), torch.float32)
    with torch.inference_mode():
        cache, mask = prefill([3, 5], fill=100)
        slots.add_rows(cache, mask, mask.sum(1), torch.tensor([7, 8]))
        # A longer prompt than the columns left of `end` forces a relayout; earlier rows must survive it.
        cache, mask = prefill([40], fill=200)
        slots.add_rows(cache, mask, mask.sum(1), torch.tensor([9]))
        assert slots.n == 3
        assert row_tokens(slots, 0).tolist() == [100, 101, 102]
        assert row_tokens(slots, 2).tolist() == [200 + i for i in range(40)]
        for step in range(70):  # past the initial room on the right: another relayout
            inputs = slots.decode_inputs()
            assert inputs["attention_mask"].shape == (3, slots.end - slots.start + 1)
            assert inputs["position_ids"][:, 0].tolist() == [3 + step, 5 + step, 40 + step]
            new = torch.full((3, HEADS, 1, DIM), 1000.0 + step)
            for layer in slots.cache.layers:
                k, v = layer.update(new, -new)
                assert k.shape[2] == slots.end - slots.start + 1 and not torch.isnan(k).any()
            slots.advance(torch.tensor([1, 2, 3]))
        slots.remove_row(0)  # the last row (the 40-token one) moves into row 0
        assert slots.n == 2
        assert row_tokens(slots, 0)[:40].tolist() == [200 + i for i in range(40)]
        assert row_tokens(slots, 1).tolist() == [101, 102, 103, 104, 105] + [1000 + s for s in range(70)]
        assert slots.start == min(slots.first)
        assert slots.last[:2].tolist() == [3, 2]
        assert slots.cache.get_seq_length() == slots.end - slots.start


def test_candidate_top_p_keeps_the_same_tokens_as_a_full_sort() -> None:
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn((6, 5000), generator=gen) * torch.tensor([0.1, 1, 3, 8, 1, 0.01])[:, None]
    top_k = torch.tensor([0, 0, 50, 0, 0, 0])
    top_p = torch.tensor([0.9, 0.95, 0.8, 0.5, 1.0, 0.99])  # row 0 and 5 are flat: beyond the candidates
    fast = _top_k_top_p(logits, top_k, top_p)
    full = _top_k_top_p_sorted(logits, top_k, top_p)
    assert torch.equal(fast.isfinite(), full.isfinite())
    assert torch.equal(fast[4], logits[4])
    kept = fast.isfinite().sum(1)
    assert kept[2] <= 50 and 1 <= kept[3] < 5000 and kept[0] > 256
