"""Where a running ``bot serve`` is found, and whether an address can be listened on.

The server records where it listens in ``<index dir>/.serve.json`` with ``settings_key``: a client
uses it only with exactly the same settings. ``check_port`` and ``ensure_free`` fail in one line,
before any model loads, when a port cannot be listened on (``bot serve``, and ``bot web``).
"""

from __future__ import annotations

import socket
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import Settings, shape_hash

ADDRESS_FILE = ".serve.json"
SOCKET_FILE = ".serve.sock"


def settings_key(settings: Settings) -> str:
    """Client and server must agree on every setting, not only on the index."""
    return shape_hash(settings.model_dump(mode="json"))


def address_path(settings: Settings) -> Path:
    return settings.index.dir / ADDRESS_FILE


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
