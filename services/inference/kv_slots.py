"""A preallocated, left-padded KV cache whose rows come and go without copying the whole batch.

Layout: per layer one key and one value buffer `[row_cap, kv_heads, len_cap, head_dim]`. Rows `[0, n)` are
the running sequences; columns `[start, end)` are the window every row attends over. Rows are left-padded,
so all rows write their next token at the same column `end`, which lets one decode step write every row
with a single slice assignment instead of concatenating the cache (what `DynamicCache` does each step).

- A joining row's prompt KV is copied right-aligned into `[end - P, end)` of a free row.
- A leaving row is replaced by the last row (one row copied, not the batch).
- When a prompt is longer than the columns left of `end`, or `end` reaches `len_cap`, the window is moved
  into fresh buffers with room on both sides (amortized: the room doubles with the window).

Invariant: an active row's mask is 1 exactly at its real tokens; buffer entries outside them are finite
(zeros or a former row's KV), so masked attention over the window never sees NaN.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers.cache_utils import Cache, DynamicLayer


class SlotKV:
    """The buffers, mask, next positions and last tokens of the running rows (see module docstring)."""

    def __init__(self, num_layers: int, device: torch.device, dtype: torch.dtype) -> None:
        self.num_layers = num_layers
        self.device = device
        self.dtype = dtype
        self.n = 0
        self.start = 0
        self.end = 0
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []
        self.mask = torch.zeros((0, 0), dtype=torch.long, device=device)
        self.pos = torch.zeros(0, dtype=torch.long, device=device)
        self.last = torch.zeros(0, dtype=torch.long, device=device)
        self.first: list[int] = []  # first real column of each row, so `start` can follow the oldest row
        self.cache = Cache(layers=[_SlotLayer(self, i) for i in range(num_layers)])

    @property
    def row_cap(self) -> int:
        return self.mask.shape[0]

    @property
    def len_cap(self) -> int:
        return self.mask.shape[1]

    # ------------------------------------------------------------------ layout

    def _relayout(self, rows: int, left: int, right: int) -> None:
        """New buffers with room for `rows` rows, `left` columns before `end` and `right` after it."""
        width = self.end - self.start
        new_end = max(width, left)
        new_start = new_end - width
        len_cap = new_end + max(right, 2 * width, 64)
        row_cap = max(self.row_cap, rows)
        if rows > self.row_cap:
            row_cap = max(rows, 2 * self.row_cap, 4)
        n, s, e = self.n, self.start, self.end

        def fresh(old: torch.Tensor | None, shape: tuple[int, ...]) -> torch.Tensor:
            new = torch.zeros(shape, dtype=self.dtype, device=self.device)
            if old is not None and n:
                new[:n, :, new_start:new_end] = old[:n, :, s:e]
            return new

        def kv_shape(old: torch.Tensor) -> tuple[int, ...]:
            return (row_cap, old.shape[1], len_cap, old.shape[3])

        self.keys = [fresh(k, kv_shape(k)) for k in self.keys]
        self.values = [fresh(v, kv_shape(v)) for v in self.values]
        mask = torch.zeros((row_cap, len_cap), dtype=torch.long, device=self.device)
        mask[:n, new_start:new_end] = self.mask[:n, s:e]
        self.mask = mask
        for name in ("pos", "last"):
            old = getattr(self, name)
            grown = torch.zeros(row_cap, dtype=torch.long, device=self.device)
            grown[:n] = old[:n]
            setattr(self, name, grown)
        self.first = [f - s + new_start for f in self.first]
        self.start, self.end = new_start, new_end

    def _reserve(self, rows: int, left: int, right: int) -> None:
        if rows > self.row_cap or left > self.end or self.end + right > self.len_cap:
            self._relayout(rows, left, right)

    # ------------------------------------------------------------------ rows

    def add_rows(self, cache: Any, mask: torch.Tensor, next_pos: torch.Tensor, last: torch.Tensor) -> None:
        """Append rows from a prefill: `cache` layers hold `[m, heads, P, dim]`, `mask` is `[m, P]`."""
        m, width = mask.shape
        if self.n == 0:
            self.start = self.end = 0
            self.first = []
        if not self.keys:
            # Zero-sized stand-ins that carry the head shapes into the first real allocation.
            layers = list(cache.layers)
            self.keys = [lay.keys[:0, :, :0] for lay in layers]
            self.values = [lay.values[:0, :, :0] for lay in layers]
            self._relayout(m, width, 1)
        self._reserve(self.n + m, width, 1)
        rows, cols = slice(self.n, self.n + m), slice(self.end - width, self.end)
        for layer, k, v in zip(cache.layers, self.keys, self.values, strict=True):
            k[rows, :, cols] = layer.keys
            v[rows, :, cols] = layer.values
        self.mask[rows] = 0
        self.mask[rows, cols] = mask
        self.pos[rows] = next_pos
        self.last[rows] = last
        first = (mask.argmax(dim=1) + cols.start).tolist()
        self.first.extend(first)
        if self.n == 0:
            self.start = min(first)
        elif min(first) < self.start:
            self.start = min(first)
        self.n += m

    def remove_row(self, row: int) -> None:
        """Drop `row`; the last row moves into its place."""
        last = self.n - 1
        if row != last:
            s, e = self.start, self.end
            for k, v in zip(self.keys, self.values, strict=True):
                k[row, :, s:e] = k[last, :, s:e]
                v[row, :, s:e] = v[last, :, s:e]
            self.mask[row] = self.mask[last]
            self.pos[row] = self.pos[last]
            self.last[row] = self.last[last]
            self.first[row] = self.first[last]
        self.first.pop()
        self.n -= 1
        self.start = min(self.first) if self.first else self.end

    # ------------------------------------------------------------------ decode

    def decode_inputs(self) -> dict[str, torch.Tensor]:
        """Inputs of one decode step for all rows; call `advance(tokens)` after the forward."""
        self._reserve(self.n, 0, 1)
        n, e = self.n, self.end
        self.mask[:n, e] = 1
        return {
            "input_ids": self.last[:n, None],
            "attention_mask": self.mask[:n, self.start : e + 1],
            "position_ids": self.pos[:n, None],
        }

    def advance(self, tokens: torch.Tensor) -> None:
        self.end += 1
        self.pos[: self.n] += 1
        self.last[: self.n] = tokens


class _SlotLayer(DynamicLayer):
    """A cache layer writing the decode token into column `end` of the shared buffers (no concatenation)."""

    def __init__(self, slots: SlotKV, index: int) -> None:
        super().__init__()
        self.slots = slots
        self.index = index
        self.is_initialized = True

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        s = self.slots
        n, e = s.n, s.end
        k, v = s.keys[self.index], s.values[self.index]
        k[:n, :, e : e + 1] = key_states
        v[:n, :, e : e + 1] = value_states
        return k[:n, :, s.start : e + 1], v[:n, :, s.start : e + 1]

    def get_seq_length(self) -> int:
        return self.slots.end - self.slots.start

    def get_mask_sizes(self, query_length: int) -> tuple[int, int]:
        return self.get_seq_length() + query_length, 0
