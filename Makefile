# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint format check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo --port $(PORT)
	@echo ""
	@echo "Starting web on http://ivcisa.localhost:$(PORT)/ and http://invoca.localhost:$(PORT)/"
	@echo "(platform page and admin: http://localhost:$(PORT)/). Press Ctrl-C to stop."
	DEBUG=1 PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" honcho -f Procfile.dev start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(64))") \
	ALLOWED_HOSTS=helpdesk.example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/broker var/cache var/staticfiles
