"""The torch model runner: one padded batch whose rows come and go between decode steps.

State: a `kv_slots.SlotKV`, preallocated KV buffers with one left-padded row per running sequence, a 2-D
attention mask marking real tokens, and each row's next position and last token. Each step runs one decode
forward for the running rows (writing the new KV in place, no per-step concatenation) and one prefill
forward for newly admitted sequences (left-padded among themselves), whose KV is then copied into free
rows. A finished row is replaced by the last row. Position ids count real tokens, so a row's positions do
not depend on how much padding it has.

Prompt prefixes shared by many requests (a service's system prompt) are prefilled once and kept in a
small LRU; a request starting with one gets the prefix KV copied in and prefills only the rest, laid
out as [prefix | left padding | rest of prompt].

Sampling is per row: greedy rows take the argmax, the others use their own temperature/top-k/top-p and,
when seeded, their own `torch.Generator`. Rows with a JSON schema are masked by their own xgrammar matcher.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from typing import Any

import torch

from autoglm.services.inference.kv_slots import SlotKV
from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.scheduler import Sequence

# Decode batches this small run their matmuls as GEMV outside oneDNN: on CPU, oneDNN's bf16 path at one
# or two rows was ~1.6x slower per decode step than ATen's own kernel (measured on the 2-core EPYC); from
# four rows on oneDNN wins. fp32 matmuls do not go through oneDNN, so this only changes bf16/fp16 speed.
_NATIVE_GEMV_ROWS = 2
# Top-p first looks at this many best tokens; the full-vocabulary sort runs only for rows whose top-p mass
# is not reached within them (a very flat distribution), so the result is the same as sorting everything.
_TOP_P_CANDIDATES = 256


@dataclass
class RowPayload:
    """What the runner needs of a sequence, carried in `Sequence.payload`."""

    params: SamplingParams
    grammar: Any = None  # xgrammar.CompiledGrammar
    prefix_len: int = 0  # leading prompt tokens worth caching (e.g. the system prompt); 0 = none


@dataclass
class _Row:
    params: SamplingParams
    generator: torch.Generator | None
    matcher: Any
    output: list[int] = field(default_factory=list)  # the sequence's generated ids (the scheduler appends)
    ngrams: dict[tuple[int, ...], set[int]] = field(default_factory=dict)  # (n-1)-gram -> tokens that followed
    counted: int = 0  # output ids already entered into `ngrams`

    @property
    def adjusts(self) -> bool:
        p = self.params
        return (p.repetition_penalty != 1.0 or p.no_repeat_ngram_size > 0 or bool(p.language and p.language_bias)
                or len(self.output) < p.min_new_tokens)

    def banned(self) -> list[int]:
        """Tokens that would complete an n-gram already generated (``no_repeat_ngram_size``)."""
        n = self.params.no_repeat_ngram_size
        out = self.output
        if n <= 0 or len(out) < n - 1:
            return []
        for end in range(max(self.counted, n - 1), len(out)):
            self.ngrams.setdefault(tuple(out[end - n + 1 : end]), set()).add(out[end])
        self.counted = len(out)
        return sorted(self.ngrams.get(tuple(out[len(out) - n + 1 :]) if n > 1 else (), ()))


class _PaddedKV:
    """Per-row [prefix | left pad | prompt] KV cut out of a packed prefill, shaped like a `DynamicCache`."""

    @dataclass
    class Layer:
        keys: torch.Tensor
        values: torch.Tensor

    def __init__(self, packed: Any, skip: int, lens: list[int], width: int) -> None:
        self.layers = [
            self.Layer(*(self._rows(t, skip, lens, width) for t in (layer.keys, layer.values)))
            for layer in packed.layers
        ]

    @staticmethod
    def _rows(t: torch.Tensor, skip: int, lens: list[int], width: int) -> torch.Tensor:
        out = t.new_zeros((len(lens), t.shape[1], skip + width, t.shape[3]))
        out[:, :, :skip] = t[:, :, :skip]
        at = skip
        for i, n in enumerate(lens):
            out[i, :, skip + width - n :] = t[0, :, at : at + n]
            at += n
        return out


class TorchRunner:
    """Implements `core.ModelRunner` for a transformers causal LM with a `DynamicCache`."""

    def __init__(
        self,
        model: Any,
        pad_token_id: int,
        max_prefixes: int = 16,
        script_masks: Callable[[], dict[str, torch.Tensor]] | None = None,
        eos_token_ids: Seq[int] = (),
    ) -> None:
        self.model = model
        self.eos_token_ids = list(eos_token_ids)
        # language -> boolean vocabulary mask of the tokens off that language's script (built on first use)
        self._script_masks_fn = script_masks
        self._script_masks: dict[str, torch.Tensor] | None = None
        first = next(model.parameters())
        self.device = first.device
        self.pad_token_id = pad_token_id
        self.vocab_size = int(model.config.vocab_size)
        self.order: list[str] = []  # request id of each batch row
        self.rows: dict[str, _Row] = {}
        self.slots = SlotKV(int(model.config.num_hidden_layers), self.device, first.dtype)
        self.max_prefixes = max_prefixes
        self._prefixes: OrderedDict[tuple[int, ...], list[tuple[torch.Tensor, torch.Tensor]]] = OrderedDict()
        self._rng = torch.Generator(device=self.device)
        self._rng.seed()
        # transformers 5.2x renamed `past_key_values` to `cache`; accept either.
        params = inspect.signature(model.forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        # Packed prefill hands the model a ready 4-D boolean mask, which SDPA reads as "may attend";
        # other attention implementations (eager's additive masks, flash-attention) get padded prefills.
        self._packed_prefill = getattr(model.config, "_attn_implementation", None) == "sdpa"

    # ------------------------------------------------------------------ public

    @torch.inference_mode()
    def step(self, prefill: list[Sequence], decode: list[Sequence]) -> dict[str, int]:
        out: dict[str, int] = {}
        if decode:
            if len(decode) != len(self.order) or {s.request_id for s in decode} != set(self.order):
                raise RuntimeError("decode rows out of sync with the runner's batch")
            out.update(self._decode_step())
        if prefill:
            out.update(self._prefill(prefill))
        return out

    @torch.inference_mode()
    def release(self, request_ids: Seq[str]) -> None:
        drop = set(request_ids)
        # From the bottom up: each removal moves the last row, which is then never a row still to drop.
        for row in sorted((i for i, rid in enumerate(self.order) if rid in drop), reverse=True):
            self.rows.pop(self.order[row], None)
            self.slots.remove_row(row)
            self.order[row] = self.order[-1]
            self.order.pop()

    # ------------------------------------------------------------------ steps

    def _decode_step(self) -> dict[str, int]:
        inputs = self.slots.decode_inputs()
        native = self.device.type == "cpu" and len(self.order) <= _NATIVE_GEMV_ROWS
        if native:
            torch.backends.mkldnn.enabled = False
        try:
            logits = self.model(**inputs, use_cache=True, **{self._cache_kw: self.slots.cache}).logits[
                :, -1, :
            ]
        finally:
            if native:
                torch.backends.mkldnn.enabled = True
        tokens = self._sample(logits, self.order)
        self.slots.advance(tokens)
        return dict(zip(self.order, tokens.tolist(), strict=True))

    def _prefill(self, seqs: list[Sequence]) -> dict[str, int]:
        groups: dict[tuple[int, ...], list[Sequence]] = {}
        for seq in seqs:
            n = seq.payload.prefix_len if self.max_prefixes else 0
            key = tuple(seq.prompt_ids[:n]) if 0 < n < len(seq.prompt_ids) else ()
            groups.setdefault(key, []).append(seq)
        out: dict[str, int] = {}
        for key, group in groups.items():
            out.update(self._prefill_group(key, group))
        return out

    def _prefix_kv(self, prefix: tuple[int, ...]) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """KV of a shared prompt prefix (batch 1), computed once and kept in a small LRU."""
        from transformers import DynamicCache

        hit = self._prefixes.get(prefix)
        if hit is not None:
            self._prefixes.move_to_end(prefix)
            return hit
        cache = DynamicCache()
        self.model(
            input_ids=torch.tensor([prefix], device=self.device), use_cache=True, **{self._cache_kw: cache}
        )
        layers: list[Any] = list(cache.layers)
        kv = [(layer.keys, layer.values) for layer in layers]
        self._prefixes[prefix] = kv
        while len(self._prefixes) > self.max_prefixes:
            self._prefixes.popitem(last=False)
        return kv

    def _prefill_group(self, prefix: tuple[int, ...], seqs: list[Sequence]) -> dict[str, int]:
        """Prefill sequences sharing `prefix` (maybe empty) and add them as rows of the running batch."""
        if self._packed_prefill and len(seqs) > 1:
            logits, cache, mask = self._prefill_packed(prefix, seqs)
        else:
            logits, cache, mask = self._prefill_padded(prefix, seqs)
        names = [s.request_id for s in seqs]
        for s in seqs:
            self.rows[s.request_id] = self._new_row(s)
        tokens = self._sample(logits, names)
        self.slots.add_rows(cache, mask, mask.sum(dim=1), tokens)
        self.order.extend(names)
        return dict(zip(names, tokens.tolist(), strict=True))

    def _prefill_padded(
        self, prefix: tuple[int, ...], seqs: list[Sequence]
    ) -> tuple[torch.Tensor, Any, torch.Tensor]:
        """One forward over the prompts left-padded to the longest: row layout [prefix | left pad | rest]."""
        from transformers import DynamicCache

        skip = len(prefix)
        length = max(len(s.prompt_ids) - skip for s in seqs)
        ids = torch.full((len(seqs), length), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), length), dtype=torch.long)
        for i, s in enumerate(seqs):
            rest = s.prompt_ids[skip:]
            ids[i, length - len(rest) :] = torch.tensor(rest)
            mask[i, length - len(rest) :] = 1
        ids, mask = ids.to(self.device), mask.to(self.device)
        positions = (skip + mask.cumsum(dim=1) - 1).clamp(min=0)
        cache = DynamicCache()
        if prefix:
            for layer_idx, (k, v) in enumerate(self._prefix_kv(prefix)):
                rows = len(seqs)
                cache.update(
                    k.expand(rows, -1, -1, -1).clone(), v.expand(rows, -1, -1, -1).clone(), layer_idx
                )
            mask = torch.cat([mask.new_ones((len(seqs), skip)), mask], dim=1)
        logits = self.model(
            input_ids=ids,
            attention_mask=mask,
            position_ids=positions,
            use_cache=True,
            logits_to_keep=1,
            **{self._cache_kw: cache},
        ).logits[:, -1, :]
        return logits, cache, mask

    def _prefill_packed(
        self, prefix: tuple[int, ...], seqs: list[Sequence]
    ) -> tuple[torch.Tensor, Any, torch.Tensor]:
        """One forward over the prompts laid end to end in a single row, without padding.

        Left padding spends the matmuls on pad tokens (a third of a prefill's tokens for four prompts of
        mixed length in the benchmark); here a block-diagonal causal mask keeps each prompt to the shared
        prefix and its own tokens, and position ids restart after the prefix for each prompt. The KV is then
        rearranged into the same [prefix | left pad | rest] rows as `_prefill_padded` returns.
        """
        from transformers import DynamicCache

        skip = len(prefix)
        rests = [s.prompt_ids[skip:] for s in seqs]
        lens = [len(r) for r in rests]
        total, width = sum(lens), max(lens)
        ends = torch.tensor(lens).cumsum(0)
        owner = torch.repeat_interleave(torch.arange(len(seqs)), torch.tensor(lens))
        local = torch.arange(total) - (ends - torch.tensor(lens))[owner]
        ids = torch.tensor([t for r in rests for t in r], device=self.device)[None, :]
        positions = (skip + local).to(self.device)[None, :]
        # attend[i, j]: query token i may see packed token j (same prompt, not later); the prefix is seen by all.
        attend = (owner[:, None] == owner[None, :]) & (local[:, None] >= local[None, :])
        attend = torch.cat([attend.new_ones((total, skip)), attend], dim=1).to(self.device)
        cache = DynamicCache()
        for layer_idx, (k, v) in enumerate(self._prefix_kv(prefix) if prefix else []):
            cache.update(k, v, layer_idx)  # DynamicLayer concatenates: the stored prefix is not written to
        logits = self.model(
            input_ids=ids,
            attention_mask=attend[None, None],
            position_ids=positions,
            use_cache=True,
            logits_to_keep=(ends - 1).to(self.device),
            **{self._cache_kw: cache},
        ).logits[0]
        rows = _PaddedKV(cache, skip, lens, width)
        mask = torch.zeros((len(seqs), skip + width), dtype=torch.long, device=self.device)
        mask[:, :skip] = 1
        for i, n in enumerate(lens):
            mask[i, skip + width - n :] = 1
        return logits, rows, mask

    # ------------------------------------------------------------------ sampling

    def _new_row(self, seq: Sequence) -> _Row:
        payload: RowPayload = seq.payload
        generator = None
        if payload.params.seed is not None:
            generator = torch.Generator(device=self.device)
            generator.manual_seed(payload.params.seed)
        matcher = None
        if payload.grammar is not None:
            import xgrammar as xgr

            matcher = xgr.GrammarMatcher(payload.grammar)
        return _Row(params=payload.params, generator=generator, matcher=matcher, output=seq.output_ids)

    def _adjust(self, logits: torch.Tensor, rows: list[_Row]) -> None:
        """Per-row logit changes before sampling: repetition penalty, no-repeat n-grams, script steering."""
        for i, row in enumerate(rows):
            if not row.adjusts:
                continue
            p = row.params
            if p.repetition_penalty != 1.0 and row.output:
                ids = torch.tensor(sorted(set(row.output)), device=logits.device)
                values = logits[i, ids]
                logits[i, ids] = torch.where(values > 0, values / p.repetition_penalty, values * p.repetition_penalty)
            banned = row.banned()
            if banned:
                logits[i, torch.tensor(banned, device=logits.device)] = float("-inf")
            if len(row.output) < p.min_new_tokens and self.eos_token_ids:
                logits[i, torch.tensor(self.eos_token_ids, device=logits.device)] = float("-inf")
            if p.language and p.language_bias:
                mask = self._script_mask(p.language)
                if mask is not None:
                    logits[i] -= mask * p.language_bias

    def _script_mask(self, language: str) -> torch.Tensor | None:
        if self._script_masks is None:
            self._script_masks = self._script_masks_fn() if self._script_masks_fn else {}
        return self._script_masks.get(language)

    def _sample(self, logits: torch.Tensor, names: list[str]) -> torch.Tensor:
        logits = logits.float()
        rows = [self.rows[n] for n in names]
        self._adjust(logits, rows)
        constrained = [i for i, r in enumerate(rows) if r.matcher is not None]
        if constrained:
            import xgrammar as xgr

            bitmask = xgr.allocate_token_bitmask(len(rows), self.vocab_size)
            for i in constrained:
                rows[i].matcher.fill_next_token_bitmask(bitmask, i)
            xgr.apply_token_bitmask_inplace(logits, bitmask.to(logits.device), indices=constrained)
        tokens = logits.argmax(dim=-1)
        sampled = [i for i, r in enumerate(rows) if not r.params.greedy]
        if sampled:
            index = torch.tensor(sampled, device=logits.device)
            sub = logits[index]
            temp = torch.tensor([rows[i].params.temperature for i in sampled], device=logits.device)
            sub = sub / temp[:, None]
            top_p = torch.tensor([rows[i].params.top_p for i in sampled], device=logits.device)
            top_k = torch.tensor([rows[i].params.top_k for i in sampled], device=logits.device)
            if bool((top_p < 1.0).any() or (top_k > 0).any()):
                sub = _top_k_top_p(sub, top_k, top_p)
            probs = torch.softmax(sub, dim=-1)
            for j, i in enumerate(sampled):
                gen = rows[i].generator or self._rng
                tokens[i] = torch.multinomial(probs[j], 1, generator=gen)[0]
        for i in constrained:
            rows[i].matcher.accept_token(int(tokens[i]))
        return tokens


def _top_k_top_p(logits: torch.Tensor, top_k: torch.Tensor, top_p: torch.Tensor) -> torch.Tensor:
    """Per-row top-k (0 = off) and top-p filtering of `logits` (rows, vocab).

    Works on the best `_TOP_P_CANDIDATES` (or top-k) tokens; rows whose top-p cut-off lies beyond them fall
    back to sorting the whole vocabulary, so the kept set is the same as with a full sort.
    """
    vocab = logits.shape[-1]
    k = min(vocab, max(_TOP_P_CANDIDATES, int(top_k.max())))
    if k == vocab:
        return _top_k_top_p_sorted(logits, top_k, top_p)
    values, order = logits.topk(k, dim=-1)
    ranks = torch.arange(k, device=logits.device)[None, :]
    remove = (top_k[:, None] > 0) & (ranks >= top_k[:, None])
    values = values.masked_fill(remove, float("-inf"))
    # Probabilities over the whole vocabulary (or over the top-k when set), not just the candidates.
    norm = torch.where(top_k > 0, torch.logsumexp(values, dim=-1), torch.logsumexp(logits, dim=-1))
    probs = (values - norm[:, None]).exp()
    mass = probs.cumsum(dim=-1)
    remove |= (mass - probs) > top_p[:, None]
    out = torch.full_like(logits, float("-inf")).scatter(-1, order, values.masked_fill(remove, float("-inf")))
    unfiltered = (top_k == 0) & (top_p >= 1.0)
    beyond = (top_k == 0) & (mass[:, -1] <= top_p) & ~unfiltered
    out[unfiltered] = logits[unfiltered]
    if bool(beyond.any()):
        out[beyond] = _top_k_top_p_sorted(logits[beyond], top_k[beyond], top_p[beyond])
    return out


def _top_k_top_p_sorted(logits: torch.Tensor, top_k: torch.Tensor, top_p: torch.Tensor) -> torch.Tensor:
    """`_top_k_top_p` by sorting the whole vocabulary."""
    sorted_logits, order = logits.sort(dim=-1, descending=True)
    ranks = torch.arange(logits.shape[-1], device=logits.device)[None, :]
    remove = (top_k[:, None] > 0) & (ranks >= top_k[:, None])
    probs = torch.softmax(sorted_logits.masked_fill(remove, float("-inf")), dim=-1)
    # Keep the smallest prefix whose mass reaches top_p (always at least the top token).
    remove |= (probs.cumsum(dim=-1) - probs) > top_p[:, None]
    sorted_logits = sorted_logits.masked_fill(remove, float("-inf"))
    return torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)
