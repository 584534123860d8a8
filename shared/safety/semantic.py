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

MODEL_PATH = Path(__file__).parent / "data" / "semantic.npz"
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


class SemanticHead:
    """``weights``: (512, len(labels)); ``bias``: (len(labels),); ``threshold``: the probability of harm or
    hate (summed) above which the layer calls a text hostile. The guard runs the encoder only when the
    gate says so: a logistic unit (``gate_weights``, ``gate_bias``) over the mean of the encoder's subword
    input embeddings (``MultilingualEncoder.subword_mean``, ~0.15 ms) gives harm-or-hate at least ``gate``."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: tuple[Category, ...] = LABELS,
                 threshold: float = 0.9, gate_weights: np.ndarray | None = None, gate_bias: float = 0.0,
                 gate: float = 0.35, encode: Encode | None = None,
                 subword: Callable[[str], np.ndarray] | None = None) -> None:
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
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path | None = None) -> SemanticHead:
        with np.load(path or MODEL_PATH) as z:
            labels = tuple(Category(str(x)) for x in z["labels"])
            return cls(z["weights"].astype(np.float32), z["bias"], labels, float(z["threshold"]),
                       z["gate_weights"].astype(np.float32), float(z["gate_bias"]), float(z["gate"]))

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

    def gate_score(self, form: str) -> float:
        """The gate's probability that ``form`` is harm or hate, from its subword embeddings alone."""
        if self._subword is None:
            from autoglm.shared.multilingual import default_encoder

            self._subword = default_encoder().subword_mean
        z = float(self._subword(form) @ self.gate_weights) + self.gate_bias
        return 1.0 / (1.0 + float(np.exp(-z)))

    def asks(self, form: str) -> bool:
        """Whether ``form`` is worth the encoder."""
        return self.gate_score(form) >= self.gate

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
