"""bot.web_render: what the web UI shows is escaped, and highlights sit at the citation's exact offsets."""

from __future__ import annotations

import re
from html import unescape

from bot.types import Answer, Article, Citation
from bot.web.render import article_html, chat_message, highlighted, md_escape, sources_html, status_html

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
TEXT = f"Intro paragraph.\n\nThe mayor said {EVIL} and the bridge opened in 1999.\n\nLast one."


def citation(n: int = 1, quote: str = "the bridge opened in 1999", path: str = "evil.md") -> Citation:
    start = TEXT.index(quote)
    chunk_start = TEXT.index("The mayor")
    return Citation(
        n=n, article_id="evil", title=f"Bridge {EVIL}", start=start, end=start + len(quote), quote=quote,
        date="2024-01-02", source="Daily <b>News</b>", path=path, chunk_start=chunk_start,
        chunk_text=TEXT[chunk_start: TEXT.index("\n\nLast")],
    )


def article() -> Article:
    return Article(id="evil", path="evil.md", title=f"Bridge {EVIL}", text=TEXT, content_hash="x", date="2024-01-02")


def no_live_markup(html: str) -> bool:
    return "<script" not in html and "<img" not in html and "<b>" not in html


def test_highlight_wraps_exactly_the_offsets():
    html = highlighted("abc <d> efg", 4, 7)
    assert re.search(r"<mark[^>]*>(.*)</mark>", html).group(1) == "&lt;d&gt;"
    assert unescape(re.sub(r"<[^>]+>", "", html)) == "abc <d> efg"


def test_sources_panel_marks_the_cited_span_in_its_paragraph_and_escapes_html():
    cite = citation()
    paragraph_start = TEXT.index("The mayor")
    paragraph = TEXT[paragraph_start: TEXT.index("\n\nLast")]

    def passage(c):
        return paragraph, c.start - paragraph_start, c.end - paragraph_start

    answer = Answer(question=f"What opened? {EVIL}", standalone_question="What opened?", answer="the bridge",
                    answerable=True, citations=(cite,), generation="gen-000007")
    html = sources_html(answer, passage)
    assert no_live_markup(html)
    assert unescape(re.sub(r"<[^>]+>", "", re.search(r'<mark class="cite"[^>]*>(.*?)</mark>', html).group(1))) == cite.quote
    assert f'data-start="{cite.start}" data-end="{cite.end}"' in html
    assert "&lt;script&gt;" in html and "gen-000007" in html
    assert 'data-open="citation:1"' in html


def test_refusal_offers_related_passages_but_no_citations():
    related = citation(quote="Intro paragraph.")
    answer = Answer(question="Why?", standalone_question="Why?", answer="The articles don't say.", answerable=False,
                    related=(related,), kind="refusal")
    html = sources_html(answer, lambda c: (c.quote, 0, len(c.quote)))
    assert "The articles don&#x27;t say." in html
    assert 'data-kind="related"' in html and 'data-kind="citation"' not in html
    assert "do not answer" in html


def test_whole_article_view_marks_the_span_by_offsets():
    cite = citation()
    html = article_html(cite, article())
    assert no_live_markup(html)
    body = re.search(r'<div class="art-body">(.*)</div></div>$', html, re.S).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", body)) == TEXT
    marked = re.search(r'<mark class="cite" id="cited-span"[^>]*>(.*?)</mark>', body).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", marked)) == cite.quote
    assert unescape(re.sub(r"<[^>]+>", "", body.split("<mark")[0])) == TEXT[: cite.start]


def test_article_view_falls_back_to_the_indexed_chunk():
    cite = citation()
    html = article_html(cite, None)
    assert "changed since indexing" in html
    assert unescape(re.search(r'id="cited-span"[^>]*>(.*?)</mark>', html).group(1)) == cite.quote


def test_chat_text_is_shown_literally():
    assert md_escape("<script>x</script> *bold* [1](http://e)") == (
        "&lt;script&gt;x&lt;/script&gt; \\*bold\\* \\[1\\]\\(http://e\\)"
    )


def test_chat_message_has_markers_and_the_followup_search():
    answer = Answer(question="Where did he go?", standalone_question="Where did Kim go?", answer="Moscow",
                    answerable=True, citations=(citation(1), citation(2)))
    text = chat_message(answer)
    assert text.startswith("Moscow \\[1\\] \\[2\\]")
    assert "*Searched for:* “Where did Kim go?”" in text
    alone = Answer(question="Q?", standalone_question="Q?", answer="A", answerable=True, citations=(citation(),))
    assert "Searched for" not in chat_message(alone)


def test_status_names_the_generation_or_says_to_build():
    from bot.library import IndexInfo

    info = IndexInfo("gen-000003", "2025-01-02T03:04:05+00:00", 2, 30)
    assert "gen-000003" in status_html(info) and "2025-01-02 03:04:05 UTC" in status_html(info)
    assert "rebuilding" in status_html(info, building=True)
    assert "Rebuild index" in status_html(None)


def test_the_answer_words_are_picked_out_inside_the_highlighted_sentence():
    import dataclasses

    cite = dataclasses.replace(citation(), answer_start=TEXT.index("the bridge"), answer_end=TEXT.index("the bridge") + 10)
    html = article_html(cite, None)
    inside = re.search(r'<mark class="cite"[^>]*>(.*?)</mark>', html).group(1)
    assert re.search(r'<b class="answer-words">(.*?)</b>', inside).group(1) == "the bridge"
def test_an_ask_back_shows_like_small_talk_no_search_no_sources():
    ask_back = Answer(question="Where was he born?", standalone_question="Where was he born?",
                      answer="Who do you mean by 'he'?", answerable=False, kind="clarify")
    assert chat_message(ask_back) == "Who do you mean by 'he'?"
    assert "src-empty" in sources_html(ask_back, None) and "Sources for" not in sources_html(ask_back, None)
