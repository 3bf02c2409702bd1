# zequenze.control: the two entry points are `make demo` and `make test`.
# Every target creates (or reuses) the pinned dev venv on demand.

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
export ANSIBLE_HOME := $(ROOT)/.ansible
# The modules' identity cache and create locks: never the user's ~/.cache from make.
export ZEQUENZE_CACHE_DIR := $(ROOT)/.cache/zequenze.control
export VENV

.PHONY: help venv demo test bench reliability clean \
        test-emulator test-units test-sanity test-integration test-molecule test-lint

help:
	@echo "make demo   - run the main job against an emulator it starts itself"
	@echo "make test   - run every check (what .ci/run runs)"
	@echo "make bench  - benchmarks, figures printed"
	@echo "make reliability - fault soak, kill -9, secrets, fuzzing, TLS; figures printed"

$(VENV_STAMP): requirements-dev.txt emulator/pyproject.toml
	[ -x "$(BIN)/python" ] || "$(PYTHON)" -m venv "$(VENV)"
	"$(BIN)/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
	"$(BIN)/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e ./emulator
	touch "$@"

venv: $(VENV_STAMP)

demo: venv
	scripts/demo.sh

# Every check; the first failure stops the run with a non-zero exit.
test: venv test-emulator test-units test-sanity test-integration test-molecule test-roles test-lint \
      test-changelog test-package test-importer test-ecosystem test-matrix test-reliability test-eda \
      test-gates
	@echo "make test: all checks passed"

test-emulator: venv
	scripts/test-emulator.sh

test-units: venv
	scripts/test-units.sh

test-sanity: venv
	scripts/test-sanity.sh

test-integration: venv
	scripts/test-integration.sh

test-molecule: venv
	scripts/test-molecule.sh

test-lint: venv
	scripts/test-lint.sh

# Roles and playbooks: run by FQCN from the installed tarball against emulators.
.PHONY: test-roles
test-roles: venv
	scripts/test-roles.sh

# Ecosystem: changelog, tarball, docs, AWX/EE/GitOps, version matrix.
.PHONY: test-changelog test-package test-ecosystem test-matrix changelog
test-changelog: venv
	scripts/test-changelog.sh

test-package: venv
	scripts/test-package.sh

# Every gate can fail: one planted defect per gate in a scratch copy, each must be caught.
.PHONY: test-gates
test-gates: venv
	scripts/test-gates.sh

# galaxy-importer on the built tarball, as Galaxy runs it on upload, with our pins and then with
# Automation Hub certification's (older) pins; ARGS=requirements-X.txt runs one set only.
.PHONY: test-importer
test-importer: venv
	$(if $(ARGS),scripts/test-importer.sh $(ARGS),scripts/test-importer.sh requirements-importer.txt && scripts/test-importer.sh requirements-certification.txt)

test-ecosystem: venv
	scripts/test-ecosystem.sh

# Oldest supported ansible-core (2.16, Python 3.11, .venv-core216): units, integration, package.
test-matrix: venv
	scripts/test-matrix.sh

changelog: venv
	scripts/test-changelog.sh --write

bench: venv
	scripts/bench.sh

# Reliability and security: faults, kill -9, secrets, bad input, TLS, concurrency.
# make reliability is the full suite with its figures; test-reliability its short form in make test.
.PHONY: test-reliability
reliability: venv
	scripts/reliability.sh

test-reliability: venv
	scripts/test-reliability.sh

# Event-Driven Ansible: EDA lint, then the real ansible-rulebook (own venv, .venv-eda) against an emulator.
.PHONY: test-eda
test-eda: venv
	scripts/test-eda.sh

clean:
	rm -rf .tree tests/output .ansible .pytest_cache .coverage
