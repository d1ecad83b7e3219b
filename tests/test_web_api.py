"""The web UI's named endpoints, driven with gradio_client against a real in-process server."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest

from bot.types import Token

from bot.web.render import md_escape

pytestmark = pytest.mark.slow

VLADIVOSTOK = "How long does the trip to Vladivostok take?"
HARBOUR = (
    "---\ntitle: Harbour of Port Ellery reopens\ndate: 2024-03-01\nsource: Coast News\n---\n"
    "The harbour of Port Ellery reopened on Monday after a storm surge closed it for eleven days.\n\n"
    "Harbour master Ines Okafor said the sea wall repairs cost 4 million euros.\n"
)


def client(url: str, **kwargs):
    from gradio_client import Client

    return Client(url, verbose=False, **kwargs)


def bot_text(message: dict) -> str:
    return "".join(part["text"] for part in message["content"] if part.get("type") == "text")


def marks(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r'<mark class="cite"[^>]*>(.*?)</mark>', html, re.S)]


def article_text(app, path: str) -> str:
    from bot.corpus import read_article

    return read_article(app.settings.corpus.dir / path, app.settings.corpus.dir).text


def test_every_client_facing_event_is_a_named_endpoint(web_server):
    _, url = web_server()
    names = set(client(url).view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert names == {"/chat", "/clear", "/ask", "/articles", "/upload", "/delete_article", "/rebuild"}


def test_ask_returns_the_pipelines_answer_with_exact_offsets(web_server):
    app, url = web_server()
    got = client(url).predict(VLADIVOSTOK, "", "", "", api_name="/ask")
    expected = app.engine.ask(VLADIVOSTOK).to_json()
    assert got["answer"] == expected["answer"] and got["index"] == "gen-000001"
    assert [(c["start"], c["end"], c["quote"]) for c in got["citations"]] == [
        (c["start"], c["end"], c["quote"]) for c in expected["citations"]
    ]
    for cite in got["citations"]:
        assert article_text(app, cite["file"])[cite["start"]: cite["end"]] == cite["quote"]


def test_chat_streams_the_answer_then_adds_markers_and_sources(web_server):
    app, url = web_server()
    job = client(url).submit(VLADIVOSTOK, [], "", "", "", "", api_name="/chat")
    final = job.result()
    texts = [bot_text(out[0][-1]) for out in job.outputs()]
    assert texts[0] == "*Searching the articles…*"
    answer = app.engine.ask(VLADIVOSTOK)
    pieces = [e.text for e in app.engine.stream(VLADIVOSTOK) if isinstance(e, Token)]
    assert texts[1:-1] == [md_escape("".join(pieces[:i])) for i in range(1, len(pieces) + 1)]
    assert texts[-1].endswith(" ".join(f"\\[{c.n}\\]" for c in answer.citations))
    sources = final[1]
    assert marks(sources) == [c.quote for c in answer.citations]
    assert "index gen-000001" in sources


def test_each_client_has_its_own_conversation(web_server):
    app, url = web_server()
    first, second = client(url), client(url)
    first.predict("Who is Kim Jong Un expected to meet?", [], "", "", "", "", api_name="/chat")
    follow_up = "Where will they meet?"
    history = first.predict(follow_up, [], "", "", "", "", api_name="/chat")[0]
    from bot.chat.conversation import Conversation

    conversation = Conversation(app.engine)
    conversation.ask("Who is Kim Jong Un expected to meet?")
    standalone = conversation.ask(follow_up).standalone_question
    assert standalone != follow_up
    assert "*Searched for:*" in bot_text(history[-1])
    alone = second.predict(follow_up, [], "", "", "", "", api_name="/chat")[0]
    assert "Searched for" not in bot_text(alone[-1])
    assert len(alone) == 2


def test_refusal_offers_related_passages_not_citations(web_server):
    app, url = web_server()
    question = "What is the boiling point of mercury?"
    assert app.engine.ask(question).kind == "refusal"
    history, sources = client(url).predict(question, [], "", "", "", "", api_name="/chat")[:2]
    assert bot_text(history[-1]).startswith("The articles don't say.")
    assert "\\[1\\]" not in bot_text(history[-1])
    assert 'data-kind="related"' in sources and 'data-kind="citation"' not in sources


def test_filters_restrict_what_is_searched(web_server):
    _, url = web_server(extra={"harbour.md": HARBOUR})
    api = client(url)
    question = "What did the harbour master say about the repairs?"
    only_coast = api.predict(question, "Coast News", "", "", api_name="/ask")
    assert {c["file"] for c in only_coast["citations"]} == {"harbour.md"}
    after_2030 = api.predict(question, "", "2030-01-01", "", api_name="/ask")
    assert not after_2030["answerable"] and after_2030["citations"] == [] and after_2030["related"] == []
    history = api.predict(question, [], "", "yesterday", "", "", api_name="/chat")[0]
    assert bot_text(history[-1]) == "**Error:** From date 'yesterday' is not a date: use YYYY\\-MM\\-DD"


def test_overlong_question_is_refused_with_one_line(web_server):
    from gradio_client.exceptions import AppError

    app, url = web_server()
    limit = app.settings.answer.max_question_chars
    with pytest.raises(AppError, match=f"question too long \\({limit + 1} characters; the limit is {limit}\\)"):
        client(url).predict("x" * (limit + 1), "", "", "", api_name="/ask")


def test_upload_then_delete_changes_corpus_index_and_answers(web_server, tmp_path):
    from gradio_client import handle_file

    app, url = web_server()
    api = client(url)
    upload = tmp_path / "Port Ellery harbour.md"
    upload.write_text(HARBOUR, encoding="utf-8")
    notice = api.predict([handle_file(str(upload))], False, "", api_name="/upload")[0]
    assert "Saved Port-Ellery-harbour.md (added). Index gen-000002" in unescape(notice)
    assert (app.settings.corpus.dir / "Port-Ellery-harbour.md").read_text(encoding="utf-8") == HARBOUR
    rows = api.predict("port ellery", api_name="/articles")
    assert [r[4] for r in rows["data"]] == ["Port-Ellery-harbour.md"]
    answer = api.predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
    assert answer["index"] == "gen-000002"
    assert answer["citations"][0]["file"] == "Port-Ellery-harbour.md"
    assert "4 million euros" in answer["answer"] + answer["citations"][0]["quote"]

    notice = api.predict("Port-Ellery-harbour.md", "", api_name="/delete_article")[0]
    assert "Deleted Port-Ellery-harbour.md. Index gen-000003" in unescape(notice)
    assert not (app.settings.corpus.dir / "Port-Ellery-harbour.md").exists()
    assert api.predict("port ellery", api_name="/articles")["data"] == []
    after = api.predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
    assert after["index"] == "gen-000003"
    assert all(c["file"] != "Port-Ellery-harbour.md" for c in after["citations"] + after["related"])


def test_rejected_upload_says_why_and_changes_nothing(web_server, tmp_path):
    from gradio_client import handle_file

    app, url = web_server()
    before = sorted(p.name for p in app.settings.corpus.dir.iterdir())
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    notice = client(url).predict([handle_file(str(bad))], False, "", api_name="/upload")[0]
    assert notice.startswith('<div class="bot-error">photo.txt: binary file') and "\n" not in notice
    assert sorted(p.name for p in app.settings.corpus.dir.iterdir()) == before
    assert app.engine.reader.generation.name == "gen-000001"
    assert sorted(p.name for p in app.settings.index.dir.glob("gen-*")) == ["gen-000001"]


def test_ui_rebuild_keeps_answering_from_the_previous_index_until_complete(web_server, tmp_path, monkeypatch, models):
    """While the upload's rebuild is paused just before it switches, answers come from gen-000001."""
    import bot.index
    from gradio_client import handle_file

    real_build = bot.index.build
    paused, resume = threading.Event(), threading.Event()

    def build_that_pauses(settings, rebuild=False, progress=None, models=None):
        def report(stage, done, total):
            if progress:
                progress(stage, done, total)
            if stage == "writing":
                paused.set()
                assert resume.wait(120)

        return real_build(settings, rebuild=rebuild, progress=report, models=models)

    app, url = web_server()
    monkeypatch.setattr(bot.index, "build", build_that_pauses)  # after the fixture's own build
    upload = tmp_path / "harbour.md"
    upload.write_text(HARBOUR, encoding="utf-8")
    job = client(url).submit([handle_file(str(upload))], False, "", api_name="/upload")
    assert paused.wait(120)
    during = client(url).predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
    assert during["index"] == "gen-000001"
    assert all(c["file"] != "harbour.md" for c in during["citations"] + during["related"])
    assert "rebuilding" in app.status()
    resume.set()
    assert "Index gen-000002" in job.result()[0]
    after = client(url).predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
    assert after["index"] == "gen-000002" and after["citations"][0]["file"] == "harbour.md"


def test_build_in_another_thread_switches_answers_only_when_complete(web_server):
    """Like ``bot index`` running beside the UI: readers follow CURRENT, which moves only at the end."""
    from bot.index import build

    app, url = web_server()
    (app.settings.corpus.dir / "harbour.md").write_text(HARBOUR, encoding="utf-8")
    paused, resume = threading.Event(), threading.Event()

    def report(stage, done, total):
        if stage == "writing":
            paused.set()
            resume.wait(120)

    builder = threading.Thread(target=build, kwargs={"settings": app.settings, "progress": report,
                                                     "models": app.models})
    builder.start()
    try:
        assert paused.wait(120)
        during = client(url).predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
        assert during["index"] == "gen-000001"
    finally:
        resume.set()
        builder.join()
    after = client(url).predict("How much did the sea wall repairs cost?", "", "", "", api_name="/ask")
    assert after["index"] == "gen-000002" and after["citations"][0]["file"] == "harbour.md"


def test_missing_index_at_startup_is_reported_then_built_from_the_ui(web_server):
    app, url = web_server(index=False)
    api = client(url)
    assert "No index yet" in app.status()
    history = api.predict(VLADIVOSTOK, [], "", "", "", "", api_name="/chat")[0]
    assert bot_text(history[-1]).startswith("**Error:** no index at ")
    assert "Index gen-000001" in api.predict("", api_name="/rebuild")[0]
    assert api.predict(VLADIVOSTOK, "", "", "", api_name="/ask")["index"] == "gen-000001"


def test_auth_is_required_when_configured(web_server):
    _, url = web_server(auth=("reader", "s3cret"))
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises different types per version
        client(url).predict(VLADIVOSTOK, "", "", "", api_name="/ask")
    assert client(url, auth=("reader", "s3cret")).predict(VLADIVOSTOK, "", "", "", api_name="/ask")["answer"]


def test_clear_forgets_the_conversation(web_server):
    _, url = web_server()
    api = client(url)
    api.predict("Who is Kim Jong Un expected to meet?", [], "", "", "", "", api_name="/chat")
    cleared = api.predict(api_name="/clear")
    assert cleared[0] == []
    history = api.predict("Where will they meet?", [], "", "", "", "", api_name="/chat")[0]
    assert "Searched for" not in bot_text(history[-1])

