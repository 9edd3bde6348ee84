# Breakwater: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DURATION ?= 0
PYTEST_ARGS ?=

.PHONY: demo test unit integration install kafka-start kafka-stop clean prometheus

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/breakwater kafka fetch
	@touch $(STAMP)

install: $(STAMP)

## The live demo: Kafka, a worker, simulated traffic with waves. DURATION=seconds (0 = until Ctrl-C).
demo: $(STAMP)
	$(BIN)/breakwater up --duration $(DURATION)

## The whole suite: unit, doctests and integration tests against a real broker
## (started on 127.0.0.1:19092 by the tests and stopped again at the end).
test: $(STAMP) prometheus
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Prometheus 2.42 + promtool from Debian (no daemon is started), for tests/integration/test_prometheus.py.
prometheus:
	@command -v promtool >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration" $(PYTEST_ARGS)

integration: $(STAMP) prometheus
	$(BIN)/python -m pytest -m integration $(PYTEST_ARGS)

kafka-start: $(STAMP)
	$(BIN)/breakwater kafka start

kafka-stop: $(STAMP)
	$(BIN)/breakwater kafka stop

clean:
	rm -rf $(VENV) .kafka .breakwater .pytest_cache
