"""The client half of ``bot serve``: ``connect`` finds the running server for these settings and
returns a ``RemoteConversation``, or None so that the caller answers in its own process. Imports
nothing heavy: a client never loads a model."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from dataclasses import asdict

from bot.errors import BotError
from bot.serve.address import address_path, settings_key
from bot.serve.wire import answer_from_json, sentence_from_json
from bot.settings import Settings
from bot.types import Answer, Checked, Done, Filters, Notice, Status, Token

CONNECT_TIMEOUT = 0.5  # seconds; a server that does not accept by then is not used


class ServedError(BotError):
    """An error the server reported for a question; shown as the server's one line."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class RemoteConversation:
    """A conversation held by a running ``bot serve``; the same ``ask``/``stream``/``reset`` as ``Conversation``."""

    def __init__(self, connection: socket.socket):
        self._socket = connection
        self._lines = connection.makefile("r", encoding="utf-8", newline="\n")

    def _send(self, message: dict) -> None:
        self._socket.sendall((json.dumps(message) + "\n").encode("utf-8"))

    def _receive(self) -> dict:
        line = self._lines.readline()
        if not line:
            raise ServedError("bot serve closed the connection: ask again (it answers in this process then)")
        return json.loads(line)

    def stream(self, text: str) -> Iterator[Status | Token | Checked | Notice | Done]:
        self._send({"op": "ask", "question": text})
        while True:
            event = self._receive()
            kind = event.get("type")
            if kind == "status":
                yield Status(event["text"], event.get("standalone", ""), event.get("time", ""))
            elif kind == "token":
                yield Token(event["text"])
            elif kind == "checked":
                yield Checked(sentence_from_json(event["sentence"]), event.get("shown", True))
            elif kind == "notice":
                yield Notice(event["text"])
            elif kind == "done":
                yield Done(answer_from_json(event["answer"]))
                return
            else:
                raise ServedError(event.get("message", "bot serve failed"), int(event.get("exit_code", 1)))

    def ask(self, text: str) -> Answer:
        return list(self.stream(text))[-1].answer

    def reset(self) -> None:
        self._send({"op": "reset"})
        self._receive()

    def close(self) -> None:
        for closing in (self._lines, self._socket):
            try:
                closing.close()
            except OSError:
                pass


def connect(settings: Settings, filters: Filters, k: int | None, as_of: dt.date | None = None
            ) -> RemoteConversation | None:
    """A conversation with the running server for these settings, or None (no server, another
    settings, a stale address file): the caller then answers in its own process."""
    connection = None
    try:
        address = json.loads(address_path(settings).read_text(encoding="utf-8"))
        if address.get("settings") != settings_key(settings):
            return None
        if address.get("socket"):
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target = address["socket"]
        else:
            connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = ("127.0.0.1", int(address["port"]))
        connection.settimeout(CONNECT_TIMEOUT)
        connection.connect(target)
        remote = RemoteConversation(connection)
        remote._send({"op": "hello", "token": address.get("token"), "settings": settings_key(settings),
                      "filters": asdict(filters), "k": k, "as_of": as_of.isoformat() if as_of else None})
        connection.settimeout(CONNECT_TIMEOUT * 10)
        reply = remote._receive()
        connection.settimeout(None)
        if reply.get("ok"):
            return remote
        remote.close()
    except (OSError, ValueError, KeyError, TypeError, BotError):
        if connection is not None:
            connection.close()
    return None
