"""The example bank: intent labels learned from labelled examples by nearest neighbours.

An :class:`Example` is one clause as the parser cuts it, with the intent type and tool a person gave it and,
for a clause after the first, whether it builds on an earlier clause's output. The bank embeds every example
with the shared multilingual encoder (`autoglm.shared.multilingual`, USE multilingual v3: Chinese and English
in one space) and answers, for a new clause, how its nearest examples vote.

Two layers: the *seed* (``data/bank_seed.jsonl``, built from the labelled sets and the hand-written examples by
``scripts/build_parser_bank.py``; its vectors are computed once, when the bank loads) and one layer per
*tenant* (examples added with ``autoglm parser example add`` or by feedback; see ``examples.py``). A tenant's
query sees the seed and its own layer, never another tenant's.

A vote weighs each of the ``k`` nearest examples by its cosine similarity; a label's ``share`` is its part of
the total weight, its ``best`` the similarity of its nearest example. The bank decides nothing by itself: the
policy that turns votes into intents, confidences and clarifying questions is in ``understanding.py``.

Cost: one encoder call per clause (~1.3 ms on one core) plus a dot product with the seed (~1,200 x 512).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Example", "ExampleBank", "Neighbour", "Recalled", "Vote", "SEED_PATH", "load_seed", "write_seed"]

Encode = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, dim) float32, rows L2-normalised
Label = tuple[str, str | None]

SEED_PATH = Path(__file__).resolve().parent / "data" / "bank_seed.jsonl"
_QUERY_CACHE = 512
# A request repeats a labelled one when it reads the same, or nearly: this similar and with the same numbers (an
# order id or an amount that differs is a different request).
RECALL_SIMILARITY = 0.95
_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Example:
    """One labelled clause."""

    text: str
    type: str
    tool: str | None
    language: str
    depends: bool | None = None  # after the first clause: whether it uses an earlier clause's output
    origin: str = ""  # the labelled set it came from, or "tenant"

    @property
    def label(self) -> Label:
        return (self.type, self.tool)


@dataclass(frozen=True)
class Neighbour:
    example: Example
    similarity: float
    tenant: bool  # from the tenant's own layer


@dataclass(frozen=True)
class Vote:
    """One label's support among a clause's nearest examples."""

    type: str
    tool: str | None
    share: float  # similarity-weighted share of the k nearest examples
    best: float  # cosine of its nearest example
    count: int
    tenant: bool  # one of its supporters is the tenant's own example

    @property
    def label(self) -> Label:
        return (self.type, self.tool)


@dataclass(frozen=True)
class Recalled:
    """A tenant's labelled request that a new request repeats (see :meth:`ExampleBank.recall`)."""

    text: str
    graph: dict[str, Any]
    now: datetime | None
    timezone: str | None
    similarity: float


@dataclass(frozen=True)
class _Request:
    text: str
    graph: dict[str, Any]
    now: datetime | None
    timezone: str | None
    normal: str
    digits: str
    vector: np.ndarray


@dataclass(frozen=True)
class _Layer:
    vectors: np.ndarray
    examples: tuple[Example, ...]


_EMPTY = _Layer(np.zeros((0, 1), dtype=np.float32), ())


def load_seed(path: Path = SEED_PATH) -> list[Example]:
    """The committed seed examples (one JSON object a line)."""
    if not path.exists():
        return []
    return [Example(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_seed(examples: Iterable[Example], path: Path = SEED_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) for e in examples]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class ExampleBank:
    """Seed and per-tenant examples, searched by cosine similarity (see the module doc).

    Thread-safe for one writer (the example follower) and many readers: a layer is replaced whole, never
    changed in place. ``encoder``: texts -> L2-normalised rows; default the shared multilingual encoder."""

    def __init__(self, seed: Sequence[Example] | None = None, *, encoder: Encode | None = None, k: int = 7) -> None:
        self._seed_examples = tuple(load_seed() if seed is None else seed)
        self._encode_fn = encoder
        self.k = k
        self._seed: _Layer | None = None
        self._tenants: dict[str, dict[str, tuple[Example, ...]]] = defaultdict(dict)
        self._layers: dict[str, _Layer] = {}
        self._requests: dict[str, dict[str, _Request]] = defaultdict(dict)
        self._vectors: dict[str, np.ndarray] = {}  # example text -> vector (tenant examples)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- loading

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._encode_fn is None:
            from autoglm.shared.multilingual import default_encoder

            self._encode_fn = default_encoder().encode
        return np.asarray(self._encode_fn(list(texts)), dtype=np.float32)

    @property
    def loaded(self) -> bool:
        return self._seed is not None

    def load(self) -> ExampleBank:
        """Embed the seed (once; ~1 s for ~1,200 examples). Call it at start, not on a request."""
        with self._lock:
            if self._seed is None:
                texts = [e.text for e in self._seed_examples]
                vecs = np.vstack([self._encode(texts[i : i + 128]) for i in range(0, len(texts), 128)]) if texts else (
                    np.zeros((0, 1), dtype=np.float32)
                )
                self._seed = _Layer(vecs, self._seed_examples)
        return self

    @property
    def seed(self) -> tuple[Example, ...]:
        return self._seed_examples

    # ---------------------------------------------------------------- tenants

    def put(
        self,
        tenant: str,
        key: str,
        examples: Sequence[Example],
        request: tuple[str, dict[str, Any], datetime | None, str | None] | None = None,
    ) -> None:
        """Set the examples one labelled request of ``tenant`` teaches (``key`` names the request; putting
        it again replaces them, an empty list and no ``request`` removes them). ``request`` is the whole labelled
        request (text, graph, the time its dates were resolved at, zone), for :meth:`recall`."""
        requests = dict(self._requests.get(tenant, {}))
        if request is not None:
            text, graph, when, zone = request
            normal = _NOISE.sub("", text).casefold()
            requests[key] = _Request(text, graph, when, zone, normal, " ".join(_DIGITS.findall(text)), self.vector(text))
        else:
            requests.pop(key, None)
        self._requests[tenant] = requests
        texts = [e.text for e in examples if e.text not in self._vectors]
        if texts:
            for text, vec in zip(texts, self._encode(texts), strict=True):
                self._vectors[text] = vec
        with self._lock:
            own = dict(self._tenants[tenant])
            if examples:
                own[key] = tuple(examples)
            else:
                own.pop(key, None)
            self._tenants[tenant] = own
            flat = tuple(e for group in own.values() for e in group)
            self._layers[tenant] = _Layer(np.vstack([self._vectors[e.text] for e in flat]), flat) if flat else _EMPTY

    def remove(self, tenant: str, key: str) -> None:
        self.put(tenant, key, ())

    def recall(self, tenant: str | None, text: str) -> Recalled | None:
        """The tenant's labelled request that ``text`` repeats: the same words (case, spaces and punctuation aside),
        or a near-copy (similarity >= RECALL_SIMILARITY) with the same numbers. None when it has none."""
        requests = self._requests.get(tenant or "")
        if not requests:
            return None
        normal = _NOISE.sub("", text).casefold()
        for r in requests.values():
            if r.normal == normal:
                return Recalled(r.text, r.graph, r.now, r.timezone, 1.0)
        digits = " ".join(_DIGITS.findall(text))
        if not any(r.digits == digits for r in requests.values()):
            return None  # a near-copy must carry the same numbers: no encoder call when none does
        q = self.vector(text)
        best: tuple[float, _Request] | None = None
        for r in requests.values():
            if r.digits != digits:
                continue
            sim = float(r.vector @ q)
            if sim >= RECALL_SIMILARITY and (best is None or sim > best[0]):
                best = (sim, r)
        if best is None:
            return None
        r = best[1]
        return Recalled(r.text, r.graph, r.now, r.timezone, best[0])

    def tenant_examples(self, tenant: str) -> dict[str, tuple[Example, ...]]:
        return dict(self._tenants.get(tenant, {}))

    def has_tenant_examples(self, tenant: str | None) -> bool:
        return bool(tenant) and bool(self._layers.get(tenant or "", _EMPTY).examples)

    def has_tenant_requests(self, tenant: str | None) -> bool:
        return bool(tenant) and bool(self._requests.get(tenant or ""))

    def tenants(self) -> dict[str, int]:
        """Tenants with examples of their own, and how many labelled requests each has."""
        return {t: len(r) for t, r in self._requests.items() if r}

    # ---------------------------------------------------------------- search

    def vector(self, text: str) -> np.ndarray:
        """The clause's embedding (the last few hundred are cached: one parse asks about a clause twice).
        Called from the event loop (parses) and the example follower's worker thread: the cache has a lock."""
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vec = self._encode([text])[0]
        with self._cache_lock:
            self._cache[text] = vec
            if len(self._cache) > _QUERY_CACHE:
                self._cache.popitem(last=False)
        return vec

    def prefetch(self, texts: Sequence[str]) -> None:
        """Embed the texts not cached yet in one encoder call and cache them (an encoder call costs mostly its
        overhead: three short clauses in one call take about half of three calls)."""
        with self._cache_lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(missing) < 2:
            return  # one text: vector() makes the same single call when asked
        vecs = self._encode(missing)
        with self._cache_lock:
            for text, vec in zip(missing, vecs, strict=True):
                self._cache[text] = vec
            while len(self._cache) > _QUERY_CACHE:
                self._cache.popitem(last=False)

    def neighbours(
        self,
        text: str,
        tenant: str | None = None,
        *,
        k: int | None = None,
        exclude_origins: frozenset[str] = frozenset(),
        where: Callable[[Example], bool] | None = None,
    ) -> list[Neighbour]:
        """The ``k`` most similar examples of the seed and ``tenant``'s layer, most similar first.
        ``exclude_origins`` leaves out seed examples of those sets (a leave-one-set-out evaluation)."""
        if self._seed is None:
            self.load()
        assert self._seed is not None
        q = self.vector(text)
        found: list[Neighbour] = []
        for layer, own in ((self._seed, False), (self._layers.get(tenant or "", _EMPTY), True)):
            if not layer.examples:
                continue
            sims = layer.vectors @ q
            order = np.argsort(-sims)
            taken = 0
            for j in order:
                ex = layer.examples[int(j)]
                if (not own and ex.origin in exclude_origins) or (where is not None and not where(ex)):
                    continue
                found.append(Neighbour(ex, float(sims[j]), own))
                taken += 1
                if taken >= (k or self.k):
                    break
        found.sort(key=lambda n: -n.similarity)
        return found[: k or self.k]

    def vote(
        self, text: str, tenant: str | None = None, *, exclude_origins: frozenset[str] = frozenset()
    ) -> list[Vote]:
        """Labels of the nearest examples with their weighted shares, best first."""
        near = self.neighbours(text, tenant, exclude_origins=exclude_origins)
        return tally(near)

    def nearest_own(self, text: str, tenant: str | None) -> Neighbour | None:
        """The tenant's own example most similar to ``text`` (a correction it made), if it has any."""
        layer = self._layers.get(tenant or "", _EMPTY)
        if not layer.examples:
            return None
        sims = layer.vectors @ self.vector(text)
        j = int(np.argmax(sims))
        return Neighbour(layer.examples[j], float(sims[j]), True)


def tally(near: Sequence[Neighbour]) -> list[Vote]:
    """Similarity-weighted votes of ``near`` per label, best first (negative similarities weigh nothing)."""
    weight: dict[Label, float] = defaultdict(float)
    best: dict[Label, float] = {}
    count: dict[Label, int] = defaultdict(int)
    own: dict[Label, bool] = defaultdict(bool)
    for n in near:
        lab = n.example.label
        weight[lab] += max(n.similarity, 0.0)
        best[lab] = max(best.get(lab, -1.0), n.similarity)
        count[lab] += 1
        own[lab] = own[lab] or n.tenant
    total = sum(weight.values()) or 1.0
    votes = [Vote(lab[0], lab[1], weight[lab] / total, best[lab], count[lab], own[lab]) for lab in weight]
    return sorted(votes, key=lambda v: (-v.share, -v.best))


def describe(votes: Sequence[Vote]) -> list[dict[str, Any]]:
    """Votes as plain dicts (for `autoglm parse --explain` and span attributes)."""
    return [{"type": v.type, "tool": v.tool, "share": round(v.share, 3), "best": round(v.best, 3)} for v in votes]
