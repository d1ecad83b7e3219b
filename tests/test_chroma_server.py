"""The index on a real Chroma server (``chroma run`` on 127.0.0.1, started by the fixtures in conftest).

Index, ask through the Engine, update incrementally, verify; index folders sharing one server
keep their own data and never delete each other's; a server that goes away, a wrong token or
a wrong port is one line naming the server, never the advice to rebuild; answers come back
when the server does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import IndexCorruptError, IndexUnavailableError
from bot.index import build, verify
from bot.index.manifest import read_current_manifest
from bot.models import Models

pytestmark = pytest.mark.slow

TRAINS = {
    "train.md": "---\ntitle: Kim's train\ndate: 2023-09-05\n---\nKim Jong Un rode his armored train to Vladivostok. "
                "The trip took 20 hours.",
    "bridge.md": "Bridge repairs begin\n\nRepairs to the old stone bridge began in July. The bridge will stay "
                 "closed to cars for six weeks.",
}
STORMS = {
    "storm.txt": "Storm hits coast\n\nA powerful storm knocked out power to 40,000 homes on Tuesday.",
    "harbour.md": "Harbour reopens\n\nThe harbour reopened on Monday. Repairs to the breakwater will cost "
                  "2 million euros.",
    "museum.md": "Museum opens new wing\n\nThe oldest map in the collection dates from 1520.",
}


def make_corpus(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class CountingEmbedder:
    def __init__(self, inner):
        self.inner, self.texts = inner, []

    def embed_documents(self, texts):
        self.texts.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def top_article(settings, models, question: str) -> str:
    from bot.retrieve import IndexReader, hybrid_search
    from bot.types import Filters

    return hybrid_search(IndexReader(settings, models), question, 1, Filters())[0].chunk.article_id


def own_collections(server, settings) -> set[str]:
    _, manifest = read_current_manifest(settings)
    return {name for name, meta in server.collections().items() if meta.get("newsbot_index") == manifest.index_id}


def test_index_ask_update_and_verify_on_a_chroma_server(chroma_server, tmp_path, models):
    from bot.engine import Engine

    corpus = make_corpus(tmp_path / "corpus", TRAINS)
    settings = chroma_server.settings(corpus, tmp_path / "index")
    first = build(settings, models=models)
    assert first.articles == 2
    generation, manifest = read_current_manifest(settings)
    assert manifest.collection == f"newsbot-{manifest.index_id}-{generation.name}"
    assert chroma_server.collections()[manifest.collection] == {
        "hnsw:space": "cosine", "newsbot_index": manifest.index_id, "newsbot_generation": generation.name,
    }
    assert not (generation / "chroma").exists(), "records live on the server; BM25 and the manifest here"

    engine = Engine(settings, models)
    answer = engine.ask("How long did the train trip to Vladivostok take?")
    assert answer.answerable and "20 hours" in answer.answer
    assert {c.path for c in answer.citations} == {"train.md"}

    (corpus / "bridge.md").write_text(TRAINS["bridge.md"] + " Cyclists may still cross.", encoding="utf-8")
    counting = CountingEmbedder(models.embedder)
    second = build(settings, models=Models(settings, embedder=counting))
    assert second.updated >= 1 and second.unchanged >= 1 and second.added == 0
    assert counting.texts and all("Kim" not in t for t in counting.texts), "only the edited article is embedded"
    assert verify(settings).ok
    answer = engine.ask("Who may still cross the bridge?")
    assert "Cyclists" in answer.answer and {c.path for c in answer.citations} == {"bridge.md"}

    for _ in range(settings.index.keep_generations + 1):
        (corpus / "bridge.md").write_text((corpus / "bridge.md").read_text() + " More.", encoding="utf-8")
        build(settings, models=models)
    assert len(own_collections(chroma_server, settings)) == settings.index.keep_generations + 1


def test_two_index_folders_on_one_server_keep_their_own_data(chroma_server, tmp_path, models):
    trains = chroma_server.settings(make_corpus(tmp_path / "a" / "corpus", TRAINS), tmp_path / "a" / "index")
    storms = chroma_server.settings(make_corpus(tmp_path / "b" / "corpus", STORMS), tmp_path / "b" / "index")
    build(trains, models=models)
    build(storms, models=models)  # its first generation has the same number as trains' first
    for _ in range(3):  # rebuilds delete old generations: only their own
        build(storms, rebuild=True, models=models)
        build(trains, rebuild=True, models=models)
    assert read_current_manifest(trains)[1].index_id != read_current_manifest(storms)[1].index_id
    assert top_article(trains, models, "What knocked out power to homes?") in {"train", "bridge"}
    assert top_article(storms, models, "What knocked out power to homes?") == "storm"
    assert top_article(storms, models, "How long did the train trip take?") in {"storm", "harbour", "museum"}
    assert verify(trains).ok and verify(storms).ok
    assert own_collections(chroma_server, trains).isdisjoint(own_collections(chroma_server, storms))


def test_collections_this_index_did_not_make_are_never_deleted_or_read(chroma_server, tmp_path, models):
    import chromadb

    client = chromadb.HttpClient(host=chroma_server.host, port=chroma_server.port,
                                 settings=chromadb.Settings(anonymized_telemetry=False))
    foreign = {"chunks-gen-000001": {"hnsw:space": "cosine"}, "chunks-gen-000002": {"hnsw:space": "cosine"}}
    for name, metadata in foreign.items():  # what the old naming (and any other app) may have left
        client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
    trains = chroma_server.settings(make_corpus(tmp_path / "a" / "corpus", TRAINS), tmp_path / "a" / "index")
    storms = chroma_server.settings(make_corpus(tmp_path / "b" / "corpus", STORMS), tmp_path / "b" / "index")
    for _ in range(4):
        build(trains, rebuild=True, models=models)
    build(storms, models=models)
    assert set(foreign) <= set(chroma_server.collections())

    # A manifest pointing at another index's collection is refused, not answered from.
    from bot.retrieve import IndexReader

    generation, _ = read_current_manifest(trains)
    manifest_path = generation / "manifest.json"
    text = manifest_path.read_text()
    manifest_path.write_text(text.replace(read_current_manifest(trains)[1].collection,
                                          read_current_manifest(storms)[1].collection))
    with pytest.raises(IndexCorruptError) as caught:
        IndexReader(trains, models)
    assert str(caught.value) == (
        f"collection {read_current_manifest(storms)[1].collection} on the Chroma server at {chroma_server.address} "
        f'does not belong to {generation}: run "bot index --rebuild"'
    )


def test_discarding_a_temporary_index_removes_its_collections_only(chroma_server, tmp_path, models):
    from bot.index.store import discard_index

    keep = chroma_server.settings(make_corpus(tmp_path / "a" / "corpus", TRAINS), tmp_path / "a" / "index")
    temporary = chroma_server.settings(make_corpus(tmp_path / "b" / "corpus", STORMS), tmp_path / "b" / "index")
    build(keep, models=models)
    build(temporary, models=models)
    kept, dropped = own_collections(chroma_server, keep), own_collections(chroma_server, temporary)
    discard_index(temporary)
    assert kept <= set(chroma_server.collections()) and dropped.isdisjoint(chroma_server.collections())
    assert top_article(keep, models, "How long did the train trip take?") == "train"


def test_a_collection_deleted_from_the_server_is_named_and_the_next_index_run_rebuilds_it(chroma_server, tmp_path, models):
    import chromadb

    from bot.retrieve import IndexReader

    settings = chroma_server.settings(make_corpus(tmp_path / "corpus", TRAINS), tmp_path / "index")
    build(settings, models=models)
    _, manifest = read_current_manifest(settings)
    chromadb.HttpClient(host=chroma_server.host, port=chroma_server.port,
                        settings=chromadb.Settings(anonymized_telemetry=False)).delete_collection(manifest.collection)
    with pytest.raises(IndexCorruptError) as caught:
        IndexReader(settings, models)
    assert str(caught.value) == (
        f'collection {manifest.collection} is missing from the Chroma server at {chroma_server.address}: '
        'run "bot index --rebuild"'
    )
    assert build(settings, models=models).full_build.kind == "unreadable"
    assert top_article(settings, models, "How long did the train trip take?") == "train"


def test_a_stopped_server_is_one_line_naming_it_and_answers_come_back_after_a_restart(private_chroma_server, tmp_path, models):
    from bot.engine import Engine

    server = private_chroma_server
    settings = server.settings(make_corpus(tmp_path / "corpus", TRAINS), tmp_path / "index")
    build(settings, models=models)
    engine = Engine(settings, models)
    question = "How long did the train trip to Vladivostok take?"
    assert "20 hours" in engine.ask(question).answer

    server.stop()
    expected = (
        f"Chroma server at {server.address} is unreachable: start it, or check index.chroma_host, "
        "index.chroma_port and index.chroma_ssl"
    )
    with pytest.raises(IndexUnavailableError) as caught:
        engine.ask(question)  # mid-session: the open collection's server went away
    assert str(caught.value) == expected
    with pytest.raises(IndexUnavailableError) as caught:
        Engine(settings, models).reader  # noqa: B018 - a new process opening the index
    assert str(caught.value) == expected
    with pytest.raises(IndexUnavailableError) as caught:
        verify(settings)
    assert str(caught.value) == expected
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_INDEX__DIR=str(settings.index.dir), BOT_INDEX__CHROMA_HOST=server.host,
               BOT_INDEX__CHROMA_PORT=str(server.port))
    for command in (["ask", question], ["index", "--verify"], ["index", "--corpus", str(settings.corpus.dir)]):
        result = subprocess.run([sys.executable, "-m", "bot", *command], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 1
        assert result.stderr.splitlines()[-1] == f"error: {expected}", result.stderr
        assert "rebuild" not in result.stderr and "Traceback" not in result.stderr

    server.start()
    assert "20 hours" in engine.ask(question).answer, "the same engine answers again"
    assert verify(settings).ok


def test_a_wrong_port_is_one_line_naming_it(tmp_path, models, chroma_server):
    from conftest import free_port

    settings = chroma_server.settings(make_corpus(tmp_path / "corpus", TRAINS), tmp_path / "index")
    build(settings, models=models)
    port = free_port()
    wrong = settings.with_overrides(index={"chroma_port": port})
    with pytest.raises(IndexUnavailableError, match=rf"^Chroma server at 127\.0\.0\.1:{port} is unreachable: "):
        top_article(wrong, models, "Where did Kim go?")
    with pytest.raises(IndexUnavailableError, match=rf"^Chroma server at 127\.0\.0\.1:{chroma_server.port} is unreachable over HTTPS"):
        top_article(settings.with_overrides(index={"chroma_ssl": True}), models, "Where did Kim go?")


def test_a_wrong_token_says_the_server_refused_it(token_gate, tmp_path, models):
    from bot.settings import Settings

    gate = token_gate("right-token")

    def through_gate(token: str | None):
        return Settings().with_overrides(
            corpus={"dir": tmp_path / "corpus"},
            index={"dir": tmp_path / "index", "chroma_host": gate.host, "chroma_port": gate.port, "chroma_token": token},
        )

    make_corpus(tmp_path / "corpus", TRAINS)
    refused = f"the Chroma server at {gate.host}:{gate.port} refused the token: check index.chroma_token (BOT_INDEX__CHROMA_TOKEN)"
    for token in ("wrong-token", None):
        with pytest.raises(IndexUnavailableError) as caught:
            build(through_gate(token), models=models)
        assert str(caught.value) == refused
    settings = through_gate("right-token")
    build(settings, models=models)
    assert top_article(settings, models, "How long did the train trip take?") == "train"
    with pytest.raises(IndexUnavailableError) as caught:
        top_article(through_gate("wrong-token"), models, "How long did the train trip take?")
    assert str(caught.value) == refused
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_INDEX__DIR=str(settings.index.dir), BOT_INDEX__CHROMA_HOST=gate.host,
               BOT_INDEX__CHROMA_PORT=str(gate.port), BOT_INDEX__CHROMA_TOKEN="wrong-token")
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "Where did Kim go?"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1 and result.stderr.strip() == f"error: {refused}"
    assert "wrong-token" not in result.stderr
