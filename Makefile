# The two commands: `make run` and `make test`; `make check` runs the gates CI runs before the
# tests. Everything else is set-up they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres check install install-dev translations extract-messages lint bench clean screenshots vendor-hds lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A catalogue is compiled only when its .po changed, so that two test runs started together
# (.ci/run runs the SQLite and the PostgreSQL pass at the same time) never rewrite a .mo
# file the other is reading.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard assess/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)

assess/translations/%/LC_MESSAGES/messages.mo: assess/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d assess/translations -l $*

# For developers: refresh the catalogues after changing texts in code or templates.
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext_noop:1c,2 --no-location --sort-output -o assess/translations/messages.pot .
	$(BIN)/pybabel update -N -i assess/translations/messages.pot -d assess/translations

# For developers: refresh the vendored Helsinki Design System styles with npm (HDS_VERSION=x.y.z
# to change the version). The result is committed; nothing else needs npm.
vendor-hds:
	scripts/vendor-hds.sh

run: install translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load-if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite with every test's database on PostgreSQL instead of in-memory SQLite.
test-postgres: install-dev translations
	TEST_DATABASE=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Lint, formatting, types (configuration in pyproject.toml) and the layers' import contracts.
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy assess
	$(BIN)/lint-imports

# For maintainers: refresh requirements.lock, the exact versions production installs
# (`pip install -c requirements.lock assess-*.whl`; the Dockerfile does), from a clean venv
# with pyproject.toml's runtime dependencies only. Run it after changing a dependency and
# commit the result with the change.
LOCK_VENV := $(shell mktemp -u /tmp/assess-lock-XXXXXX)
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet .
	{ echo "# The runtime dependencies' exact versions, from pyproject.toml: \`make lock\` on"; \
	  echo "# $$($(LOCK_VENV)/bin/python -c 'import platform; print("Python", platform.python_version(), platform.machine(), platform.system())'), $$(date -u +%Y-%m-%d)."; \
	  echo "# Production installs with it: pip install -c requirements.lock assess-*.whl"; \
	  $(LOCK_VENV)/bin/pip freeze --exclude assess --exclude pip --exclude setuptools; } > requirements.lock
	rm -rf $(LOCK_VENV)

bench: install-dev translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

screenshots: install-dev translations
	$(BIN)/python docs/screenshots.py
