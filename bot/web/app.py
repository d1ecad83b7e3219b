"""``bot web``: a Gradio front end over ``Conversation`` and ``bot.library``.

Thin by design: answers come from ``bot.chat.Conversation`` (one per browser
session, kept in ``gr.State``, so two tabs never share history), library
changes are ``bot.library`` plus ``bot.index.build``, the form's fields are
read by ``bot.web.forms``, and every string shown is built by
``bot.web.render``. One engine (index reader and models) serves all
sessions; it re-opens the index when a build switches ``CURRENT``, so while a
rebuild runs, here or in ``bot index``, answers come from the previous
complete index. Gradio is imported inside functions: ``bot --help`` stays instant.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Engine
from bot.errors import BotError
from bot.models import Models
from bot.settings import Settings
from bot.types import Answer
from bot.web import render
from bot.web.forms import parse_as_of, parse_filters
from bot.web.login import check_bind


def serve(settings: Settings) -> None:
    """Start the UI and block until Ctrl-C."""
    from bot.serve.address import ensure_free

    auth = check_bind(settings.web)
    ensure_free(settings.web.host, settings.web.port)  # a busy port says so now, not after loading the models
    app = WebApp(settings)
    print("loading the models…", file=sys.stderr)
    app.warm_up()
    app.launch(auth=auth, block=True)


@dataclass
class ChatSession:
    """Everything one browser session owns; lives in ``gr.State``."""

    conversation: object  # bot.chat.Conversation
    answers: dict[int, Answer] = field(default_factory=dict)  # chat message index -> its answer
    shown: int | None = None  # the message whose sources are on screen


class WebApp:
    def __init__(self, settings: Settings, models: Models | None = None, engine: Engine | None = None):
        self.settings = settings
        self.models = models or (engine.models if engine else Models(settings))
        self._engine = engine
        self._lock = threading.Lock()
        self._building = threading.Event()  # a rebuild started from this process is running
        self.uploads = None  # bot.web.uploads.UploadFolder, made by launch()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = Engine(self.settings, self.models)
            return self._engine

    def warm_up(self) -> None:
        try:
            self.engine.warm_up()
        except BotError as exc:  # no index yet: the UI says so and can build it
            print(f"note: {exc}", file=sys.stderr)

    # ---- chat -------------------------------------------------------------------------------
    def chat(self, question, history, session, source, since, until, as_of=""):
        """Stream one turn: the growing answer, then markers, the follow-up's search, and its sources."""
        import gradio as gr

        from bot.chat.conversation import Conversation
        from bot.types import Checked, Done, Notice, Status, Token

        history, session = list(history or []), session or ChatSession(Conversation(self.engine))
        if not (question or "").strip():
            yield history, session, gr.skip(), question, gr.skip()
            return
        history += [_message("user", render.md_escape(question)), _message("assistant", "…")]
        at, bubble = len(history) - 1, render.StreamingBubble()
        try:
            session.conversation.filters = parse_filters(source, since, until)
            session.conversation.as_of = parse_as_of(as_of)
            for event in session.conversation.stream(question):
                if isinstance(event, Status):
                    history[at] = _message("assistant", f"*{render.md_escape(event.text)}*")
                elif isinstance(event, (Token, Checked, Notice)):
                    history[at] = _message("assistant", bubble.add(event))
                elif isinstance(event, Done):
                    session.answers[at], session.shown = event.answer, at
                    history[at] = _message("assistant", render.chat_message(event.answer))
                    yield list(history), session, self._sources(event.answer), "", self.status()
                    return
                yield list(history), session, gr.skip(), "", gr.skip()
        except Exception as exc:  # a BotError is the user's one line; anything else is still one line
            shown = str(exc) if isinstance(exc, BotError) else f"unexpected failure ({type(exc).__name__})"
            history[at] = _message("assistant", render.error_message(shown))
            yield list(history), session, gr.skip(), question, self.status()

    def _sources(self, answer) -> str:
        from bot.corpus import cited_passage

        return render.sources_html(answer, lambda c: cited_passage(self.settings, c))

    def select_answer(self, session, evt):
        """Clicking a message shows the sources of that answer (a question shows its answer's)."""
        import gradio as gr

        at = evt.index if isinstance(evt.index, int) else evt.index[0]
        at = at if session and at in session.answers else at + 1
        if not session or at not in session.answers:
            return gr.skip(), session, gr.skip()
        session.shown = at
        return self._sources(session.answers[at]), session, gr.Column(visible=False)

    def open_article(self, session, evt):
        """A citation's (or related passage's) whole article, the span highlighted and scrolled to."""
        import gradio as gr

        from bot.corpus import cited_article

        kind, _, n = str(evt._data.get("ref", "")).partition(":")
        answer = session.answers.get(session.shown) if session else None
        pool = (answer.citations if kind == "citation" else answer.related) if answer else ()
        citation = next((c for c in pool if str(c.n) == n), None)
        if citation is None:
            return gr.skip(), gr.skip()
        return render.article_html(citation, cited_article(self.settings, citation)), gr.Column(visible=True)

    def clear(self, session):
        if session is not None:
            session.conversation.reset()
            session.answers.clear()
            session.shown = None
        return [], session, render.sources_html(None, None), ""

    def ask_api(self, question: str, source: str = "", since: str = "", until: str = "", as_of: str = "") -> dict:
        """One question with no conversation before it (as ``bot ask``), as ``Answer.to_json()`` plus the
        index generation used (None when no search was needed, e.g. for "hello").

        A citation's corpus path is under "file": gradio_client would take a "path" key for a file to download.
        """
        import gradio as gr

        from bot.chat.conversation import ask_once

        try:
            answer = ask_once(self.engine, question, filters=parse_filters(source, since, until),
                              as_of=parse_as_of(as_of))
        except BotError as exc:
            raise gr.Error(str(exc)) from None
        data = answer.to_json()
        for cite in data["citations"] + data["related"]:
            cite["file"] = cite.pop("path")
        return {**data, "index": answer.generation}

    # ---- library ----------------------------------------------------------------------------
    def status(self) -> str:
        from bot.errors import IndexMissingError
        from bot.library import index_info

        try:
            return render.status_html(index_info(self.settings), self._building.is_set())
        except IndexMissingError:
            return render.status_html(None)
        except BotError as exc:
            return render.status_html(None, error=str(exc))

    def articles(self, query: str = "") -> list[list]:
        from bot.library import list_articles

        try:
            entries = list_articles(self.settings, query or "")
        except BotError:
            return []
        return [[e.title, e.date or "", e.source or "", e.chunks, e.path] for e in entries]

    def source_choices(self):
        import gradio as gr

        from bot.library import sources

        return gr.Dropdown(choices=[("All sources", "")] + [(s, s) for s in sources(self.settings)])

    def add_files(self, files, replace, query, progress=None):
        """Validate and save uploads (all or none), then re-index incrementally."""
        from bot.library import add_articles

        if not files:
            return self._library_result("Choose article files (.txt, .md, .html) first.", False, query)
        try:
            uploads = [(Path(f).name, Path(f).read_bytes()) for f in files]
        finally:  # read, so no longer needed whether it is saved or refused
            if self.uploads is not None:
                self.uploads.discard(files)
        return self._updated(lambda report: add_articles(self.settings, uploads, bool(replace), self.models, report),
                             query, progress)

    def delete(self, path, query, progress=None):
        from bot.library import remove_article

        if not path:
            return self._library_result("Select an article in the table first.", False, query)
        return self._updated(lambda report: remove_article(self.settings, path, self.models, report), query, progress)

    def rebuild(self, query, progress=None):
        from bot.library import reindex

        return self._updated(lambda report: reindex(self.settings, self.models, report), query, progress)

    def _updated(self, change, query, progress):
        """Run a library change with its re-index, the status line saying "rebuilding…" meanwhile."""
        def report(stage: str, n: int, total: int) -> None:
            if progress is not None:
                progress((n, total), desc=stage)

        self._building.set()
        try:
            update = change(report)
        except BotError as exc:  # the change itself was refused: nothing was written
            update = None
            refused = str(exc)
        finally:
            self._building.clear()
        if update is None:
            return self._library_result(refused, False, query)
        return self._library_result(update.message(), update.ok, query)

    def _library_result(self, text: str, ok: bool, query):
        import gradio as gr

        return (render.notice_html(text, ok), self.articles(query), self.status(), self.source_choices(),
                gr.File(value=None) if ok else gr.skip(), "" if ok else gr.skip())

    # ---- layout -----------------------------------------------------------------------------
    def blocks(self):
        from bot.web.layout import build_blocks

        return build_blocks(self)

    def launch(self, auth=None, block: bool = True, port: int | None = None):
        """Start the server; returns its URL when ``block`` is False."""
        from bot.web.layout import theme
        from bot.web.login import LoginGuard
        from bot.web.uploads import UploadFolder

        if self.uploads is None:
            self.uploads = UploadFolder()
        self.uploads.use()  # before the blocks: Gradio reads it as they are made
        self.demo = demo = self.blocks()
        limit_mb = self.settings.web.max_upload_mb
        demo.queue(default_concurrency_limit=self.settings.web.concurrency)  # library changes: 1 (layout.py)
        _, url, _ = demo.launch(
            server_name=self.settings.web.host, server_port=port or self.settings.web.port,
            auth=LoginGuard(*auth).check if auth else None, share=False,
            prevent_thread_lock=not block, show_error=True, quiet=not block, footer_links=["api"],
            max_file_size=f"{2 * limit_mb + 1:g}mb", theme=theme(), css=render.CSS,
        )
        return url


def _message(role: str, content: str) -> dict:
    return {"role": role, "content": content}

