"""Where an article's publication date comes from: front matter, HTML metadata, the file name or
path, a "Published:" line or dateline in the first lines; and how written dates are read."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus import CorpusScan, load_corpus, parse_article
from bot.dates import article_date, date_in_path, dateline_date, find_date, human_day, normalize_date
from bot.index.plan import diff_corpus
from bot.index.manifest import Manifest


@pytest.mark.parametrize(
    "written, iso",
    [
        ("2023-09-05", "2023-09-05"),
        ("2023-9-5", "2023-09-05"),
        ("2023-09-05T10:30:00Z", "2023-09-05T10:30:00+00:00"),
        ("2023-10-02 14:00", "2023-10-02T14:00:00"),
        ("2023/07/13", "2023-07-13"),
        ("Sept. 3, 2023", "2023-09-03"),
        ("September 3rd, 2023", "2023-09-03"),
        ("3 September 2023", "2023-09-03"),
        ("3rd of Sept 2023", "2023-09-03"),
        ("Monday, September 4, 2023", "2023-09-04"),
        ("Tuesday 5 September 2023 14:00", "2023-09-05T14:00:00"),
        ("Sept. 3, 2023 at 2:30 p.m.", "2023-09-03T14:30:00"),
        ("Feb 29, 2024", "2024-02-29"),
        (dt.date(2023, 9, 5), "2023-09-05"),
    ],
)
def test_written_dates_are_read_as_iso_8601(written, iso):
    assert normalize_date(written) == iso


@pytest.mark.parametrize(
    "written",
    ["yesterday", "last tuesday", "2023-13-45", "Feb 29, 2023", "September 31, 2023", "05/09/2023", "March 5",
     "1066-10-14", "", None],
)
def test_what_is_not_one_whole_real_date_is_none(written):
    assert normalize_date(written) is None


@pytest.mark.parametrize(
    "rel, iso",
    [
        ("2022-07-13.txt", "2022-07-13"),
        ("2022-07-13-some-title.txt", "2022-07-13"),
        ("news/2022/07/13/story.txt", "2022-07-13"),
        ("20220713-launch.md", "2022-07-13"),
        ("reuters_2022_07_13_launch.txt", "2022-07-13"),
        ("techcrunch_2023-12-15_d7ccaaaebb.txt", "2023-12-15"),
        ("archive/2021-01-01/story-2022-07-13.txt", "2022-07-13"),  # the file name wins over the folder
        ("2024-02-29-leap.txt", "2024-02-29"),
    ],
)
def test_a_date_in_the_file_name_or_path_is_found(rel, iso):
    assert date_in_path(rel) == iso


@pytest.mark.parametrize(
    "rel", ["story.txt", "7193bc6eb8.txt", "2022-02-30-story.txt", "2023-02-29.txt", "id-123456789.txt",
            "20221399.txt", "room-2022.txt"],
)
def test_no_date_in_a_path_without_a_real_day(rel):
    assert date_in_path(rel) is None


@pytest.mark.parametrize(
    "body, iso",
    [
        ("Title\n\nSource: The Verge\nPublished: 2023-09-26T17:01:22+00:00\nAuthor: D. Pierce\n\nText.", "2023-09-26T17:01:22+00:00"),
        ("Launch slips again\nPublished: 2023-10-02 14:00\n\nText.", "2023-10-02T14:00:00"),
        ("Launch slips again\nPosted on Sept. 3, 2023\n\nText.", "2023-09-03"),
        ("Launch slips again\n\nSept. 3, 2023\n\nText.", "2023-09-03"),
        ("Launch slips again\n*Monday, September 4, 2023*\n\nText.", "2023-09-04"),
        ("Launch slips again\nBy Jane Doe | Sept. 3, 2023\n\nText.", "2023-09-03"),
        ("WASHINGTON, Sept. 3, 2023 (Reuters) - The launch slipped.", "2023-09-03"),
        ("TROMSØ, October 14, 2025 — The director stepped down.", "2025-10-14"),  # capitals beyond ASCII
        ("Launch slips\n\nPORT HALLAM, April 8, 2024 \u2014 The launch slipped.", "2024-04-08"),
        ("Title\nUpdated: 4 Sept 2023\nPublished: 3 Sept 2023\n\nText.", "2023-09-03"),  # published wins
        ("Title\nUpdated: 4 Sept 2023\n\nText.", "2023-09-04"),  # an update date beats none
    ],
)
def test_a_published_line_or_dateline_in_the_first_lines_is_found(body, iso):
    assert dateline_date(body) == iso


@pytest.mark.parametrize(
    "body",
    [
        "LONDON, March 5 (Reuters) - The launch slipped.",  # no year: it would be a guess
        "Launch slips\n\nOn September 3, 2023 the rocket flew.",  # a date in the story, not a dateline
        "Title\n" + "Text.\n" * 20 + "Published: 2023-09-03",  # too far down to be a header
        "Posted guards stood at the gate.\n\nText.",
    ],
)
def test_no_publication_date_from_story_text_or_a_year_less_dateline(body):
    assert dateline_date(body) is None


def test_sources_are_tried_in_order_front_matter_html_path_dateline():
    body = "Title\nPublished: 2021-01-01\n\nText."
    assert article_date("2023-09-05", None, "2022-07-13.txt", body)[0].source == "front_matter"
    assert article_date(None, "2023-09-06", "2022-07-13.txt", body)[0].source == "html"
    found, notes = article_date(None, None, "2022-07-13.txt", body)
    assert (found.iso, found.source, notes) == ("2022-07-13", "path", [])
    assert article_date(None, None, "story.txt", body)[0] == type(found)("2021-01-01", "dateline")
    assert article_date(None, None, "story.txt", "Title\n\nText.") == (None, [])


def test_the_path_day_takes_the_time_from_a_dateline_of_the_same_day():
    body = "Title\nPublished: 2023-09-26T09:49:27+00:00\n\nText."
    found, _ = article_date(None, None, "verge_2023-09-26_ab12.txt", body)
    assert (found.iso, found.source) == ("2023-09-26T09:49:27+00:00", "dateline")
    found, _ = article_date(None, None, "verge_2023-09-25_ab12.txt", body)  # another day: the path wins
    assert (found.iso, found.source) == ("2023-09-25", "path")


def test_an_unreadable_given_date_is_noted_and_the_next_source_used():
    found, notes = article_date("next week", None, "2022-07-13-x.md", "Text.")
    assert (found.iso, found.source) == ("2022-07-13", "path")
    assert notes == ["front matter date 'next week' is not a date (use ISO 8601, e.g. 2023-09-05)"]


def test_find_date_gives_the_first_whole_date_and_its_offsets():
    text = "The launch, first set for March 21, 2024, moved to 9 April 2024."
    iso, start, end = find_date(text)
    assert (iso, text[start:end]) == ("2024-03-21", "March 21, 2024")
    assert find_date("No dates here, not even 2024.") is None


def test_human_day_drops_the_year_only_next_to_a_date_of_the_same_year():
    assert human_day("2024-05-03") == "3 May 2024"
    assert human_day(dt.date(2024, 4, 28), reference=dt.date(2024, 5, 3)) == "28 April"
    assert human_day("2023-12-30T10:00:00", reference=dt.date(2024, 1, 2)) == "30 December 2023"


# Through the corpus loader: every source lands in Article.date with Article.date_source.
@pytest.mark.parametrize(
    "rel, raw, date, source",
    [
        ("a.md", "---\ndate: 2023-09-05\n---\nBody.", "2023-09-05", "front_matter"),
        ("a.md", "---\ndate: September 5, 2023\n---\nBody.", "2023-09-05", "front_matter"),
        ("2022-07-13-launch.txt", "Launch\n\nBody.", "2022-07-13", "path"),
        ("2022/07/13/launch.txt", "Launch\n\nBody.", "2022-07-13", "path"),
        ("launch.txt", "Launch\nPublished: 2023-10-02 14:00\n\nBody.", "2023-10-02T14:00:00", "dateline"),
        ("launch.txt", "LONDON, March 5 (Reuters) - Body.", None, None),
        ("launch.txt", "Launch\n\nBody.", None, None),
    ],
)
def test_the_loader_dates_articles_from_each_source(rel, raw, date, source):
    article = parse_article(raw.encode(), rel)
    assert (article.date, article.date_source) == (date, source)


def test_html_metadata_gives_the_date_when_the_page_has_one():
    page = ("<html><head><title>Storm</title><meta name=\"date\" content=\"2024-03-05\"></head><body><article>"
            "<p>A powerful storm struck the northern coast on Tuesday, knocking out power to thousands of homes.</p>"
            "<p>Officials said repairs could take a week, and schools stayed closed across the region.</p>"
            "</article></body></html>")
    article = parse_article(page.encode(), "2020-01-01-storm.html")
    assert (article.date, article.date_source) == ("2024-03-05", "html")


def test_a_plain_text_header_block_gives_source_author_and_url():
    raw = ("Apple defends Google deal\n\nSource: The Verge\nPublished: 2023-09-26T17:01:22+00:00\n"
           "Author: David Pierce\nCategory: technology\nURL: https://example.com/a\n\nText.")
    article = parse_article(raw.encode(), "a.txt")
    assert (article.source, article.authors, article.url) == ("The Verge", ("David Pierce",), "https://example.com/a")
    assert parse_article(b"Title\n\nAuthor: None\n\nText.", "b.txt").authors == ()


def test_the_scan_counts_undated_articles(corpus_dir):
    (corpus_dir / "2023-09-05-dated.txt").write_text("Dated\n\nBody.")
    (corpus_dir / "plain.txt").write_text("Plain\n\nBody.")
    scan = load_corpus(corpus_dir)
    assert scan.undated == ["plain"]


def test_a_date_found_anew_re_writes_an_unchanged_articles_records():
    article = parse_article(b"Launch\n\nBody.", "2022-07-13-launch.txt")
    entry = {"hash": article.content_hash, "chunks": 1, "date": None}  # indexed before file-name dates
    manifest = Manifest(generation="g1", format_version=1, shape={}, dimension=384, created_at="",
                        articles={article.id: entry}, chunk_count=1)
    plan = diff_corpus(CorpusScan(articles=[article]), ("gen", manifest), None)
    assert [a.id for a in plan.update] == [article.id] and plan.keep == []
    entry["date"] = "2022-07-13"
    plan = diff_corpus(CorpusScan(articles=[article]), ("gen", manifest), None)
    assert plan.update == [] and plan.keep == [article.id]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=200), st.text(alphabet="0123456789-_/.abc", max_size=30))
def test_any_text_and_path_give_a_date_or_none_never_an_error(body, rel):
    found, notes = article_date(body[:20] or None, None, rel + ".txt", body)
    assert found is None or normalize_date(found.iso) == found.iso
    assert all("\n" not in note for note in notes)  # one line each, whatever was written
