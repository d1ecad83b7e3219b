"""``bot web``: a Gradio front end over ``Conversation`` and ``bot.library``.

Thin by design: answers come from ``bot.chat.Conversation`` (one per browser
session, kept in ``gr.State``, so two tabs never share history), library
changes are ``bot.library`` plus ``bot.index.build``, and every string shown is
built by ``bot.web.render``. One engine (index reader and models) serves all
sessions; it re-opens the index when a build switches ``CURRENT``, so while a
rebuild runs, here or in ``bot index``, answers come from the previous
complete index. Gradio is imported inside functions: ``bot --help`` stays instant.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.web import render
from bot.errors import BotError, ConfigError
from bot.settings import Settings, WebSettings



def check_bind(web: WebSettings) -> tuple[str, str] | None:
    """The (user, password) to require; refuses to expose the bot beyond loopback without one."""
    auth = None
    if web.auth:
        user, sep, password = web.auth.partition(":")
        if not (sep and user and password):
            raise ConfigError("--auth must look like user:password (or set BOT_WEB__AUTH=user:password)")
        auth = (user, password)
    if auth is None and not _loopback(web.host):
        raise ConfigError(f"binding to {web.host} opens the bot to the network: add --auth user:password "
                          "(or BOT_WEB__AUTH), or keep the default --host 127.0.0.1")
    return auth


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings) -> None:
    """Start the UI and block until Ctrl-C."""
    auth = check_bind(settings.web)
    app = WebApp(settings)
    print("loading the models…", file=sys.stderr)
    app.warm_up()
    app.launch(auth=auth, block=True)


def parse_filters(source: str | None, since: str | None, until: str | None):
    """The filter fields of the chat form as ``Filters`` (a bad date names its field)."""
    from bot.types import Filters

    return Filters.parse(source, since, until, labels=("From date", "To date"))


@dataclass
class ChatSession:
    """Everything one browser session owns; lives in ``gr.State``."""

    conversation: object  # bot.chat.Conversation
    answers: dict[int, tuple] = field(default_factory=dict)  # chat message index -> (Answer, index generation)
    shown: int | None = None  # the message whose sources are on screen


class WebApp:
    def __init__(self, settings: Settings, embedder=None):
        self.settings = settings
        self._embedder = embedder
        self._engine = None
        self._lock = threading.Lock()
        self._building = threading.Event()  # a rebuild started from this process is running

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from bot.embeddings import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def engine(self):
        if self._engine is None:
            from bot.engine import Engine

            embedder = self.embedder
            with self._lock:
                self._engine = self._engine or Engine(self.settings, embedder=embedder)
        return self._engine

    def warm_up(self) -> None:
        try:
            self.engine.warm_up()
        except BotError as exc:  # no index yet: the UI says so and can build it
            print(f"note: {exc}", file=sys.stderr)

    # ---- chat -------------------------------------------------------------------------------
    def chat(self, question, history, session, source, since, until):
        """Stream one turn: the growing answer, then markers, the follow-up's search, and its sources."""
        import gradio as gr

        from bot.chat.conversation import Conversation, Done, Status, Token

        history, session = list(history or []), session or ChatSession(Conversation(self.engine))
        if not (question or "").strip():
            yield history, session, gr.skip(), question, gr.skip()
            return
        history += [_message("user", render.md_escape(question)), _message("assistant", "…")]
        at = len(history) - 1
        try:
            session.conversation.filters = parse_filters(source, since, until)
            for event in session.conversation.stream(question):
                if isinstance(event, Status):
                    history[at] = _message("assistant", f"*{render.md_escape(event.text)}*")
                elif isinstance(event, Token):
                    history[at] = _message("assistant", render.md_escape(event.text))
                elif isinstance(event, Done):
                    searched = event.answer.citations or event.answer.related or event.answer.retrieved
                    generation = self.engine.reader.generation.name if searched else None
                    session.answers[at], session.shown = (event.answer, generation), at
                    history[at] = _message("assistant", render.chat_message(event.answer))
                    yield list(history), session, self._sources(event.answer, generation), "", self.status()
                    return
                yield list(history), session, gr.skip(), "", gr.skip()
        except BotError as exc:
            history[at] = _message("assistant", render.error_message(str(exc)))
            yield list(history), session, gr.skip(), question, self.status()

    def _sources(self, answer, generation) -> str:
        from bot.library import cited_passage

        return render.sources_html(answer, lambda c: cited_passage(self.settings, c), generation)

    def select_answer(self, session, evt):
        """Clicking a message shows the sources of that answer (a question shows its answer's)."""
        import gradio as gr

        at = evt.index if isinstance(evt.index, int) else evt.index[0]
        at = at if session and at in session.answers else at + 1
        if not session or at not in session.answers:
            return gr.skip(), session, gr.skip()
        session.shown = at
        return self._sources(*session.answers[at]), session, gr.Column(visible=False)

    def open_article(self, session, evt):
        """A citation's (or related passage's) whole article, the span highlighted and scrolled to."""
        import gradio as gr

        from bot.library import cited_article

        kind, _, n = str(evt._data.get("ref", "")).partition(":")
        answer = session.answers[session.shown][0] if session and session.shown in session.answers else None
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

    def ask_api(self, question: str, source: str = "", since: str = "", until: str = "") -> dict:
        """One standalone question answered as ``Answer.to_json()`` plus the index generation used.

        A citation's corpus path is under "file": gradio_client would take a "path" key for a file to download.
        """
        import gradio as gr

        try:
            answer = self.engine.ask(question, filters=parse_filters(source, since, until))
        except BotError as exc:
            raise gr.Error(str(exc)) from None
        data = answer.to_json()
        for cite in data["citations"] + data["related"]:
            cite["file"] = cite.pop("path")
        return {**data, "index": self.engine.reader.generation.name}

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
        from bot.library import save_uploads

        if not files:
            return self._library_result("Choose .txt, .md or .html files first.", False, query)
        try:
            saved = save_uploads(self.settings, [(Path(f).name, Path(f).read_bytes()) for f in files], bool(replace))
        except BotError as exc:
            return self._library_result(str(exc), False, query)
        done = ", ".join(f"{s.path} ({s.status})" for s in saved)
        return self._rebuilt(f"Saved {done}", progress, query)

    def delete(self, path, query, progress=None):
        from bot.library import delete_article

        if not path:
            return self._library_result("Select an article in the table first.", False, query)
        try:
            gone = delete_article(self.settings, path)
        except BotError as exc:
            return self._library_result(str(exc), False, query)
        return self._rebuilt(f"Deleted {gone}", progress, query)

    def rebuild(self, query, progress=None):
        return self._rebuilt("", progress, query)

    def _rebuilt(self, done: str, progress, query):
        from bot.index import build

        def report(stage: str, n: int, total: int) -> None:
            if progress is not None:
                progress((n, total), desc=stage)

        self._building.set()
        try:
            result = build(self.settings, progress=report, embedder=self.embedder)
        except BotError as exc:
            failed = f"{done}, but the index was not updated" if done else "The index was not updated"
            return self._library_result(f"{failed}: {exc}", False, query)
        finally:
            self._building.clear()
        built = f"Index {result.generation}: {result.summary()}."
        return self._library_result(f"{done}. {built}" if done else built, True, query)

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

        self.demo = demo = self.blocks()
        limit_mb = self.settings.web.max_upload_mb
        demo.queue(default_concurrency_limit=1)
        _, url, _ = demo.launch(
            server_name=self.settings.web.host, server_port=port or self.settings.web.port, auth=auth, share=False,
            prevent_thread_lock=not block, show_error=True, quiet=not block, footer_links=["api"],
            max_file_size=f"{2 * limit_mb + 1:g}mb", theme=theme(), css=render.CSS,
        )
        return url


def _message(role: str, content: str) -> dict:
    return {"role": role, "content": content}

