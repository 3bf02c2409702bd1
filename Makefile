# zequenze.control: the entry points are `make demo`, `make test`, `make bench` and `make reliability`.
# Every target creates (or reuses) the pinned dev venv on demand, then runs a session of noxfile.py.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV ?= $(ROOT)/.venv
# The controller Python: ansible-core 2.21 needs >= 3.12. pyenv shims exit 127,
# so prefer the real binary under the pyenv root.
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) $(shell command -v python3.12 2>/dev/null) python3)
VENV_STAMP := $(VENV)/.stamp
BIN := $(VENV)/bin

export PATH := $(BIN):$(PATH)

# The tiers are declared in noxfile.py (`nox -l` lists them); each target here is one nox call.
# ARGS go to the tier's tool: make test-units ARGS='-k client'.
NOX := $(BIN)/nox --noxfile $(ROOT)/noxfile.py

.PHONY: help venv demo test bench reliability changelog clean

help:
	@echo "make demo   - run the main job against an emulator it starts itself"
	@echo "make test   - run every check (what .ci/run runs)"
	@echo "make bench  - benchmarks, figures printed"
	@echo "make reliability - fault soak, kill -9, secrets, fuzzing, TLS; figures printed"
	@echo "make test-TIER [ARGS=...] - one tier; the tiers, from noxfile.py:"
	@$(NOX) -l 2>/dev/null | sed -n 's/^[*-] /  /p' || true

$(VENV_STAMP): requirements-dev.txt emulator/pyproject.toml
	[ -x "$(BIN)/python" ] || "$(PYTHON)" -m venv "$(VENV)"
	"$(BIN)/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
	"$(BIN)/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e ./emulator
	touch "$@"

venv: $(VENV_STAMP)

demo: venv
	$(NOX) -s demo

# Every tier in noxfile.py's order; the first failure stops the run with a non-zero exit.
test: venv
	$(NOX) && echo "make test: all checks passed"

# make test-units, test-sanity, test-importer ARGS=requirements-certification.txt, test-gates ARGS=lint ...
test-%: venv
	$(NOX) -s $* -- $(ARGS)

bench: venv
	$(NOX) -s bench -- $(ARGS)

reliability: venv
	$(NOX) -s reliability_full -- $(ARGS)

changelog: venv
	$(NOX) -s changelog -- --write

clean:
	rm -rf .tree tests/output .ansible .pytest_cache .coverage
