"""Generation quality, speed and memory of a local model (issue 16 items 7 and 8): ``make eval-generation``.

Our own small set (tests/data/generation/prompts.jsonl: Chinese and English writing, chit-chat, questions and
translations; written for this check, tuned on) goes through the inference engine with the planner's own
prompts, in two configurations:

- ``before``: the decoding the system had (no output-language steering, no repetition controls, the old
  per-task budgets under the 256-token cap);
- ``after``: what the planner and the engine do now (the planner's token budget and output language per
  request, the profiles' repetition settings, the stop on a repeated span).

Each answer is checked automatically: non-empty; in the language asked (Chinese: at least half of its letters
are Han characters; English: none are); no degenerate tail (a run of one character six times or more, or a
span repeated three times at its end); for translations, one of the expected words. It prints the pass rate
per check and configuration, tokens per second (all requests at once, and one at a time) and the process RSS,
and writes JSON (``--out``).

``--model PATH`` measures another model directory or GGUF file. ``--random-qwen 0.5b`` builds a Qwen2.5-0.5B-
shaped model with random weights (no download: speed and memory only, its answers mean nothing) so the cost of
the stronger model a user may switch in can be read off this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SET = REPO / "tests" / "data" / "generation" / "prompts.jsonl"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")
OLD_BUDGETS = {"creative_writing": 256, "chitchat": 256, "question_answering": 256, "translation": 256,
               "summarization": 256}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def language_ok(text: str, lang: str) -> bool:
    letters = _LETTER.findall(text)
    if not letters:
        return False
    han = sum(bool(_HAN.match(c)) for c in letters)
    return han / len(letters) >= 0.5 if lang == "zh" else han == 0


def degenerate(text: str) -> bool:
    t = text.strip()
    if re.search(r"(.)\1{5,}", t):
        return True
    for n in range(2, 41):
        tail = t[-3 * n:]
        if len(tail) == 3 * n and tail[:n] == tail[n:2 * n] == tail[2 * n:]:
            return True
    return False


def checks(item: dict[str, Any], text: str) -> dict[str, bool]:
    out = {"non_empty": bool(text.strip()), "language": language_ok(text, item.get("target") or item["lang"]),
           "no_degenerate_tail": not degenerate(text)}
    if item.get("expect_any"):
        out["expected_word"] = any(w.lower() in text.lower() for w in item["expect_any"])
    return out


def random_qwen(size: str, into: Path) -> Path:
    """A Qwen2.5-shaped causal LM with random weights and the bundled model's tokenizer (speed/memory only)."""
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    from autoglm.services.inference.config import bundled_generation_model

    shapes = {"0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                           num_key_value_heads=2),
              "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                           num_key_value_heads=2)}
    config = Qwen2Config(vocab_size=151936, max_position_embeddings=32768, tie_word_embeddings=True,
                         torch_dtype="bfloat16", **shapes[size])
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(into)
    gguf = bundled_generation_model()
    assert gguf is not None
    AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(into)
    return into


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from autoglm.services.inference.config import InferenceConfig, default_profiles
    from autoglm.services.inference.engine import GenerateRequest, InferenceEngine
    from autoglm.services.planner.prompts import render_prompt
    from autoglm.services.planner.state import PlannerPolicy

    items = [json.loads(line) for line in SET.read_text().splitlines() if line.strip()]
    if args.limit:
        items = items[: args.limit]
    model_path = Path(args.model) if args.model else None
    tmp = None
    if args.random_qwen:
        tmp = tempfile.TemporaryDirectory(prefix="qwen-random-")
        model_path = random_qwen(args.random_qwen, Path(tmp.name))
    cfg_kwargs: dict[str, Any] = {"enable_cache": False, "embedding_model_path": None}
    if model_path is not None:
        cfg_kwargs["model_path"] = model_path
    cfg = InferenceConfig(**cfg_kwargs)
    before_rss = rss_mb()
    t0 = time.perf_counter()
    engine = await InferenceEngine.create(cfg, data_dir=Path(args.data_dir))
    load_s = time.perf_counter() - t0
    policy = PlannerPolicy()
    report: dict[str, Any] = {"model": engine.model_name, "dtype": engine.dtype, "load_s": round(load_s, 1),
                              "rss_mb_model": round(rss_mb() - before_rss), "rss_mb": round(rss_mb()),
                              "items": len(items), "configs": {}}
    old_profiles = {k: v.model_copy(update={"repetition_penalty": 1.0, "no_repeat_ngram_size": 0})
                    for k, v in default_profiles().items()}
    configs = ["after"] if args.random_qwen else ["before", "after"]
    for name in configs:
        engine.cfg = cfg.model_copy(update={"profiles": old_profiles if name == "before" else default_profiles()})

        def request(item: dict[str, Any], name: str = name) -> GenerateRequest:
            entities = {"target_language": item["target"]} if item.get("target") else {}
            messages = render_prompt(item["task"], request=item["text"], full_request=item["text"], inputs=[],
                                     history=[], language=item["lang"], entities=entities)
            if name == "before":
                params = {"max_new_tokens": OLD_BUDGETS.get(item["task"], 256), "stop_on_repeat": False}
            else:
                budget = (max(48, min(384, 48 + len(item["text"]))) if item["task"] == "translation"
                          else policy.token_budgets.get(item["task"], 256))
                params = {"max_new_tokens": budget}
                language = item.get("target") or item["lang"]
                if item["task"] in policy.steer_language_for:
                    params["language"] = language
            if args.random_qwen:  # speed only: a fixed length, whatever random weights would say
                params = {"max_new_tokens": 128, "min_new_tokens": 128, "stop_on_repeat": False}
            params["seed"] = 7
            return GenerateRequest(messages=messages, task_type=item["task"], params=params)

        started = time.perf_counter()
        results = await asyncio.gather(*(engine.generate(request(i)) for i in items))
        wall = time.perf_counter() - started
        tokens = sum(r.completion_tokens for r in results)
        one = items[: min(4, len(items))]
        single_started = time.perf_counter()
        single_tokens = 0
        for item in one:
            single_tokens += (await engine.generate(request(item))).completion_tokens
        single_wall = time.perf_counter() - single_started
        rows = []
        for item, result in zip(items, results, strict=True):
            verdict = checks(item, result.text)
            rows.append({"id": item["id"], "ok": all(verdict.values()), **verdict, "finish": result.finish_reason,
                         "tokens": result.completion_tokens, "text": result.text[:300]})
        names = sorted({k for r in rows for k in r if k not in ("id", "ok", "finish", "tokens", "text")})
        summary = {k: round(sum(r[k] for r in rows if k in r) / max(1, sum(k in r for r in rows)), 3) for k in names}
        summary.update({
            "all_checks": round(sum(r["ok"] for r in rows) / len(rows), 3),
            "zh_all_checks": round(sum(r["ok"] for r, i in zip(rows, items, strict=True) if i["lang"] == "zh")
                                   / max(1, sum(i["lang"] == "zh" for i in items)), 3),
            "tokens_per_s_batched": round(tokens / wall, 1),
            "tokens_per_s_single": round(single_tokens / single_wall, 1) if single_wall else 0.0,
            "mean_tokens": round(tokens / len(rows), 1),
            "finish_reasons": {f: sum(r["finish"] == f for r in rows) for f in sorted({r["finish"] for r in rows})},
        })
        report["configs"][name] = {"summary": summary, "rows": rows}
        print(f"{name:>6}: {json.dumps(summary, ensure_ascii=False)}", flush=True)
    report["rss_mb_peak"] = round(rss_mb())
    await engine.aclose()
    if tmp is not None:
        tmp.cleanup()
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a model directory or .gguf file (default: the bundled SmolLM2-135M)")
    ap.add_argument("--random-qwen", choices=["0.5b", "1.5b"], help="speed and memory of a Qwen2.5 shape")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--data-dir", default=os.environ.get("AUTOGLM_DATA_DIR", str(REPO / "data")))
    ap.add_argument("--out", help="write the JSON report here")
    args = ap.parse_args()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    report = asyncio.run(run(args))
    report["load_before"] = load
    with open("/proc/loadavg") as f:
        report["load_after"] = f.read().split()[:3]
    print(json.dumps({k: v for k, v in report.items() if k != "configs"}, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(0)


if __name__ == "__main__":
    main()
