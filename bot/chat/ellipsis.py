"""Elliptic follow-ups: the previous question with one part swapped for the fragment.

"And in 2011?" swaps the date, "What about Moscow?" the place, "And Sabur Ibn
Sahl?" the name, "And the Broncos'?" the owner, "And the third train?" the
noun phrase with the same head ("the advance train"), "And in what year?" the
question phrase. Kinds come from the conversation's votes where NER alone
would guess (``bot.chat.antecedents``).
"""

from __future__ import annotations

from bot.chat.antecedents import Antecedents
from bot.chat.mentions import PLACE_PREPOSITIONS, entity_kind, is_wh, names

_COMPATIBLE = {"place": {"place", "group"}, "group": {"group", "place"}, "person": {"person", "name"},
               "name": {"person", "name", "group", "place", "thing"}, "thing": {"thing", "name"}}
_TIME_PREPOSITIONS = {"in", "on", "by", "before", "after", "during", "since", "until", "from", "as"}


def fill(previous: str, fragment: str, context: Antecedents, nlp, resolve) -> str:
    """``previous`` with its part of the same kind as ``fragment`` replaced; ``resolve(doc, context)`` resolves
    pronouns in the fragment ("What about him?")."""
    prev = nlp(previous)
    own = nlp(fragment)
    resolved, _ = resolve(own, context)
    framed = nlp(f"And {resolved}?")  # NER reads a bare name better in a frame
    frag = framed[1:-1]
    body = previous.strip().rstrip("?").rstrip()
    if not len(frag):
        return f"{body} ({fragment})?"
    if is_wh(frag[:3]) and frag[0].pos_ in ("ADP", "SCONJ", "ADV", "PRON", "DET"):
        return _swap_question_word(prev, frag.text, body)
    leading_prep = frag[0].lower_ if frag[0].pos_ == "ADP" else None
    if frag[-1].tag_ == "POS" or frag[-1].text in ("'", "’", "'s", "’s"):
        swapped = _swap_owner(prev, previous, frag)
        if swapped:
            return swapped
    frag_names = names(frag)
    head = frag_names[-1] if frag_names and frag_names[-1].end >= frag.end - 1 else None
    if head is not None and head.label_ in ("DATE", "TIME"):
        swapped = _swap_time(prev, previous, frag, leading_prep)
        if swapped:
            return swapped
    if head is not None:
        kind = _kind(head, context)
        if kind == "person" and leading_prep in PLACE_PREPOSITIONS:
            kind = "place"
        targets = [s for s in names(prev) if _kind(s, context) in _COMPATIBLE.get(kind, {kind})
                   and s.label_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT")]
        if not leading_prep and kind != "place":  # "And the British?" is an actor, not the place in "at Jacksonville"
            targets = [s for s in targets if not (s.start > 0 and prev[s.start - 1].pos_ == "ADP")] or \
                [s for s in names(prev) if _is_subject(prev, s)]
        same = [s for s in targets if _kind(s, context) == kind] or targets
        if same:
            target = same[-1]  # the last one: "When did Kim meet Putin?" + "and Trump?" swaps Putin
            before = prev[target.start - 1] if target.start > 0 else None
            if leading_prep and before is not None and before.pos_ == "ADP":
                return previous[: before.idx] + frag.text + previous[target.end_char:]
            start = target.start_char
            if target.start > 0 and prev[target.start - 1].lower_ == "the" and frag[0].pos_ != "DET":
                start = prev[target.start - 1].idx  # "ask the British" + "Sweden" -> "ask Sweden"
            return previous[:start] + head.text + previous[target.end_char:]
    if leading_prep:
        same_prep = [t for t in prev if t.lower_ == leading_prep and t.dep_ == "prep"]
        if same_prep:
            phrase = prev[same_prep[-1].left_edge.i: same_prep[-1].right_edge.i + 1]
            return previous[: phrase.start_char] + frag.text + previous[phrase.end_char:]
        return f"{body} {frag.text}?"
    noun = frag[-1]
    if noun.pos_ == "NOUN":
        for chunk in prev.noun_chunks:
            if chunk.root.lower_ == noun.lower_ and not is_wh(chunk):
                return previous[: chunk.start_char] + frag.text + previous[chunk.end_char:]
        if own[0].tag_ == "PRP$" and resolved != own.text:  # "And its range?": another thing about the same one
            return f"What {_be(prev, noun)} {resolved}?"
    return f"{body} ({frag.text})?"


def _be(prev, noun) -> str:
    """"is", "are", "was" or "were": the number of ``noun``, the tense of the previous question ``prev``."""
    past = any(t.tag_ == "VBD" or t.lower_ in ("was", "were", "did") for t in prev)
    return ("were" if past else "are") if noun.tag_ == "NNS" else ("was" if past else "is")


def _is_subject(doc, span) -> bool:
    from bot.chat.questions.anatomy import shape

    subject = shape(doc).subject
    return subject is not None and subject[0] <= span.start < subject[1]


def _kind(span, context: Antecedents) -> str | None:
    if span.label_ == "NORP":
        return "group"  # "the British", "the Seminole": NER is sure of nationalities and peoples
    key = span.text.lower()
    for candidate in context.candidates:
        if candidate.text.lower() == key and candidate.kind != "name":
            return candidate.kind
    return entity_kind(span) if span.label_ else "name"


def _swap_owner(prev, previous: str, frag) -> str | None:
    """'What was the Panthers' record?' + "the Broncos'" -> "What was the Broncos' record?"."""
    for token in prev:
        if token.tag_ == "POS" or token.text in ("'", "’") and token.i > 0 and prev[token.i - 1].pos_ == "PROPN":
            owner = prev[token.i - 1]
            start = owner.left_edge.i if owner.left_edge.i < owner.i else owner.i
            while start > 0 and prev[start - 1].pos_ in ("PROPN", "DET"):
                start -= 1
            return previous[: prev[start].idx] + frag.text + previous[token.idx + len(token.text):]
    return None


def _swap_time(prev, previous: str, frag, leading_prep: str | None) -> str | None:
    """'What was the price before the 1973 embargo?' + 'by March 1974' -> 'What was the price by March 1974?'."""
    dates = [e for e in prev.ents if e.label_ in ("DATE", "TIME")]
    if dates:
        target = dates[-1]
        start = target.start
        if start > 0 and prev[start - 1].lower_ in _TIME_PREPOSITIONS:
            start -= 1
        elif start > 1 and prev[start - 2].lower_ in _TIME_PREPOSITIONS and prev[start - 1].pos_ == "DET":
            start -= 2
        end = target.end
        while end < len(prev) and prev[end].pos_ in ("NOUN", "PROPN") and prev[end].dep_ != "ROOT":
            end += 1  # "the 1973 embargo"
        replacement = frag.text if leading_prep else ("in " + frag.text if prev[start].pos_ == "ADP" else frag.text)
        return previous[: prev[start].idx] + replacement + previous[prev[end - 1].idx + len(prev[end - 1].text):]
    return None


def _swap_question_word(prev, wh_phrase: str, body: str) -> str:
    """'How did Kim Jong Il die?' + 'when' -> 'When did Kim Jong Il die?'; 'Did Kim fly?' + 'when' -> 'When did Kim fly?'."""
    verb = next((t for t in prev if t.pos_ in ("AUX", "VERB")), None)
    if verb is None or (verb.i > 0 and (verb.pos_ != "AUX" or not is_wh(prev[: verb.i]))):
        return f"{wh_phrase} ({body})?"  # "Who met Kim?" + "when": no clean swap
    rest = prev[verb.i:].text.rstrip("?").rstrip()
    return f"{wh_phrase} {rest[:1].lower() + rest[1:] if verb.i == 0 else rest}?"
