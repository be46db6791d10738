# Two commands do everything on a fresh Linux machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/reform-archive build

serve: build
	$(BIN)/reform-archive serve --dev-addr 127.0.0.1:8000

check: $(STAMP)
	$(BIN)/reform-archive check reports

test: $(STAMP)
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest -q

clean:
	rm -rf site $(VENV) .pytest_cache
