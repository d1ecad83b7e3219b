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

``address.py`` is where a server is found (and whether a port can be listened on), ``wire.py``
an answer as JSON, ``client.py`` the client half (``connect``, ``RemoteConversation``),
``server.py`` the server half (``serve``). The client half imports nothing heavy: a client never
loads a model.
"""
