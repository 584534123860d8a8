"""LoRA fine-tuning and adapter loading on a tiny random Llama with a word-level tokenizer (fast, no bundled
model): rows to masked conversations, a seeded held-out split, a bounded training run that lowers the held-out
loss, the adapter saved where the inference service finds it and merged at load to the same outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.engine import find_adapters
from autoglm.services.inference.finetune import (
    FinetuneOptions,
    conversations,
    encode,
    finetune,
    normalise,
    overlap,
    split,
)
from autoglm.services.inference.loading import load_causal_lm

TEMPLATE = ("{% for m in messages %}<|im_start|> {{ m['role'] }} {{ m['content'] }} <|im_end|> {% endfor %}"
            "{% if add_generation_prompt %}<|im_start|> assistant {% endif %}")
FACTS = {f"item{n}": f"code{n}" for n in range(12)}


def _rows() -> list[dict]:
    rows = []
    for item, code in FACTS.items():
        for ask in ("what is the code of", "tell me the code of", "code for"):
            rows.append({"messages": [{"role": "user", "content": f"{ask} {item}"},
                                      {"role": "assistant", "content": f"the code of {item} is {code}"}]})
    return rows


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = ["<unk>", "<|im_start|>", "<|im_end|>", "user", "assistant", "system"]
    for row in _rows():
        for m in row["messages"]:
            words += [w for w in m["content"].split() if w not in words]
    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(dict.fromkeys(words))}, unk_token="<unk>"))
    tok.pre_tokenizer = WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<|im_end|>",
                                        pad_token="<|im_end|>", bos_token="<|im_start|>")
    tokenizer.chat_template = TEMPLATE
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                      bos_token_id=tokenizer.bos_token_id, initializer_range=0.5)
    path = tmp_path_factory.mktemp("tiny")
    LlamaForCausalLM(cfg).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def test_rows_of_both_export_formats_become_conversations() -> None:
    sft = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    dpo = {"prompt": [{"role": "user", "content": "q"}], "chosen": [{"role": "assistant", "content": "good"}],
           "rejected": [{"role": "assistant", "content": "bad"}]}
    assert [c[-1]["content"] for c in conversations([sft, dpo, {"other": 1}])] == ["a", "good"]
    train, held = split(list(range(10)), 0.2, seed=3)
    assert len(held) == 2 and sorted(train + held) == list(range(10)) and split(list(range(10)), 0.2, 3) == (train, held)


def test_scores() -> None:
    assert overlap("the code is 7", "The code is 7.") == 1.0 and overlap("x", "y") == 0.0
    assert overlap("年假十五天", "年假共十五天") == pytest.approx(2 * 5 / 11)
    assert normalise("Code-7!") == normalise("code 7")


def test_only_the_answer_is_learnt(tiny_model: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_model))
    ids, labels = encode(tokenizer, _rows()[0]["messages"], max_tokens=64)
    learnt = tokenizer.decode([i for i, lab in zip(ids, labels, strict=True) if lab != -100])
    assert learnt == "the code of item0 is code0 <|im_end|>"


def test_a_bounded_run_lowers_the_heldout_loss_and_the_adapter_loads_merged(tiny_model: Path, tmp_path: Path) -> None:
    opts = FinetuneOptions(steps=60, batch_size=8, learning_rate=2e-2, rank=8, alpha=16, eval_generate=4,
                           max_new_tokens=8, device="cpu")
    report = finetune(_rows(), model_path=tiny_model, cache_dir=tmp_path / "models", out_dir=tmp_path / "adapters",
                      tenant="acme", opts=opts)
    assert report.train_rows + report.heldout_rows == 36 and report.heldout_rows == 7
    assert report.adapted.loss < report.base.loss * 0.5, report
    target = tmp_path / "adapters" / "tenants" / "acme"
    assert Path(report.adapter_dir) == target and (target / "adapter_config.json").exists()
    assert json.loads((target / "report.json").read_text())["adapted"]["loss"] == report.adapted.loss

    # the inference service finds it by convention, and a merged load answers as the adapter does
    cfg = InferenceConfig(model_path=tiny_model, adapters_dir=tmp_path / "adapters")
    assert find_adapters(cfg, tmp_path) == (None, {"acme": target})
    assert find_adapters(cfg.model_copy(update={"discover_adapters": False}), tmp_path) == (None, {})
    base = load_causal_lm(tiny_model, tmp_path / "models", "cpu", "float32", None)
    merged = load_causal_lm(tiny_model, tmp_path / "models", "cpu", "float32", None, adapter=target)
    assert merged.name.endswith("+acme")
    from peft import PeftModel

    peft = PeftModel.from_pretrained(load_causal_lm(tiny_model, tmp_path / "models", "cpu", "float32", None).model,
                                     str(target)).eval()
    ids = torch.tensor([[1, 3, 6, 7, 8, 9, 2]])
    with torch.no_grad():
        want = peft(input_ids=ids).logits
        assert torch.allclose(merged.model(input_ids=ids).logits, want, atol=1e-4)
        assert not torch.allclose(base.model(input_ids=ids).logits, want, atol=1e-3)


def test_dpo_makes_the_chosen_answers_likelier_on_heldout_pairs(tiny_model: Path, tmp_path: Path) -> None:
    rows = []
    for n, (item, code) in enumerate(FACTS.items()):
        wrong = f"code{(n + 5) % len(FACTS)}"
        for ask in ("what is the code of", "tell me the code of", "code for"):
            rows.append({"prompt": [{"role": "user", "content": f"{ask} {item}"}],
                         "chosen": [{"role": "assistant", "content": f"the code of {item} is {code}"}],
                         "rejected": [{"role": "assistant", "content": f"the code of {item} is {wrong}"}]})
    opts = FinetuneOptions(steps=60, batch_size=8, learning_rate=2e-2, objective="dpo", dpo_beta=0.5,
                           eval_generate=0, device="cpu")
    report = finetune(rows, model_path=tiny_model, cache_dir=tmp_path / "models", out_dir=tmp_path / "adapters",
                      opts=opts)
    assert report.base.preference is not None and report.adapted.preference is not None
    assert report.adapted.preference > report.base.preference, report
    assert (tmp_path / "adapters" / "global" / "adapter_config.json").exists()
    with pytest.raises(ValueError, match="preference pair"):
        finetune(_rows(), model_path=tiny_model, cache_dir=tmp_path / "models", out_dir=tmp_path / "x", opts=opts)
