# Understanding LSTMs, interactively: every command a reader, learner or
# instructor needs. `make book` and `make test` set up everything they need.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
UV    := $(VENV)/bin/uv
# nbgrader shells out to alembic, and the book build to jupyter: keep the
# venv's bin/ first on PATH for every recipe.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
STAMP := $(VENV)/.installed

.PHONY: train help setup sandbox assets book browser postgres test bench lock clean release grading-kernel autograde feedback grades
help:
	@echo "make book   build the website into _build/html/"
	@echo "make test   run every test (sets up the environment first)"
	@echo "make bench  print speed measurements"
	@echo "make train  retrain the character-level LSTM the book looks inside (models/char_lstm/)"
	@echo "make release  regenerate exercises/ (student notebooks) from solutions/"
	@echo "make lock   refresh requirements/lock.txt from requirements/requirements.in"
	@echo "make autograde  grade every submission under course/submitted/ (sandboxed, in parallel)"
	@echo "make feedback   HTML feedback per student into course/feedback/"
	@echo "make grades     export the gradebook to course/grades.csv"

setup: $(STAMP) sandbox grading-kernel postgres

# Debian's bubblewrap: the grading sandbox (lstm_grader/sandbox.py). Installed when missing, like Chromium;
# without root, `make autograde` says how to get it.
sandbox:
	@command -v bwrap >/dev/null || { test "$$(id -u)" != 0 || { apt-get update -qq && apt-get install -y -qq bubblewrap; }; }

# The environment: created when absent, re-synced when the lock changes.
$(STAMP): requirements/lock.txt requirements/torch.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install -q uv==0.13.8
	$(UV) pip sync --python $(PY) requirements/lock.txt
	$(UV) pip install --python $(PY) --no-deps -e .
	$(PY) -m pip install -q --no-deps -r requirements/torch.txt
	@touch $@

lock:
	$(UV) pip compile --python-version 3.11 requirements/requirements.in -o requirements/lock.txt

# Browser assets from the npm registry (pinned in package-lock.json).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: $(STAMP) $(NODE_STAMP)
	$(PY) tools/vendor_assets.py

# Warnings are errors: a broken link or a failing notebook fails the build.
book: assets
	$(PY) tools/build_widgets.py
	$(PY) tools/learner_downloads.py
	$(PY) tools/refresh_book_pages.py
	jupyter-book build . --path-output . -n -W --keep-going

# Debian's Chromium for the browser tests (Playwright cannot download one here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# The PostgreSQL server (initdb, pg_ctl) for the gradebook-on-PostgreSQL test; instructors may use their own.
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

# The browser tests read the built site, so the site is (re)built first.
test: book browser sandbox grading-kernel postgres
	$(PY) -m pytest

# The character-level LSTM of the chapter "Looking inside a trained LSTM": seeded, one thread, a few
# minutes; its result (models/char_lstm/model.npz) is committed and the book build only loads it.
train: $(STAMP)
	$(PY) tools/train_char_lstm.py

# Student notebooks: exercises/ regenerated from solutions/ (nbgrader generate_assignment, then normalised).
release: $(STAMP)
	$(PY) tools/release.py

bench: $(STAMP) grading-kernel
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

# The grading kernel's own environment (numpy + ipykernel, never lstm_ref), outside the repo where the
# sandbox user can run it: /var/tmp/lstm-course-kernel-<hash of the lock>; skipped when already built.
grading-kernel: $(STAMP)
	$(PY) -m lstm_grader.kernel_env

# Instructor commands (see book/instructor_guide.md). JOBS=n sets the parallel workers, TIMEOUT=s the
# seconds each notebook may run, SCHEDULER=tcp://host:8786 an existing Dask cluster, DB_URL=... the gradebook,
# REGRADE=1 regrades unchanged submissions too, ALLOW_UNISOLATED=1 grades even without bubblewrap (said per grade).
GRADEBOOK = $(if $(DB_URL),--db-url '$(DB_URL)')
autograde: sandbox grading-kernel
	$(PY) -m lstm_grader autograde $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(REGRADE),--regrade) $(GRADEBOOK) \
		$(if $(ALLOW_UNISOLATED),--allow-unisolated)

feedback: $(STAMP)
	$(PY) -m lstm_grader feedback $(GRADEBOOK)

grades: $(STAMP)
	$(PY) -m lstm_grader grades $(GRADEBOOK)

clean:
	rm -rf _build
