# The two commands a fresh machine needs (see README): `make plan` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STACK  ?= dev

.PHONY: plan test bench install clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Offline plan of a stack (default dev) with the policy pack; no cloud credentials needed.
plan: $(VENV)/.installed
	$(PY) -m tools.plan --stack $(STACK)

## Whole test suite.
test: $(VENV)/.installed
	$(PY) -m pytest -q -n 2 tests

## Wall time and peak memory of the offline plan for dev and prod.
bench: $(VENV)/.installed
	$(PY) -m tools.bench

clean:
	rm -rf $(VENV) .pytest_cache
