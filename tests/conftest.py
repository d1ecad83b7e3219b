"""Shared fixtures. Real components throughout: real files, real Chroma, the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = ROOT / "corpus"
SQUAD_V1 = DATA / "squad_v1.1_dev_subset"
SQUAD_V2 = DATA / "squad_v2.0_dev_subset"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """No test reads the developer's bot.toml, BOT_* variables or index/."""
    for name in list(__import__("os").environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once for the whole run."""
    from bot.embeddings import load_embedder
    from bot.settings import Settings

    return load_embedder(Settings())


@pytest.fixture
def make_settings(tmp_path):
    """Settings pointing at a corpus and an index inside tmp_path."""
    from bot.settings import Settings

    def make(corpus: Path | None = None, index: Path | None = None, **sections):
        base = Settings()
        return base.with_overrides(
            corpus={"dir": corpus or tmp_path / "corpus"}, index={"dir": index or tmp_path / "index"}, **sections
        )

    return make


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, embedder):
    """An index of the repository's corpus/ (the seed article), built once."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("seed")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"})
    build(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_settings, embedder):
    from bot.engine import Engine

    return Engine(seed_settings, embedder=embedder)


@pytest.fixture(scope="session")
def squad_v1_settings(tmp_path_factory, embedder):
    """An index of the SQuAD v1.1 dev subset (201 paragraphs), built once."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("squad1")
    settings = Settings().with_overrides(corpus={"dir": SQUAD_V1 / "corpus"}, index={"dir": root / "index"})
    build(settings, embedder=embedder)
    return settings


DISTRICTS = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ivy", "Juniper", "Kapok",
             "Larch", "Maple", "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Spruce", "Teak"]
DISTRICT_REPORTS = [f"The storm knocked out power to {100 + i * 37} homes in the {name} district."
                    for i, name in enumerate(DISTRICTS)]


@pytest.fixture(scope="session")
def hnsw_index_base(tmp_path_factory, embedder):
    """A folder with corpus/ and index/ big enough for Chroma to write its HNSW files: more records
    (1,100) than it keeps in its write-ahead log (1,000). The articles share 20 texts, so embedding is cheap."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("hnsw")
    corpus = root / "corpus"
    corpus.mkdir()
    for n in range(1100):
        (corpus / f"a{n:04d}.md").write_text(f"---\ntitle: Article {n}\n---\n{DISTRICT_REPORTS[n % 20]}\n")
    build(Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"}), embedder=embedder)
    assert list((root / "index").glob("gen-*/chroma/*/header.bin")), "the HNSW index is on disk"
    return root


@pytest.fixture
def web_server(tmp_path, embedder):
    """Start the web UI in this process on a free 127.0.0.1 port; returns ``start(...) -> (WebApp, url)``.

    Each start gets its own copy of corpus/ (indexed unless ``index=False``) and index folder,
    so tests never share articles, index generations or conversations. ``extra`` adds articles
    (file name -> text) to the corpus before indexing.
    """
    import socket

    from bot.index import build
    from bot.settings import Settings
    from bot.web.app import WebApp

    apps = []

    def start(index: bool = True, auth: tuple[str, str] | None = None, extra: dict[str, str] | None = None, **web):
        root = tmp_path / f"web{len(apps)}"
        corpus = root / "corpus"
        shutil.copytree(SEED_CORPUS, corpus)
        for name, text in (extra or {}).items():
            (corpus / name).write_text(text, encoding="utf-8")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = Settings().with_overrides(
            corpus={"dir": corpus}, index={"dir": root / "index"}, web={"host": "127.0.0.1", "port": port, **web}
        )
        if index:
            build(settings, embedder=embedder)
        app = WebApp(settings, embedder=embedder)
        app.warm_up()
        apps.append(app)
        return app, app.launch(auth=auth, block=False)

    yield start
    for app in apps:
        app.demo.close()


@pytest.fixture(scope="session")
def word_pieces():
    """The default embedder's own word-piece counter (tokenizer only, no model)."""
    from bot.embeddings import token_counter
    from bot.settings import Settings

    return token_counter(Settings())


@pytest.fixture(scope="session")
def model_tokenizer():
    """The tokenizer sentence-transformers itself uses for the default embedder (transformers, from the model folder)."""
    from transformers import AutoTokenizer

    from bot.embeddings import model_path
    from bot.settings import DEFAULT_EMBEDDER

    return AutoTokenizer.from_pretrained(str(model_path(DEFAULT_EMBEDDER)), local_files_only=True)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop_with_parent() -> None:
    """In the child, before exec: on Linux, be sent SIGTERM when the test process dies (even of a
    crash that skips fixture teardown), so no server outlives its tests."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class ChromaServer:
    """A real ``chroma run`` (the CLI installed with chromadb) on 127.0.0.1, storing in ``path``."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log = path, log
        self.host, self.port = "127.0.0.1", free_port()
        self.process = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 120) -> None:
        import subprocess
        import sys
        import time
        import urllib.request

        chroma = Path(sys.executable).parent / "chroma"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(chroma), "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, preexec_fn=_stop_with_parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://{self.address}/api/v2/heartbeat", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run gave no heartbeat within {timeout} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    def settings(self, corpus: Path, index: Path, **index_settings):
        """Settings whose index lives on this server."""
        from bot.settings import Settings

        return Settings().with_overrides(
            corpus={"dir": corpus},
            index={"dir": index, "chroma_host": self.host, "chroma_port": self.port, **index_settings},
        )

    def collections(self) -> dict[str, dict]:
        """Name -> metadata of every collection on the server."""
        import chromadb

        client = chromadb.HttpClient(host=self.host, port=self.port, settings=chromadb.Settings(anonymized_telemetry=False))
        return {c.name: dict(c.metadata or {}) for c in client.list_collections()}


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One real Chroma server for the session; tests share it as index folders would (each test
    uses its own index folders). A test that stops it must start it again."""
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(root / "data", root / "chroma.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_chroma_server(tmp_path):
    """A real Chroma server of this test's own, free to be stopped and restarted."""
    server = ChromaServer(tmp_path / "chroma-data", tmp_path / "chroma.log")
    server.start()
    yield server
    server.stop()


class TokenGate:
    """A reverse proxy in front of a Chroma server that lets through only requests carrying
    ``Authorization: Bearer <token>`` (Chroma 1.x serves no auth of its own: deployments put a proxy
    in front, which answers 403 like this one)."""

    def __init__(self, upstream: ChromaServer, token: str):
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                if self.headers.get("Authorization") != f"Bearer {token}":
                    body = b'{"error":"Forbidden","message":"missing or wrong token"}'
                    self.send_response(403)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(upstream.host, upstream.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(self.command, self.path, body=body, headers=headers)
                reply = connection.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host, self.port = "127.0.0.1", self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token_gate(chroma_server):
    """``make(token)``: a token-checking proxy in front of the session's Chroma server."""
    gates = []

    def make(token: str) -> TokenGate:
        gates.append(TokenGate(chroma_server, token))
        return gates[-1]

    yield make
    for gate in gates:
        gate.close()
