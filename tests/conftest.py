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
