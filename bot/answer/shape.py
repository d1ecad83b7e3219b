"""Answers that read as answers: complete phrases, no datelines, whole sentences where no phrase answers.

The reader (``qa_model.py``) scores spans of word pieces, so its best span can stop mid-phrase
("90 specialized carriages and operates three") or run across a news dateline ("Colombia (CNN)
Gustavo Petro will become Colombia"). Three rules shape what the user reads:

* a short answer is widened to the smallest constituent of the parse that holds it (the phrase
  model's candidates, ``span.candidates``: subtrees, noun phrases, named entities) when that is only
  a few words longer ("a total of 90" -> "a total of 90 specialized carriages"), else cut to the
  constituent it overlaps most, else trimmed of the function words at its edges; a span running on
  past a clause comma or into a second verb's phrase is cut there first;
* nothing before the end of a dateline ("LONDON (Reuters) -", "April 8, 2024 —") is part of an answer;
* "why", "what happened", "what is the significance of", "describe" and "explain" questions get
  the supporting sentence, since no short phrase answers them; a sentence that opens by pointing
  back ("This", "These", "He") comes with the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.dates import find_date
from bot.text import trimmed

_WIRE = r"(?:CNN|Reuters|AP|AFP|UPI|Bloomberg|BBC|NPR|Xinhua|dpa|ANSA|EFE|Kyodo|Yonhap|PTI|IANS)"
_DATELINE = re.compile(
    # "Colombia (CNN)", "LONDON, March 5 (Reuters) -"
    r"^\s*(?:[A-Z][\w.'\u2019-]*(?:[ ,]+[A-Z0-9][\w.'\u2019-]*){0,5}\s*)?\(" + _WIRE + r"[^)]{0,30}\)\s*(?:[-\u2013\u2014]+\s*)?"
    # "WASHINGTON —", "PORT HALLAM, April 8, 2024 —", "CAPE MOREAU, April 8 (Kestrel) -"
    r"|^\s*[A-Z][A-Z .'\u2019-]{1,40}(?:,\s*[A-Z][\w .,']{1,40}?)?(?:\s*\([^)]{1,30}\))?\s*[-\u2013\u2014]+\s+"
)
_DASH_AFTER_DATE = re.compile(r"\s*(?:\([^)]{0,30}\)\s*)?[-\u2013\u2014]+\s+")
_SENTENCE_QUESTION = re.compile(
    r"^\W*(?:why\b|how\s+come\b|what\s+happen(?:ed|s)?\b"
    # a yes-or-no question ("Has it ever flown that far?"): the sentence that settles it, not a phrase of it
    r"|(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|must)\s+"
    r"(?![^?]*\bor\b)"
    r"|what\s+(?:is|was|are|were)\s+(?:the\s+)?(?:reason|significance|purpose|impact|effect|point)s?\b"
    r"|describe\b|explain\b|in\s+what\s+way\b"
    # "What does Yang say about the visit?": what someone said is a clause (not "What did he say was the cause?", nor
    # "What did he say the train carried?", which asks what the train carried)
    r"|what\s+(?:does|did|do|has|have|had|will|would)\s+[^?]*\b(?:say|said|think|believe|argue|claim|warn|predict"
    r"|suggest|reveal|announce|conclude)\b(?=\s*(?:(?:about|of|regarding|concerning|on|in"
    r"|to\s+(?:the|a|an|his|her|their|its|reporters|journalists|[A-Z]))\b[^?]*)?\?*\s*$)"
    # "How does construction differ from manufacturing?": a comparison is a clause, not a phrase
    r"|how\s+(?:does|do|did|is|are|was|were)\b[^?]*\b(?:differ|different|compare[sd]?|similar|distinguish(?:ed)?)\b)",
    re.I,
)
_WHY = re.compile(r"^\W*(?:why\b|how\s+come\b|what\s+(?:is|was|are|were)\s+(?:the\s+)?reasons?\b)", re.I)
# A sentence that gives a reason says so; one that does not ("Outraged, Genghis Khan planned ...") usually follows
# the sentence that does ("This was seen as an affront and insult to Genghis Khan.").
_GIVES_REASON = re.compile(
    r"\b(?:because|since|due\s+to|owing\s+to|thanks\s+to|as\s+a\s+result|results?\s+(?:of|from)|resulted\s+from"
    r"|in\s+order\s+to|so\s+that|so\s+as\s+to|reasons?|caused\s+by|aimed\s+at|in\s+response\s+to|for\s+fear"
    r"|given\s+that|in\s+an\s+effort\s+to|motivated|prompted|to\s+(?:avoid|prevent|ensure|protect|safeguard|help"
    r"|allow|keep|reduce|increase|improve|counter|punish|retaliate|stop))\b",
    re.I,
)
# "This development is significant, as ...": the sentence needs the one before it. Not "It": "It was in
# 2011 that ..." is a cleft sentence that stands alone.
# "What did Sweden do?", "What did Heath ask the British to do?": the answer is what was done, a verb with its object
_ACTION = re.compile(r"^\W*what\s+(?:did|does|do|will|would|can|could|should|is|are|was|were)\s+[^?]*?\b(?:do|doing)\b",
                     re.I)
_POINTS_BACK = re.compile(r"^\W*(?:this|that|these|those|such|they|he|she)\b(?!\s+(?:is|was)\s+why\b)", re.I)
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


def dateline_end(text: str) -> int:
    """Where the article text proper starts in a sentence that opens with a dateline; 0 when none."""
    found = _DATELINE.match(text)
    if found:
        return found.end()
    date = find_date(text[:40])
    if date is not None and not text[: date[1]].strip():
        dash = _DASH_AFTER_DATE.match(text, date[2])
        if dash:
            return dash.end()
    return 0


def wants_sentence(question: str) -> bool:
    """A question no short phrase answers: why, how (not how many/much/long...), what happened, describe, and
    yes-or-no questions (not a choice: "Is he older or younger?")."""
    return bool(_SENTENCE_QUESTION.search(question))


def asks_why(question: str) -> bool:
    """A question asking for a reason ("why", "how come", "what was the reason")."""
    return bool(_WHY.search(question))


def gives_reason(sentence: str) -> bool:
    """The sentence states a reason ("because", "due to", "in order to", "aimed at safeguarding ...")."""
    return bool(_GIVES_REASON.search(sentence))


def asks_action(question: str) -> bool:
    """A question asking what someone did ("What did Sweden do?")."""
    return bool(_ACTION.search(question))


def located(doc, answer: str) -> tuple[int, list]:
    """Where the short ``answer`` starts in the parsed sentence ``doc`` and the tokens that start inside it;
    (-1, []) when it is empty or not in the sentence."""
    at = doc.text.find(answer) if answer else -1
    return at, ([t for t in doc if at <= t.idx < at + len(answer)] if at >= 0 else [])


def acted(doc, answer: str) -> str:
    """A short answer that is the object of a verb, with that verb ("gasoline and heating oil" -> "rationed gasoline
    and heating oil"); ``doc`` is the parsed sentence. Anything else is returned as it is."""
    at, inside = located(doc, answer)
    if at < 0:
        return answer
    roots = [t for t in inside if t.head not in inside or t.head.i == t.i]
    if len(roots) != 1 or roots[0].dep_ not in ("dobj", "obj") or roots[0].head.pos_ != "VERB":
        return answer
    verb = roots[0].head
    return doc.text[verb.idx: at + len(answer)] if verb.idx < at else answer


def points_back(sentence: str) -> bool:
    """The sentence leans on the one before it ("This development is significant, as ...")."""
    return bool(_POINTS_BACK.match(sentence[dateline_end(sentence):]))


def complete_phrase(doc, start: int, end: int, phrases: Sequence) -> tuple[int, int]:
    """``(start, end)`` (offsets into the sentence ``doc`` was parsed from) made a complete phrase:
    the constituent among ``phrases`` (with ``.start``, ``.end``, ``.score``) that overlaps it most,
    else the span trimmed of function words at its edges; never before a dateline; a quoted name
    without its quote marks or the word that introduces it ('known as “Chammae-1”' -> Chammae-1)."""
    return unquoted(doc.text, *_without_loose_ends(doc, *_complete_phrase(doc, start, end, phrases)))


def _without_loose_ends(doc, start: int, end: int) -> tuple[int, int]:
    """No answer opens with "of" or ends on a preposition, conjunction, article or auxiliary ("of Dalian in northeastern
    China in" -> "Dalian in northeastern China", "The aircraft used by Kim is" -> "The aircraft used by Kim"): those
    words belong to a phrase the answer cut."""
    tokens = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
    while len(tokens) > 1 and tokens[0].lower_ == "of":
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
    if best is not None and best[0] >= MIN_OVERLAP:
        return best[2].start, best[2].end
    return _trimmed(doc, start, end)






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


def whole_entities(doc, start: int, end: int) -> tuple[int, int]:
    """Widen a span that cuts a name or date in two ("Jong Il" -> "Kim Jong Il")."""
    for entity in doc.ents:
        if entity.start_char < start < entity.end_char or entity.start_char < end < entity.end_char:
            start, end = min(start, entity.start_char), max(end, entity.end_char)
    return start, end


def is_title(sentence) -> bool:
    """An article's bare title line ("1973 oil crisis"), which a reason is never in."""
    return sentence.start == 0 and sentence.text.strip()[-1:] not in ".!?"


def sentence_before(sentence, sentences: list):
    """The sentence of ``sentences`` right before ``sentence`` in the same chunk (each with ``.evidence``, ``.start``,
    ``.end``), or None; a bare title line does not count."""
    before = [s for s in sentences if s.evidence is sentence.evidence and s.end <= sentence.start and not is_title(s)]
    return max(before, key=lambda s: s.end) if before else None


def as_sentence_answer(best, sentences: list, why: bool = False):
    """``best`` (an answerer's sentence: ``.evidence``, ``.start``, ``.end``, ``.text``, ``.answer``) answering with its
    whole sentence (no dateline), joined to the sentence before it in the same chunk (of ``sentences``) when it opens
    by pointing back ("This development is significant, as ..."), or when ``why`` asks for a reason that it does not
    give (the reason is then usually the sentence before it)."""
    joined = points_back(best.text) or (why and not gives_reason(best.text))
    previous = sentence_before(best, sentences) if joined else None
    if previous is None:
        return replace(best, answer=best.text[dateline_end(best.text):])
    chunk = best.evidence.chunk
    text = chunk.text[previous.start - chunk.start: best.end - chunk.start]
    return replace(best, start=previous.start, text=text, answer=text[dateline_end(text):])
