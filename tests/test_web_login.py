"""The web login slows down after failed attempts (issue 13): a few mistakes cost nothing, then each
attempt waits longer, one at a time, and the right password still gets in."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.web.login import FREE_FAILURES, MAX_DELAY_S, WINDOW_S, LoginGuard


class Clock:
    """A clock that moves only when the guard sleeps or the test says so."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def attempt(guard: LoginGuard, user: str, password: str) -> bool:
    return asyncio.run(guard.check(user, password))


def test_failures_beyond_the_free_ones_make_each_attempt_wait_longer():
    clock = Clock()
    guard = LoginGuard("reader", "s3cret", clock=clock, sleep=clock.sleep)
    for _ in range(FREE_FAILURES + 7):
        assert not attempt(guard, "reader", "guess")
    assert clock.slept == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_DELAY_S, MAX_DELAY_S]
    assert attempt(guard, "reader", "s3cret")  # not locked out: let in after its wait
    assert clock.slept[-1] == MAX_DELAY_S


def test_a_wrong_user_name_counts_as_a_failure_and_old_failures_are_forgotten():
    clock = Clock()
    guard = LoginGuard("reader", "s3cret", clock=clock, sleep=clock.sleep)
    for _ in range(FREE_FAILURES):
        assert not attempt(guard, "admin", "s3cret")
    assert guard.delay() == 1.0
    clock.now += WINDOW_S + 1
    assert guard.delay() == 0.0
    assert attempt(guard, "reader", "s3cret") and clock.slept == []


@pytest.mark.slow  # a real server
def test_the_servers_login_waits_after_failures_and_still_lets_the_right_password_in(web_server):
    import httpx

    _, url = web_server(auth=("reader", "s3cret"))

    def login(password: str) -> int:
        return httpx.post(f"{url}login", data={"username": "reader", "password": password}, timeout=120).status_code

    assert [login("guess") for _ in range(FREE_FAILURES)] == [400] * FREE_FAILURES
    started = time.monotonic()
    assert login("guess") == 400
    assert login("s3cret") == 200
    assert time.monotonic() - started >= 1.0 + 2.0  # the two attempts after the free failures waited 1 s and 2 s
