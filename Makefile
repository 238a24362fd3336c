# The two commands a fresh machine needs (see README): `make plan` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STACK  ?= dev

.PHONY: plan test bench install clean promtool

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Offline plan of a stack (default dev) with the policy pack; no cloud credentials needed.
plan: $(VENV)/.installed
	$(PY) -m tools.plan --stack $(STACK)

## promtool (Debian package `prometheus`) for the alert-rule tests: installed once when missing
## and we are root with apt-get; otherwise those tests skip and say why.
promtool:
	@command -v promtool >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing promtool (Debian package prometheus)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	  else \
	    echo "warning: promtool missing and not installable here (needs root and apt-get); its tests will skip" >&2; \
	  fi; }

## Whole test suite.
test: $(VENV)/.installed promtool
	$(PY) -m pytest -q -n 2 tests

## Wall time and peak memory of the offline plan for dev and prod.
bench: $(VENV)/.installed
	$(PY) -m tools.bench

clean:
	rm -rf $(VENV) .pytest_cache
