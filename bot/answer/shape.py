"""Answers that read as answers: no datelines, whole sentences where no phrase answers.

* nothing before the end of a dateline ("LONDON (Reuters) -", "April 8, 2024 —") is part of an answer;
* "why", "what happened", "what is the significance of", "describe" and "explain" questions, and yes-or-no
  questions, get the supporting sentence, since no short phrase answers them; a sentence that opens by pointing
  back ("This", "These", "He") comes with the sentence before it;
* "What did X do?" is answered with what was done (``acted``).

A short answer is made a complete phrase of its sentence by ``bot.answer.phrase``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dates import CAPITALS, find_date


_WIRE = r"(?:CNN|Reuters|AP|AFP|UPI|Bloomberg|BBC|NPR|Xinhua|dpa|ANSA|EFE|Kyodo|Yonhap|PTI|IANS)"
_DATELINE = re.compile(
    # "Colombia (CNN)", "LONDON, March 5 (Reuters) -"
    r"^\s*(?:[A-Z][\w.'\u2019-]*(?:[ ,]+[A-Z0-9][\w.'\u2019-]*){0,5}\s*)?\(" + _WIRE + r"[^)]{0,30}\)\s*(?:[-\u2013\u2014]+\s*)?"
    # "WASHINGTON —", "PORT HALLAM, April 8, 2024 —", "CAPE MOREAU, April 8 (Kestrel) -"
    r"|^\s*[" + CAPITALS + r"][" + CAPITALS + r" .'\u2019-]{1,40}(?:,\s*[A-Z][\w .,']{1,40}?)?(?:\s*\([^)]{1,30}\))?"
    r"\s*[-\u2013\u2014]+\s+"
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
    r"|allow|keep|reduce|increase|improve|counter|punish|retaliate|stop)|reflect(?:s|ed|ing)?|stem(?:s|med)?\s+from"
    r"|driven\s+by|attribut(?:ed|able)\s+to)\b",
    re.I,
)
_TAKES_TO = frozenset("opt opts opted decide decides decided choose chooses chose chosen want wants wanted plan plans "
                      "planned agree agrees agreed refuse refuses refused try tries tried hope hopes hoped expect "
                      "expects expected need needs needed seek seeks sought vow vows vowed promise promised".split())
REASON_LOOKAHEAD = 2  # sentences after a "why" answer's sentence that may give its reason
# "This development is significant, as ...": the sentence needs the one before it. Not "It": "It was in
# 2011 that ..." is a cleft sentence that stands alone.
# "What did Sweden do?", "What did Heath ask the British to do?": the answer is what was done, a verb with its object
_ACTION = re.compile(r"^\W*what\s+(?:did|does|do|will|would|can|could|should|is|are|was|were)\s+[^?]*?\b(?:do|doing)\b",
                     re.I)
_POINTS_BACK = re.compile(r"^\W*(?:this|that|these|those|such|they|he|she)\b(?!\s+(?:is|was)\s+why\b)", re.I)


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
    """The sentence states a reason ("because", "due to", "in order to", "aimed at safeguarding ..."); "to avoid" after
    a verb it completes ("opted to avoid air travel") is what was chosen, not why."""
    for found in _GIVES_REASON.finditer(sentence):
        before = sentence[:found.start()].split()
        if not (found.group().lower().startswith("to") and before and before[-1].lower() in _TAKES_TO):
            return True
    return False


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
    give (the reason is then usually the sentence before it, or one of the next two that points back to it and gives
    one: "This change ... reflects the heightened security concerns ...")."""
    if why and not gives_reason(best.text):  # "This change ... reflects the heightened security concerns": after it
        after = sorted((s for s in sentences if s.evidence is best.evidence and s.start >= best.end),
                       key=lambda s: s.start)[:REASON_LOOKAHEAD]
        reason = next((s for s in after if points_back(s.text) and gives_reason(s.text)), None)
        if reason is not None:
            chunk = best.evidence.chunk
            text = chunk.text[best.start - chunk.start: reason.end - chunk.start]
            return replace(best, text=text, end=reason.end, answer=text[dateline_end(text):])
    joined = points_back(best.text) or (why and not gives_reason(best.text))
    previous = sentence_before(best, sentences) if joined else None
    if previous is None:
        return replace(best, answer=best.text[dateline_end(best.text):])
    chunk = best.evidence.chunk
    text = chunk.text[previous.start - chunk.start: best.end - chunk.start]
    return replace(best, start=previous.start, text=text, answer=text[dateline_end(text):])
