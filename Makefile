# Banshi: `make run` serves the demo on SQLite; `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
BANSHI_DATA_DIR ?= $(CURDIR)/var
export BANSHI_DATA_DIR
DEBIAN_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils zbar-tools iproute2 util-linux redis-server ffmpeg
BENCH_DEBIAN_PACKAGES := wrk
# Browser tests run in a private network namespace: as root `unshare -n`, otherwise a user namespace too.
UNSHARE := $(if $(filter 0,$(shell id -u)),unshare -n,unshare -rn)

.PHONY: install debian bench-debian run setup setup-production test test-unit test-browser test-clock bench lint messages vendor clean

install: $(VENV)/.installed debian

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# $(call debian-packages,PACKAGES,WHO NEEDS THEM): as root, install those of PACKAGES that are missing;
# otherwise print the exact command.
define debian-packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	else \
		echo "$(2) need Debian packages; run as root: apt-get install -y$$missing"; \
	fi
endef

debian:
	$(call debian-packages,$(DEBIAN_PACKAGES),The browser tests)

bench-debian:
	$(call debian-packages,$(BENCH_DEBIAN_PACKAGES),The benchmarks)

# The demo (`make run`): demo mode throughout, with the demo accounts and their published password.
setup run messages: export BANSHI_DEMO := 1

setup: install
	mkdir -p $(BANSHI_DATA_DIR)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_directory
	$(PY) manage.py load_catalog
	$(PY) manage.py seed_demo

run: setup
	@echo "DEMO MODE: demo accounts with the published password banshi-demo; never for real data."
	@echo "Serving on http://$(HOST):$(PORT)/ with one task worker and the sweep (Ctrl-C stops them all)"
	VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) bin/serve

# A real deployment's set-up, outside demo mode: never any demo account. It needs the production
# environment (SECRET_KEY, DATABASE_URL, NOTIFY_SMS_BACKEND, NOTIFY_EMAIL_BACKEND…: README, Settings) and
# asks for the first administrator's name and password unless one exists (or takes them from
# DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD); running it again is safe.
setup-production: $(VENV)/.installed
	@case "$${BANSHI_DEMO:-}" in ""|0|false|no|off) ;; *) echo "setup-production: unset BANSHI_DEMO"; exit 1;; esac
	mkdir -p $(BANSHI_DATA_DIR)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_directory
	$(PY) manage.py load_catalog
	@if $(PY) manage.py shell --no-imports -c "from banshi.accounts.models import User; raise SystemExit(0 if User.objects.filter(is_superuser=True).exists() else 1)"; \
	then echo "An administrator exists already."; \
	else $(PY) manage.py createsuperuser $(if $(DJANGO_SUPERUSER_USERNAME),--noinput); fi
	$(PY) manage.py check --deploy --database default

test: test-unit test-browser

test-unit: install
	mkdir -p $(BANSHI_DATA_DIR)
	$(PY) -m pytest -m "not browser" banshi

# The tests of deadlines, queues, supervision and the sweep, each run with the clock started at a moment
# that has broken a test that did not fix its own (BANSHI_FROZEN_AT, read by banshi/conftest.py): night,
# the eve of the National Day holiday, a make-up working Saturday, New Year's Eve (China time).
CLOCK_TESTS := banshi/worktime banshi/cases/tests/test_sweep.py banshi/cases/tests/test_supervise_pages.py \
	banshi/cases/tests/test_work_queue.py banshi/remote/tests/test_queue.py banshi/remote/tests/test_booking.py \
	banshi/problems
CLOCK_MOMENTS := 2026-12-02T02:00 2026-09-30T16:45 2026-10-10T10:00 2026-12-31T23:30

test-clock: install
	mkdir -p $(BANSHI_DATA_DIR)
	@for moment in $(CLOCK_MOMENTS); do \
		echo "== at $$moment (China time)"; \
		BANSHI_FROZEN_AT=$$moment $(PY) -m pytest -m "not browser" -q $(CLOCK_TESTS) || exit 1; \
	done

test-browser: install
	@command -v chromium >/dev/null || { echo "chromium is missing: apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	mkdir -p $(BANSHI_DATA_DIR)
	$(UNSHARE) sh -c 'ip link set lo up && DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser banshi'

bench: install bench-debian
	$(PY) bench/run.py; status=$$?; $(PY) bench/automatic.py || status=$$?; \
	$(UNSHARE) sh -c 'ip link set lo up && $(PY) bench/call.py' || status=$$?; \
	$(PY) bench/document.py || status=$$?; $(PY) bench/problems.py || status=$$?; \
	$(PY) bench/outreach.py || status=$$?; $(PY) bench/lectures.py || status=$$?; \
	$(PY) bench/projects.py || status=$$?; $(PY) bench/stats.py || status=$$?; exit $$status

# ruff, mypy (the paths and strictness are in pyproject.toml; its cache is .mypy_cache) and the layer
# contracts of import-linter, and the Traditional Chinese catalogue being what the Simplified gives.
lint: install
	$(VENV)/bin/ruff check banshi bench
	$(VENV)/bin/ruff format --check banshi bench
	BANSHI_DEMO=1 $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) bin/hant --check

messages: install
	cd banshi && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete
	$(PY) bin/hant

# The front end's npm packages (vendor.toml) into banshi/static/vendor/, and its data extracts into their
# folders, hashes checked; the result is committed, so only a change of vendor.toml needs this (and npm).
vendor:
	bin/vendor

clean:
	rm -rf $(VENV) staticfiles
