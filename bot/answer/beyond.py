"""An elliptic follow-up asks beyond what was already answered.

"What share was non-Hispanic white in 1970?" -> "75.8%", then "And in 2010?": the sentence that best
matches "... in 2010?" often still reads "down from 75.8% in 1970", and the reader picks the old value
again. A short answer that repeats an answer already given (``Query.given``) is replaced by the best
other phrase of its sentence, and that sentence ranks a little lower; a sentence with no other phrase
drops out. Nothing changes for a question with nothing given.
"""

from __future__ import annotations

import re

REPEAT_PENALTY = 1.0  # set by hand: log-odds a sentence loses when its answer had to be re-picked


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def repeats(answer: str, given: tuple[str, ...]) -> bool:
    """``answer`` holds, or is held by, an answer already given (whole words)."""
    mine = _words(answer)
    return any(g.strip() and (_words(g) in mine or mine in _words(g)) for g in given if _words(g).strip())


def beyond(pool: list, given: tuple[str, ...]) -> list:
    """``pool`` (sentences with ``.answer``, ``.phrases``, ``.text``, ``.score``), best first, with no short answer
    repeating one of ``given``."""
    if not given:
        return pool
    kept = []
    for sentence in pool:
        if repeats(sentence.answer, given):
            others = [p for p in sentence.phrases if not repeats(p.text, given)]
            if not others:
                continue
            sentence.answer = max(others, key=lambda p: p.score).text
            sentence.score -= REPEAT_PENALTY
        kept.append(sentence)
    return sorted(kept, key=lambda s: -s.score)
