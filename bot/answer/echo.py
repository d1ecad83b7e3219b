"""An answer is not what the question already names.

"Who said the visit's purpose was a meeting with Putin?": the reader, matching the sentence "The purpose of
this visit is believed to be a meeting with Russian President Vladimir Putin, as indicated by a U.S.
official.", picks the name it sees next to the question's words, Putin, whom the question itself names. A
short answer whose names are all named by the question is replaced by another phrase of its sentence that
does not echo it (of the asked type first: "a U.S. official"), and the sentence ranks a little lower; with
no such phrase the sentence gives no answer of the asked form. A question that offers a choice ("Who is
older, Kim or Putin?") names its answer, so it is left alone.

A pair told of as one ("the two leaders", "both leaders", "the pair") echoes too: "Who will Kim meet in
Vladivostok?" is not answered by "the meeting between the two leaders", a pair the question's Kim is half of;
only a name of the sentence may replace it ("U.S. reports" does not).
"""

from __future__ import annotations

import re

# Set by hand, like the follow-ups' REPEAT_PENALTY: log-odds a sentence loses when its answer had to be re-picked.
ECHO_PENALTY = 1.0
_ASKING = frozenset({"which", "what", "whose"})  # "Which Super Bowl ...?" asks about the name that follows
_CHOICE = re.compile(r"\bor\b", re.I)
_PAIR_NOUNS = frozenset({"pair", "duo", "couple"})


def question_names(doc) -> frozenset[tuple[str, ...]]:
    """The names the question ``doc`` gives, as runs of proper nouns in lower case ("Genghis Khan" ->
    ("genghis", "khan")); not the one it asks about ("Which Super Bowl ...?", "Which part of China ...?"), none when it
    offers a choice."""
    if _CHOICE.search(doc.text):
        return frozenset()
    # the asking phrase's own names: "Which part of China ...?" is answered by a part of China
    asking = {t.i for w in doc if w.lower_ in _ASKING and w.dep_ == "det" for t in w.head.subtree}
    return frozenset(run for run, tokens in _runs(doc)
                     if (tokens[0].i == 0 or doc[tokens[0].i - 1].lower_ not in _ASKING) and tokens[0].i not in asking)


def _runs(tokens) -> list[tuple[tuple[str, ...], list]]:
    """The runs of adjacent proper nouns of ``tokens``, as lower-case words and as tokens."""
    out, run = [], []
    for token in list(tokens) + [None]:
        if token is not None and token.pos_ == "PROPN":
            run.append(token)
            continue
        if run:
            out.append((tuple(t.lower_ for t in run), run))
        run = []
    return out


def echoes(doc, start: int, end: int, names: frozenset[tuple[str, ...]]) -> bool:
    """The stretch ``start``..``end`` of the sentence ``doc`` is a name the question gives: the name its head word
    (the one the others hang from) ends is one of ``names``, or ends like one ("Russian President Vladimir Putin"
    for "Putin"; not "Ögedei Khan" for "Genghis Khan", nor "a defector from Putin's security service"), or a title
    set beside such a name."""
    tokens, heads = _heads(doc, start, end)
    if not heads:
        return False
    if names and _heads_a_pair(heads):
        return True
    head = heads[0]
    if head.pos_ != "PROPN":  # a title set beside a name: "Kim Jong Un, the current leader of North Korea"
        beside = [head.head] if head.dep_ == "appos" else [c for c in head.children if c.dep_ == "appos"]
        return any(t.pos_ == "PROPN" and _ends_like(_run_of(t), names) for t in beside)
    return _ends_like(_run_of(head, tokens), names)


def _echoed_run(start: int, end: int, heads: list) -> tuple[int, int]:
    """Where the name an echoing stretch (``start``..``end``, with its ``heads``) is headed by lies, with the words
    before it that hang on it (the whole stretch for a title or a pair)."""
    if not heads or heads[0].pos_ != "PROPN" or _heads_a_pair(heads):
        return start, end
    head = heads[0]
    left = [t for t in head.subtree if t.i <= head.i and start <= t.idx]  # "Russian President Vladimir Putin"
    return left[0].idx, head.idx + len(head)


def _run_of(token, tokens=None) -> tuple[str, ...]:
    """The run of proper nouns (among ``tokens``, or of its sentence) that ``token`` is part of."""
    return next(words for words, run in _runs(tokens if tokens is not None else token.doc) if token in run)


def _ends_like(run: tuple[str, ...], names) -> bool:
    return any(run[-len(name):] == name for name in names)


def _heads(doc, start: int, end: int) -> tuple[list, list]:
    """The tokens of ``doc`` in ``start``..``end`` and those of them that hang from none of the others."""
    tokens = [t for t in doc if start <= t.idx and t.idx + len(t) <= end]
    while tokens and tokens[0].pos_ == "ADP":  # "between the two leaders" is the pair
        start, tokens = tokens[0].idx + len(tokens[0]), tokens[1:]
    return tokens, [t for t in tokens if not start <= t.head.idx < end or t.head is t]


def _heads_a_pair(heads: list) -> bool:
    """The first of a stretch's ``heads`` (``_heads``) heads a pair told of as one: "the two leaders", "both
    leaders", "the pair"."""
    if not heads:
        return False
    if heads[0].lower_ in _PAIR_NOUNS:
        return any(c.lower_ == "the" for c in heads[0].children)
    return heads[0].tag_ == "NNS" and any(c.lower_ in ("two", "both") for c in heads[0].children)


def echoed_answer(doc, answer: str, names: frozenset[tuple[str, ...]]) -> bool:
    """``answer`` (a slice of ``doc.text``) is a name the question gives (``echoes``)."""
    at = doc.text.find(answer)
    return at >= 0 and echoes(doc, at, at + len(answer), names)


def beyond_the_question(doc, answer: str, phrases: list, names: frozenset[tuple[str, ...]]) -> tuple[str, bool]:
    """``answer`` (a slice of ``doc.text``), or another of the sentence's ``phrases`` (``span.Span``) when it only
    echoes the question's ``names`` (and is no part of it): a phrase of the asked type first, then the phrase
    model's best. Returns the answer and whether the given one echoed (it stands when no other phrase does not)."""
    at = doc.text.find(answer)
    if at < 0 or not echoes(doc, at, at + len(answer), names):
        return answer, False
    # a part of the echoed name ("Russian President") is no other answer; a name the answer ran on to may be
    # ("James Watt ... after Watt’s partner Boulton")
    heads = _heads(doc, at, at + len(answer))[1]
    first, last = _echoed_run(at, at + len(answer), heads)
    others = [p for p in phrases if p.text.strip() and not echoes(doc, p.start, p.end, names)
              and (p.end <= first or last <= p.start)]
    if not others or (_heads_a_pair(heads) and not any((p.features or {}).get("typed") for p in others)):
        return answer, True  # a pair stands for people named elsewhere: only someone named here replaces it
    # what the reader's span held beside the name first ("Dalian in northeastern China" -> "northeastern China")
    titles = {t.idx for h in heads[:1] for c in h.children if c.dep_ in ("appos", "relcl", "acl") for t in c.subtree}
    inside = [p for p in others if at <= p.start and p.end <= at + len(answer)
              and not any(p.start <= i < p.end for i in titles)]
    return max(inside or others, key=lambda p: (bool((p.features or {}).get("typed")), p.score)).text, True
