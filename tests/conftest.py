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
    from bot.answer import Engine

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
