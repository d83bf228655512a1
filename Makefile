# sohoa — two commands: `make run` and `make test`. Both install what they need
# (Debian packages, a virtualenv, the package) and are safe to run twice.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.sohoa-installed

# Debian packages: OCR (Tesseract + Vietnamese), PDF tools, the stamp font with
# every Vietnamese glyph, poppler for pdfsig/pdftotext and NSS certutil (a trust
# store for pdfsig) in the tests, SoftHSM2 for PKCS#11; PostgreSQL and Redis, which
# the tests start on 127.0.0.1 (every database test runs on SQLite and PostgreSQL);
# Chromium, which Playwright drives headless in the browser tests of the web UI.
DEBS := tesseract-ocr tesseract-ocr-vie ghostscript qpdf jbig2dec unpaper pngquant \
        fonts-liberation2 poppler-utils python3-venv softhsm2 libnss3-tools \
        postgresql redis-server chromium

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps install lock lint typecheck bench devset devset-lock bench-devset clean screenshots messages

run: install
	$(BIN)/sohoa serve

# The suite runs in one pytest process per core, at most four (each starts its own
# PostgreSQL, Redis and SeaweedFS); a test module stays in one process, and modules are
# handed out in collection order, which puts the slow ones first (tests/conftest.py).
TEST_WORKERS ?= $(shell n=$$(nproc); [ $$n -gt 4 ] && n=4; echo $$n)

test: install
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Every Python package, direct and transitive, comes from requirements.lock at the
# version and SHA-256 it names (pip's hash-checking mode), so a new machine installs
# what the last green run had. When the lock changes the virtualenv is made anew, so
# nothing of an older set stays behind; sohoa itself is then installed without its
# dependencies and without build isolation (setuptools is in the lock too).
LOCK       := requirements.lock
LOCKED     := $(VENV)/.lock-installed
LOCK_TOOLS := .venv-lock
UV_VERSION := 0.13.9

$(LOCKED): $(LOCK) | deps
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r $(LOCK)
	touch $(LOCKED)

$(STAMP): pyproject.toml $(LOCKED)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	$(BIN)/pip check
	touch $(STAMP)

# Re-resolve the lock after changing a dependency in pyproject.toml (commit both
# together). uv resolves for every platform and Python >= 3.11 at once and writes
# every file's hash; the build backend is locked with the rest.
lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
	  $(LOCK_TOOLS)/bin/pip install -q uv==$(UV_VERSION); }
	$(PYTHON) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires']))" \
	  > $(LOCK_TOOLS)/build-requirements.in
	$(LOCK_TOOLS)/bin/uv pip compile pyproject.toml $(LOCK_TOOLS)/build-requirements.in --extra test \
	  --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)

install: deps $(STAMP)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/ocr_pipeline.py

# The development set of pages we did not make (bench/devset): the public corpus's
# texts in DejaVu Serif and FreeSerif, degraded by augraphy and albumentations, which
# live in a virtualenv of their own, installed from their own lock.
DEVSET_VENV := .venv-devset
DEVSET_LOCK := bench/devset/requirements.lock
DEVSET_OUT  ?= bench/out/devset

$(DEVSET_VENV)/.installed: $(DEVSET_LOCK)
	@dpkg-query -W -f='$${Status}' fonts-freefont-ttf 2>/dev/null | grep -q "install ok installed" || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-freefont-ttf fonts-dejavu-core; }
	rm -rf $(DEVSET_VENV)
	$(PYTHON) -m venv $(DEVSET_VENV)
	$(DEVSET_VENV)/bin/pip install -q --require-hashes --no-deps -r $(DEVSET_LOCK)
	touch $@

devset: $(DEVSET_VENV)/.installed
	$(DEVSET_VENV)/bin/python bench/devset/make_devset.py --out $(DEVSET_OUT)

devset-lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
	  $(LOCK_TOOLS)/bin/pip install -q uv==$(UV_VERSION); }
	$(LOCK_TOOLS)/bin/uv pip compile bench/devset/requirements.in --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make devset-lock" --quiet -o $(DEVSET_LOCK)

bench-devset: install devset
	$(BIN)/python bench/ocr_devset.py --images $(DEVSET_OUT)/images

# Screenshots of every main screen, taken by the browser journey test (docs/screenshots/).
screenshots: install
	SOHOA_SCREENSHOTS=$(CURDIR)/docs/screenshots OMP_THREAD_LIMIT=1 \
	  $(BIN)/python -m pytest -q tests/web/test_journey.py tests/web/test_accessibility.py

# New or changed UI strings into the English catalogue (then translate the empty ones).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -w 100 --no-fuzzy-matching -i $(VENV)/messages.pot -d sohoa/web/locale -l en

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) $(DEVSET_VENV) .pytest_cache .mypy_cache .ruff_cache
