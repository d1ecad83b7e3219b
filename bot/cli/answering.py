"""``bot ask`` and ``bot chat``: answers printed as they stream, or one JSON object per answer."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from bot.cli.options import (
    ArticleOpt, AsOfOpt, BackendOpt, IndexOpt, KOpt, SinceOpt, SourceOpt, StrictLLMOpt, UntilOpt, err, filters, load,
)
from bot.cli.session import checked_day, conversation_warming_up, loading_status, open_conversation
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
    as_of_day: AsOfOpt = None,
    index_dir: IndexOpt = None,
    backend: BackendOpt = None,
    strict_llm: StrictLLMOpt = False,
) -> None:
    """Answer one question: the answer, then numbered citations with the quoted passage.

    Uses a running ``bot serve`` for the same settings when there is one (answers in a fraction of a second)."""
    try:
        settings = load(index=index_dir, backend=backend, strict_llm=strict_llm)
        chosen, day = filters(source, since, until, article), checked_day(as_of_day)
        with loading_status(enabled=not json_out) as status:
            conversation = open_conversation(settings, chosen, k, day, status)
            try:
                if json_out:
                    answer = answer_of(conversation.stream(question))
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
    as_of_day: AsOfOpt = None,
    index_dir: IndexOpt = None,
    backend: BackendOpt = None,
    strict_llm: StrictLLMOpt = False,
) -> None:
    """Talk with the articles; follow-ups use the conversation. /reset starts over.

    On a terminal: a prompt with line editing and history. With --json, or when
    input is piped: one question a line in, one JSON object a line out (blank
    lines skipped; a bad question gives {"question", "error"} and the rest go on).
    """
    from bot.serve.client import connect

    settings = load(index=index_dir, backend=backend, strict_llm=strict_llm)
    chosen, day = filters(source, since, until, article), checked_day(as_of_day)
    conversation = connect(settings, chosen, k, day)
    if conversation is None:
        conversation = conversation_warming_up(settings, chosen, k, day)
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


def answer_of(events: Iterator):
    """The final answer of a stream, each ``Notice`` on the way printed as one warning line on stderr."""
    from bot.types import Done, Notice

    answer = None
    for event in events:
        if isinstance(event, Notice):
            err(f"warning: {event.text}")
        elif isinstance(event, Done):
            answer = event.answer
    return answer


def print_streamed(events: Iterator, status=None):
    """Print an answer as it streams: the search used for a follow-up, the answer's words as they come
    (a generated sentence's [n] markers, and its mark when unverified, once it is complete), then its
    sources. A notice (the LLM failed) is one warning line on stderr, and what follows replaces what was
    printed. ``status`` (a rich status) shows what is being done until the first words."""
    from bot.cli.render import answer_text, printable, render_sources, searched_line, sentence_marks
    from bot.types import Checked, Done, Notice, Status, Token

    shown, started, standalone, answer = "", False, "", None
    for event in events:
        if isinstance(event, Status):
            standalone = event.standalone
            if status is not None:
                status.update(event.text)
        elif isinstance(event, (Token, Checked, Notice)) and not started:
            started = True
            if status is not None:
                status.stop()
            if standalone:
                typer.echo(searched_line(standalone))
        if isinstance(event, Token):
            typer.echo(printable(event.text), nl=False)
            shown += event.text
        elif isinstance(event, Checked):
            typer.echo(sentence_marks(event.sentence, event.shown), nl=False)
            shown += sentence_marks(event.sentence, event.shown)
        elif isinstance(event, Notice):
            if shown:
                typer.echo()
            err(f"warning: {event.text}")
            shown = ""
        elif isinstance(event, Done):
            answer = event.answer
    final = answer_text(answer)
    if " ".join(final.split()) != " ".join(shown.split()):  # revised since it streamed (a dropped sentence)
        typer.echo(("\n" if shown else "") + printable(final), nl=False)
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
            answer = answer_of(conversation.stream(text))
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
