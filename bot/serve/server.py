"""The server half of ``bot serve``: load the models once, listen on a Unix socket in the index
folder (or a loopback port), record the address, and answer each connection as one conversation,
at most ``web.concurrency`` questions at once."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading

from bot.errors import BotError
from bot.serve.address import SOCKET_FILE, address_path, settings_key
from bot.serve.wire import answer_to_json
from bot.settings import Settings
from bot.types import Checked, Done, Filters, Notice, Status, Token

_UNIX_PATH_MAX = 100  # sun_path is ~108 bytes; a longer path falls back to a port


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
