"""LoRA fine-tuning of the generation model on exported feedback (issue 21): ``autoglm finetune FILE``.

Reads the JSONL of ``autoglm feedback export``, holds out a seeded share of the rows, trains a LoRA adapter
(peft) for a bounded number of optimizer steps, and evaluates the base model and the adapted one on the
held-out rows: mean token loss of the reference answers, greedy answers scored by exact match and token overlap
(F1 over words, or characters for CJK), and for preference pairs the share the model prefers as labelled.

Objectives: ``sft`` (``messages`` rows, or a ``dpo`` row's prompt and chosen answer) learns the assistant turns
only (the prompt's tokens are masked out of the loss); ``dpo`` (``prompt``/``chosen``/``rejected`` rows) is Direct
Preference Optimization against the base model as the reference (the adapter switched off), beta ``dpo_beta``.

The adapter is written where the inference service finds it: ``<adapters_dir>/global`` or
``<adapters_dir>/tenants/<tenant>`` (``inference.adapters_dir``, default ``<data_dir>/adapters``), with
``report.json`` (the figures, the data, the machine). Runs on CUDA when there is one, else on the CPU with
bf16 autocast where the CPU has native bf16 (fp32 master weights either way).
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from .loading import cpu_supports_bf16, local_model_dir, resolve_device

log = logging.getLogger(__name__)

TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class FinetuneOptions:
    steps: int = 60
    batch_size: int = 8
    learning_rate: float = 5e-4
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    max_tokens: int = 256
    heldout: float = 0.2
    eval_generate: int = 40
    max_new_tokens: int = 64
    seed: int = 0
    device: str = "auto"
    objective: str = "sft"
    dpo_beta: float = 0.1


@dataclass
class Scores:
    loss: float
    exact_match: float | None = None
    overlap: float | None = None
    examples: int = 0
    preference: float | None = None  # held-out pairs where the chosen answer is the likelier one


@dataclass
class FinetuneReport:
    adapter_dir: str
    tenant: str | None
    base_model: str
    rows: int
    train_rows: int
    heldout_rows: int
    steps: int
    options: dict[str, Any]
    base: Scores
    adapted: Scores
    train_seconds: float
    device: str
    machine: dict[str, Any] = field(default_factory=dict)
    samples: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------ data


def conversations(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, str]]]:
    """Chat conversations ending in the assistant turn to learn, from ``sft`` or ``dpo`` export rows."""
    out = []
    for row in rows:
        if "messages" in row:
            messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in row["messages"]]
        elif "prompt" in row and "chosen" in row:
            prompt = row["prompt"] if isinstance(row["prompt"], list) else [{"role": "user", "content": row["prompt"]}]
            chosen = row["chosen"] if isinstance(row["chosen"], list) else [{"role": "assistant", "content": row["chosen"]}]
            messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in [*prompt, *chosen]]
        else:
            continue
        if len(messages) >= 2 and messages[-1]["role"] == "assistant" and messages[-1]["content"].strip():
            out.append(messages)
    return out


Pair = tuple[list[dict[str, str]], list[dict[str, str]]]  # (prompt + chosen, prompt + rejected)


def pairs(rows: Iterable[dict[str, Any]]) -> list[Pair]:
    """Preference pairs from ``dpo`` export rows."""
    out = []
    for row in rows:
        if not {"prompt", "chosen", "rejected"} <= set(row):
            continue
        prompt = row["prompt"] if isinstance(row["prompt"], list) else [{"role": "user", "content": row["prompt"]}]
        prompt = [{"role": str(m["role"]), "content": str(m["content"])} for m in prompt]

        def turn(value: Any) -> list[dict[str, str]]:
            msgs = value if isinstance(value, list) else [{"role": "assistant", "content": value}]
            return [{"role": str(m["role"]), "content": str(m["content"])} for m in msgs]

        chosen, rejected = turn(row["chosen"]), turn(row["rejected"])
        if chosen and rejected and chosen[-1]["content"].strip() and rejected[-1]["content"].strip():
            out.append(([*prompt, *chosen], [*prompt, *rejected]))
    return out


def read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
    return rows


def split(items: list[Any], heldout: float, seed: int) -> tuple[list[Any], list[Any]]:
    """A seeded shuffle, then the last ``heldout`` share (at least one row when there are two or more) apart."""
    order = list(items)
    random.Random(seed).shuffle(order)
    n = max(1, round(len(order) * heldout)) if len(order) > 1 and heldout > 0 else 0
    return order[: len(order) - n], order[len(order) - n :]


def encode(tokenizer: Any, messages: list[dict[str, str]], max_tokens: int) -> tuple[list[int], list[int]]:
    """Token ids of the whole conversation and its labels: -100 on everything but the last assistant turn."""
    prompt = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=True,
                                           return_dict=False)
    full = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=False)
    if list(full[: len(prompt)]) != list(prompt):  # a template that renders the prompt differently in context
        answer = tokenizer(messages[-1]["content"] + (tokenizer.eos_token or ""), add_special_tokens=False)["input_ids"]
        full = list(prompt) + list(answer)
    ids = list(full)[:max_tokens]
    labels = [-100] * min(len(prompt), len(ids)) + ids[len(prompt):]
    return ids, labels


def _batches(encoded: list[tuple[list[int], list[int]]], size: int, pad: int) -> Iterable[dict[str, torch.Tensor]]:
    for start in range(0, len(encoded), size):
        chunk = encoded[start : start + size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (i, lab) in enumerate(chunk):
            ids[row, : len(i)] = torch.tensor(i)
            labels[row, : len(lab)] = torch.tensor(lab)
            mask[row, : len(i)] = 1
        yield {"input_ids": ids, "labels": labels, "attention_mask": mask}


# ------------------------------------------------------------------ scores


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for word in re.findall(r"\w+", text):
        out.extend(_CJK.findall(word) if _CJK.search(word) else [word])
    return out


def normalise(text: str) -> str:
    return " ".join(_tokens(text))


def overlap(prediction: str, reference: str) -> float:
    """Token F1 between a prediction and the reference (words; CJK characters one by one)."""
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common: dict[str, int] = {}
    for t in ref:
        common[t] = common.get(t, 0) + 1
    hit = 0
    for t in pred:
        if common.get(t, 0) > 0:
            hit += 1
            common[t] -= 1
    if hit == 0:
        return 0.0
    precision, recall = hit / len(pred), hit / len(ref)
    return 2 * precision * recall / (precision + recall)


def _autocast(device: str) -> Any:
    if device == "cpu" and cpu_supports_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    if device == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16)
    import contextlib

    return contextlib.nullcontext()


@torch.no_grad()
def heldout_loss(model: Any, encoded: list[tuple[list[int], list[int]]], pad: int, device: str, size: int) -> float:
    """Mean token loss over the reference answers (every answer token weighs the same)."""
    model.eval()
    total, count = 0.0, 0
    for batch in _batches(encoded, size, pad):
        batch = {k: v.to(device) for k, v in batch.items()}
        with _autocast(device):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float()
        shift_logits, shift_labels = logits[:, :-1], batch["labels"][:, 1:]
        loss = torch.nn.functional.cross_entropy(shift_logits.reshape(-1, shift_logits.size(-1)),
                                                 shift_labels.reshape(-1), ignore_index=-100, reduction="sum")
        total += float(loss)
        count += int((shift_labels != -100).sum())
    return total / max(count, 1)


def sequence_logps(model: Any, batch: dict[str, torch.Tensor], device: str) -> torch.Tensor:
    """Per row, the summed log-probability of the labelled (answer) tokens."""
    with _autocast(device):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float()
    labels = batch["labels"][:, 1:]
    logps = torch.log_softmax(logits[:, :-1], dim=-1)
    mask = labels != -100
    picked = torch.gather(logps, 2, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (picked * mask).sum(dim=1)


@torch.no_grad()
def preference_accuracy(model: Any, encoded: list[tuple[tuple[list[int], list[int]], tuple[list[int], list[int]]]],
                        pad: int, device: str, size: int) -> float | None:
    """Share of pairs whose chosen answer the model finds likelier than the rejected one."""
    if not encoded:
        return None
    model.eval()
    wins = 0
    for start in range(0, len(encoded), size):
        chunk = encoded[start : start + size]
        both = next(iter(_batches([c for c, _ in chunk] + [r for _, r in chunk], 2 * len(chunk), pad)))
        lp = sequence_logps(model, {k: v.to(device) for k, v in both.items()}, device)
        wins += int((lp[: len(chunk)] > lp[len(chunk) :]).sum())
    return wins / len(encoded)


@torch.no_grad()
def answers(model: Any, tokenizer: Any, convs: list[list[dict[str, str]]], device: str, size: int,
            max_new_tokens: int) -> list[str]:
    """Greedy answers to the conversations' prompts (left-padded batches)."""
    model.eval()
    out: list[str] = []
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        for start in range(0, len(convs), size):
            prompts = [tokenizer.apply_chat_template(c[:-1], add_generation_prompt=True, tokenize=False)
                       for c in convs[start : start + size]]
            batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
            with _autocast(device):
                ids = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                     pad_token_id=tokenizer.pad_token_id)
            out.extend(tokenizer.decode(row[batch["input_ids"].shape[1]:], skip_special_tokens=True).strip()
                       for row in ids)
    finally:
        tokenizer.padding_side = side
    return out


def score(model: Any, tokenizer: Any, convs: list[list[dict[str, str]]], encoded: list[tuple[list[int], list[int]]],
          opts: FinetuneOptions, device: str, encoded_pairs: list[Any] | None = None) -> tuple[Scores, list[str]]:
    loss = heldout_loss(model, encoded, tokenizer.pad_token_id, device, opts.batch_size)
    preference = preference_accuracy(model, encoded_pairs or [], tokenizer.pad_token_id, device, opts.batch_size)
    sample = convs[: opts.eval_generate]
    if not sample:
        return Scores(loss=loss, preference=preference), []
    predicted = answers(model, tokenizer, sample, device, opts.batch_size, opts.max_new_tokens)
    refs = [c[-1]["content"] for c in sample]
    exact = sum(normalise(p) == normalise(r) for p, r in zip(predicted, refs, strict=True)) / len(sample)
    mean_overlap = sum(overlap(p, r) for p, r in zip(predicted, refs, strict=True)) / len(sample)
    return Scores(loss=loss, exact_match=exact, overlap=mean_overlap, examples=len(sample),
                  preference=preference), predicted


# ------------------------------------------------------------------ training


def adapter_dir(adapters_dir: Path, tenant: str | None) -> Path:
    """Where the inference service looks for the adapter of ``tenant`` (None: every tenant's)."""
    return adapters_dir / "tenants" / tenant if tenant else adapters_dir / "global"


def _machine(device: str) -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(), "cpus": os.cpu_count(), "torch": torch.__version__,
                            "threads": torch.get_num_threads(), "device": device}
    if hasattr(os, "getloadavg"):
        info["load_before"] = [round(x, 2) for x in os.getloadavg()]
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def finetune(
    rows: list[dict[str, Any]],
    *,
    model_path: Path,
    cache_dir: Path,
    out_dir: Path,
    tenant: str | None = None,
    opts: FinetuneOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> FinetuneReport:
    """Train, evaluate and save a LoRA adapter (see the module doc); returns the report (also in report.json)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    opts = opts or FinetuneOptions()
    say = progress or (lambda _m: None)
    if opts.objective not in ("sft", "dpo"):
        raise ValueError(f"objective {opts.objective!r}: sft or dpo")
    train_pairs: list[Pair] = []
    held_pairs: list[Pair] = []
    if opts.objective == "dpo":
        found = pairs(rows)
        if len(found) < 2:
            raise ValueError(f"{len(found)} preference pair(s): DPO needs at least two (one held out)")
        train_pairs, held_pairs = split(found, opts.heldout, opts.seed)
        train_convs, held_convs = [c for c, _ in train_pairs], [c for c, _ in held_pairs]
        convs = [*train_convs, *held_convs]
    else:
        convs = conversations(rows)
        if len(convs) < 2:
            raise ValueError(f"{len(convs)} usable conversation(s): a fine-tune needs at least two (one held out)")
        train_convs, held_convs = split(convs, opts.heldout, opts.seed)
    torch.manual_seed(opts.seed)
    device = resolve_device(opts.device)
    machine = _machine(device)
    directory = local_model_dir(model_path, cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(directory))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model: Any = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32).to(device)
    train_enc = [encode(tokenizer, c, opts.max_tokens) for c in train_convs]
    held_enc = [encode(tokenizer, c, opts.max_tokens) for c in held_convs]
    train_pair_enc = [(encode(tokenizer, c, opts.max_tokens), encode(tokenizer, r, opts.max_tokens))
                      for c, r in train_pairs]
    held_pair_enc = [(encode(tokenizer, c, opts.max_tokens), encode(tokenizer, r, opts.max_tokens))
                     for c, r in held_pairs]
    say(f"{len(train_convs)} training and {len(held_convs)} held-out {'pairs' if held_pairs else 'conversations'}; "
        f"objective {opts.objective}; base model {directory.name}")
    base, base_answers = score(model, tokenizer, held_convs, held_enc, opts, device, held_pair_enc)
    say(f"base: held-out loss {base.loss:.3f}, exact {base.exact_match}, overlap {base.overlap}, "
        f"preference {base.preference}")

    config = LoraConfig(r=opts.rank, lora_alpha=opts.alpha, lora_dropout=opts.dropout, target_modules=TARGET_MODULES,
                        task_type="CAUSAL_LM")
    model = get_peft_model(model, config)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=opts.learning_rate, weight_decay=0.0)
    warmup = max(1, opts.steps // 10)

    def lr_at(step: int) -> float:  # linear warm-up, then cosine to a tenth
        if step < warmup:
            return (step + 1) / warmup
        progress_ = (step - warmup) / max(1, opts.steps - warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress_))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    rng = random.Random(opts.seed)
    order: list[int] = []
    started = time.perf_counter()
    model.train()
    for step in range(opts.steps):
        if len(order) < opts.batch_size:
            fresh = list(range(len(train_enc)))
            rng.shuffle(fresh)
            order.extend(fresh)
        chosen = order[: opts.batch_size]
        del order[: opts.batch_size]
        if opts.objective == "dpo":
            picked = [train_pair_enc[i] for i in chosen]
            both = next(iter(_batches([c for c, _ in picked] + [r for _, r in picked], 2 * len(picked),
                                      tokenizer.pad_token_id)))
            both = {k: v.to(device) for k, v in both.items()}
            policy = sequence_logps(model, both, device)
            with torch.no_grad(), model.disable_adapter():
                reference = sequence_logps(model, both, device)
            n = len(picked)
            margin = (policy[:n] - reference[:n]) - (policy[n:] - reference[n:])
            loss = -torch.nn.functional.logsigmoid(opts.dpo_beta * margin).mean()
        else:
            batch = next(iter(_batches([train_enc[i] for i in chosen], len(chosen), tokenizer.pad_token_id)))
            batch = {k: v.to(device) for k, v in batch.items()}
            with _autocast(device):
                loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if step % 10 == 0 or step == opts.steps - 1:
            say(f"step {step + 1}/{opts.steps}: train loss {loss.item():.3f}")
    train_seconds = time.perf_counter() - started
    adapted, adapted_answers = score(model, tokenizer, held_convs, held_enc, opts, device, held_pair_enc)
    say(f"adapted: held-out loss {adapted.loss:.3f}, exact {adapted.exact_match}, overlap {adapted.overlap}, "
        f"preference {adapted.preference}")

    target = adapter_dir(out_dir, tenant)
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target))
    samples = [
        {"prompt": c[-2]["content"], "reference": c[-1]["content"], "base": b, "adapted": a}
        for c, b, a in zip(held_convs[:5], base_answers[:5], adapted_answers[:5], strict=False)
    ]
    report = FinetuneReport(
        adapter_dir=str(target), tenant=tenant, base_model=str(model_path), rows=len(convs),
        train_rows=len(train_convs), heldout_rows=len(held_convs), steps=opts.steps, options=asdict(opts),
        base=base, adapted=adapted, train_seconds=round(train_seconds, 1), device=device, machine=machine,
        samples=samples,
    )
    (target / "report.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return report
