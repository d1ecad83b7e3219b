"""A reduced ``make stress``: 4 clients at once, 5 questions each, against one real web server through
gradio_client. Each client follows up on its own made-up article; a follow-up that cites another
client's article or searches for another client's mayor is cross-talk."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench" / "stress"))

pytestmark = pytest.mark.slow


def test_concurrent_conversations_make_no_errors_and_no_cross_talk(web_server):
    from web_load import people, run_load

    everyone = people(4)
    _, url = web_server(extra={p.file: p.article() for p in everyone})
    result = run_load(url, everyone, per_client=5)
    assert result["errors"] == 0, result["error_samples"]
    assert result["cross_talk"] == 0, result["cross_talk_samples"]
    assert result["answered"] == result["requests"] == 20
    assert result["follow_ups"] == 16
    assert result["follow_ups_citing_own_article"] == 16
    assert result["unfinished_clients"] == 0
