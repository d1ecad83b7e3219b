"""The web UI in a real browser (Debian's chromium driven by Playwright) against an in-process server.

Each test gets its own server, corpus copy and index (``web_server``), and fresh browser contexts.
Without /usr/bin/chromium these tests FAIL and say which package to install.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
MISSING = (f"browser tests need Debian's chromium at {CHROMIUM}: "
           "run `apt-get install -y chromium` as root (or `make browser`)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VLADIVOSTOK = "How long does the trip to Vladivostok take?"
HARBOUR = (
    "---\ntitle: Harbour of Port Ellery reopens\ndate: 2024-03-01\nsource: Coast News\n---\n"
    "The harbour of Port Ellery reopened on Monday after a storm surge closed it for eleven days.\n\n"
    "Harbour master Ines Okafor said the sea wall repairs cost 4 million euros.\n"
)
EVIL = (
    "---\ntitle: 'Flibber <script>window.__pwned = 1</script> festival'\nsource: Quaxton Gazette\n---\n"
    "The Flibber festival in Quaxton draws 3,000 visitors every spring. "
    "<script>window.__pwned = 2</script><img src=x onerror=\"window.__pwned = 3\">\n\n"
    "Organisers said the parade <b onmouseover=\"window.__pwned = 4\">starts at noon</b>.\n"
)
# Records every distinct text of the newest bot message, to see the answer arrive in steps.
RECORD_BOT_MESSAGES = """() => {
  window.__seen = [];
  const chat = document.querySelector('#chat');
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid=bot]');
    if (!bots.length) return;
    const text = bots[bots.length - 1].innerText.trim();
    if (text && window.__seen[window.__seen.length - 1] !== text) window.__seen.push(text);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    contexts = []

    def open_(url: str):
        if chromium is None:
            pytest.fail(MISSING, pytrace=False)
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#question textarea")
        page.wait_for_function("() => document.querySelector('#index-status').innerText.trim() !== ''")
        return page

    yield open_
    for context in contexts:
        context.close()


def ask(page, question: str) -> str:
    """Ask in the chat and wait until the answer (or error) is complete; returns the bot message text."""
    before = page.locator("#chat [data-testid=bot]").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        """([n, question]) => {
          const bots = document.querySelectorAll('#chat [data-testid=bot]');
          if (bots.length <= n) return false;
          if (bots[bots.length - 1].innerText.includes('Error:')) return true;
          const top = document.querySelector('#sources .src-top');
          return top !== null && top.innerText.includes(question);
        }""",
        arg=[before, question], timeout=120_000,
    )
    return page.locator("#chat [data-testid=bot]").last.inner_text().strip()


def cards(page) -> list[dict]:
    return page.eval_on_selector_all("#sources .src-card", """cards => cards.map(c => ({
        kind: c.dataset.kind, path: c.dataset.path, start: +c.dataset.start, end: +c.dataset.end,
        title: c.querySelector('.src-head').innerText, mark: c.querySelector('mark.cite').textContent}))""")


def article_text(app, path: str) -> str:
    from bot.corpus import read_article

    return read_article(app.settings.corpus.dir / path, app.settings.corpus.dir).text


def test_answer_streams_in_and_the_cited_span_is_highlighted_by_offsets(web_server, open_page):
    app, url = web_server()
    page = open_page(url)
    page.evaluate(RECORD_BOT_MESSAGES)
    shown = ask(page, VLADIVOSTOK)
    expected = app.engine.ask(VLADIVOSTOK)
    markers = " ".join(f"[{c.n}]" for c in expected.citations)
    assert shown == f"{expected.answer} {markers}"
    seen = page.evaluate("window.__seen")  # status, the answer growing word by word, then with its markers
    assert seen[0] == "Searching the articles…" and seen[-1] == shown, seen
    growing = seen[1:-1]
    assert growing and all(expected.answer.startswith(step) for step in growing), seen
    assert growing[-1] == expected.answer, seen

    got = cards(page)
    assert [(c["kind"], c["start"], c["end"], c["mark"]) for c in got] == [
        ("citation", c.start, c.end, c.quote) for c in expected.citations
    ]
    for card in got:
        assert article_text(app, card["path"])[card["start"]: card["end"]] == card["mark"]
    assert "index gen-000001" in page.inner_text("#sources .src-top")
    assert "gen-000001" in page.inner_text("#index-status")

    page.click("#sources .src-card[data-n='1'] .src-open")
    mark = page.locator("#article mark#cited-span")
    mark.wait_for()
    assert mark.text_content() == expected.citations[0].quote
    body = page.inner_text("#article .art-body")
    assert body.startswith(article_text(app, expected.citations[0].path)[:40])
    page.wait_for_function("""() => {
        const m = document.querySelector('#cited-span').getBoundingClientRect();
        const box = document.querySelector('#article .art-body').getBoundingClientRect();
        return m.top >= box.top && m.bottom <= box.bottom && m.top >= 0 && m.bottom <= window.innerHeight;
    }""", timeout=10_000)


def test_vladivostok_answer_shows_the_twenty_hour_journey(web_server, open_page):
    _, url = web_server()
    page = open_page(url)
    shown = ask(page, VLADIVOSTOK)
    quotes = [c["mark"] for c in cards(page)]
    assert "20" in shown or any("20" in q for q in quotes), (shown, quotes)


def test_follow_up_shows_the_standalone_question_and_each_answer_keeps_its_sources(web_server, open_page):
    from bot.chat.conversation import Conversation

    app, url = web_server()
    first, follow_up = "Who is Kim Jong Un expected to meet?", "Where will they meet?"
    conversation = Conversation(app.engine)
    conversation.ask(first)
    standalone = conversation.ask(follow_up).standalone_question
    assert standalone != follow_up

    page = open_page(url)
    assert "Searched for" not in ask(page, first)
    shown = ask(page, follow_up)
    assert f"Searched for: “{standalone}”" in shown
    assert follow_up in page.inner_text("#sources .src-top")

    page.locator("#chat [data-testid=bot]").first.click()  # the earlier answer's sources come back
    page.wait_for_function("q => document.querySelector('#sources .src-top').innerText.includes(q)", arg=first)


def test_uploaded_article_is_indexed_answers_with_a_citation_and_can_be_deleted(web_server, open_page, tmp_path):
    app, url = web_server()
    page = open_page(url)
    upload = tmp_path / "Port Ellery harbour.md"
    upload.write_text(HARBOUR, encoding="utf-8")
    page.get_by_role("tab", name="Library").click()
    page.set_input_files("#upload input[type=file]", str(upload))
    page.wait_for_selector("#upload :text('Port Ellery harbour.md')", timeout=90_000)
    page.click("#add")
    page.wait_for_selector("#library-notice .bot-ok", timeout=120_000)
    assert "Saved Port-Ellery-harbour.md (added). Index gen-000002" in page.inner_text("#library-notice")
    page.wait_for_selector("#library-table :text('Harbour of Port Ellery reopens')")
    assert "gen-000002" in page.inner_text("#index-status")

    page.get_by_role("tab", name="Chat").click()
    shown = ask(page, "How much did the sea wall repairs cost?")
    assert "[1]" in shown
    first = cards(page)[0]
    assert first["path"] == "Port-Ellery-harbour.md" and first["title"].endswith("Harbour of Port Ellery reopens")
    assert article_text(app, first["path"])[first["start"]: first["end"]] == first["mark"]
    assert "4 million euros" in shown + first["mark"]

    page.get_by_role("tab", name="Library").click()
    page.locator("#library-table [role=gridcell]", has_text="Port-Ellery-harbour.md").click()
    page.wait_for_function("() => document.querySelector('#selected textarea').value === 'Port-Ellery-harbour.md'")
    page.click("#delete")
    page.wait_for_selector("#library-notice .bot-ok:has-text('Deleted Port-Ellery-harbour.md')", timeout=120_000)
    assert "Index gen-000003" in page.inner_text("#library-notice")
    assert page.locator("#library-table [role=gridcell]", has_text="Port-Ellery-harbour.md").count() == 0
    assert not (app.settings.corpus.dir / "Port-Ellery-harbour.md").exists()
    page.get_by_role("tab", name="Chat").click()
    ask(page, "How much did the repairs of the sea wall cost?")
    assert all(c["path"] != "Port-Ellery-harbour.md" for c in cards(page))


def test_bad_upload_shows_one_line_error_and_changes_nothing(web_server, open_page, tmp_path):
    app, url = web_server()
    before = sorted(p.name for p in app.settings.corpus.dir.iterdir())
    page = open_page(url)
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    page.get_by_role("tab", name="Library").click()
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_selector("#upload :text('photo.txt')", timeout=90_000)
    page.click("#add")
    error = page.locator("#library-notice .bot-error")
    error.wait_for(timeout=60_000)
    assert error.inner_text().startswith("photo.txt: binary file") and "\n" not in error.inner_text()
    assert sorted(p.name for p in app.settings.corpus.dir.iterdir()) == before
    assert sorted(p.name for p in app.settings.index.dir.glob("gen-*")) == ["gen-000001"]
    assert "gen-000001" in page.inner_text("#index-status")


def test_two_browser_contexts_do_not_share_history(web_server, open_page):
    _, url = web_server()
    alice, bob = open_page(url), open_page(url)
    ask(alice, "Who is Kim Jong Un expected to meet?")
    assert bob.locator("#chat [data-testid=user]").count() == 0
    bob_reply = ask(bob, "Where will they meet?")
    assert "Searched for" not in bob_reply  # no earlier turn of Alice's to lean on
    assert alice.locator("#chat [data-testid=user]").count() == 1
    assert "Searched for" in ask(alice, "Where will they meet?")
    assert bob.locator("#chat [data-testid=user]").count() == 1


def test_html_in_articles_and_questions_is_shown_not_run(web_server, open_page):
    app, url = web_server(extra={"flibber.md": EVIL})
    page = open_page(url)
    question = 'How many visitors does the Flibber festival draw? <img src=x onerror="window.__pwned = 5">'
    shown = ask(page, question)
    assert '<img src=x onerror="window.__pwned = 5">' in page.locator("#chat [data-testid=user]").last.inner_text()
    assert "3,000" in shown + " ".join(c["mark"] for c in cards(page))
    flibber = next(c for c in cards(page) if c["path"] == "flibber.md")
    assert "<script>window.__pwned = 1</script>" in flibber["title"]
    page.click("#sources .src-card[data-path='flibber.md'] .src-open")
    page.locator("#article mark#cited-span").wait_for()
    body = page.inner_text("#article .art-body")
    assert '<script>window.__pwned = 2</script><img src=x onerror="window.__pwned = 3">' in body
    page.hover("#article .art-body")
    assert page.evaluate("window.__pwned") is None
    live = page.eval_on_selector_all("#chat script, #chat img, #sources script, #sources img, "
                                     "#sources b:not(.answer-words), #article script, #article img, "
                                     "#article b:not(.answer-words)", "found => found.length")
    assert live == 0
