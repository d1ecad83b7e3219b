"""A headline sums up what happened; asked why, the answer is the story's sentence that gives the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# A MultiHop-RAG news document (ODC-BY 1.0, bench/data/multihoprag_sample500/PROVENANCE.json) headed
# "ASX set to open higher as Wall Street rebounds; $A rises"
MARKETS = Path(__file__).parent.parent / "bench/data/multihoprag_sample500/corpus/the-age_2023-10-04_5df45beb6c.txt"


@pytest.mark.slow
def test_a_why_question_is_answered_from_the_story_not_its_headline(make_settings, corpus_dir, models):
    from bot.engine import Engine
    from bot.index import build

    shutil.copy(MARKETS, corpus_dir / MARKETS.name)
    settings = make_settings(corpus_dir)
    build(settings, models=models)
    answer = Engine(settings, models).ask("Why did Wall Street rise in early October 2023, setting the ASX up for a "
                                          "higher open?")
    assert answer.answerable and "relaxing bond yields" in answer.answer
