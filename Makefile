# Two commands set everything up on a fresh Debian/Ubuntu machine:
#   make setup   system packages, .venv, the package, the built corpus
#   make test    the test suite
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APT_PKGS := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng fonts-dejavu-core fonts-liberation2 graphviz
JOBS ?= $(shell nproc)

.PHONY: setup system venv corpus run test test-all lint format bench golden confusion clean

setup: system venv corpus

# Installs the system packages when run as root; otherwise prints the exact line to run.
system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages: all present"; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "missing system packages:$$missing"; \
	  echo "run:  sudo apt-get install -y$$missing   then make setup again"; exit 1; fi

$(BIN)/plans: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/plans

# Builds the syllable inventory, language model and span index from corpora/ (cached; rebuilt when the corpus changes).
corpus: venv
	$(BIN)/plans corpus build

run: venv
	$(BIN)/plans run samples -o out

test: venv
	$(BIN)/python -m pytest -n $(JOBS) -q

# Also the optional tier on ../shared/real-scans (slow; skipped when the folder is absent).
test-all: venv
	PLANS_REAL_SCANS=1 $(BIN)/python -m pytest -n $(JOBS) -q

lint: venv
	$(BIN)/ruff check pipeline diacritics tests scripts
	$(BIN)/ruff format --check pipeline diacritics tests scripts
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format pipeline diacritics tests scripts
	$(BIN)/ruff check --fix pipeline diacritics tests scripts

bench: venv
	$(BIN)/python scripts/bench.py --out docs/benchmarks.md

# Regenerates the golden records and texts of the samples; review the diff before committing.
golden: venv
	$(BIN)/python scripts/make_golden.py

# Re-learns the OCR confusion tables (diacritics/data/confusion_*.tsv: Tesseract's Latin models,
# its Vietnamese model for the post-correction of scans, and that model printing Latin-1 only
# for the second damage kind) and the synthetic evaluation sets by rendering corpus text and
# OCR'ing it (about an hour on 2 cores). Needs, besides make setup:
#   apt-get install tesseract-ocr-fra tesseract-ocr-por
confusion: venv
	$(BIN)/python scripts/learn_confusion.py --pages 1000 --jobs $(JOBS)
	$(BIN)/python scripts/learn_confusion_vie.py --pages 640 --jobs $(JOBS)
	$(BIN)/python scripts/learn_confusion_vie.py --simulation font --pages 400 --jobs $(JOBS)
	$(BIN)/python scripts/learn_confusion.py --eval-only --eval-dir eval/synthetic-font \
		--eval-sims font,font,font,font,font,font --eval-pages 45 --seed 3
	$(BIN)/python scripts/learn_confusion.py --eval-only --eval-dir eval/synthetic-eng \
		--eval-sims eng,eng,eng,eng,eng,eng --eval-pages 45 --seed 3
	$(BIN)/python scripts/make_ocr_eval.py --jobs $(JOBS)

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache corpora/.build
