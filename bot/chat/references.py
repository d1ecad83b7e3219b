"""Pronouns and demonstratives in a follow-up, each replaced by the best antecedent of its kind.

he/him/his/she/her -> a person (he and him in one question are two people; his
after he is he), they/them/their -> a group or plural thing, it/its -> a thing
(a place last), there -> a place, "that"/"this" -> what the previous exchange
established, "that visit" -> the visit named before. Expletive "it" ("how long
did it take") and existential "there" ("are there ...") are left alone, and so
is a pronoun whose antecedent is in the question itself. A pronoun that finds
nothing of its kind is reported, to be asked back.
"""

from __future__ import annotations

import re

from bot.chat.antecedents import Antecedents
from bot.chat.mentions import MOTION_VERBS, entity_kind, is_wh, names

_PERSON = {"he", "him", "his", "she", "her", "hers"}
_GROUP = {"they", "them", "their", "theirs"}
_THING = {"it", "its"}
_DEMONSTRATIVE = {"that", "this"}
_OBJECT_FORMS = {"him", "them"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "'s", "'re"}
_TAKE = {"take", "takes", "took", "taken", "taking"}
_CLOCK = {"time", "day", "date", "hour", "year", "month", "season", "weather"}
_DO = {"do", "does", "did", "done", "doing"}
_SAYING = {"reveal", "revealed", "reveals", "say", "said", "says", "report", "reported", "reports", "announce",
           "announced", "confirm", "confirmed", "claim", "claimed", "know", "knew", "think", "thought", "believe",
           "believed", "show", "showed", "shows", "mean", "meant", "explain", "explained", "deny", "denied",
           "suggest", "suggested", "predict", "predicted", "decide", "decided", "notice", "noticed"}
def ask_back(word) -> str:
    low = word.lower_
    if low == "there":
        return "Where do you mean by 'there'?"
    if low in _THING:
        return f"What do you mean by '{word.text}'?"
    return f"Who do you mean by '{word.text}'?"


def resolve_references(doc, context: Antecedents):
    """The question with its pronouns replaced, and the first pronoun that points to nothing (or None)."""
    out, chosen, skip = [], [], set()
    for token in doc:
        if token.i in skip:
            continue
        replacement = _antecedent_for(token, context, chosen)
        if replacement is _NOTHING:
            return doc.text, token
        if isinstance(replacement, tuple):  # a demonstrative with its noun: "that visit"
            text, end = replacement
            skip.update(range(token.i + 1, end))
            out.append(text + doc[end - 1].whitespace_)
            continue
        out.append((replacement if replacement is not None else token.text) + token.whitespace_)
    return "".join(out).strip(), None


_NOTHING = object()  # a pronoun that points back but finds nothing of its kind


def _antecedent_for(token, context: Antecedents, chosen: list):
    low = token.lower_
    before = token.doc[: token.i]
    own = [s.text for s in names(token.doc)]
    possessive = token.tag_ == "PRP$" or low in ("his", "hers", "theirs")
    role = "subject" if token.dep_ in ("nsubj", "nsubjpass") else "object" if token.dep_ in ("dobj", "pobj", "dative") \
        else ""
    if low in _PERSON:
        is_object = low in _OBJECT_FORMS or (low == "her" and not possessive)
        if not is_object and any(_person_like(s) for s in names(token.doc) if s.end <= token.i):
            return None  # "Did Kim say he would go?"
        gender = "f" if low in ("she", "her", "hers") else "m"
        same = [text for text, g in chosen if g == gender]
        if possessive and same:
            return with_possessive(same[-1], True)  # "did he make during his rule": his is he
        ranked = context.ranked({"person", "name"}, role, None, exclude=own + [t for t, _ in chosen], gender=gender)
        # "When Kim didn't go to see him": an object pronoun is not a person the question names, by any longer name
        # ("Kim Jong-un" for "Kim") either
        found = next((c for _, c in ranked if not (is_object and any(_within(name, c.text) for name in own))), None)
        if found is None:
            return _NOTHING
        chosen.append((found.text, gender))
        return with_possessive(found.text, possessive)
    if low in _GROUP:
        if len([s for s in names(before) if _person_like(s)]) >= 2 or _has_subject_phrase(before, plural=True):
            return None
        options = context.ranked({"group", "thing", "person", "name", "place"}, role, True, exclude=own) + \
            context.ranked({"group"}, role, False, exclude=own)  # a band, a team: "them"
        # "approximately twelve trips": counted things are things ("Where did most of them go?" -> "the trips")
        options += [(score, c) for score, c in context.ranked({"number"}, role, True, exclude=own) if _counted(c.text)]
        found = max(options, key=lambda pair: pair[0])[1] if options else None
        if found is None:
            return _NOTHING
        text = f"the {found.text.split()[-1]}" if found.kind == "number" else found.text
        return with_possessive(text, possessive)
    if low in _THING:
        if expletive(token) or _has_subject_phrase(before, plural=False):
            return None
        # "Which part of China is it in?", "Where is it?": something somewhere, a place first
        located = low == "it" and token.head.lemma_ == "be" and (_asks_where(token) or any(
            c.dep_ == "prep" and c.lower_ in ("in", "near", "on") for c in token.head.children))
        found = (context.best({"place"}, role, False, exclude=own) if located else None) or \
            context.best({"thing", "group", "name", "place"}, role, False, exclude=own)
        if found is None:
            return _NOTHING
        return with_possessive(found.text, low == "its")
    if low in _DEMONSTRATIVE | {"those", "these"}:
        return _demonstrative(token, context)
    if low == "there" and _place_there(token):
        if any(entity_kind(e) == "place" for e in before.ents):
            return None
        found = context.best({"place"}, "", None, exclude=own)
        if found is None:
            return _NOTHING
        previous = token.doc[token.i - 1] if token.i else None
        if previous is not None and previous.pos_ == "ADP":
            return found.text
        return ("to " if token.head.lower_ in MOTION_VERBS else "in ") + found.text
    return None


def _counted(text: str) -> bool:
    """"approximately twelve trips" counts things (its last word a plural noun), "12" or "two-thirds" does not."""
    last = text.split()[-1] if text.split() else ""
    return last.isalpha() and last.islower() and last.endswith("s") and len(last) > 3


def _demonstrative(token, context: Antecedents):
    """'that visit' -> the visit named before; 'Who revealed that?' -> the previous exchange's statement."""
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if following is not None and following.pos_ in ("NOUN", "ADJ") and token.dep_ == "det":
        end = token.i + 1
        while end < len(doc) and doc[end].pos_ in ("NOUN", "ADJ", "PROPN"):
            end += 1
        head = doc[end - 1].lower_[:5]
        for candidate in sorted(context.candidates, key=lambda c: -c.score):
            words = candidate.text.split()
            if any(w.lower()[:5] == head for w in words) and candidate.kind in ("thing", "place", "group"):
                text = _own_possessive(candidate.text, context)
                return (text, end) if text.lower() != doc[token.i:end].text.lower() else None
        return None
    if token.lower_ in ("those", "these") or token.tag_ != "DT" or following is not None and following.pos_ == "NOUN":
        return None
    latest, _ = context.statements[0] if context.statements else (None, None)
    statement = latest.statement() if latest is not None else ""
    if not statement or token.dep_ in ("nsubj", "nsubjpass", "det"):
        return None
    if token.head.lower_ in _SAYING and token.dep_ in ("dobj", "ccomp"):
        return "that " + statement  # "Who revealed that?" -> "Who revealed that Putin travels ..."
    if token.dep_ == "pobj":
        return statement  # "after that" -> "after the United States pulled out of ..."
    return None


def _own_possessive(text: str, context: Antecedents) -> str:
    """'his visit to Moscow' -> "Kim Jong Il's visit to Moscow" (the best person in the same exchanges)."""
    first, _, rest = text.partition(" ")
    if first.lower() in ("his", "her", "their", "its"):
        kinds = {"person", "name"} if first.lower() in ("his", "her") else {"group", "thing", "name"}
        found = context.best(kinds)
        return with_possessive(found.text, True) + " " + rest if found is not None else "the " + rest
    return text


def _asks_where(token) -> bool:
    return any(t.lower_ == "where" for t in token.doc)


def _within(name: str, text: str) -> bool:
    """Every word of ``name`` is a word of ``text`` ("Kim" of "Kim Jong-un")."""
    words = set(re.findall(r"\w+", text.lower()))
    return bool(words) and set(re.findall(r"\w+", name.lower())) <= words


def _person_like(span) -> bool:
    return entity_kind(span) == "person" if span.label_ else span[0].tag_ == "NNP"


def with_possessive(name: str, possessive: bool) -> str:
    if not possessive:
        return name
    return name + ("'" if name.endswith("s") else "'s")


def _has_subject_phrase(span, plural: bool) -> bool:
    for chunk in span.noun_chunks:
        root = chunk.root
        if root.dep_ in ("nsubj", "nsubjpass") and root.pos_ in ("NOUN", "PROPN") and not is_wh(chunk):
            if (root.tag_ in ("NNS", "NNPS")) == plural:
                return True
    return False


def expletive(token) -> bool:
    """'it' that points at nothing: 'how long did it take', 'is it true that', 'what time is it', 'why did he do it'."""
    doc, head = token.doc, token.head
    following = [t for t in doc[token.i + 1:] if t.pos_ not in ("ADV", "PART")][:1]
    if token.dep_ == "expl" or (following and following[0].lower_ in _TAKE):
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > token.i for c in head.children
    ):
        return True
    if head.lower_ in _DO and token.dep_ == "dobj":
        return True  # "why did he do it": the event, not a thing
    # "what time is it" points at nothing; "what kind of plane is it" at the plane
    return head.lower_ in _BE and any(c.dep_ == "attr" and c.lemma_ in _CLOCK and is_wh(c.subtree)
                                      for c in head.children)


def _place_there(token) -> bool:
    """'go there' is a place; 'is there a kitchen' and 'how many carriages are there' are existential."""
    if token.tag_ == "EX":
        return False
    head = token.head
    if head.lower_ in _BE:
        return not any(c.dep_ in ("nsubj", "attr") and c.pos_ == "NOUN" for c in head.children)
    return True


