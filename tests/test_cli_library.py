"""`bot add` and `bot rm`: the Library tab's changes from the command line (fast tier: fake embedder)."""

from __future__ import annotations

from bot.library import list_articles

ARTICLE = "---\ntitle: Harbour reopens\ndate: 2024-03-01\nsource: Coast News\n---\nThe harbour reopened on Monday.\n"


def test_add_copies_the_article_into_the_corpus_and_indexes_it(fake_cli, fast_seed, tmp_path):
    upload = tmp_path / "harbour.md"
    upload.write_text(ARTICLE, encoding="utf-8")
    code, out, err = fake_cli("add", str(upload))
    assert code == 0, err
    assert out.startswith("Saved harbour.md (added). Index gen-000002: 2 articles, added 1")
    assert (fast_seed.corpus.dir / "harbour.md").read_text(encoding="utf-8") == ARTICLE
    assert [e.path for e in list_articles(fast_seed)] == ["harbour.md", "kim-train-vladivostok.md"]


def test_a_refused_file_writes_nothing_and_says_why_in_one_line(fake_cli, fast_seed, tmp_path):
    good, bad = tmp_path / "good.md", tmp_path / "notes.pdf"
    good.write_text(ARTICLE, encoding="utf-8")
    bad.write_bytes(b"%PDF-1.4")
    code, out, err = fake_cli("add", str(good), str(bad))
    assert code == 1 and out == ""
    assert err == "error: notes.pdf: only .txt, .md, .markdown, .html, .htm files can be added\n"
    assert not (fast_seed.corpus.dir / "good.md").exists()


def test_rm_deletes_the_article_and_re_indexes(fake_cli, fast_seed, tmp_path):
    upload = tmp_path / "harbour.md"
    upload.write_text(ARTICLE, encoding="utf-8")
    fake_cli("add", str(upload))
    code, out, _ = fake_cli("rm", "harbour.md")
    assert code == 0 and out.startswith("Deleted harbour.md. Index gen-000003: 1 articles")
    assert not (fast_seed.corpus.dir / "harbour.md").exists()


def test_rm_of_something_outside_the_corpus_is_refused(fake_cli):
    code, _, err = fake_cli("rm", "../../etc/passwd")
    assert code == 1 and err == "error: ../../etc/passwd: not an article in the corpus folder\n"
