"""The learned layer: a linear softmax over hashed n-grams, numpy only.

Features (`features`) are read from the canonical form (normalise.py): Chinese character 1-3-grams,
English word 1-2-grams, and character 3-5-grams inside English words (with boundary marks, so `pr0mpt`
read as `prompt` and a typo still share most of their grams). Each feature is hashed with CRC-32 into
`2**bits` buckets; a text is the L2-normalised binary vector of its buckets, so a score is the sum of
its buckets' weight rows. The same function builds the training matrix in scripts/train_safety.py,
which fits a scikit-learn logistic regression and exports the weights here (`data/classifier.npz`);
scikit-learn is needed to train, never to run.

Cost: ~0.1 ms for a 100-character request on one core (hashing dominates); a request longer than
`SEGMENT` characters is also scored per segment, so an instruction buried in a long document is not
averaged away by the text around it.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .categories import Category

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN_RE = re.compile(f"[{HAN}]+")
_WORD_RE = re.compile(r"[a-z][a-z0-9']*|[0-9]+")
SEGMENT = 400  # characters per scored segment of a long text
MODEL_PATH = Path(__file__).parent / "data" / "classifier.npz"
MAX_CHARS = 16_000  # beyond this only rules read the text (the task limit is 8,000)

LABELS: tuple[Category, ...] = (
    Category.BENIGN,
    Category.INJECTION,
    Category.JAILBREAK,
    Category.HARM,
    Category.HATE,
    Category.SECRETS,
    Category.CROSS_TENANT,
    Category.DESTRUCTIVE,
)


def _grams(text: str) -> list[str]:
    out: list[str] = []
    for run in _HAN_RUN_RE.findall(text):
        n = len(run)
        out.extend("c" + ch for ch in run)
        out.extend("b" + run[i : i + 2] for i in range(n - 1))
        out.extend("t" + run[i : i + 3] for i in range(n - 2))
    words = _WORD_RE.findall(text)
    out.extend("w" + w for w in words)
    out.extend("p" + a + " " + b for a, b in zip(words, words[1:], strict=False))
    for w in words:
        if len(w) < 3 or w.isdigit():
            continue
        m = "<" + w + ">"
        k = len(m)
        for n in (3, 4, 5):
            out.extend("g" + m[i : i + n] for i in range(k - n + 1))
    return out


def bucket_ids(text: str, bits: int) -> np.ndarray:
    """The distinct feature buckets of ``text`` (sorted int64)."""
    mask = (1 << bits) - 1
    ids = {zlib.crc32(g.encode()) & mask for g in _grams(text)}
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


def segments(text: str) -> list[str]:
    """The text, and for a long one also its pieces of about SEGMENT characters cut at sentence ends."""
    text = text[:MAX_CHARS]
    if len(text) <= SEGMENT:
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + SEGMENT, len(text))
        if end < len(text):
            cut = max(text.rfind(p, start + SEGMENT // 2, end) for p in ".!?。！？\n;；")
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    return [text, *pieces]


@dataclass(frozen=True)
class Scores:
    """Class probabilities of the most hostile segment."""

    probabilities: dict[Category, float]

    @property
    def hostile(self) -> float:
        return 1.0 - self.probabilities[Category.BENIGN]

    @property
    def top(self) -> Category:
        hostile = {c: p for c, p in self.probabilities.items() if c is not Category.BENIGN}
        return max(hostile, key=hostile.__getitem__)


class LinearClassifier:
    """Softmax over hashed n-grams. ``weights``: (2**bits, len(labels)); ``bias``: (len(labels),)."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, bits: int, labels: tuple[Category, ...] = LABELS,
                 threshold: float = 0.5) -> None:
        if weights.shape != (1 << bits, len(labels)):
            raise ValueError(f"weights of shape {weights.shape} for {bits} bits and {len(labels)} labels")
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.bits = bits
        self.labels = labels
        self.threshold = threshold

    @classmethod
    def load(cls, path: Path | None = None) -> LinearClassifier:
        """The committed model (``data/classifier.npz``) or the one at ``path``."""
        with np.load(path or MODEL_PATH) as z:
            bits = int(z["bits"])
            labels = tuple(Category(str(x)) for x in z["labels"])
            weights = np.zeros((1 << bits, len(labels)), dtype=np.float32)
            weights[z["rows"]] = z["values"].astype(np.float32)
            return cls(weights, z["bias"], bits, labels, float(z["threshold"]))

    def save(self, path: Path, **meta: object) -> None:
        """Only the buckets training touched are stored (float16): the file stays small."""
        rows = np.flatnonzero(np.abs(self.weights).max(axis=1) > 1e-4)
        np.savez_compressed(
            path,
            bits=self.bits,
            labels=np.array([c.value for c in self.labels]),
            rows=rows.astype(np.int32),
            values=self.weights[rows].astype(np.float16),
            bias=self.bias,
            threshold=self.threshold,
            **{k: np.array(v) for k, v in meta.items()},
        )

    def _probabilities(self, ids: np.ndarray) -> np.ndarray:
        if ids.size == 0:
            z = self.bias.copy()
        else:
            z = self.weights[ids].sum(axis=0) / np.sqrt(ids.size) + self.bias
        z = z - z.max()
        e = np.exp(z)
        return e / e.sum()

    def score(self, texts: list[str]) -> Scores:
        """Scores of the most hostile of ``texts`` and of their segments."""
        best: np.ndarray | None = None
        benign = self.labels.index(Category.BENIGN)
        for text in texts:
            for piece in segments(text):
                p = self._probabilities(bucket_ids(piece, self.bits))
                if best is None or p[benign] < best[benign]:
                    best = p
        assert best is not None
        return Scores({c: float(best[i]) for i, c in enumerate(self.labels)})


@lru_cache(maxsize=1)
def committed_classifier() -> LinearClassifier:
    """The committed model, loaded once per process (~1.7 MB file, ~0.2 s)."""
    return LinearClassifier.load()
