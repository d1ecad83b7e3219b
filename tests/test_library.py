"""bot.library: what the web UI's Library tab does to the corpus folder, with real files and a real index."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

import pytest

from bot.corpus import cited_passage, paragraph_bounds
from bot.errors import ArticleError, IndexMissingError
from bot.library import (
    delete_article,
    index_info,
    list_articles,
    safe_name,
    save_upload,
    save_uploads,
    sources,
)
from tests.conftest import SEED_CORPUS

ARTICLE = b"---\ntitle: Harbour reopens\ndate: 2024-03-01\nsource: Coast News\n---\nThe harbour reopened on Monday.\n"


@pytest.fixture
def settings(make_settings, corpus_dir):
    shutil.copytree(SEED_CORPUS, corpus_dir, dirs_exist_ok=True)
    return make_settings()


def corpus_state(settings) -> dict[str, bytes]:
    root = settings.corpus.dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("uploaded", "saved"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("C:\\Users\\me\\news.TXT", "news.txt"),
        ("/abs/path/story.html", "story.html"),
        (".hidden.md", "hidden.md"),
        ("Ünïcode name (final)!.md", "Unicode-name-final.md"),
        ("....md", "article.md"),
    ],
)
def test_upload_names_are_sanitised_into_the_corpus_root(uploaded, saved):
    assert safe_name(uploaded) == saved


@pytest.mark.parametrize("name", ["notes.pdf", "script.sh", "archive.md.exe", "noextension", ""])
def test_upload_names_with_other_suffixes_are_refused(name):
    with pytest.raises(ArticleError, match="only .txt, .md, .markdown, .html, .htm files"):
        safe_name(name)


def test_path_traversal_upload_lands_inside_the_corpus(settings):
    saved = save_upload(settings, "../../outside.md", ARTICLE)
    assert saved.path == "outside.md" and saved.status == "added"
    assert (settings.corpus.dir / "outside.md").read_bytes() == ARTICLE
    assert not (settings.corpus.dir.parent.parent / "outside.md").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02binary\x00", "binary file"),
        ("caf\xe9 au lait".encode("latin-1"), "not UTF-8"),
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
        (b"---\ntitle: x\nno closing fence\n", "never closed"),
    ],
)
def test_rejected_upload_changes_nothing(settings, data, message):
    before = corpus_state(settings)
    with pytest.raises(ArticleError, match=message):
        save_upload(settings, "bad.txt", data)
    assert corpus_state(settings) == before


def test_upload_over_the_size_limit_is_refused(make_settings, corpus_dir):
    settings = make_settings(web={"max_upload_mb": 0.001})  # about 1 KB
    with pytest.raises(ArticleError, match="larger than the 0.001 MB upload limit"):
        save_upload(settings, "big.txt", b"word " * 400)
    assert list(corpus_dir.iterdir()) == []


def test_different_article_under_the_same_name_needs_confirmation(settings):
    save_upload(settings, "harbour.md", ARTICLE)
    edited = ARTICLE.replace(b"Monday", b"Tuesday")
    with pytest.raises(ArticleError, match="already exists with different text: confirm replacing"):
        save_upload(settings, "harbour.md", edited)
    assert (settings.corpus.dir / "harbour.md").read_bytes() == ARTICLE
    assert save_upload(settings, "harbour.md", edited, replace=True).status == "replaced"
    assert (settings.corpus.dir / "harbour.md").read_bytes() == edited


def test_uploading_the_same_file_again_is_a_no_op(settings):
    save_upload(settings, "harbour.md", ARTICLE)
    assert save_upload(settings, "harbour.md", ARTICLE).status == "unchanged"


def test_one_bad_file_in_a_batch_writes_none_of_them(settings):
    before = corpus_state(settings)
    with pytest.raises(ArticleError, match="bad.txt: binary"):
        save_uploads(settings, [("good.md", ARTICLE), ("bad.txt", b"\x00\x00")])
    with pytest.raises(ArticleError, match="two uploaded files"):
        save_uploads(settings, [("a/x.md", ARTICLE), ("b/x.md", ARTICLE + b"more\n")])
    assert corpus_state(settings) == before


def test_no_temporary_files_are_left_behind(settings):
    save_uploads(settings, [("one.md", ARTICLE), ("two.txt", b"Two\n\nA second article.\n")])
    assert not [p for p in os.listdir(settings.corpus.dir) if p.startswith(".")]


def test_delete_refuses_paths_outside_the_corpus(settings, tmp_path):
    victim = tmp_path / "victim.md"
    victim.write_bytes(ARTICLE)
    for path in ("../victim.md", str(victim), ".", "missing.md", "kim-train-vladivostok"):
        with pytest.raises(ArticleError):
            delete_article(settings, path)
    assert victim.exists()


def test_missing_index_is_reported_not_hidden(settings):
    with pytest.raises(IndexMissingError, match='run "bot index"'):
        list_articles(settings)
    with pytest.raises(IndexMissingError):
        index_info(settings)
    assert sources(settings) == []


@pytest.mark.slow
def test_upload_then_delete_goes_through_to_the_index(settings, models):
    from bot.index import build

    build(settings, models=models)
    first = index_info(settings)
    save_upload(settings, "harbour.md", ARTICLE)
    build(settings, models=models)
    listed = {e.path: e for e in list_articles(settings)}
    assert listed["harbour.md"].title == "Harbour reopens" and listed["harbour.md"].chunks >= 1
    assert listed["harbour.md"].date == "2024-03-01" and sources(settings) == ["Coast News"]
    assert [e.path for e in list_articles(settings, "HARBOUR reopens")] == ["harbour.md"]
    assert list_articles(settings, "no such words") == []
    assert index_info(settings).articles == first.articles + 1

    assert delete_article(settings, "harbour.md") == "harbour.md"
    assert not (settings.corpus.dir / "harbour.md").exists()
    build(settings, models=models)
    assert "harbour.md" not in {e.path for e in list_articles(settings)}
    assert index_info(settings).chunks == first.chunks


@pytest.mark.slow
def test_same_text_under_another_name_is_refused_once_indexed(settings, models):
    from bot.index import build

    save_upload(settings, "harbour.md", ARTICLE)
    build(settings, models=models)
    with pytest.raises(ArticleError, match="already in the library as harbour.md"):
        save_upload(settings, "copy-of-harbour.md", ARTICLE)


BILLION_LAUGHS = (
    b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    b"title: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\nBody.\n"
)


def test_an_upload_with_yaml_aliases_is_refused_in_one_line_and_writes_nothing(settings):
    before = corpus_state(settings)
    with pytest.raises(ArticleError) as caught:
        save_upload(settings, "bomb.md", BILLION_LAUGHS)
    assert str(caught.value) == (
        "bomb.md: malformed front matter (line 2: YAML anchors and aliases (&name, *name) are not allowed)"
    )
    assert corpus_state(settings) == before


@pytest.fixture
def escaped(seed_settings, seed_engine, tmp_path):
    """The seed index, with its article's file now replaced by a link to a file outside the corpus."""
    corpus = tmp_path / "linked-corpus"
    shutil.copytree(seed_settings.corpus.dir, corpus)
    settings = seed_settings.with_overrides(corpus={"dir": corpus})
    citation = seed_engine.ask("Who is Kim Jong Un expected to meet?").citations[0]
    outside = tmp_path / "outside.md"
    outside.write_bytes((corpus / citation.path).read_bytes())  # even the same text must not be read from there
    (corpus / citation.path).unlink()
    (corpus / citation.path).symlink_to(outside)
    return settings, citation, outside


def test_a_link_out_of_the_corpus_is_left_out_of_the_library_and_sources_with_a_warning(escaped, caplog):
    from bot.corpus import cited_article

    settings, citation, _ = escaped
    with caplog.at_level("WARNING"):
        assert citation.path not in {e.path for e in list_articles(settings)}
        assert cited_article(settings, citation) is None
        assert cited_passage(settings, citation) == (citation.quote, 0, len(citation.quote))
    assert f"skipped {citation.path}: links to a file outside the corpus folder; skipped" in caplog.messages


def test_deleting_a_link_removes_the_link_and_never_its_target(escaped):
    settings, citation, outside = escaped
    assert delete_article(settings, citation.path) == citation.path
    assert not (settings.corpus.dir / citation.path).is_symlink() and outside.exists()


def test_paragraph_bounds_stop_at_blank_lines():
    text = "First para.\n\nSecond one, with the quote inside.\nStill second.\n\nThird."
    start = text.index("the quote")
    a, b = paragraph_bounds(text, start, start + len("the quote"))
    assert text[a:b] == "Second one, with the quote inside.\nStill second."
    assert paragraph_bounds(text, 0, 5) == (0, len("First para."))


def test_cited_passage_points_at_the_exact_quote(seed_engine, seed_settings):
    answer = seed_engine.ask("Who is Kim Jong Un expected to meet?")
    assert answer.citations
    for citation in answer.citations:
        paragraph, start, end = cited_passage(seed_settings, citation)
        assert paragraph[start:end] == citation.quote
        assert "\n\n" not in paragraph


def test_cited_passage_falls_back_to_the_indexed_chunk_when_the_file_changed(seed_engine, seed_settings):
    citation = seed_engine.ask("Who is Kim Jong Un expected to meet?").citations[0]
    moved = replace(citation, path="gone-since-indexing.md")
    paragraph, start, end = cited_passage(seed_settings, moved)
    assert paragraph[start:end] == citation.quote
    assert paragraph in citation.chunk_text
