"""`bot web` refuses unsafe setups with one line, imports quickly, and maps its filters like the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import WebSettings
from bot.web.forms import parse_filters
from bot.web.login import check_bind

BOT = Path(sys.executable).with_name("bot")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_needs_no_password(host):
    assert check_bind(WebSettings(host=host)) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_binding_beyond_loopback_without_auth_is_refused(host):
    with pytest.raises(ConfigError, match="add --auth user:password"):
        check_bind(WebSettings(host=host))


def test_binding_beyond_loopback_with_auth_is_allowed():
    assert check_bind(WebSettings(host="0.0.0.0", auth="reader:pa:ss")) == ("reader", "pa:ss")


@pytest.mark.parametrize("auth", ["nopassword", ":secret", "user:", ":"])
def test_malformed_auth_is_refused(auth):
    with pytest.raises(ConfigError, match="user:password"):
        check_bind(WebSettings(host="127.0.0.1", auth=auth))


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    return subprocess.run([str(BOT), *args], capture_output=True, text=True, timeout=120, env={**clean, **env})


@pytest.mark.slow  # starts the bot as a process
def test_cli_refuses_an_open_bind_without_auth_in_one_line():
    done = run_bot("web", "--host", "0.0.0.0")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("error: binding to 0.0.0.0 opens the bot to the network: add --auth")


@pytest.mark.slow  # starts the bot as a process
def test_cli_refuses_an_auth_env_var_without_password():
    done = run_bot("web", "--host", "0.0.0.0", BOT_WEB__AUTH="justuser")
    assert done.returncode == 1 and done.stderr.strip() == (
        "error: --auth must look like user:password (or set BOT_WEB__AUTH=user:password)"
    )


@pytest.mark.slow  # starts the bot as a process
def test_cli_refuses_share_links():
    done = run_bot("web", "--share", "yes")
    assert done.returncode == 1 and "--share is not supported" in done.stderr


@pytest.mark.slow  # starts the bot as a process
def test_importing_the_web_ui_does_not_import_gradio():
    code = "import sys, bot.web.app, bot.web.render, bot.web.layout, bot.library; print('gradio' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_filters_map_to_retrieval_filters():
    from bot.types import Filters

    assert parse_filters("", "", "") == Filters()
    assert parse_filters("Coast News", " 2024-01-01 ", "2024-12-31") == Filters(
        source="Coast News", since="2024-01-01", until="2024-12-31"
    )
    with pytest.raises(ConfigError, match="To date '31/12/2024' is not a date: use YYYY-MM-DD"):
        parse_filters("", "", "31/12/2024")


@pytest.mark.slow
def test_bot_web_starts_without_an_index_and_says_to_build_one(tmp_path):
    import socket
    import time
    import urllib.request

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("A title\n\nSome text.\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    server = subprocess.Popen(
        [str(BOT), "web", "--port", str(port), "--corpus", str(corpus), "--index", str(tmp_path / "index")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean, cwd=tmp_path,
    )
    try:
        page = None
        deadline = time.monotonic() + 180
        while page is None and server.poll() is None and time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.5)
        assert page is not None, f"bot web did not serve its page: {server.poll()=}"
        assert "News Q&amp;A" in page
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=60)
    assert 'note: no index at' in stderr and 'run "bot index"' in stderr


@pytest.mark.slow  # starts the bot as a process
@pytest.mark.parametrize("command", [["web"], ["serve"]])
def test_a_busy_port_is_refused_in_one_line_before_the_models_load(command, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_bot(*command, "--port", str(port), "--index", str(tmp_path / "index"))
    assert done.returncode == 1
    assert done.stderr == f"error: port {port} on 127.0.0.1 is in use: choose another with --port\n"  # no model loaded
