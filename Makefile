# `make run`: install, index corpus/, start the web UI.  `make test`: install, run every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
BOT    := $(VENV)/bin/bot
STAMP  := $(VENV)/.installed

.PHONY: install run test browser clean

install: $(STAMP)

# torch is pinned and installed first: the pin takes the CPU build shipped on this machine,
# an unpinned torch (pulled in by sentence-transformers) would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	$(BOT) index
	$(BOT) web

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "could not install chromium: browser tests will fail"; \
		else echo "browser tests need Debian's chromium: sudo apt-get install -y chromium"; fi; \
	fi

test: install browser
	$(PY) -m pytest

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT
