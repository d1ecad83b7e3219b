"""Where ``bot ask`` and ``bot chat`` get their conversation: a running ``bot serve`` for the same
settings, else one in this process, its models loading behind a status line (ask) or while the user
types (chat)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from contextlib import contextmanager

from bot.errors import BotError


def checked_day(value: str | None) -> dt.date:
    """``--as-of`` read and checked (a bad or future day fails now, not at every question)."""
    from bot.cli.options import as_of
    from bot.dates import checked_as_of

    return checked_as_of(as_of(value))


def open_conversation(settings, chosen, k, day, status):
    """A conversation with the running ``bot serve``, else one in this process with its models loaded
    (the status line says so meanwhile)."""
    from bot.serve.client import connect

    remote = connect(settings, chosen, k, day)
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
    return Conversation(engine, chosen, k, day)


def conversation_warming_up(settings, chosen, k, day):
    """A conversation in this process whose models load in the background while the user types."""
    from bot.chat.conversation import Conversation
    from bot.engine import Engine
    from bot.index.manifest import read_current_manifest

    read_current_manifest(settings)  # fail now on a missing or mismatched index, before the prompt
    engine = Engine(settings)
    warming = threading.Thread(target=_warm_up, args=(engine,), daemon=True)
    warming.start()
    return AfterWarmUp(Conversation(engine, chosen, k, day), warming)


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


class AfterWarmUp:
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
