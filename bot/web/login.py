"""The web login (``--auth user:password``), slowed down after failures.

Gradio checks a password as fast as it is asked, so a client could try
thousands a second. ``LoginGuard`` is the check Gradio calls instead: the
first ``FREE_FAILURES`` failures (within ``WINDOW_S``) cost nothing; after
them every attempt, right or wrong, waits its turn and then 1, 2, 4, ... up to
``MAX_DELAY_S`` seconds, one at a time, so guessing proceeds at no more than
one password per ``MAX_DELAY_S``. Nobody is locked out: the right password
still gets in, only later. The wait is asynchronous: answers keep streaming.

``check_bind`` reads ``--auth`` and refuses to open the bot beyond loopback without it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import time
from collections import deque

from bot.errors import ConfigError
from bot.settings import WebSettings

FREE_FAILURES = 5
WINDOW_S = 900.0  # failures older than this are forgotten
MAX_DELAY_S = 30.0


class LoginGuard:
    """Gradio's ``auth`` check (``check``): one user name and password, with a delay after failures."""

    def __init__(self, user: str, password: str, clock=time.monotonic, sleep=asyncio.sleep):
        self._user = user.encode()
        self._password = password.encode()
        self._clock = clock
        self._sleep = sleep
        self.failures: deque[float] = deque()  # times of recent failed attempts
        self._turn: asyncio.Lock | None = None  # made on the server's event loop

    def delay(self) -> float:
        """Seconds the next attempt waits."""
        cutoff = self._clock() - WINDOW_S
        while self.failures and self.failures[0] < cutoff:
            self.failures.popleft()
        extra = len(self.failures) - FREE_FAILURES
        return 0.0 if extra < 0 else min(2.0 ** extra, MAX_DELAY_S)

    async def check(self, username: str, password: str) -> bool:
        """Gradio's ``auth`` callable. A coroutine function, not an object with an async ``__call__``:
        Gradio awaits only what ``inspect.iscoroutinefunction`` recognises, and would take the
        un-awaited coroutine of any other for a yes."""
        if self._turn is None:
            self._turn = asyncio.Lock()
        async with self._turn:  # one attempt at a time: waiting in parallel would not slow guessing
            wait = self.delay()
            if wait:
                await self._sleep(wait)
            # both compared whatever the first says: the time taken does not tell which was wrong
            right_user = secrets.compare_digest(username.encode(), self._user)
            right_password = secrets.compare_digest(password.encode(), self._password)
            if right_user and right_password:
                return True
            self.failures.append(self._clock())
            return False


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
