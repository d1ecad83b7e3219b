"""A question turned back into the clause it asks about, filled with the earlier answer.

From a question's shape (``bot.chat.questions.anatomy``) and the earlier answer, ``clause`` gives
the clause; ``Clause.statement`` states what was answered ("Gleb Karakulov revealed that ...") and
``Clause.question`` asks something else of the same event ("Why did Genghis Khan gather around
100,000 soldiers ...?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chat.questions.anatomy import AUXILIARIES, DO_FORMS, WH_WORDS, Shape

_LOWER_FIRST = {"the", "a", "an", "some", "most", "all", "many", "several", "his", "her", "its", "their", "about",
                "around", "approximately", "nearly", "over", "under", "almost", "only", "two", "three", "four"}


@dataclass(frozen=True)
class Clause:
    """A question turned back into the clause it asks about, with the answer in the question phrase's place."""

    subject: str
    aux: str  # "did", "was", "can"; "" when the verb carries the tense itself
    verb: str  # the main verb as written, with any adverb before it and particle after ("named", "make up")
    base: str  # the same with the verb in its base form, for "did ... seek"
    tense: str  # the main verb's tag when there is no auxiliary (VBD, VBZ, VBP)
    obj: str  # the answer in object position, "" when it is not an object
    rest: str  # what follows the verb
    adverbial: str  # the answer as an adverbial ("in 2011", "by armored train"), "" when it is not one
    verb_at: int = 0  # which word of ``base`` is the verb (adverbs come before it)

    def statement(self) -> str:
        """'Genghis Khan assigned Ögedei Khan as his successor'."""
        if self.aux.lower() in DO_FORMS:
            words = self.base.split()
            at = self.verb_at
            verb = _join(*words[:at], inflect(words[at], self.aux.lower()), *words[at + 1:]) if words else ""
            return _join(self.subject, verb, self.obj, self.rest, self.adverbial)
        return _join(self.subject, self.aux, self.verb, self.obj, self.rest, self.adverbial)

    def question(self, wh: str) -> str:
        """The clause asked with another question word: 'Why did Genghis Khan assign Ögedei Khan as his successor?'."""
        if self.aux:
            verb = self.base if self.aux.lower() in DO_FORMS else self.verb
            return _join(wh, self.aux, self.subject, verb, self.obj, self.rest) + "?"
        do = {"VBD": "did", "VBP": "do"}.get(self.tense, "do" if _plural(self.subject) else "does")
        return _join(wh, do, self.subject, self.base, self.obj, self.rest) + "?"


def clause(sh: Shape, answer: str | None, lemma) -> Clause | None:
    """The clause a question asks about, filled with ``answer`` where it fits; ``lemma(token)`` gives a verb's base
    form. None when the question's shape is not one this reads."""
    doc = sh.doc
    if sh.wh_start < 0 or sh.wh_end >= len(doc):
        return None
    filler = _filler(sh, answer)
    end = len(doc) - 1 if doc[-1].is_punct else len(doc)
    if sh.role == "subject":
        subject = filler or _definite(sh)
        first = doc[sh.wh_end]
        if subject is None or first.is_punct:
            return None
        semi_modal = first.lower_ in ("has", "have", "had") and first.i + 1 < end and doc[first.i + 1].lower_ == "to"
        if first.lower_ in AUXILIARIES and not semi_modal and not (first.lower_ in DO_FORMS and first.i + 1 == end):
            return Clause(subject, first.text, "", "", "", "", doc[first.i + 1:end].text, "")
        return Clause(subject, "", first.text, lemma(first) or first.lower_, first.tag_, "", doc[first.i + 1:end].text, "")
    if sh.aux < 0 or sh.subject is None:
        return None
    aux, subject = doc[sh.aux].text, doc[sh.subject[0]:sh.subject[1]].text
    if sh.role == "attribute":
        return Clause(filler, aux, "", "", "", "", doc[sh.subject[0]:end].text, "") if filler else None
    at = sh.subject[1]
    while at < end and doc[at].pos_ == "ADV" and doc[at].lower_ not in ("there", "then"):
        at += 1
    adverbs = doc[sh.subject[1]:at].text
    if at >= end:  # "How old is Kim?"; "Where is the train?"
        if sh.role == "adverbial":
            return Clause(subject, aux, "", "", "", "", "", _adverbial(sh, answer) if answer and _short(answer) else "")
        return Clause(subject, aux, "", "", "", filler, "", "") if filler else None
    verb = doc[at]
    after = at + 1
    while after < end and doc[after].dep_ == "prt":
        after += 1
    verb_text = _join(adverbs, doc[at:after].text)
    rest = doc[after:end].text
    base = _join(adverbs, lemma(verb) or verb.lower_, doc[at + 1:after].text)
    verb_at = len(adverbs.split())
    if sh.role == "adverbial":
        extra = _adverbial(sh, answer) if answer and _short(answer) else ""
        return Clause(subject, aux, verb_text, base, "", "", rest, extra, verb_at)
    if sh.role == "measure":
        return Clause(subject, aux, verb_text, base, "", filler, rest, "", verb_at) if filler else None
    filler = filler or _definite(sh)
    if filler is None:
        return None
    if after == end - 1 and doc[after].pos_ == "ADP":  # "Who was Jacksonville named after?"
        verb_text, base, rest = _join(verb_text, doc[after].text), _join(base, doc[after].text), ""
    elif after < end and doc[after].pos_ in ("DET", "PROPN", "NOUN", "PRON", "NUM") and doc[after].dep_ != "prt":
        return None  # "What did Heath ask the British to do?": the question phrase is not this verb's object
    return Clause(subject, aux, verb_text, base, "", filler, rest, "", verb_at)


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def inflect(base: str, do_form: str) -> str:
    """'travel' after 'does' -> 'travels', after 'did' -> 'traveled' (regular forms; irregular ones via a short list)."""
    if do_form == "did":
        if base in _IRREGULAR_PAST:
            return _IRREGULAR_PAST[base]
        if base.endswith("e"):
            return base + "d"
        if re.search(r"[^aeiou]y$", base):
            return base[:-1] + "ied"
        return base + "ed"
    if do_form == "does":
        if base in ("have", "be"):
            return {"have": "has", "be": "is"}[base]
        if re.search(r"(?:s|sh|ch|x|z|o)$", base):
            return base + "es"
        if re.search(r"[^aeiou]y$", base):
            return base[:-1] + "ies"
        return base + "s"
    return base


_IRREGULAR_PAST = dict(pair.split(":") for pair in (
    "be:was have:had go:went come:came meet:met say:said make:made take:took get:got give:gave see:saw know:knew "
    "think:thought tell:told find:found leave:left bring:brought buy:bought build:built begin:began break:broke "
    "choose:chose do:did drive:drove eat:ate fall:fell feel:felt fight:fought fly:flew forget:forgot hold:held "
    "keep:kept lead:led lose:lost pay:paid put:put read:read ride:rode run:ran seek:sought sell:sold send:sent "
    "set:set shoot:shot sit:sat speak:spoke spend:spent stand:stood teach:taught win:won write:wrote become:became "
    "cut:cut hit:hit let:let grow:grew throw:threw wear:wore draw:drew sing:sang swim:swam rise:rose arise:arose "
    "catch:caught understand:understood hear:heard mean:meant sleep:slept lie:lay beat:beat bear:bore bite:bit "
    "blow:blew deal:dealt dig:dug feed:fed forgive:forgave freeze:froze hang:hung hide:hid light:lit shake:shook "
    "shine:shone shut:shut sink:sank slide:slid split:split spread:spread steal:stole stick:stuck strike:struck "
    "swear:swore sweep:swept swing:swung tear:tore wake:woke weep:wept wind:wound withdraw:withdrew "
    "overcome:overcame undertake:undertook forbid:forbade flee:fled bind:bound seek:sought sting:stung"
).split())


def _filler(sh: Shape, answer: str | None) -> str | None:
    """The answer as the phrase in the question phrase's place: 'How many soldiers' + 'around 100,000' ->
    'around 100,000 soldiers'; a long answer (a whole sentence) fills nothing."""
    if not answer or not _short(answer):
        return None
    answer = answer.strip().rstrip(".")
    first, _, tail = answer.partition(" ")
    if first.lower() in _LOWER_FIRST:
        answer = _join(first.lower(), tail)  # "Some European nations and Japan" -> "some European ..."
    words = [t for t in sh.doc[sh.wh_start:sh.wh_end] if t.lower_ not in WH_WORDS and t.pos_ != "ADP"]
    if sh.wh_word == "how" and words and words[0].lower_ in ("many", "much"):
        noun = " ".join(t.text for t in words[1:])
        if noun and noun.lower() not in answer.lower():
            return f"{answer} {noun}"
    return answer


def _definite(sh: Shape) -> str | None:
    """'Which countries' -> 'the countries' (what a question phrase names, when no answer fills it)."""
    words = [t for t in sh.doc[sh.wh_start:sh.wh_end] if t.lower_ not in WH_WORDS and t.pos_ != "ADP"
             and t.lower_ not in ("many", "much")]
    return "the " + " ".join(t.text for t in words) if words and words[-1].pos_ in ("NOUN", "PROPN") else None


def _adverbial(sh: Shape, answer: str) -> str:
    answer = answer.strip().rstrip(".")
    if re.match(r"^(?:in|on|at|by|from|to|during|after|before|for|with|because)\b", answer, re.I):
        return answer
    word = sh.wh_word
    if word == "when" or (sh.wh_start >= 0 and sh.doc[sh.wh_start].pos_ == "ADP"):
        on_a_day = re.match(r"^(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\.?\s+\d|\d{1,2}\s+[A-Z][a-z]+\s+\d|"
                            r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)", answer)
        prep = sh.doc[sh.wh_start].lower_ if sh.doc[sh.wh_start].pos_ == "ADP" else ("on" if on_a_day else "in")
        return f"{prep} {answer}"
    if word == "where":
        return f"in {answer}"
    if word == "how" and sh.wh_end - sh.wh_start == 1:
        return f"by {answer}"
    return answer


def _short(answer: str) -> bool:
    return len(answer.split()) <= 10 and not re.search(r"[.;!?]\s+\S", answer)


def _plural(text: str) -> bool:
    return bool(re.search(r"\band\b", text)) or text.lower().endswith("s") and not text.lower().endswith("ss")
