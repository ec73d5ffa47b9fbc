# Nithet — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-dev messages migrate demo lint format bench bench-planner bench-api bench-reports bench-reminders bench-importers bench-pages bench-field field-strings render-pages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The .mo catalogues are built from the committed .po files with polib (no gettext binary needed).
install install-dev: $(VENV)/.installed
	@$(BIN)/python -m supervision.catalogues

# Refresh every app's catalogue from the source (needs GNU gettext); then add the English msgstr of new entries.
messages: install
	$(BIN)/python manage.py messages

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The Procfile names bare gunicorn/celery (as production does): the venv goes first on PATH for them.
run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Nithet is starting on http://$${BIND:-127.0.0.1:8000}/  (admin: /admin/, API docs: /api/docs/)"
	@echo "  Demo logins are listed above. Stop with Ctrl+C."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile web worker beat  # (release runs once per deploy)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-planner bench-api bench-reports bench-reminders bench-importers bench-pages bench-field

bench-planner: demo
	$(BIN)/python bench/planner.py

bench-api: install
	$(BIN)/python bench/api.py

bench-reports: install
	$(BIN)/python bench/reports.py

bench-reminders: install
	$(BIN)/python bench/reminders.py

bench-pages: demo
	$(BIN)/python bench/pages.py

bench-importers: install
	$(BIN)/python bench/importers.py

bench-field: install
	$(BIN)/python bench/field.py

# The field app's Thai msgids, listed from its JavaScript for Django's catalogue (then `make messages`).
field-strings: install
	$(BIN)/python -m field.strings

render-pages: demo
	$(BIN)/python bench/render_pages.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
