"""``bot ask`` and ``bot chat``: answers printed as they stream, or one JSON object per answer."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from bot.cli.options import ArticleOpt, IndexOpt, KOpt, SinceOpt, SourceOpt, UntilOpt, err, filters, load
from bot.errors import BotError

QUIT_COMMANDS = {"/quit", "/exit", "/q"}
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object (an error too, with exit 1).")]


def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    json_out: JsonOpt = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Answer one question: the answer, then numbered citations with the quoted passage.

    Uses a running ``bot serve`` for the same settings when there is one (answers in a fraction of a second)."""
    try:
        settings = load(index=index_dir)
        chosen = filters(source, since, until, article)
        with loading_status(enabled=not json_out) as status:
            conversation = _conversation(settings, chosen, k, status)
            try:
                if json_out:
                    answer = conversation.ask(question)
                    typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
                else:
                    print_streamed(conversation.stream(question), status)
            finally:
                if hasattr(conversation, "close"):  # a connection to bot serve
                    conversation.close()
    except BotError as exc:
        if json_out:
            typer.echo(error_json(question, exc))
        raise


def chat(
    json_out: Annotated[bool, typer.Option("--json", help="Read one question a line, print one JSON object a line.")] = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Talk with the articles; follow-ups use the conversation. /reset starts over.

    On a terminal: a prompt with line editing and history. With --json, or when
    input is piped: one question a line in, one JSON object a line out (blank
    lines skipped; a bad question gives {"question", "error"} and the rest go on).
    """
    from bot.chat.conversation import Conversation
    from bot.serve import connect

    settings = load(index=index_dir)
    chosen = filters(source, since, until, article)
    conversation = connect(settings, chosen, k)
    if conversation is None:
        from bot.engine import Engine

        from bot.index.store import read_current_manifest

        read_current_manifest(settings)  # fail now on a missing or mismatched index, before the prompt
        engine = Engine(settings)
        conversation = Conversation(engine, chosen, k)
        warming = threading.Thread(target=_warm_up, args=(engine,), daemon=True)  # loads while the user types
        warming.start()
        conversation = _AfterWarmUp(conversation, warming)
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # undecodable input is a bad question, not a crash
    try:
        if sys.stdin.isatty() and not json_out:
            _chat_on_terminal(conversation)
        else:
            _chat_json_lines(conversation)
    finally:
        if hasattr(conversation, "close"):  # a connection to bot serve
            conversation.close()


def _conversation(settings, chosen, k, status):
    """A conversation with the running ``bot serve``, else one in this process with its models loaded
    (the status line says so meanwhile)."""
    from bot.serve import connect

    remote = connect(settings, chosen, k)
    if remote is not None:
        return remote
    from bot.chat.conversation import Conversation
    from bot.engine import Engine

    engine = Engine(settings)
    engine.reader  # noqa: B018 - a missing index fails before any model loads
    if status is not None:
        status.update("Loading models…")
    engine.warm_up()
    if status is not None:
        status.update("Searching the articles…")
    return Conversation(engine, chosen, k)


@contextmanager
def loading_status(enabled: bool):
    """A spinner on stderr saying what is being done (only on a terminal), or None."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status("Starting…") as status:
        yield status


def _warm_up(engine) -> None:
    try:
        engine.warm_up()
    except BotError:  # e.g. an unreadable index: the first question reports it
        pass


class _AfterWarmUp:
    """A conversation whose first question waits for the models loading in the background."""

    def __init__(self, conversation, warming: threading.Thread):
        self.conversation, self.warming = conversation, warming

    def stream(self, text: str):
        self.warming.join()
        return self.conversation.stream(text)

    def ask(self, text: str):
        self.warming.join()
        return self.conversation.ask(text)

    def reset(self) -> None:
        self.conversation.reset()


def print_streamed(events: Iterator, status=None):
    """Print an answer as it streams: the search used for a follow-up, the answer's words as they come,
    then its sources. ``status`` (a rich status) shows what is being done until the first words."""
    from bot.cli.render import printable, render_sources, searched_line
    from bot.types import Done, Status, Token

    written, standalone, answer = "", "", None
    for event in events:
        if isinstance(event, Status):
            standalone = event.standalone
            if status is not None:
                status.update(event.text)
        elif isinstance(event, Token):
            if not written:
                if status is not None:
                    status.stop()
                if standalone:
                    typer.echo(searched_line(standalone))
            typer.echo(printable(event.text), nl=False)
            written += event.text
        elif isinstance(event, Done):
            answer = event.answer
    if answer.answer != written:  # the answerer revised what it streamed (e.g. dropped an unsupported sentence)
        typer.echo(("\n" if written else "") + printable(answer.answer), nl=False)
    typer.echo(render_sources(answer))
    return answer


def _chat_on_terminal(conversation) -> None:
    import readline  # noqa: F401 - line editing and history for input()

    from rich.console import Console

    spinner = Console(stderr=True)
    typer.echo("Ask about the articles. /reset starts over; /quit or Ctrl-D ends.")
    while True:
        try:
            line = input("you> ")
        except EOFError:
            typer.echo()
            return
        except KeyboardInterrupt:
            typer.echo()
            continue
        if line.strip().lower() in QUIT_COMMANDS:
            return
        if not line.strip():
            continue
        try:
            with spinner.status("Searching the articles…") as status:
                print_streamed(conversation.stream(line), status)
        except BotError as exc:
            err(f"error: {exc}")
            continue
        except KeyboardInterrupt:
            err("(cancelled)")
            continue
        typer.echo()


def _chat_json_lines(conversation) -> None:
    while line := sys.stdin.readline():
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            answer = conversation.ask(text)
        except BotError as exc:
            typer.echo(error_json(text, exc))
        except Exception as exc:  # a bug underneath: this line fails, the session goes on
            if os.environ.get("BOT_DEBUG") == "1":
                raise
            typer.echo(error_json(text, unexpected(exc)))
        else:
            typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        sys.stdout.flush()


def unexpected(exc: Exception) -> BotError:
    """A failure that is not a ``BotError`` (a bug, or a library failing underneath) as one line."""
    detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return BotError(f"unexpected failure ({detail}); run again with BOT_DEBUG=1 for the details")


def error_json(question: str, exc: BotError) -> str:
    shown = question if len(question) <= 200 else question[:200] + "…"
    shown = shown.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from undecodable argv
    return json.dumps({"question": shown, "error": str(exc)}, ensure_ascii=False)
