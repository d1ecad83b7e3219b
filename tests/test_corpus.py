"""Loading articles: front matter, HTML, ids, hashes, and one clear reason for every file that is skipped."""

from __future__ import annotations

import hashlib
import re

import pytest

from bot.corpus import load_corpus, parse_article, read_article
from bot.dates import date_epoch
from bot.errors import ArticleError, CorpusError
from conftest import SEED_CORPUS, SQUAD_V1

PAGE = """<!DOCTYPE html><html><head><title>Storm hits coast | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet"><meta name="date" content="2024-03-05">
<meta name="author" content="Lois Lane"></head>
<body><nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<article><h1>Storm hits coast</h1>
<p>A powerful storm struck the northern coast on Tuesday, knocking out power to thousands of homes. Officials said repairs could take a week.</p>
<p>The storm, named Ada, brought winds of 120 km/h and heavy rain to the region, forcing schools to close.</p>
</article><footer>Copyright 2024 Daily Planet. All rights reserved.</footer></body></html>
"""


def write(folder, name, content):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def test_front_matter_fields_are_read_and_the_body_kept_exactly():
    raw = (
        "---\ntitle: Kim heads to Russia\ndate: 2023-09-05\nsource: Reuters\nurl: https://example.com/kim\n"
        "authors: [Jane Doe, John Roe]\n---\nKim Jong Un may travel.\n\nBy armored train.\n"
    )
    article = parse_article(raw.encode(), "world/kim.md")
    assert article.title == "Kim heads to Russia"
    assert article.date == "2023-09-05"
    assert article.source == "Reuters"
    assert article.url == "https://example.com/kim"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.text == "Kim Jong Un may travel.\n\nBy armored train.\n"
    assert raw.endswith(article.text)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-09-05", "2023-09-05"),
        ("2023-09-05T10:30:00Z", "2023-09-05T10:30:00+00:00"),
        ("'2023-09-05T10:30:00+02:00'", "2023-09-05T10:30:00+02:00"),
        ("2023-09-05 10:30", "2023-09-05T10:30:00"),
    ],
)
def test_dates_are_normalised_to_iso_8601(value, expected):
    article = parse_article(f"---\ndate: {value}\n---\nBody.".encode(), "a.md")
    assert article.date == expected
    assert date_epoch(article.date) is not None


def test_a_single_author_string_is_one_author():
    article = parse_article(b"---\nauthor: Jane Doe\n---\nBody.", "a.md")
    assert article.authors == ("Jane Doe",)


def test_without_front_matter_the_first_non_empty_line_is_the_title():
    article = parse_article(b"\n\n  # Storm hits coast  \n\nA storm struck.", "storm.txt")
    assert article.title == "Storm hits coast"
    assert article.date is None and article.source is None
    assert article.text == "\n\n  # Storm hits coast  \n\nA storm struck."


def test_a_line_that_only_dates_the_article_is_not_its_title():
    article = parse_article(b"Published: 2025-05-13\n\nMuseum pulls codex from display\n\nThe museum said.", "codex.txt")
    assert article.title == "Museum pulls codex from display" and article.date == "2025-05-13"


def test_crlf_front_matter_and_body_keep_their_line_ends():
    raw = "---\r\ntitle: CRLF story\r\n---\r\nLine one.\r\n\r\nLine two.\r\n"
    article = parse_article(raw.encode(), "crlf.md")
    assert article.title == "CRLF story"
    assert article.text == "Line one.\r\n\r\nLine two.\r\n"


def test_a_byte_order_mark_is_not_part_of_the_text():
    article = parse_article("\ufeffTitle line\n\nBody.".encode("utf-8"), "bom.txt")
    assert article.text == "Title line\n\nBody."
    assert article.title == "Title line"


def test_html_goes_through_trafilatura_for_text_title_date_and_site():
    article = parse_article(PAGE.encode(), "web/storm.html")
    assert article.id == "web/storm"
    assert article.title == "Storm hits coast"
    assert article.date == "2024-03-05"
    assert article.source == "Daily Planet"
    assert article.authors == ("Lois Lane",)
    assert "knocking out power to thousands of homes" in article.text
    assert "World news menu" not in article.text and "All rights reserved" not in article.text
    assert "\n\n" in article.text, "blocks become paragraphs, so chunking stays paragraph-aware"


def test_html_without_article_text_is_skipped_with_a_reason():
    with pytest.raises(ArticleError, match=r"^empty\.htm: no article text found in the HTML$"):
        parse_article(b"<html><head><title>x</title></head><body></body></html>", "empty.htm")


def test_subfolders_are_walked_and_ids_are_paths_without_extension(corpus_dir):
    write(corpus_dir, "top.md", "Top story.")
    write(corpus_dir, "world/asia/kim.txt", "Kim story.")
    write(corpus_dir, "world/storm.html", PAGE)
    write(corpus_dir, "notes.pdf", b"%PDF-1.4 not an article")
    write(corpus_dir, ".hidden/secret.md", "Hidden.")
    write(corpus_dir, ".draft.md", "Draft.")
    scan = load_corpus(corpus_dir)
    assert sorted(a.id for a in scan.articles) == ["top", "world/asia/kim", "world/storm"]
    assert {a.path for a in scan.articles} == {"top.md", "world/asia/kim.txt", "world/storm.html"}
    assert scan.skipped == []


def test_ids_and_hashes_are_stable_and_hash_the_file_bytes(corpus_dir):
    raw = b"---\ntitle: T\n---\nBody text."
    write(corpus_dir, "a/b.md", raw)
    first = load_corpus(corpus_dir).articles[0]
    second = load_corpus(corpus_dir).articles[0]
    assert first == second
    assert first.id == "a/b"
    assert first.content_hash == hashlib.sha256(raw).hexdigest()
    write(corpus_dir, "a/b.md", raw + b" More.")
    assert load_corpus(corpus_dir).articles[0].content_hash != first.content_hash


def test_an_identical_copy_is_loaded_once_and_reported(corpus_dir):
    write(corpus_dir, "a.md", "Same text.")
    write(corpus_dir, "copies/b.md", "Same text.")
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["a"]
    assert scan.duplicates == [("copies/b.md", "a")]


def test_same_name_with_two_extensions_keeps_both(corpus_dir):
    write(corpus_dir, "kim.md", "Markdown version.")
    write(corpus_dir, "kim.txt", "Text version.")
    assert sorted(a.id for a in load_corpus(corpus_dir).articles) == ["kim", "kim.txt"]


def test_seed_and_squad_corpora_load_without_skips():
    seed = load_corpus(SEED_CORPUS)
    assert [a.id for a in seed.articles] == ["kim-train-vladivostok"]
    assert seed.articles[0].title.startswith("Kim Jong Un may repeat his 2019 journey")
    squad = load_corpus(SQUAD_V1 / "corpus")
    assert len(squad.articles) == 201 and not squad.skipped
    assert squad.articles[0].title == squad.articles[0].text.splitlines()[0]


# Bad input: each file is skipped with a message naming it and the problem.
@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("latin1.txt", "Caf\xe9 au lait\n".encode("latin-1"), r"latin1\.txt: not UTF-8 \(byte 3\); re-save it as UTF-8"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", r"image\.txt: binary file, not UTF-8 text"),
        ("empty.md", b"", r"empty\.md: empty file"),
        ("blank.txt", b"  \n\t\n", r"blank\.txt: empty file"),
        ("only-front-matter.md", b"---\ntitle: x\n---\n", r"only-front-matter\.md: no article text"),
        ("bad-yaml.md", b"---\ntitle: [unclosed\nsource: x\n---\nBody.", r"bad-yaml\.md: malformed front matter \(line \d+: .+\)"),
        ("not-mapping.md", b"---\njust a sentence\n---\nBody.", r"not-mapping\.md: malformed front matter \(expected 'key: value' lines\)"),
        ("unclosed.md", b"---\ntitle: x\nBody without a closing line.", r"unclosed\.md: front matter opened with '---' is never closed"),
    ],
)
def test_unreadable_article_is_skipped_naming_the_file_and_the_problem(corpus_dir, name, content, problem):
    write(corpus_dir, "good.md", "A good article.")
    write(corpus_dir, name, content)
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["good"]
    assert len(scan.skipped) == 1
    path, reason = scan.skipped[0]
    assert path == name
    assert "\n" not in reason
    assert re.fullmatch(problem, reason), reason


@pytest.mark.parametrize("name, given", [("bad-date.md", "yesterday"), ("bad-month.md", "2023-13-45")])
def test_an_unreadable_date_leaves_the_article_undated_with_a_note_never_skipped(corpus_dir, name, given):
    write(corpus_dir, name, f"---\ntitle: Storm\ndate: {given}\n---\nBody.")
    scan = load_corpus(corpus_dir)
    assert [(a.title, a.date, a.date_source) for a in scan.articles] == [("Storm", None, None)]
    assert scan.skipped == [] and scan.undated == [name[:-3]]
    assert scan.date_notes == [(name, f"{name}: front matter date '{given}' is not a date (use ISO 8601, e.g. 2023-09-05); left undated")]


def test_an_unreadable_front_matter_date_falls_back_to_the_file_name(corpus_dir):
    write(corpus_dir, "2023-09-05-storm.md", "---\ndate: last tuesday\n---\nBody.")
    scan = load_corpus(corpus_dir)
    assert [(a.date, a.date_source) for a in scan.articles] == [("2023-09-05", "path")]
    assert scan.date_notes[0][1].endswith("; dated 2023-09-05 from the path")


def test_an_oversized_article_is_skipped(corpus_dir):
    write(corpus_dir, "big.txt", "word " * 300_000)
    write(corpus_dir, "small.txt", "Small.")
    scan = load_corpus(corpus_dir, max_article_mb=1)
    assert [a.id for a in scan.articles] == ["small"]
    assert scan.skipped == [("big.txt", "big.txt: larger than 1 MB")]


def test_missing_corpus_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(CorpusError, match=r"^corpus folder .*/nowhere/ does not exist: create it and put .md, .txt or .html articles in it$"):
        load_corpus(tmp_path / "nowhere")


def test_a_file_given_as_corpus_folder_is_an_error(tmp_path):
    write(tmp_path, "file.md", "x")
    with pytest.raises(CorpusError, match="is not a folder"):
        load_corpus(tmp_path / "file.md")


def test_corpus_without_articles_is_an_error(corpus_dir):
    write(corpus_dir, "readme.pdf", b"%PDF")
    with pytest.raises(CorpusError, match=r"^no articles in .*corpus/: add .md, .txt or .html files$"):
        load_corpus(corpus_dir)


def test_corpus_of_only_unreadable_files_loads_with_skips(corpus_dir):
    write(corpus_dir, "empty.txt", b"")
    scan = load_corpus(corpus_dir)
    assert scan.articles == [] and scan.skipped == [("empty.txt", "empty.txt: empty file")]


def test_read_article_reports_a_vanished_file(corpus_dir):
    with pytest.raises(ArticleError, match=r"^gone\.md: cannot read"):
        read_article(corpus_dir / "gone.md", corpus_dir)


def test_of_identical_copies_the_one_already_indexed_is_kept(corpus_dir):
    write(corpus_dir, "a.md", "Same text.")
    write(corpus_dir, "b.md", "Same text.")
    scan = load_corpus(corpus_dir, prefer={"b"})
    assert [a.id for a in scan.articles] == ["b"]
    assert scan.duplicates == [("a.md", "b")]


# Files that must never become articles, whatever else is in the folder.
def test_a_link_to_a_file_outside_the_corpus_is_skipped_naming_it(corpus_dir, tmp_path):
    secret = write(tmp_path, "outside/secret.txt", "root:x:0:0:root:/root:/bin/bash\n")
    write(corpus_dir, "good.md", "A good article.")
    (corpus_dir / "passwd.txt").symlink_to(secret)
    (corpus_dir / "inner.md").symlink_to(corpus_dir / "good.md")  # inside the corpus: a duplicate, fine
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["good"]
    assert scan.skipped == [("passwd.txt", "passwd.txt: links to a file outside the corpus folder; skipped")]
    with pytest.raises(ArticleError, match="outside the corpus folder"):
        read_article(corpus_dir / "passwd.txt", corpus_dir)


def test_a_link_loop_is_skipped_naming_it(corpus_dir):
    write(corpus_dir, "good.md", "A good article.")
    (corpus_dir / "loop.md").symlink_to(corpus_dir / "loop.md")
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["good"]
    assert [p for p, _ in scan.skipped] == ["loop.md"]


def test_a_file_name_that_is_not_utf8_is_skipped_naming_its_bytes(corpus_dir):
    import os

    write(corpus_dir, "good.md", "A good article.")
    with open(os.path.join(os.fsencode(corpus_dir), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"An article with a Latin-1 file name.")
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["good"]
    assert scan.skipped == [("b'caf\\xe9.txt'", "b'caf\\xe9.txt': file name is not UTF-8; rename the file")]
    assert all(reason.encode("utf-8") for _, reason in scan.skipped)


# Six levels (9**6 strings once expanded) stay harmless should aliases ever be expanded again;
# the nine levels need tens of gigabytes.
BILLION_LAUGHS = (
    b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    b"title: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\nBody.\n"
)


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("bomb.md", BILLION_LAUGHS, r"bomb\.md: malformed front matter \(line 2: YAML anchors and aliases \(&name, \*name\) are not allowed\)"),
        ("anchor.md", b"---\ntitle: &t Storm\nsource: *t\n---\nBody.", r"anchor\.md: malformed front matter \(line 2: YAML anchors and aliases .*\)"),
        ("deep.md", b"---\ntitle: " + b"[" * 5000 + b"]" * 5000 + b"\n---\nBody.", r"deep\.md: malformed front matter \(nested too deeply\)"),
        ("huge.md", b"---\ntitle: " + b"x" * 70_000 + b"\n---\nBody.", r"huge\.md: front matter longer than 64 KB"),
    ],
)
def test_front_matter_that_is_not_plain_metadata_is_skipped_and_the_rest_loaded(corpus_dir, name, content, problem):
    write(corpus_dir, "good.md", "A good article.")
    write(corpus_dir, name, content)
    scan = load_corpus(corpus_dir)
    assert [a.id for a in scan.articles] == ["good"]
    [(path, reason)] = scan.skipped
    assert path == name and re.fullmatch(problem, reason), reason
