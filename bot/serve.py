"""``bot serve``: one resident process keeps the models loaded; ``bot ask`` and ``bot chat`` use it.

The server answers over a Unix socket (or a loopback TCP port) with JSON
lines. It writes where it listens, with a random token, to
``<index dir>/.serve.json`` (owner-only); a client that finds that file, can
connect, and has exactly the server's settings asks the server, and any other
client answers in its own process as before. Each connection is one
conversation (a ``Conversation`` on the server side), so ``bot chat``'s
follow-ups work; at most ``web.concurrency`` questions are answered at once.

Protocol, one JSON object a line: the client says ``{"op": "hello", "token",
"settings", "filters", "k"}`` and gets ``{"ok": true}`` (or ``{"ok": false,
"error"}``); then ``{"op": "ask", "question"}`` gets ``{"type": "status" |
"token" | "done" | "error", ...}`` lines ending with ``done`` or ``error``, and
``{"op": "reset"}`` starts the conversation over.

This module's client half imports nothing heavy: a client never loads a model.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from bot.errors import BotError, ConfigError
from bot.settings import Settings, shape_hash
from bot.types import Answer, AnswerSentence, Checked, Citation, Done, Filters, Notice, Status, Token

ADDRESS_FILE = ".serve.json"
SOCKET_FILE = ".serve.sock"
CONNECT_TIMEOUT = 0.5  # seconds; a server that does not accept by then is not used
_UNIX_PATH_MAX = 100  # sun_path is ~108 bytes; a longer path falls back to a port


class ServedError(BotError):
    """An error the server reported for a question; shown as the server's one line."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def settings_key(settings: Settings) -> str:
    """Client and server must agree on every setting, not only on the index."""
    return shape_hash(settings.model_dump(mode="json"))


def address_path(settings: Settings) -> Path:
    return settings.index.dir / ADDRESS_FILE


# ---- client ----------------------------------------------------------------------------------------

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


def answer_from_json(data: dict) -> Answer:
    """The ``Answer`` a server sent (``Answer.to_json`` plus kind, score and generation)."""
    def cite(c: dict) -> Citation:
        return Citation(n=c["n"], article_id=c["article_id"], title=c["title"], start=c["start"], end=c["end"],
                        quote=c["quote"], date=c.get("date"), source=c.get("source"), path=c.get("path", ""),
                        answer_start=c.get("answer_start"), answer_end=c.get("answer_end"))

    return Answer(
        question=data["question"], standalone_question=data["standalone_question"], answer=data["answer"],
        answerable=data["answerable"], citations=tuple(cite(c) for c in data.get("citations", ())),
        related=tuple(cite(c) for c in data.get("related", ())), timings_ms=dict(data.get("timings_ms", {})),
        score=float(data.get("score", 0.0)), kind=data.get("kind", "answer"), generation=data.get("generation"),
        as_of=dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None, time=data.get("time"),
        backend=data.get("backend", "extractive"), model=data.get("model"), prompt_version=data.get("prompt_version"),
        sentences=tuple(sentence_from_json(s) for s in data.get("sentences", ())),
        sentences_written=int(data.get("sentences_written", 0)), fallback=data.get("fallback"),
    )


def sentence_from_json(data: dict) -> AnswerSentence:
    return AnswerSentence(data["text"], tuple(data.get("citations", ())), bool(data.get("verified", False)))


def answer_to_json(answer: Answer) -> dict:
    return {**answer.to_json(), "score": answer.score, "kind": answer.kind, "generation": answer.generation}


# ---- server ----------------------------------------------------------------------------------------

def serve(settings: Settings, port: int | None = None, ready=None, engine=None,
          stop: threading.Event | None = None) -> None:
    """Load the models, listen, and answer until interrupted (or until ``stop`` is set). ``port`` None:
    a Unix socket in the index folder. ``ready(description)`` is called once clients can connect.
    ``engine``: an ``Engine`` to answer with (default: one for ``settings``)."""
    import socketserver

    if engine is None:
        from bot.engine import Engine

        engine = Engine(settings)
    engine.warm_up()
    token = secrets.token_hex(16)
    gate = threading.BoundedSemaphore(settings.web.concurrency)
    handler = _handler(engine, settings_key(settings), token, gate)
    settings.index.dir.mkdir(parents=True, exist_ok=True)
    path = (settings.index.dir / SOCKET_FILE).resolve()
    if port is None and len(str(path)) <= _UNIX_PATH_MAX:
        path.unlink(missing_ok=True)
        server = socketserver.ThreadingUnixStreamServer(str(path), handler)
        os.chmod(path, 0o600)
        address, shown = {"socket": str(path)}, str(path)
    else:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", port or 0), handler)
        address, shown = {"port": server.server_address[1]}, f"127.0.0.1:{server.server_address[1]}"
    server.daemon_threads = True
    record = address_path(settings)
    descriptor = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({**address, "token": token, "settings": settings_key(settings), "pid": os.getpid()}, out)
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True).start()
    try:
        if ready is not None:
            ready(shown)
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        try:
            if json.loads(record.read_text(encoding="utf-8")).get("token") == token:
                record.unlink()
        except (OSError, ValueError):
            pass
        if "socket" in address:
            path.unlink(missing_ok=True)


def _handler(engine, key: str, token: str, gate: threading.BoundedSemaphore):
    import socketserver

    from bot.chat.conversation import Conversation

    class Handler(socketserver.StreamRequestHandler):
        def send(self, message: dict) -> None:
            self.wfile.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))
            self.wfile.flush()

        def handle(self) -> None:
            conversation = None
            for line in self.rfile:
                try:
                    request = json.loads(line)
                except ValueError:
                    return
                op = request.get("op")
                if conversation is None:
                    if op != "hello" or request.get("token") != token or request.get("settings") != key:
                        self.send({"ok": False, "error": "wrong token or other settings"})
                        return
                    filters = Filters(**{**request.get("filters", {}),
                                         "articles": tuple(request.get("filters", {}).get("articles", ()))})
                    day = request.get("as_of")
                    conversation = Conversation(engine, filters, request.get("k"),
                                                dt.date.fromisoformat(day) if day else None)
                    self.send({"ok": True})
                elif op == "reset":
                    conversation.reset()
                    self.send({"ok": True})
                elif op == "ask":
                    with gate:
                        self.answer(conversation, request.get("question"))

        def answer(self, conversation, question) -> None:
            try:
                for event in conversation.stream(question):
                    if isinstance(event, Status):
                        self.send({"type": "status", "text": event.text, "standalone": event.standalone,
                                   "time": event.time})
                    elif isinstance(event, Token):
                        self.send({"type": "token", "text": event.text})
                    elif isinstance(event, Checked):
                        self.send({"type": "checked", "shown": event.shown, "sentence": {
                            "text": event.sentence.text, "citations": list(event.sentence.citations),
                            "verified": event.sentence.verified}})
                    elif isinstance(event, Notice):
                        self.send({"type": "notice", "text": event.text})
                    elif isinstance(event, Done):
                        self.send({"type": "done", "answer": answer_to_json(event.answer)})
            except BotError as exc:
                self.send({"type": "error", "message": str(exc), "exit_code": exc.exit_code})
            except Exception as exc:  # a bug underneath: this question fails, the server goes on
                detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
                self.send({"type": "error", "message": f"unexpected failure in bot serve ({detail})"})

    return Handler


def check_port(port: int | None) -> None:
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a port: use 1-65535, or leave it out for a Unix socket")
    if port is not None:
        ensure_free("127.0.0.1", port)


def ensure_free(host: str, port: int) -> None:
    """Fail in one line, before any model loads, when ``host:port`` cannot be listened on."""
    import errno

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except socket.gaierror:
            raise ConfigError(f"--host {host} is not a known address of this machine") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"port {port} on {host} is in use: choose another with --port") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ConfigError(f"--host {host} is not an address of this machine") from None
            if exc.errno == errno.EACCES:
                raise ConfigError(f"port {port} needs privileges to listen on: choose one above 1023 with --port") from None
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}): check --host and --port") from None
