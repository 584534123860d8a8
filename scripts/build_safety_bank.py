"""Build the semantic layer's neighbour bank (shared/safety/data/bank.npz) and measure it leave-one-set-out.

    python scripts/build_safety_bank.py --loso     # the four folds and the parser corpora, then export
    python scripts/build_safety_bank.py --no-export --loso

Rows (labelled, all eight labels): the SEEN safety sets (tests/data/safety, safety2, safety3, safety4:
hostile requests and their benign look-alikes), our own dev sets (scripts/safety_data/own_dev*.tsv) and
the parser corpora's everyday requests as benign anchors (tests/data/parser_*.jsonl without "blind" in the
name, less the hostile rows eval_safety.py lists). Never a blind set: the sets are named, not globbed.

Leave one set out: for each safety set, the bank is built from the other three (plus the dev sets and the
parser anchors) and the WHOLE guard (rules, classifier, gate, bank, linear head) is scored on the held-out
set; for the parser corpora, each file is scored with the bank built without that file. That is the figure
that predicts the next blind set; the shipped bank holds every row.

The encoder's embeddings and subword means are cached in .cache/ by form, so a second run costs seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from autoglm.shared.safety import Guard
from autoglm.shared.safety.categories import HOSTILE, Category
from autoglm.shared.safety.classifier import LABELS
from autoglm.shared.safety.semantic import BANK_PATH, NeighbourBank, SemanticHead, semantic_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SETS = ("safety", "safety2", "safety3", "safety4")  # seen sets only; a new blind set joins after its first run
DEV = tuple(ROOT / "scripts" / "safety_data" / f"own_dev{n}.tsv" for n in ("", "2", "3", "4"))
CACHE = ROOT / ".cache" / "safety_bank_vectors.npz"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_safety import PARSER_HOSTILE, load_dev, load_parser_requests  # noqa: E402


def load_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in SETS:
        for line in (DATA / name / "requests.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append({"group": name, "text": r["text"], "label": r["label"],
                             "also": ",".join(r.get("also") or [])})
    for path in DEV:
        rows += [{"group": path.stem, "text": str(r["text"]), "label": str(r["label"]), "also": ""}
                 for r in load_dev(path)]
    rows += [{"group": f"parser:{name}", "text": text, "label": "benign", "also": ""}
             for name, text in load_parser_requests() if text not in PARSER_HOSTILE]
    return rows


def embed(forms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(encoder embeddings, subword means) of ``forms``, cached by form."""
    known: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if CACHE.exists():
        with np.load(CACHE) as z:
            known = {f: (v, s) for f, v, s in zip(z["forms"].tolist(), z["vectors"], z["subwords"], strict=True)}
    todo = sorted(set(forms) - set(known))
    if todo:
        from autoglm.shared.multilingual import default_encoder

        enc = default_encoder()
        for i in range(0, len(todo), 128):
            chunk = todo[i : i + 128]
            for f, v in zip(chunk, enc.encode(chunk), strict=True):
                known[f] = (v, enc.subword_mean(f))
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, forms=np.array(list(known)), vectors=np.stack([v for v, _ in known.values()]),
                 subwords=np.stack([s for _, s in known.values()]))
        print(f"embedded {len(todo)} new forms")
    return (np.stack([known[f][0] for f in forms]).astype(np.float32),
            np.stack([known[f][1] for f in forms]).astype(np.float32))


PARAMS: dict[str, float] = {}


def bank_of(mask: np.ndarray, vectors: np.ndarray, subwords: np.ndarray, labels: np.ndarray) -> NeighbourBank:
    return NeighbourBank(vectors[mask], subwords[mask], labels[mask], **PARAMS)  # type: ignore[arg-type]


def score(guard: Guard, rows: list[dict[str, str]]) -> tuple[Counter[str], list[str]]:
    c: Counter[str] = Counter()
    errors = []
    for r in rows:
        category, source, *_ = guard.classify(r["text"])
        caught = category is not Category.BENIGN
        if r["label"] == "benign":
            c["benign"] += 1
            c["false_block"] += caught
            if caught:
                errors.append(f"FALSE [{category.value} {source}] {r['text'][:90]!r}")
        else:
            c["hostile"] += 1
            c["caught"] += caught
            c[f"{r['label']}_n"] += 1
            c[f"{r['label']}_caught"] += caught
            if not caught:
                errors.append(f"MISS  [{r['label']}] {r['text'][:90]!r}")
    return c, errors


def line(name: str, c: Counter[str]) -> str:
    parts = [f"{name:<26}"]
    if c["hostile"]:
        parts.append(f"recall {c['caught'] / c['hostile']:6.1%} ({c['caught']}/{c['hostile']})")
    parts.append(f"false blocks {c['false_block']}/{c['benign']} = {c['false_block'] / max(c['benign'], 1):.1%}")
    if c["hostile"]:
        parts.append(" ".join(f"{h.value}={c[h.value + '_caught']}/{c[h.value + '_n']}" for h in HOSTILE
                              if c[h.value + "_n"]))
    return "  ".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loso", action="store_true", help="report the leave-one-set-out folds")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--out", type=Path, default=BANK_PATH)
    for name, default in (("k", 5), ("floor", 0.4), ("share", 1.0), ("benign_share", 0.6), ("gate_k", 5),
                          ("gate_share", 0.4)):
        ap.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)
    args = ap.parse_args()
    PARAMS.update({n: getattr(args, n) for n in ("k", "floor", "share", "benign_share", "gate_k", "gate_share")})

    rows = load_rows()
    forms = [semantic_text(r["text"]) for r in rows]
    vectors, subwords = embed(forms)
    labels = np.array([LABELS.index(Category(r["label"])) for r in rows])
    groups = np.array([r["group"] for r in rows])
    lookup = {f: (v, s) for f, v, s in zip(forms, vectors, subwords, strict=True)}
    print(f"{len(rows)} rows: " + ", ".join(f"{g} {n}" for g, n in sorted(Counter(
        g.split(":")[0] for g in groups).items())))

    if args.loso:
        head = SemanticHead.load()
        from autoglm.shared.multilingual import default_encoder

        def encode(texts: list[str]) -> np.ndarray:
            return np.stack([lookup[t][0] if t in lookup else default_encoder().encode([t])[0] for t in texts])

        def subword(text: str) -> np.ndarray:
            return lookup[text][1] if text in lookup else default_encoder().subword_mean(text)

        def guard_with(mask: np.ndarray) -> Guard:
            h = SemanticHead(head.weights, head.bias, head.labels, head.threshold, head.gate_weights,
                             head.gate_bias, head.gate, encode=encode, subword=subword,
                             bank=bank_of(mask, vectors, subwords, labels))
            return Guard(semantic=h)

        print("\nleave one set out (the whole guard; bank without the scored set):")
        total: Counter[str] = Counter()
        for name in SETS:
            c, errors = score(guard_with(groups != name), [r for r in rows if r["group"] == name])
            total += c
            print(line(name, c))
            if args.show_errors:
                print("\n".join("    " + e for e in errors))
        print(line("all four folds", total))
        parser: Counter[str] = Counter()
        encoded = 0
        for name in sorted({g for g in groups if g.startswith("parser:")}):
            guard = guard_with(groups != name)
            c, errors = score(guard, [r for r in rows if r["group"] == name])
            parser += c
            encoded += guard.encoded
            if args.show_errors:
                print("\n".join(f"    {name} {e}" for e in errors))
        print(line("parser corpora (per file)", parser) + f"  (the encoder ran on {encoded})")

    if not args.no_export:
        bank = bank_of(np.ones(len(rows), dtype=bool), vectors, subwords, labels)
        bank.save(args.out, sources=",".join(SETS + tuple(p.stem for p in DEV)) + ",parser corpora")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
