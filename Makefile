# Every set-up step lives here, so a fresh machine needs only `make serve` or `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS ?=

.PHONY: install install-test browser serve test lint fix bench bench-pdf compare screenshots relevance reliability clean goldens

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

## citeproc-js, the CSL engine every citation is rendered with (run in Python through V8).
CITEPROC := archive/csl/node_modules/citeproc/citeproc_commonjs.js
$(CITEPROC): archive/csl/package.json archive/csl/package-lock.json
	npm ci --prefix archive/csl --no-audit --no-fund --silent
	touch $@

$(VENV)/.installed: pyproject.toml $(CITEPROC) | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(CITEPROC) | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test,styles]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Debian's Chromium for the browser tests (Playwright's own browser download does not work here),
## and axe-core from npm for their accessibility check.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@test -f tests/browser/node_modules/axe-core/axe.min.js || \
		npm ci --prefix tests/browser --no-audit --no-fund --silent

serve: install
	$(VENV)/bin/archive serve $(ARGS)

test: install-test browser lint
	$(VENV)/bin/pytest $(ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fix: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## wrk (Debian) drives the HTTP loads; without it bench/run.py falls back to a Python client.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk could not be installed: the Python load client will be used"
	$(PY) bench/run.py $(ARGS)

## Current screenshots of the home, results, reader and paragraph pages, light and dark.
screenshots: install-test browser
	$(PY) tools/screenshots.py $(ARGS)

## Relevance of hand-judged analyst queries, beside SQLite FTS5 (seconds).
relevance: install
	$(PY) bench/relevance.py

## PDF reading speed: 20- and 300-page articles, one and two columns (about a minute).
bench-pdf: install-test
	$(PY) bench/pdf.py $(ARGS)

## Before and after, side by side: make compare ARGS="--baseline HEAD~1" (about ten minutes).
compare: install-test
	$(PY) bench/compare.py $(ARGS)

## The reliability campaign (hostile folder, server fuzz, killed reindexes): about 15 minutes.
reliability: install
	$(PY) bench/reliability.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find index -mindepth 1 ! -name .gitkeep -delete

## Regenerate tests/citations/expected.json with citeproc-js (needs Node; the archive itself does not).
goldens:
	cd tools/csl && npm install --no-audit --no-fund --silent && node generate.js
