"""Rewrite a follow-up question into one that stands alone, without an LLM; or ask back.

spaCy's parser and NER do the work, over the last few exchanges (standalone
question, answer, cited sentence and its passage; ``bot.chat.antecedents``
scores what they mention). In order:

* a question word alone ("Why?", "And when?", "How did that happen?") asks the
  previous question again with that word, its answer put in the place it
  answered: "Which countries sought X?" / "Japan" + "Why?" -> "Why did Japan
  seek X?" (``bot.chat.questions``);
* an elliptic follow-up ("And in 2011?", "What about Moscow?", "And the
  Broncos'?") is the previous question with one part swapped (``bot.chat.ellipsis``), and its
  answer must differ from the previous one (``Resolution.given``);
* pronouns and demonstratives that point back are replaced by the best
  antecedent of their kind (``bot.chat.references``); one that finds nothing
  of its kind is asked back ("Who do you mean by 'he'?") rather than guessed;
* a question with no topic of its own ("How long did it take?", "What was the
  score?") borrows what the previous exchange established, in parentheses;
* anything else already stands alone and is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.chat.antecedents import Antecedents, Exchange, collect
from bot.chat.mentions import is_wh
from bot.chat.references import ask_back, resolve_references, with_possessive

HISTORY_TURNS = 3  # earlier exchanges searched for antecedents, newest first

_DISCOURSE = re.compile(r"^\s*(?:and|but|so|also|then|ok|okay|well|now)\b\s*,?\s*", re.I)
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:what|how)\s+about\s+(?P<a>.+)$"
    r"|^\s*(?:and|also|same\s+for|same\s+question\s+for|what\s+of)\s+(?P<b>.+)$"
    r"|^\s*(?P<c>(?:in|on|at|during|before|after|from|to|by|with|for)\s+.+)$"
    r"|^\s*(?P<d>(?:when|where|why|how|who|whom|what|which)(?:\s+\w+){0,2})\s*$",
    re.I,
)
_HAPPEN = re.compile(r"^\s*(?P<wh>why|when|where|how)\s+(?:did|does|do|would|could|was|is)\s+(?:that|it|this)\s+"
                     r"(?:happen|occur|take place|come about)\w*\s*\??\s*$", re.I)
_FINITE_VERB_TAGS = {"VB", "VBD", "VBP", "VBZ", "MD"}
_BE_FORMS = {"is", "are", "was", "were"}
_ONE = re.compile(r"\b(?P<det>the|this|that|which|another|each)(?P<mod>(?:\s+(?!ones?\b)[\w-]+)?)\s+(?P<one>ones?)\b",
                  re.I)
_ASKING_FOR = {"many", "which", "what", "of"}  # "how many trains", "which train", "what kind of plane"
_MEASURES = {"long", "many", "much", "far", "old", "big", "large", "high", "fast"}


@dataclass(frozen=True)
class Resolution:
    standalone: str  # the question to search
    ask_back: str | None = None  # set when a word points back to nothing: what to ask the user instead
    word: str = ""  # that word
    given: tuple[str, ...] = ()  # an elliptic follow-up ("And in 2010?") asks beyond these answers: not to repeat
    focus: tuple[str, ...] = ()  # what the follow-up put in ("the British", "North Carolina"): the answer is about it
    elliptic: bool = False  # "And the British?": the focus is what the question swapped in, the very thing asked about


_I_MEAN = re.compile(r"^\s*(?:i\s+mean(?:t)?|meaning|i'm\s+asking\s+about|about)\s*:?\s*", re.I)


def fill_clarification(question: str, word: str, reply: str, nlp) -> str | None:
    """The question asked back with the user's reply in ``word``'s place ('Where was he born?' + 'Kim Jong Il' ->
    'Where was Kim Jong Il born?'); None when the reply is a question of its own."""
    named = _I_MEAN.sub("", reply).strip().rstrip(".!?").strip()
    doc = nlp(named)
    if not named or len(doc) > 8 or is_wh(doc[:1]) or any(t.tag_ in _FINITE_VERB_TAGS and t.pos_ != "PROPN" for t in doc):
        return None
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
    match = pattern.search(question)
    if match is None:
        return None
    low = word.lower()
    if low in ("his", "its", "their", "hers"):
        named = with_possessive(named, True)
    elif low == "there" and not re.search(r"\b(?:in|at|to|from|near)\s+$", question[: match.start()], re.I):
        named = "in " + named
    return question[: match.start()] + named + question[match.end():]


def rewrite_follow_up(question: str, history: Sequence, nlp) -> str:
    """``question`` made standalone from ``history`` (``Exchange``s, or (standalone question, answer or None) pairs,
    oldest first). A word that points to nothing is left as it is (see ``resolve_follow_up``)."""
    return resolve_follow_up(question, history, nlp).standalone


def resolve_follow_up(question: str, history: Sequence, nlp) -> Resolution:
    """``question`` made standalone from ``history``, or what to ask back when a pronoun points to nothing."""
    if not history or not question.strip():
        return Resolution(question)
    exchanges = [h if isinstance(h, Exchange) else Exchange(h[0], h[1]) for h in history][-HISTORY_TURNS:]
    question = _one_named(question, exchanges[-1].question, nlp)
    body = _DISCOURSE.sub("", question, count=1) if _DISCOURSE.match(question) else question
    context = collect(exchanges, nlp, body)
    latest, _ = context.statements[0]
    again = _HAPPEN.match(body)
    fragment = None if again else _elliptic_fragment(question, nlp)
    if again or (fragment and re.fullmatch(r"(?:when|where|why|how|who)", fragment.strip(), re.I)):
        wh = (again.group("wh") if again else fragment.strip()).capitalize()
        eventful = latest is not None and (not again or latest.verb)  # "When did that happen?" needs an event
        if eventful and latest.question(wh) and wh.lower() != _first_word(exchanges[-1].question):
            return Resolution(_capitalize(latest.question(wh)))
    if fragment is not None:
        standalone = _capitalize(_fill_ellipsis(exchanges[-1].question, fragment, context, nlp))
        return Resolution(standalone, given=_asked_beyond(exchanges[-1], standalone, nlp), focus=(fragment,),
                          elliptic=True)
    doc = nlp(body)
    resolved, unresolved = resolve_references(doc, context)
    if unresolved:
        return Resolution(question, ask_back(unresolved), unresolved.text)
    if resolved != doc.text:
        # "Who supervises it?" after "An architect": a new question about the same thing has a new answer
        given = (exchanges[-1].answer,) if exchanges[-1].answer else ()
        return Resolution(_capitalize(resolved), given=given, focus=_put_in(doc.text, resolved))
    if not _has_topic(doc) or _borrowed_topic(doc):
        statement = latest.statement() if latest is not None else ""
        background = statement or exchanges[-1].question.strip().rstrip("?").rstrip()
        return Resolution(f"{question.strip().rstrip('?').rstrip()} ({background})?")
    return Resolution(question)


def _asked_beyond(previous: Exchange, standalone: str, nlp) -> tuple[str, ...]:
    """What "And the British?" asks beyond: the previous answer, and the words of the previous question that the
    swap took out ("the Seminole"), neither of which can answer it."""
    kept = {w.lower() for w in re.findall(r"\w+", standalone)}
    swapped = tuple(t.text for t in nlp(previous.question)
                    if not (t.is_stop or t.is_punct) and t.text.isalpha() and t.lower_ not in kept)
    return ((previous.answer,) if previous.answer else ()) + swapped


def _put_in(question: str, resolved: str) -> tuple[str, ...]:
    """The runs of words the rewrite put in ("there" -> "in North Carolina"): what the question is about."""
    import difflib

    before, after = question.split(), resolved.split()
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in before], b=[w.lower() for w in after], autojunk=False)
    inserted = [(j1, j2) for op, _, _, j1, j2 in matcher.get_opcodes() if op in ("insert", "replace")]
    runs = (" ".join(after[j1:j2]).strip("?!.,;: ") for j1, j2 in inserted)
    return tuple(run for run in runs if run)


def _has_topic(doc) -> bool:
    """A question naming anything (a noun, name or number) has a topic of its own; not the noun it asks for when "that"
    is what it asks it of ("What year was that?", "In which month was this?"; "What time is it?" is no follow-up).
    "What does that approach allow?" keeps its topic: the article may say "this approach" too."""
    that = any(t.lower_ in ("that", "this") and t.dep_ in ("nsubj", "nsubjpass", "attr") for t in doc)
    return any(t.pos_ in ("NOUN", "PROPN", "NUM") and t.tag_ not in ("WP", "WDT") and not (that and _asked(t))
               for t in doc) or any(not all((that and _asked(t)) or t.dep_ == "det" for t in e) for e in doc.ents)


def _asked(noun) -> bool:
    """A common noun the question asks for: "what year", "which month"."""
    return noun.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ("what", "which") for c in noun.children)


def _borrowed_topic(doc) -> bool:
    """'What was the score?', 'What is the reason?': a short question asking what a bare definite noun is leans on
    the previous exchange for whose it is."""
    words = [t for t in doc if not t.is_punct]
    if doc.ents or len(words) < 3:
        return False
    # "How long was the journey?", "When was the meeting?": the same with a measure or a time or place asked for
    wh = 2 if words[0].lower_ == "how" and words[1].lower_ in _MEASURES else 1
    if wh == 1 and words[0].tag_ not in ("WP", "WDT") and words[0].lower_ not in ("when", "where"):
        return False
    rest = words[wh:]
    return (len(rest) >= 3 and len(words) <= 4 + wh and rest[0].lower_ in _BE_FORMS and rest[1].lower_ == "the"
            and all(t.pos_ in ("NOUN", "ADJ") for t in rest[2:]))


def _elliptic_fragment(text: str, nlp) -> str | None:
    """'And in 2011?' -> 'in 2011'; None when ``text`` has a verb of its own (a whole question)."""
    match = _ELLIPSIS.match(text.strip().rstrip("?!. "))
    if not match:
        return None
    fragment = next(g for g in match.groups() if g is not None).strip()
    framed = nlp(f"And {fragment}?")[1:-1]
    last = framed[-1].i if len(framed) else -1
    if any(t.tag_ in ("VBD", "VBZ", "MD") or (t.tag_ in ("VB", "VBP") and t.i != last) for t in framed
           if t.pos_ != "PROPN"):
        return None  # a verb of its own: "What about flying makes Kim nervous?"
    return fragment


def _one_named(question: str, previous: str, nlp) -> str:
    """"one" given the noun it stands for, the one the previous question asked about: "How many trains ...?" + "What
    does the first one do?" -> "What does the first train do?" (not a bare "the one", which may be "the one who")."""
    match = _ONE.search(question)
    if match is None or (match.group("det").lower() == "the" and not match.group("mod").strip()):
        return question
    prev = nlp(previous)
    asked = [t for t in prev if t.pos_ == "NOUN" and t.i > 0 and prev[t.i - 1].lower_ in _ASKING_FOR
             and t.lemma_ not in ("kind", "type", "sort")]
    nouns = asked or [c.root for c in prev.noun_chunks if c.root.pos_ == "NOUN"]
    if not nouns:
        return question
    noun = nouns[0].text if match.group("one").lower() == "ones" else nouns[0].lemma_
    return question[:match.start("one")] + noun + question[match.end("one"):]


def _fill_ellipsis(previous: str, fragment: str, context: Antecedents, nlp) -> str:
    from bot.chat.ellipsis import fill

    return fill(previous, fragment, context, nlp, resolve_references)


def _first_word(text: str) -> str:
    return text.strip().split()[0].lower() if text.strip() else ""


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
