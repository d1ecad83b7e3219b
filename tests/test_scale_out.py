"""Scale-out (issue 13): two `bot web` processes answer from one Chroma server while a third process
rebuilds the index with `bot index`. No request fails, and both move to each new generation. The web
processes share the index folder (manifest, BM25, sentence vectors) and reach the server over loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED_CORPUS, free_port

pytestmark = pytest.mark.slow

BOT = Path(sys.executable).with_name("bot")
ISLANDS = ["Arden", "Brisa", "Corvo", "Delos"]


def bridge_article(n: int) -> str:
    return (f"---\ntitle: {ISLANDS[n]} bridge opens\ndate: 2024-05-0{n + 1}\n---\n"
            f"The bridge to {ISLANDS[n]} island opened on Friday. It cost {n + 3} million euros to build.\n")


def question(n: int) -> str:
    return f"How much did the bridge to {ISLANDS[n]} island cost?"


def wait_for_page(url: str, process: subprocess.Popen, limit_s: float = 600) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert process.poll() is None, f"bot web exited: {process.communicate()[1][-2000:]}"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {limit_s} s")


class Asker(threading.Thread):
    """Asks one web process questions in a loop; records the index each answer came from and any failure."""

    def __init__(self, url: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.url, self.stop = url, stop
        self.generations: list[str] = []
        self.failures: list[str] = []

    def run(self) -> None:
        from gradio_client import Client

        api = Client(self.url, verbose=False)
        n = 0
        while not self.stop.is_set():
            try:
                got = api.predict(question(n % 2), "", "", "", api_name="/ask")
                self.generations.append(got["index"])
            except Exception as exc:  # noqa: BLE001 - any failure is what the test counts
                self.failures.append(f"{type(exc).__name__}: {exc}".splitlines()[0])
            n += 1


def test_two_web_processes_on_one_chroma_server_follow_rebuilds_by_a_third(chroma_server, tmp_path, models):
    from bot.index import build

    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "bridge0.md").write_text(bridge_article(0), encoding="utf-8")
    (corpus / "bridge1.md").write_text(bridge_article(1), encoding="utf-8")
    settings = chroma_server.settings(corpus, tmp_path / "index")
    build(settings, models=models)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_CORPUS__DIR=str(corpus), BOT_INDEX__DIR=str(settings.index.dir),
               BOT_INDEX__CHROMA_HOST=chroma_server.host, BOT_INDEX__CHROMA_PORT=str(chroma_server.port))
    ports = [free_port(), free_port()]
    webs = [subprocess.Popen([str(BOT), "web", "--port", str(port)], env=env, cwd=tmp_path, text=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for port in ports]
    stop = threading.Event()
    askers = []
    try:
        urls = [f"http://127.0.0.1:{port}/" for port in ports]
        for url, web in zip(urls, webs):
            wait_for_page(url, web)
        askers = [Asker(url, stop) for url in urls]
        for asker in askers:
            asker.start()
        rebuilds = []
        for n in (2, 3):  # the third process: a new article, then `bot index`, while both keep answering
            (corpus / f"bridge{n}.md").write_text(bridge_article(n), encoding="utf-8")
            done = subprocess.run([str(BOT), "index", "-q"], env=env, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=600)
            assert done.returncode == 0, done.stderr
            rebuilds.append(done)
            time.sleep(2)  # a few more questions on the new generation
        stop.set()
        for asker in askers:
            asker.join(timeout=300)
        from gradio_client import Client

        finals = [Client(url, verbose=False).predict(question(3), "", "", "", api_name="/ask") for url in urls]
    finally:
        stop.set()
        for web in webs:
            web.terminate()
        for web in webs:
            try:
                web.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                web.kill()
    print(f"requests served: {[len(a.generations) for a in askers]}, failed: {[len(a.failures) for a in askers]}")
    for asker in askers:
        assert asker.failures == [], asker.failures
        assert asker.generations, "the asker got answers"
        assert asker.generations == sorted(asker.generations)  # never back to an older generation
        assert asker.generations[0] == "gen-000001" and asker.generations[-1] == "gen-000003"
    for final in finals:
        assert final["index"] == "gen-000003"
        assert final["citations"] and final["citations"][0]["file"] == "bridge3.md"
        assert "6 million euros" in final["answer"] + final["citations"][0]["quote"]
