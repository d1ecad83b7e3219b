"""A short answer made a complete phrase of its sentence: never a fragment cut mid-phrase or mid-name.

The reader (``qa_model.py``) scores spans of word pieces, so its best span can stop mid-phrase ("90 specialized
carriages and operates three"), open inside a word ("s sudden demise" of "Kim Jong Il’s sudden demise") or run
across a news dateline. A short answer is widened to the smallest constituent of the parse that holds it (the
phrase model's candidates, ``span.candidates``: subtrees, noun phrases, named entities) when that is only a few
words longer, else cut to the constituent it overlaps most (never dropping a name it ends on), else trimmed of
the function words at its edges; a span running on past a clause comma or into a second verb's phrase is cut
there first; nothing before the end of a dateline is part of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.shape import dateline_end
from bot.text import trimmed

_EDGE_WORDS = frozenset({"CCONJ", "ADP", "DET", "AUX", "PART", "SCONJ", "PUNCT", "PRON"})
_QUOTE_MARKS = "\"“”‘’«»"
# An answer that opens a quotation ("as “Chammae-1", "“Chammae-1,”") is the quoted words.
_QUOTED = re.compile(r"(?:(?:as|called|named|dubbed|titled|of)\s+)?[" + _QUOTE_MARKS + r"]([^" + _QUOTE_MARKS
                     + r"]*?)[,.;:]?[" + _QUOTE_MARKS + r"]?", re.I)
# "IL-62, known as “Chammae-1": a name a span ends on is the answer, not the words before it
_NAMED_AT_END = re.compile(r"(?:known\s+as|called|named|dubbed|nicknamed)\s+[“\"]([^”\"]+?)[,.;:]?[”\"]?$", re.I)
_CLOSING_QUOTE = re.compile(r"[,.;:]?”")
MIN_OVERLAP = 0.6  # a constituent must cover most of the reader's span (F1 of characters) to replace it
MAX_WIDENING = 4  # words a constituent may add to the reader's span to complete it


def complete_phrase(doc, start: int, end: int, phrases: Sequence) -> tuple[int, int]:
    """``(start, end)`` (offsets into the sentence ``doc`` was parsed from) made a complete phrase:
    the constituent among ``phrases`` (with ``.start``, ``.end``, ``.score``) that overlaps it most,
    else the span trimmed of function words at its edges; never before a dateline; a quoted name
    without its quote marks or the word that introduces it ('known as “Chammae-1”' -> Chammae-1)."""
    return unquoted(doc.text, *_without_loose_ends(doc, *_complete_phrase(doc, start, end, phrases)))


def _without_loose_ends(doc, start: int, end: int) -> tuple[int, int]:
    """No answer opens with "of" (or a possessive's "’s") or ends on a preposition, conjunction, article or auxiliary ("of Dalian in northeastern
    China in" -> "Dalian in northeastern China", "The aircraft used by Kim is" -> "The aircraft used by Kim"): those
    words belong to a phrase the answer cut."""
    tokens = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
    while len(tokens) > 1 and (tokens[0].lower_ == "of" or tokens[0].tag_ == "POS"):  # nor with "’s"
        tokens = tokens[1:]
    while len(tokens) > 1 and (tokens[-1].pos_ in ("ADP", "CCONJ", "DET", "SCONJ") or tokens[-1].dep_ in ("aux", "ROOT")
                               and tokens[-1].pos_ == "AUX"):
        tokens = tokens[:-1]
    if not tokens:
        return start, end
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without a quotation's marks, the word before an opening one ("as “X"), or
    stray punctuation at its edges; unchanged when that would leave nothing."""
    found = _QUOTED.fullmatch(text, start, end) or _NAMED_AT_END.search(text, start, end)
    if found is not None and found.group(1).strip():
        return found.start(1), found.end(1)
    closing = _CLOSING_QUOTE.search(text, start, end)  # the tail of a quotation the span began inside
    if closing and closing.end() < end and not any(m in text[start:closing.start()] for m in "“«"):
        return trimmed(text, closing.end(), end)
    return start, end


def _complete_phrase(doc, start: int, end: int, phrases: Sequence) -> tuple[int, int]:
    floor = dateline_end(doc.text)
    start = max(start, floor)
    if end <= start:
        return start, end
    end = _before_a_second_verb(doc, start, end)
    start, end = _whole_noun_phrases(doc, start, end, floor)
    phrases = [p for p in phrases if p.start >= floor]
    words = _words(doc.text[start:end])
    starts_verb = _first_pos(doc, start) in ("VERB", "AUX")
    holding = [p for p in phrases if p.start <= start and p.end >= end
               and _words(doc.text[p.start:p.end]) <= words + MAX_WIDENING
               and (starts_verb or _first_pos(doc, p.start) not in ("VERB", "AUX"))]
    if holding:
        smallest = min(holding, key=lambda p: (p.end - p.start, -p.score))
        return smallest.start, smallest.end
    # only a constituent that holds the span's first word: the reader's start is the surer end ("Inalchuq, the
    # governor" must not become "the governor", nor "Ong Khan, his mentor and eventual rival" a phrase of its tail)
    overlapping = [(_overlap(start, end, p.start, p.end), p.score, p) for p in phrases
                   if p.start <= start < p.end and (starts_verb or _first_pos(doc, p.start) not in ("VERB", "AUX"))]
    best = max(overlapping, default=None, key=lambda row: row[:2])
    # nor one that drops a name the span ends on ("Iñigo Quintero’s Si" of "Iñigo Quintero’s Si No Estás")
    if best is not None and best[0] >= MIN_OVERLAP and not _drops_a_name(doc, best[2].end, end):
        return best[2].start, best[2].end
    return _trimmed(doc, start, end)






def _drops_a_name(doc, kept_end: int, end: int) -> bool:
    """The words between ``kept_end`` and ``end`` hold a capitalised proper noun."""
    return any(kept_end <= t.idx and t.idx + len(t) <= end and t.pos_ == "PROPN" and t.text[:1].isupper() for t in doc)


def _before_a_second_verb(doc, start: int, end: int) -> int:
    """A span that runs on past "and"/"or"/"but" into another verb's phrase ("90 specialized carriages
    and operates three") stops before the conjunction."""
    tokens = [t for t in doc if start <= t.idx < end]
    for i, token in enumerate(tokens):
        if token.pos_ != "CCONJ" or i == 0:
            continue
        # the conjunction opens a verb phrase only when a verb follows it at once ("and then operates"): not
        # "botany and chemistry led medicine", where it joins two nouns that a later verb has for subject
        following = next((t for t in tokens[i + 1:] if t.pos_ not in ("ADV", "PART")), None)
        # and only after a noun: "confirmed and amended" is one phrase of two verbs
        if following is not None and following.pos_ in ("VERB", "AUX") and tokens[i - 1].pos_ in ("NOUN", "PROPN", "NUM"):
            return tokens[i - 1].idx + len(tokens[i - 1].text)
    return end


def _whole_noun_phrases(doc, start: int, end: int, floor: int) -> tuple[int, int]:
    """A span that stops inside a noun phrase ("a total of 90| specialized carriages") runs to its end,
    and one that starts inside one to its start, when that adds only a few words."""
    for chunk in doc.noun_chunks:
        a, b = chunk.start_char, chunk.end_char
        if a < end < b and _words(doc.text[end:b]) <= MAX_WIDENING:
            end = b
        if a < start < b and a >= floor and _words(doc.text[a:start]) <= MAX_WIDENING:
            start = a
    return start, end


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _first_pos(doc, at: int) -> str:
    return next((t.pos_ for t in doc if t.idx + len(t.text) > at), "")


def _overlap(a: int, b: int, c: int, d: int) -> float:
    shared = min(b, d) - max(a, c)
    if shared <= 0:
        return 0.0
    precision, recall = shared / (d - c), shared / (b - a)
    return 2 * precision * recall / (precision + recall)


def _trimmed(doc, start: int, end: int) -> tuple[int, int]:
    tokens = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    while len(tokens) > 1 and tokens[0].pos_ in _EDGE_WORDS - {"DET", "PRON"}:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1].pos_ in _EDGE_WORDS:
        tokens = tokens[:-1]
    if not tokens:
        return start, end
    return max(start, tokens[0].idx), min(end, tokens[-1].idx + len(tokens[-1].text))


_DAY_THEN_INTERVAL = re.compile(
    r"(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?=\s*,\s*(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|several|a\s+few|\d+)\s+(?:hours?|days?|weeks?|months?|years?)\b)", re.I)


def day_alone(text: str, start: int, end: int) -> tuple[int, int]:
    """A span "Tuesday, two months" of "on Tuesday, two months after he announced ..." is the day alone:
    the interval after the comma belongs to a clause of its own (a tagger may read both as one date)."""
    found = _DAY_THEN_INTERVAL.match(text, start, end)
    return (start, found.end()) if found else (start, end)


def whole_entities(doc, start: int, end: int) -> tuple[int, int]:
    """Widen a span that cuts a name or date in two ("Jong Il" -> "Kim Jong Il") or a word; one that opens inside a
    possessive ending ("s sudden demise" of "Kim Jong Il’s sudden demise") starts after it."""
    for token in doc:
        end_of = token.idx + len(token)
        if token.idx < start < end_of:
            start = end_of if token.tag_ == "POS" else token.idx
            while start < len(doc.text) and doc.text[start].isspace():
                start += 1
        if token.idx < end < end_of:
            end = end_of
    for entity in doc.ents:
        if entity.start_char < start < entity.end_char or entity.start_char < end < entity.end_char:
            start, end = min(start, entity.start_char), max(end, entity.end_char)
    return start, end
