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

## promtool (Debian package `prometheus`) for the alert-rule tests: installed once when missing,
## with apt-get as root or through passwordless sudo (GitHub's runners); otherwise those tests
## skip and say why.
promtool:
	@command -v promtool >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then as_root=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=sudo; \
	  else as_root=no; fi; \
	  if [ "$$as_root" != no ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing promtool (Debian package prometheus)"; \
	    $$as_root apt-get update -qq && \
	    $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	  else \
	    echo "warning: promtool missing and not installable here (needs apt-get and root or sudo); its tests will skip" >&2; \
	  fi; }

## Whole test suite.
test: $(VENV)/.installed promtool
	$(PY) -m pytest -q -n 2 tests

## Wall time and peak memory of the offline plan for dev and prod.
bench: $(VENV)/.installed
	$(PY) -m tools.bench

clean:
	rm -rf $(VENV) .pytest_cache
