# Verifier: `make run` serves the product, `make test` runs every test.
# Both set up what they need first: a .venv with Python 3.12+, pinned requirements,
# a development .env (once), migrations (with the roles), the demo users and incidents.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; anything already in the environment wins.
export DJANGO_DEBUG ?= 1

.PHONY: run test setup venv migrate demo lint fmt typecheck bench check-deploy clean worker beat

run: setup ## Set up and serve on http://$(HOST):$(PORT)/ (make run PORT=8001 HOST=0.0.0.0)
	@echo
	@echo "Verifier: log in at http://$(HOST):$(PORT)/admin/ as editor, factchecker or admin;"
	@echo "the password is DEMO_PASSWORD in .env. Commands: .venv/bin/python manage.py help"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: web, Celery worker and beat run together (Procfile)."; \
		HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile; \
	else \
		echo "No REDIS_URL: SQLite unless DATABASE_URL is set, conflict rechecks run in-process."; \
		$(PY) manage.py runserver $(HOST):$(PORT); \
	fi

test: venv ## Set up and run the whole test suite (on the local PostgreSQL and Redis if they answer)
	scripts/run-tests $(PYTEST_ARGS)

setup: venv .env migrate demo

venv: $(STAMP)

# Development settings for manage.py, written once and never by hand (git-ignored):
# debug on, a key and a demo password of this checkout's own, and the database and Redis
# that make was given, if any, so that commands in another terminal use the same ones.
# settings.py reads it (python-dotenv); anything set in the environment wins.
.env:
	@umask 077; { \
		echo "# Development settings of this checkout, written once by make (see Makefile)."; \
		echo "DJANGO_DEBUG=1"; \
		echo "DJANGO_SECRET_KEY=dev-$$(openssl rand -hex 32 2>/dev/null || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; \
		echo "DEMO_PASSWORD=$${DEMO_PASSWORD:-$$(openssl rand -hex 6 2>/dev/null || echo demo-$$RANDOM$$RANDOM)}"; \
		if [ -n "$$DATABASE_URL" ]; then echo "DATABASE_URL=$$DATABASE_URL"; fi; \
		if [ -n "$$REDIS_URL" ]; then echo "REDIS_URL=$$REDIS_URL"; fi; \
	} > .env
	@echo "Wrote .env (development settings; delete it to start again)."

$(STAMP): requirements.txt requirements-dev.txt
	@PYBIN=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Creating $(VENV) with $$PYBIN"; rm -rf $(VENV); $$PYBIN -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

migrate: venv .env
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --no-input

demo: venv .env
	$(PY) manage.py load_demo

worker: venv ## A Celery worker (needs REDIS_URL)
	$(VENV)/bin/celery -A verifier worker --loglevel=INFO --concurrency=2

beat: venv ## Celery beat: the periodic recheck sweep (needs REDIS_URL)
	$(VENV)/bin/celery -A verifier beat --loglevel=INFO

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: venv
	$(VENV)/bin/mypy claims verifier

check-deploy: venv ## manage.py check --deploy with production-like settings
	@# On a fresh server the database is missing, and the checks ask it its version.
	DJANGO_DEBUG=1 $(PY) manage.py ensure_database
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-$$(openssl rand -hex 32 2>/dev/null || date +%s%N)-not-a-real-key \
	DJANGO_ALLOWED_HOSTS=verifier.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: venv ## Every benchmark (see README)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache .ruff_cache .mypy_cache
