# The two commands a fresh machine needs (see README): `make plan` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STACK  ?= dev

.PHONY: plan test bench install clean promtool amtool checkov scan

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Offline plan of a stack (default dev) with the policy pack; no cloud credentials needed.
plan: $(VENV)/.installed
	$(PY) -m tools.plan --stack $(STACK)

## Debian tools for the consumer-check tests: promtool (package `prometheus`, alert rules) and
## amtool (package `prometheus-alertmanager`, Alertmanager config). Each is installed once when
## missing, with apt-get as root or through passwordless sudo (GitHub's runners); otherwise
## its tests skip and say why.
DEB_PACKAGE_promtool := prometheus
DEB_PACKAGE_amtool   := prometheus-alertmanager

promtool amtool:
	@command -v $@ >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then as_root=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=sudo; \
	  else as_root=no; fi; \
	  if [ "$$as_root" != no ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $@ (Debian package $(DEB_PACKAGE_$@))"; \
	    $$as_root apt-get update -qq && \
	    $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGE_$@) >/dev/null; \
	  else \
	    echo "warning: $@ missing and not installable here (needs apt-get and root or sudo); its tests will skip" >&2; \
	  fi; }

## checkov (pinned in requirements-checkov.txt) in its own virtualenv, for the scanner gate
## (docs/scanners.md): the tests scan the exported dev and prod plans with it.
CHECKOV_VENV ?= .venv-checkov

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

checkov: $(CHECKOV_VENV)/.installed

## checkov on the exported dev and prod plans; fails on findings not in policies/checkov-skips.yaml.
scan: $(VENV)/.installed checkov
	$(PY) -m tools.export.scan

## Whole test suite.
test: $(VENV)/.installed promtool amtool checkov
	$(PY) -m pytest -q -n 2 tests

## Wall time and peak memory of the offline plan for dev and prod.
bench: $(VENV)/.installed
	$(PY) -m tools.bench

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache
