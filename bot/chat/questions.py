"""The anatomy of an English question, read from word order rather than trusted to the parser.

spaCy's small model often misparses questions ("Which work on pharmacology did
Al-Biruni write?" makes "work" the verb), so the shape comes from the order of
words, with tags only as hints: an optional preposition, the question phrase
("In what year", "How many soldiers", "Which countries"), then either an
inverted auxiliary and the subject ("did Genghis Khan", "was Temüjin") or, with
none, the question phrase is the subject ("Who revealed ..."). From the shape
and the earlier answer, ``declarative`` states what was answered ("Gleb
Karakulov revealed that ...") and ``ask_again`` asks something else of the same
event ("Why did Genghis Khan gather around 100,000 soldiers ...?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WH_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
DO_FORMS = {"do", "does", "did"}
BE_FORMS = {"is", "are", "was", "were", "am"}
AUXILIARIES = DO_FORMS | BE_FORMS | {"can", "could", "will", "would", "shall", "should", "may", "might", "must",
                                     "has", "have", "had"}
_DEGREE = {"many", "much", "long", "old", "far", "often", "big", "large", "tall", "high", "fast", "soon", "early",
           "late", "large", "deep", "wide"}
_LOWER_FIRST = {"the", "a", "an", "some", "most", "all", "many", "several", "his", "her", "its", "their", "about",
                "around", "approximately", "nearly", "over", "under", "almost", "only", "two", "three", "four"}
_NAME_OF = re.compile(r"^(?:the\s+)?(?:name|title|nickname)\s+of\s+", re.I)


@dataclass(frozen=True)
class Shape:
    """Where the parts of a question are, as token indices into its ``doc``."""

    doc: object
    wh_start: int  # the question phrase, with a leading preposition ("In what year"); -1 when there is none
    wh_end: int
    role: str  # of the question phrase: "subject", "object", "adverbial", "attribute" or "none"
    aux: int  # the inverted auxiliary ("did", "was"); -1 when there is none
    subject: tuple[int, int] | None  # the subject after the auxiliary

    @property
    def wh_text(self) -> str:
        return self.doc[self.wh_start:self.wh_end].text if self.wh_start >= 0 else ""

    @property
    def wh_word(self) -> str:
        return next((t.lower_ for t in self.doc[max(0, self.wh_start):self.wh_end] if t.lower_ in WH_WORDS), "")

    def subject_text(self) -> str:
        return self.doc[self.subject[0]:self.subject[1]].text if self.subject else ""


def shape(doc) -> Shape:
    """The shape of ``doc`` (a parsed question)."""
    words = [t for t in doc if not t.is_punct or t.text in ("-", "'", "’")]
    if not words:
        return Shape(doc, -1, -1, "none", -1, None)
    i = 0
    if doc[0].pos_ == "ADP" and len(doc) > 1 and doc[1].lower_ in WH_WORDS:
        i = 1
    if doc[i].lower_ not in WH_WORDS:
        aux = 0 if doc[0].lower_ in AUXILIARIES else -1  # "Did Kim fly?": a yes/no question
        return Shape(doc, -1, -1, "none", aux, _noun_phrase(doc, 1) if aux == 0 else None)
    start, end = (0 if i == 1 else i), i + 1
    wh = doc[i].lower_
    if wh == "how" and end < len(doc) and doc[end].lower_ in _DEGREE:
        end += 1
        if doc[end - 1].lower_ in ("many", "much"):
            end = _nouns_after(doc, end)
    elif wh in ("what", "which", "whose"):
        end = _nouns_after(doc, end)
    adverbial = i == 1 or wh in ("when", "where", "why") or (wh == "how" and end - start == 1)
    measure = wh == "how" and end - start == 2 and doc[start + 1].lower_ not in ("many", "much")
    if end < len(doc) and doc[end].lower_ in AUXILIARIES:
        aux = end
        subject = _noun_phrase(doc, aux + 1, verb_follows=doc[aux].lower_ not in BE_FORMS)
        if subject is None or _verb_like(doc[aux + 1]):
            role = "adverbial" if adverbial or measure else "subject"  # "Who was named MVP?", "What was cut?"
            return Shape(doc, start, end, role, aux if role == "adverbial" else -1, subject)
        if adverbial or measure:
            role = "adverbial" if adverbial else "measure"
        elif doc[aux].lower_ in BE_FORMS and not any(_verb_like(t) for t in doc[subject[1]:]):
            role = "attribute"  # "Who was the Panthers' quarterback?", "What is the name of ...?"
        else:
            role = "object"
        return Shape(doc, start, end, role, aux, subject)
    return Shape(doc, start, end, "adverbial" if adverbial else "subject", -1, None)


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


def _nouns_after(doc, i: int) -> int:
    """End of the noun phrase a question word leads ('what share of the GDP of developed countries', 'which work on
    pharmacology'); a preposition is taken in only when an inverted auxiliary follows the phrase."""
    first = i
    while i < len(doc):
        t = doc[i]
        if t.lower_ in AUXILIARIES or t.tag_ in ("VBD", "VBZ", "MD") or (t.tag_ == "VBP" and i > first):
            break
        if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "DET") or t.tag_ in ("POS", "HYPH", "VBN") or (
            i == first and t.tag_ in ("VB", "VBP") and not t.is_punct
        ):
            i += 1
            continue
        if t.pos_ == "ADP" and i > first and i + 1 < len(doc) and doc[i + 1].pos_ in ("NOUN", "PROPN", "DET", "ADJ", "VERB"):
            j = _nouns_after(doc, i + 1)
            if j < len(doc) and doc[j].lower_ in AUXILIARIES and j > i + 1:
                i = j
                continue
        break
    return i


def _noun_phrase(doc, i: int, verb_follows: bool = True) -> tuple[int, int] | None:
    """The noun phrase starting at ``i`` (the subject after an inverted auxiliary), or None."""
    if i >= len(doc) or doc[i].pos_ not in ("DET", "PROPN", "NOUN", "PRON", "ADJ", "NUM") or doc[i].tag_ == "WP":
        return None
    if doc[i].pos_ == "PRON":
        return (i, i + 1)
    j = i
    while j < len(doc):
        t = doc[j]
        if verb_follows and j > i and doc[j - 1].pos_ == "PROPN" and t.pos_ in ("NOUN", "VERB") and t.text.islower():
            break  # "did the Great Fire ravage ...": after a name, a lowercase word is the verb, whatever the tag
        if t.pos_ in ("PROPN", "DET", "NUM", "ADJ") or t.tag_ in ("POS", "HYPH", "NN", "NNS", "PRP$") or t.text in ("-", "'", "’"):
            j += 1
        elif t.lower_ in ("of", "to") and j > i and doc[j - 1].pos_ == "NOUN" and j + 1 < len(doc) and \
                doc[j + 1].pos_ in ("PROPN", "DET", "NOUN"):
            j += 1  # "the trip to Vladivostok", "the borders of North Korea"
        elif t.lower_ == "and" and j > i and j + 1 < len(doc) and doc[j + 1].pos_ in ("PROPN", "DET"):
            j += 1  # "Kim and Putin"
        else:
            break
    if verb_follows and j == len(doc) - 1 and doc[j].is_punct and j - i > 1 and doc[j - 1].pos_ != "PROPN":
        j -= 1  # "did Al-Biruni write?": the last word is the verb, whatever the tagger says
    while j > i and doc[j - 1].pos_ == "ADP":
        j -= 1
    return (i, j) if j > i else None


def _verb_like(token) -> bool:
    return token.tag_ in ("VBN", "VBG", "VB") or (token.pos_ == "ADV" and token.i + 1 < len(token.doc)
                                                   and token.doc[token.i + 1].tag_ in ("VBN", "VBG", "VB"))
