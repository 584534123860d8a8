"""The semantic layer: a softmax over the eight labels on the multilingual encoder's embedding.

Rules and character n-grams catch the wordings they were written or trained for; a request for harm or
hate in new words ("what could I sprinkle on his food to put him in hospital", "编一段顺口溜取笑外地打工仔")
shares no n-gram with them but lands near them in the encoder's space (USE multilingual v3, 512-d, zh and
en in one space: ``autoglm.shared.multilingual``). The head is a linear map, numpy only, trained by
scripts/train_safety_semantic.py and stored in ``data/semantic.npz`` (~20 KB).

The encoder costs ~1.5-2.5 ms a short text on this CPU, more than the guard's whole budget if paid on
every request, so the guard asks this layer only where the rules and the n-gram classifier are silent,
and only when a cheap gate sees harm or hate: a logistic unit over the mean of the encoder's own subword
input embeddings (~0.15 ms, no n-gram or dense layers), trained with the head. It sends ~1% of everyday
requests to the encoder and ~90% of our held-out harm and hate. Recent vectors are cached.

The neighbour bank (NeighbourBank, data/bank.npz) votes on all seven categories: the labelled requests
nearest to a request in the encoder's space decide where they agree, the head where they do not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .categories import Category
from .classifier import LABELS
from .normalise import Views, views
from .pinyin import looks_like_pinyin

MODEL_PATH = Path(__file__).parent / "data" / "semantic.npz"
BANK_PATH = Path(__file__).parent / "data" / "bank.npz"
MAX_CHARS = 600  # the encoder reads this much of a text (a long request's start; rules read all of it)
_CACHE = 256

Encode = Callable[[Sequence[str]], np.ndarray]


def form_of(v: Views) -> str:
    """The form the layer embeds: the decoded or canonical view (normalise.py), cut to MAX_CHARS."""
    return (v.decoded or v.canonical)[:MAX_CHARS]


def semantic_text(text: str) -> str:
    return form_of(views(text))


DECIDES: tuple[Category, ...] = (Category.HARM, Category.HATE)
"""The categories the layer may decide. The rules catch most injection, jailbreak, secrets, cross-tenant
and destructive requests, and there the layer (trained mostly on English injection corpora) blocked
everyday requests of the parser corpora ("can you boil this down to one line: ..."); harm and hate are
where new wording escapes the rules."""


class NeighbourBank:
    """Labelled requests of all eight labels, as the encoder's embedding and the subword mean, int8: the
    layer's nearest-neighbour vote, for all seven categories. A request is decided by the ``k`` labelled
    requests nearest to it (cosine on the encoder's embedding): hostile when the nearest is at least
    ``floor`` close and at least ``share`` of the ``k`` are hostile (the category: their commonest);
    benign when the nearest is that close and at least ``benign_share`` are benign; otherwise unsure, and
    the rules, the classifier and the linear head keep the say. The encoder (~1.5-4 ms a text) runs only
    when the cheap subword view sees a hostile request among its ``gate_k`` nearest in ``gate_share``.

    Built by scripts/build_safety_bank.py from the labelled rows of the seen safety sets, our own dev sets
    and the parser corpora's everyday requests (benign anchors); its leave-one-set-out figures are in the
    README. A new phrasing is caught when it lands near an old one of the same intent, in either language."""

    def __init__(self, vectors: np.ndarray, subwords: np.ndarray, labels: np.ndarray, *, k: int = 5,
                 floor: float = 0.4, share: float = 1.0, benign_share: float = 0.6, gate_k: int = 5,
                 gate_share: float = 0.4, categories: tuple[Category, ...] = LABELS) -> None:
        if not (len(vectors) == len(subwords) == len(labels)):
            raise ValueError("one label per vector")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.subwords = np.ascontiguousarray(subwords, dtype=np.float32)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.categories = categories
        self.benign = categories.index(Category.BENIGN)
        self.k, self.floor, self.share, self.benign_share = k, floor, share, benign_share
        self.gate_k, self.gate_share = gate_k, gate_share

    @classmethod
    def load(cls, path: Path | None = None) -> NeighbourBank:
        with np.load(path or BANK_PATH) as z:
            scale = float(z["scale"])
            params = {n: z[n].item() for n in ("k", "floor", "share", "benign_share", "gate_k", "gate_share")}
            return cls(z["vectors"].astype(np.float32) / scale, z["subwords"].astype(np.float32) / scale,
                       z["labels"], categories=tuple(Category(str(x)) for x in z["categories"]), **params)

    def save(self, path: Path, **meta: object) -> None:
        scale = 127.0 / max(float(np.abs(self.vectors).max()), float(np.abs(self.subwords).max()), 1e-6)
        q = lambda a: np.clip(np.rint(a * scale), -127, 127).astype(np.int8)  # noqa: E731
        np.savez_compressed(path, vectors=q(self.vectors), subwords=q(self.subwords), labels=self.labels.astype(np.int8),
                            scale=scale, categories=np.array([c.value for c in self.categories]), k=self.k,
                            floor=self.floor, share=self.share, benign_share=self.benign_share, gate_k=self.gate_k,
                            gate_share=self.gate_share, **{k: np.array(v) for k, v in meta.items()})

    def _nearest(self, bank: np.ndarray, vector: np.ndarray, k: int) -> tuple[np.ndarray, float]:
        sims = bank @ vector
        idx = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
        return self.labels[idx], float(sims[idx].max(initial=-1.0))

    def worth_encoding(self, subword: np.ndarray) -> bool:
        """Whether the subword view's nearest labelled requests hold hostile ones (the encoder's gate)."""
        labels, _ = self._nearest(self.subwords, subword, self.gate_k)
        return float(np.mean(labels != self.benign)) >= self.gate_share

    def vote(self, vector: np.ndarray) -> tuple[Category | None, float]:
        """(category, share of the vote) for an encoder embedding: a hostile category or BENIGN when the
        neighbours agree, None when they do not or are too far."""
        labels, top = self._nearest(self.vectors, vector, self.k)
        if top < self.floor:
            return None, 0.0
        hostile = labels[labels != self.benign]
        if len(hostile) >= self.share * len(labels):
            counts = np.bincount(hostile, minlength=len(self.categories))
            return self.categories[int(counts.argmax())], len(hostile) / len(labels)
        if len(labels) - len(hostile) >= self.benign_share * len(labels):
            return Category.BENIGN, 1.0 - len(hostile) / len(labels)
        return None, 0.0


class SemanticHead:
    """``weights``: (512, len(labels)); ``bias``: (len(labels),); ``threshold``: the probability of harm or
    hate (summed) above which the layer calls a text hostile. The guard runs the encoder only when the
    gate says so: a logistic unit (``gate_weights``, ``gate_bias``) over the mean of the encoder's subword
    input embeddings (``MultilingualEncoder.subword_mean``, ~0.15 ms) gives harm-or-hate at least ``gate``."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: tuple[Category, ...] = LABELS,
                 threshold: float = 0.9, gate_weights: np.ndarray | None = None, gate_bias: float = 0.0,
                 gate: float = 0.35, encode: Encode | None = None,
                 subword: Callable[[str], np.ndarray] | None = None, bank: NeighbourBank | None = None) -> None:
        if weights.shape[1] != len(labels) or bias.shape != (len(labels),):
            raise ValueError(f"weights {weights.shape} / bias {bias.shape} for {len(labels)} labels")
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.labels = labels
        self.threshold = threshold
        self.gate_weights = (np.zeros(weights.shape[0], np.float32) if gate_weights is None
                             else gate_weights.astype(np.float32))
        self.gate_bias = float(gate_bias)
        self.gate = gate
        self._encode = encode
        self._subword = subword
        self.bank = bank
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path | None = None, bank: Path | None = None) -> SemanticHead:
        """The head at ``path``, with the neighbour bank at ``bank`` (default: the committed one, if any)."""
        with np.load(path or MODEL_PATH) as z:
            labels = tuple(Category(str(x)) for x in z["labels"])
            head = cls(z["weights"].astype(np.float32), z["bias"], labels, float(z["threshold"]),
                       z["gate_weights"].astype(np.float32), float(z["gate_bias"]), float(z["gate"]))
        bank = bank or BANK_PATH
        head.bank = NeighbourBank.load(bank) if bank.exists() else None
        return head

    def save(self, path: Path, **meta: object) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16), bias=self.bias,
                            labels=np.array([c.value for c in self.labels]), threshold=self.threshold,
                            gate_weights=self.gate_weights.astype(np.float16), gate_bias=self.gate_bias,
                            gate=self.gate, **{k: np.array(v) for k, v in meta.items()})

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per embedding row."""
        z = np.atleast_2d(vectors) @ self.weights + self.bias
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def vector(self, form: str) -> np.ndarray:
        """The embedding of ``form`` (a semantic_text form), from the cache or the encoder."""
        with self._lock:
            hit = self._cache.get(form)
            if hit is not None:
                self._cache.move_to_end(form)
                return hit
        if self._encode is None:
            from autoglm.shared.multilingual import default_encoder

            self._encode = default_encoder().encode
        vec = np.asarray(self._encode([form]), dtype=np.float32)[0]
        with self._lock:
            self._cache[form] = vec
            if len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        return vec

    def subword(self, form: str) -> np.ndarray:
        """The subword-mean view of ``form`` (~0.15 ms; ``MultilingualEncoder.subword_mean``)."""
        if self._subword is None:
            from autoglm.shared.multilingual import default_encoder

            self._subword = default_encoder().subword_mean
        return np.asarray(self._subword(form), dtype=np.float32)

    def gate_score(self, form: str, subword: np.ndarray | None = None) -> float:
        """The gate's probability that ``form`` is harm or hate, from its subword embeddings alone."""
        z = float((self.subword(form) if subword is None else subword) @ self.gate_weights) + self.gate_bias
        return 1.0 / (1.0 + float(np.exp(-z)))

    def asks(self, form: str) -> bool:
        """Whether ``form`` is worth the encoder: the linear gate sees harm or hate, or the bank's subword
        neighbours hold hostile requests."""
        sub = self.subword(form)
        return self.gate_score(form, sub) >= self.gate or (self.bank is not None and self.bank.worth_encoding(sub))

    def judge(self, form: str) -> tuple[Category, str, float]:
        """(category, source, confidence) of an encoded ``form``: the bank's vote where its neighbours
        agree ("neighbours"; a benign vote also silences the linear head, whose counter-speech look-alikes
        were most of its false blocks), else the linear head's harm or hate above its threshold
        ("semantic"), else BENIGN."""
        vector = self.vector(form)
        # Romanised Chinese is no language of the encoder: its neighbours are other pinyin rows, whatever
        # they mean (a question about bedtime landed among pinyin attacks). The rules read pinyin instead.
        if self.bank is not None and not looks_like_pinyin(form):
            category, share = self.bank.vote(vector)
            if category is Category.BENIGN:
                return Category.BENIGN, "neighbours", share
            if category is not None:
                if category in DECIDES:  # harm or hate: the head, trained on both, tells them apart better
                    top, meaning = self.score(form, vector)
                    category = top if meaning >= self.threshold else category
                return category, "neighbours", share
        top, meaning = self.score(form, vector)
        if meaning >= self.threshold:
            return top, "semantic", meaning
        return Category.BENIGN, "none", meaning

    def decided(self, probabilities: np.ndarray) -> tuple[Category, float]:
        """Of one row of probabilities: the likelier of the categories the layer decides, and their sum."""
        idx = [self.labels.index(c) for c in DECIDES]
        top = max(idx, key=lambda i: probabilities[i])
        return self.labels[top], float(sum(probabilities[i] for i in idx))

    def score(self, form: str, vector: np.ndarray | None = None) -> tuple[Category, float]:
        """The likelier of harm and hate for ``form`` and their summed probability. ``vector``: the
        encoder's embedding of ``form`` when the caller already has it."""
        return self.decided(self.probabilities(self.vector(form) if vector is None else vector)[0])


@lru_cache(maxsize=1)
def committed_head() -> SemanticHead | None:
    """The committed head, loaded once per process; None when the file is absent."""
    return SemanticHead.load() if MODEL_PATH.exists() else None
