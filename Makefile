# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# honcho SIGKILLs whatever has not stopped 5 s after Ctrl-C; a Celery worker on the embedded
# filesystem broker needs up to about 6 s for its warm shutdown (its loop polls in 2 s
# steps), so the processes get 20 s to stop by themselves.
HONCHO := $(BIN)/python -c "import sys, honcho.command, honcho.manager; \
	honcho.manager.KILL_WAIT = 20; sys.argv[0] = 'honcho'; honcho.command.main()"
# Ctrl-C reaches make, this shell and honcho at once: the shell waits for honcho (the trap
# keeps it alive) and a stop by Ctrl-C (honcho's 130) is a success, so make prints no error.
SERVE = trap : INT; DEBUG=1 PORT=$(PORT) SITE_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
	$(HONCHO) -f Procfile.dev start || [ $$? -eq 130 ]

.PHONY: run serve test install lint format check-deploy clean sample-email messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Message catalogues: the .po files are kept in git, the .mo files are built from them
# (Babel's compiler: no GNU gettext needed). A catalogue marked fuzzy is not compiled.
CATALOGUES := $(wildcard */locale)
compilemessages: install
	@for dir in $(CATALOGUES); do $(BIN)/pybabel -q compile --domain django --directory $$dir || exit 1; done

# Extracts every translatable string into the catalogues of each language (LOCALE=fr
# starts a new one). Needs GNU gettext's xgettext and msgmerge (Debian: apt install gettext).
LOCALE ?= es
messages: install
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext (apt install gettext)"; exit 1; }
	DEBUG=1 $(BIN)/python manage.py makemessages --locale $(LOCALE) --all \
		--extension html,txt,py --add-location file --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'docs/*'

run: install compilemessages
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo --port $(PORT)
	@echo ""
	@echo "Starting web on http://ivcisa.localhost:$(PORT)/ and http://invoca.localhost:$(PORT)/"
	@echo "(platform page and admin: http://localhost:$(PORT)/). Press Ctrl-C to stop."
	@echo "An email from a customer, as a mail server hands it over (in another terminal):"
	@echo "  make sample-email   # runs: $(SAMPLE_EMAIL)"
	@$(SERVE)

# A customer's email to IVCISA's support mailbox, handed over as a mail server's pipe does:
# it becomes a ticket (a second run says it was received already).
SAMPLE_EMAIL = manage.py email_ingest --mailbox support@ivcisa.example < tickets/demo/samples/customer_email.eml
sample-email: install
	DEBUG=1 $(BIN)/python $(SAMPLE_EMAIL)

# Web, worker and beat only (what `run` starts after seeding).
serve: compilemessages
	@$(SERVE)

test: install compilemessages
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
