# Two commands: `make run` opens the app with the demo plan, `make test` runs every check.
# Both set up what they need on a fresh machine (a venv here, Chromium from Debian for tests).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test lint unit bench browser postgres clean messages

run: $(RUNTIME_STAMP)
	$(PY) -m streamlit run app.py --server.address=127.0.0.1 --server.port=$(PORT) \
		--browser.gatherUsageStats=false

test: $(DEV_STAMP) browser postgres lint
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Everything except the browser journeys: quick feedback while working.
unit: $(DEV_STAMP) postgres
	$(PY) -m pytest -m "not e2e"

bench: $(RUNTIME_STAMP)
	$(PY) bench/solve.py
	$(PY) bench/page_rerun.py
	$(PY) bench/store.py
	$(PY) bench/plans_page.py
	$(PY) bench/simulate.py
	$(PY) bench/ab.py
	$(PY) bench/order_log.py

browser:
	bash scripts/install-browser.sh

# PostgreSQL for the plan store's tests (they start a throwaway server of their own).
postgres:
	bash scripts/install-postgres.sh

# After adding or changing a user-facing string: refresh the templates and the Arabic
# catalogues (new strings arrive untranslated; tests/i18n fails until they are translated).
messages: $(DEV_STAMP)
	for domain in app planner; do \
		$(VENV)/bin/pybabel --quiet extract --no-location --sort-output --omit-header \
			-F locales/$$domain.cfg -k t -k t_plural:1,2 -k N_ -o locales/$$domain.pot . && \
		if [ -f locales/ar/LC_MESSAGES/$$domain.po ]; then \
			$(VENV)/bin/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete \
				-D $$domain -i locales/$$domain.pot -d locales -l ar; \
		else \
			$(VENV)/bin/pybabel --quiet init -D $$domain -i locales/$$domain.pot -d locales -l ar; \
		fi || exit 1; \
	done

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
