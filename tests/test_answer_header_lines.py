"""A news export's header lines ("Source: ...", "URL: https://...") describe the article: they are never an
answer, nor the sentence a "why" answer is joined to."""

from __future__ import annotations

import pytest

from bot.text import is_metadata_line

ARTICLE = """Daye now offers tampon-based STI screening in the UK

Source: TechCrunch
Published: 2023-11-06T09:30:53+00:00
Author: Natasha Lomas
Category: technology
URL: https://techcrunch.com/2023/11/06/daye-sti-testing/

Testing pregnant women for GBS allows for the timely administration of antibiotics during labour, significantly \
reducing the risk of neonatal infections.

The startup plans to expand the screening service to other European markets next year.
"""


@pytest.mark.parametrize("line, header", [
    ("URL: https://techcrunch.com/2023/11/06/daye-sti-testing/", True),
    ("Published: 2023-11-06T09:30:53+00:00", True),
    ("Category: technology", True),
    ("Source: TechCrunch", True),
    ("Note: the screening costs £45.", False),  # not a header field
    ("Testing pregnant women for GBS allows for the timely administration of antibiotics.", False),
])
def test_header_lines_are_told_from_sentences(line, header):
    assert is_metadata_line(line) is header


@pytest.mark.slow
def test_a_why_answer_is_not_joined_to_the_articles_url_line(make_settings, corpus_dir, models):
    from bot.engine import Engine
    from bot.index import build

    (corpus_dir / "daye.txt").write_text(ARTICLE, encoding="utf-8")
    settings = make_settings(corpus_dir)
    build(settings, models=models)
    answer = Engine(settings, models).ask("Why does Daye say testing pregnant women for GBS matters?")
    assert answer.answerable
    assert "URL" not in answer.answer and "https://" not in answer.answer
    assert "timely administration of antibiotics" in answer.answer
    assert all("URL:" not in c.quote for c in answer.citations)
