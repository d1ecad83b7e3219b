"""``bot serve``: a resident process answers ``bot ask``/``bot chat`` for clients with its settings."""

from __future__ import annotations

import json
import threading

import pytest

from bot.serve.address import address_path
from bot.serve.client import connect
from bot.types import Filters


@pytest.fixture
def served(fast_seed, fake_engine):
    """``bot serve`` over the fast seed index (fake embedder and answerer), in a thread."""
    from bot.serve.server import serve

    up, stop = threading.Event(), threading.Event()
    where: list[str] = []
    thread = threading.Thread(target=serve, args=(fast_seed,),
                              kwargs={"engine": fake_engine, "stop": stop, "ready": lambda w: (where.append(w), up.set())},
                              daemon=True)
    thread.start()
    assert up.wait(60)
    yield fast_seed, where[0]
    stop.set()
    thread.join(30)


def test_a_client_with_the_servers_settings_gets_its_answers(served, fake_engine, fake_answerer):
    settings, where = served
    remote = connect(settings, Filters(), None)
    assert remote is not None and where.endswith(".serve.sock")
    answer = remote.ask("What did the storm knock out?")
    local = fake_engine.ask("What did the storm knock out?")
    assert answer.answer == local.answer and answer.answerable
    assert [(c.article_id, c.start, c.end, c.quote) for c in answer.citations] == \
        [(c.article_id, c.start, c.end, c.quote) for c in local.citations]
    assert fake_answerer.asked[0] == "What did the storm knock out?"  # the server's answerer did it
    remote.close()


def test_a_question_error_comes_back_as_the_servers_one_line(served):
    from bot.serve.client import ServedError

    remote = connect(served[0], Filters(), None)
    with pytest.raises(ServedError, match="empty question"):
        remote.ask("   ")
    assert remote.ask("storm").answerable  # the connection goes on after an error
    remote.close()


def test_a_client_with_other_settings_answers_in_its_own_process(served):
    settings, _ = served
    other = settings.with_overrides(retrieval={"k": 9})
    assert connect(other, Filters(), None) is None


def test_the_address_file_is_the_owners_only_and_gone_when_the_server_stops(fast_seed, fake_engine):
    from bot.serve.server import serve

    up, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(fast_seed,),
                              kwargs={"engine": fake_engine, "stop": stop, "ready": lambda w: up.set()}, daemon=True)
    thread.start()
    assert up.wait(60)
    record = address_path(fast_seed)
    assert record.stat().st_mode & 0o077 == 0 and "token" in json.loads(record.read_text())
    stop.set()
    thread.join(30)
    assert not record.exists() and connect(fast_seed, Filters(), None) is None


def test_a_stale_address_file_is_ignored(fast_seed):
    from bot.serve.address import settings_key

    stale = {"socket": str(fast_seed.index.dir / "gone.sock"), "token": "x", "settings": settings_key(fast_seed)}
    address_path(fast_seed).write_text(json.dumps(stale))
    assert connect(fast_seed, Filters(), None) is None


def test_bot_ask_and_bot_chat_use_the_running_server(served, fake_cli, monkeypatch):
    import bot.engine

    def no_local_models(self):
        raise AssertionError("answered in process: the server was not used")

    monkeypatch.setattr(bot.engine.Engine, "warm_up", no_local_models)
    code, out, err = fake_cli("ask", "What did the storm knock out?", "--json")
    assert code == 0, err
    assert json.loads(out)["answerable"]
    code, out, err = fake_cli("chat", "--json", stdin="What did the storm knock out?\nstorm\n")
    assert code == 0, err
    assert [json.loads(line)["answerable"] for line in out.splitlines()] == [True, True]
