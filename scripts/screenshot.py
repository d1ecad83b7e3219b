"""Take docs/screenshot.png: the web UI in a real browser, a question answered and its source highlighted.

    .venv/bin/python scripts/screenshot.py [--question TEXT ...] [--open] [--output docs/screenshot.png]

Indexes a throwaway copy of corpus/ in a temporary folder, starts the web UI on a free loopback
port in this process, asks the questions in Debian's chromium (apt-get install -y chromium) and
saves a PNG of the page. Nothing in the repository changes except the output file.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTIONS = ["Who is Kim Jong Un expected to meet?", "How many trips abroad did Kim Jong Il make?"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", action="append",
                        help="Ask this (repeatable; default: two questions about the seed article).")
    parser.add_argument("--open", action="store_true", help="Also open the first cited article.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is missing: run `apt-get install -y chromium` as root", file=sys.stderr)
        return 1

    from bot.index import build
    from bot.settings import Settings
    from bot.web.app import WebApp

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(args.corpus, corpus)
        settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": Path(tmp) / "index"},
                                             web={"host": "127.0.0.1", "port": _free_port()})
        app = WebApp(settings)
        build(settings, models=app.models)
        app.warm_up()
        url = app.launch(block=False)
        try:
            _capture(url, args.question or QUESTIONS, args.open, args.output)
        finally:
            app.demo.close()
    print(f"wrote {args.output}")
    return 0


def _capture(url: str, questions: list[str], open_article: bool, output: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_selector("#question textarea")
        for question in questions:
            page.fill("#question textarea", question)
            page.click("#ask")
            page.wait_for_function(
                "q => (document.querySelector('#sources .src-top') || {innerText: ''}).innerText.includes(q)",
                arg=question, timeout=120_000,
            )
        if open_article:
            page.click("#sources .src-card .src-open")
            page.wait_for_selector("#article mark#cited-span")
        page.mouse.move(0, 0)
        page.wait_for_timeout(800)  # let the last render and scroll settle
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output), full_page=True)
        browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
