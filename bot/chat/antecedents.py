"""What earlier turns of a conversation offer a follow-up question to point back to.

Each earlier ``Exchange`` gives mentions from three places: the standalone
question, its short answer, and the sentence the answer cited (read in its
passage, so a "he" that opens it is known). Every mention becomes a
``Candidate`` of one kind (person, group, place, thing) with a score for how
salient it is: what the user asked about and what was answered rank above
what the cited sentence merely names, a subject above an object, the cited
sentence's own subject above its other words, the latest exchange above older
ones. A kind is voted over every mention of a name (the small NER model calls
"Vladivostok" a person in one question and a place in the article), and a name
that shares a sentence of the cited passage with the follow-up's own words
fits it better ("his train": the passage says whose train). ``bot.chat.rewrite``
asks for the best candidate of the kind a pronoun needs.
"""


from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.chat.mentions import FEMALE, MALE, after_preposition, answer_kind, asked_kind, entity_kind, mentions, names, \
    sentence_subject, short_answer
from bot.chat.questions import shape

_STOP = {"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "is", "are", "was",
         "were", "be", "been", "do", "does", "did", "has", "have", "had", "can", "could", "will", "would", "what",
         "which", "who", "whom", "when", "where", "why", "how", "many", "much", "he", "him", "his", "she", "her",
         "they", "them", "their", "it", "its", "there", "that", "this", "those", "these", "after", "before"}
_COMMON_OPENERS = {"the", "a", "an", "some", "most", "all", "many", "several", "his", "her", "its", "their", "about",
                   "around", "approximately", "nearly", "over", "under", "almost", "only", "by", "in", "on", "at"}
_ORGANISATION = re.compile(r"\b(?:Inc|Corp|Corporation|Company|Council|Association|Committee|Party|University|"
                           r"Network|Team|Band|Group|Agency|Ministry|Department|Organi[sz]ation|Union|League)\b|^[A-Z]{2,}$")
_MEASURES = {"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"}
FROM_QUESTION, FROM_ANSWER, FROM_SENTENCE = 2.0, 2.0, 1.0
AS_SUBJECT, AS_SENTENCE_SUBJECT, PER_AGE = 1.5, 2.0, 4.0
FITS_FOLLOW_UP = 2.0


@dataclass(frozen=True)
class Exchange:
    """One earlier turn as the rewriter sees it."""

    question: str  # the standalone question that was searched
    answer: str | None = None  # the answer's text; None when it was refused
    sentence: str = ""  # the sentence the answer cited
    passage: str = ""  # the cited chunk around it, for "he" at its start and for what fits the follow-up


@dataclass
class Candidate:
    text: str  # as it goes into a question
    kind: str  # "person", "group", "place", "thing" ("name" when nothing says which)
    plural: bool = False
    score: float = 0.0
    roles: set[str] = field(default_factory=set)  # "subject", "object"
    gender: str = ""  # "m" or "f" when the text says so
    answered: bool = False  # it was an answer: of two equally salient candidates, the newer news


@dataclass
class Antecedents:
    candidates: list[Candidate] = field(default_factory=list)
    statements: list = field(default_factory=list)  # (Clause, Exchange) of each exchange, newest first

    def best(self, kinds: set[str], role: str = "", plural: bool | None = None, exclude=(),
             gender: str = "") -> Candidate | None:
        """The highest-ranked candidate of one of ``kinds`` (and number, gender) outside ``exclude``; a candidate
        that had the pronoun's ``role`` (subject, object) before ranks higher."""
        ranked = self.ranked(kinds, role, plural, exclude, gender)
        return ranked[0][1] if ranked else None

    def ranked(self, kinds: set[str], role: str = "", plural: bool | None = None, exclude=(),
               gender: str = "") -> list[tuple[float, Candidate]]:
        def rank(c: Candidate) -> float:
            bonus = 1.5 if role and role in c.roles else 0.0
            return c.score + bonus - (1.0 if c.kind == "name" else 0.0) \
                - (0.5 if c.kind == "place" and "place" not in only else 0.0)

        excluded = {_key(e) for e in exclude}
        only = kinds if len(kinds) == 1 else set()
        fitting = [c for c in self.candidates if c.kind in kinds and _key(c.text) not in excluded
                   and (plural is None or c.plural == plural) and not (gender and c.gender and c.gender != gender)]
        # ties: the one just answered, then not a place ("a ride on it": a place is "there" more often than "it")
        return sorted(((rank(c), c) for c in fitting),
                      key=lambda pair: (-pair[0], not pair[1].answered, pair[1].kind == "place" and "place" not in only))

    @property
    def people(self) -> list[str]:
        return [c.text for c in sorted(self.candidates, key=lambda c: -c.score) if c.kind == "person"]


def collect(exchanges, nlp, follow_up: str = "") -> Antecedents:
    """The candidates of ``exchanges`` (oldest first), scored; ``follow_up`` is the question they are for."""
    from bot.chat.questions import clause

    found: dict[str, Candidate] = {}
    kind_votes: dict[str, Counter] = defaultdict(Counter)
    settled: dict[str, str] = {}
    wanted = _content_stems(follow_up)
    result = Antecedents()
    for age, ex in enumerate(reversed(list(exchanges))):
        q = nlp(ex.question)
        sh = shape(q)
        answer = short_answer(ex.answer, nlp, asked_kind(ex.question))
        result.statements.append((clause(sh, answer, lemma_of), ex))
        weight = -PER_AGE * age
        # "Who is the leader of North Korea?" -> "Kim Jong Un": the subject is what the answer names, no referent of
        # its own; "Who is Gleb Karakulov?" -> "a defector from Putin's ... service": the subject is the name described
        attribute = q[sh.subject[0]:sh.subject[1]] if sh.role == "attribute" and sh.subject else None
        named = attribute is not None and attribute.root.pos_ == "PROPN"
        described = set(range(*sh.subject)) if attribute is not None and not named and answer and \
            any(t.pos_ == "PROPN" for t in nlp(answer)) and not re.match(r"(?:the )?(?:name|title) of ",
                                                                        sh.subject_text(), re.I) else set()
        if sh.wh_word == "who" and named:
            settled[_key(attribute.text)] = "person"  # "Who is Gleb Karakulov?" is about a person, whatever NER says
        if sh.wh_word in ("which", "what", "whose"):
            described |= set(range(sh.wh_start, sh.wh_end))  # "which city" is what the answer fills
        for mention in mentions(q, sh.subject or (), skip_nouns_in=described):
            _add(found, kind_votes, mention, weight + FROM_QUESTION + (AS_SUBJECT if mention[3] == "subject" else 0))
        if answer:
            _add_answer(found, kind_votes, settled, ex.question, sh, q, answer, nlp, weight)
        if ex.sentence:
            s = nlp(ex.sentence)
            subject = sentence_subject(s, nlp(ex.passage[:ex.passage.find(ex.sentence)]) if ex.sentence in ex.passage else None)
            for mention in mentions(s, None):
                bonus = AS_SENTENCE_SUBJECT if subject and _key(mention[0]) == _key(subject) else 0.0
                _add(found, kind_votes, mention, weight + FROM_SENTENCE + bonus)
            if subject and _key(subject) not in found:
                kind = "name" if subject[:1].isupper() else "thing"
                _add(found, kind_votes, (subject, kind, False, "subject", 0.0), weight + AS_SENTENCE_SUBJECT)
        for text in (ex.passage, ex.sentence):
            _vote_kinds(nlp(text) if text else None, found, kind_votes)
    for key, candidate in found.items():
        votes = kind_votes[key]
        if key in settled:
            candidate.kind = settled[key]
        elif votes:
            candidate.kind = votes.most_common(1)[0][0]
        # does the cited passage put it with the follow-up's own words ("his train": whose train)?
        own = _content_stems(candidate.text)
        candidate.score += FITS_FOLLOW_UP * _fit(candidate.text, wanted - own, [ex.passage or ex.sentence for ex in exchanges])
    people = [c.text for c in found.values() if c.kind in ("person", "name")]
    for candidate in found.values():
        if candidate.kind in ("person", "name"):
            texts = [ex.question for ex in exchanges] + [ex.passage or ex.sentence for ex in exchanges]
            candidate.gender = _gender(candidate.text, [p for p in people if p != candidate.text], texts)
    result.candidates = list(found.values())
    return result


def _add_answer(found, kind_votes, settled, question, sh, q, answer, nlp, weight) -> None:
    """The answer as a candidate: a named answer is as salient as what was asked about ("expensive French wine"
    less so), a subject when the question phrase was ("Who revealed ...?"); "Who did Kim meet?" + "Trump" also
    gives the group "Kim and Trump"."""
    a = nlp(answer)
    asked = asked_kind(question)
    kind = asked or answer_kind(a)
    first = answer.split()[0]
    named = (first[:1].isupper() and first.lower() not in _COMMON_OPENERS) or a[-1].pos_ == "PROPN" or any(
        len(e) * 2 >= len(a) and e.label_ not in _MEASURES for e in a.ents)
    text = _clean_answer(answer)
    if asked == "person" and named and not _ORGANISATION.search(answer):
        settled[_key(text)] = "person"  # "Who was the governor of Otrar?" -> "Inalchuq", whatever NER says
    role = "subject" if sh.role in ("subject", "attribute") else "object"
    plural = " and " in answer or a[-1].tag_ in ("NNS", "NNPS")
    focus = (AS_SUBJECT if role == "subject" else 0.5) if named else -FROM_ANSWER
    _add(found, kind_votes, (text, kind, plural, role, focus), weight + FROM_ANSWER, votes_weight=4.0 if asked else 1.0)
    if _key(text) in found:
        found[_key(text)].answered = True
    subject = q[sh.subject[0]:sh.subject[1]] if sh.subject else None
    if kind == "person" and role == "object" and subject is not None and subject.root.pos_ == "PROPN":
        _add(found, kind_votes, (f"{subject.text} and {text}", "group", True, "subject", 0.0), weight + FROM_QUESTION)


def lemma_of(token) -> str:
    """A word's base form: the shared pipeline lemmatizes (``bot.models.load_spacy``); without a lemmatizer, the word."""
    return token.lemma_ or token.lower_


def _add(found, votes, mention, score, votes_weight: float = 1.0) -> None:
    text, kind, plural, role, salience = mention
    if not re.search(r"\w", text):
        return
    score += salience
    key = _key(text)
    for other in list(found):  # "Newton" is "Cam Newton"
        if key != other and other.endswith(" " + key) and kind in ("person", "name"):
            key = other
            break
    candidate = found.get(key)
    if candidate is None:
        candidate = found[key] = Candidate(text, kind, bool(plural))
        candidate.score = score
    else:
        candidate.score = max(candidate.score, score) + 0.5  # mentioned again
        if len(text) > len(candidate.text) and kind in ("person", "name"):
            candidate.text = text
    candidate.roles.add(role)
    if kind not in ("name", None):
        votes[key][kind] += votes_weight


def _vote_kinds(doc, found, votes) -> None:
    if doc is None:
        return
    for sentence in doc.sents:
        spans = [s for s in names(sentence) if _key(s.text) in found]
        people_words = [t for t in sentence if t.lower_ in MALE | FEMALE]
        for span in spans:
            key = _key(span.text)
            kind = entity_kind(span) if span.label_ else None
            if kind == "place" and not after_preposition(span):
                kind = None  # a list of names NER calls places ("Hasar, Hachiun, and Temüge") is no evidence
            if kind and kind not in ("time", "number"):
                votes[key][kind] += 1.5  # article text parses better than questions
            if span.root.dep_ in ("nsubj", "nsubjpass") and any(t.i > span.end for t in people_words):
                votes[key]["person"] += 2.0  # "Temüjin was born ... his father": whatever NER said


def _content_stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def _fit(name: str, wanted: set[str], passages: list[str]) -> float:
    """Whether ``name`` shares a sentence of the cited passages with the follow-up's own words (0, 0.5 or 1)."""
    if not wanted:
        return 0.0
    best = 0
    last = name.split()[-1].lower()
    for passage in passages:
        for sentence in re.split(r"(?<=[.!?])\s+", passage or ""):
            low = sentence.lower()
            if last in low:
                best = max(best, len(wanted & _content_stems(low)))
    return min(best, 2) / 2


def _gender(name: str, others: list[str], texts: list[str]) -> str:
    """'m' or 'f' when sentences naming only this person go on with he/his or she/her."""
    counts = Counter()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text or ""):
            if name in sentence and not any(o in sentence for o in others if o not in name):
                words = set(re.findall(r"[a-z]+", sentence[sentence.find(name) + len(name):].lower()))
                counts["m"] += bool(words & MALE)
                counts["f"] += bool(words & FEMALE)
    if counts["m"] > counts["f"]:
        return "m"
    return "f" if counts["f"] > counts["m"] else ""


_PLACE_OF = re.compile(r"^(?:the\s+)?(?:[\w-]+\s+){0,3}(?:city|town|village|capital|port|region|province|state|"
                       r"country|island|district|county|resort)\s+of\s+([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)$")


def _clean_answer(answer: str) -> str:
    """The answer as a follow-up names it: "the eastern city of Vladivostok" is "Vladivostok"."""
    named_place = _PLACE_OF.match(answer.strip().rstrip("."))
    if named_place:
        return named_place.group(1)
    first, _, rest = answer.strip().rstrip(".").partition(" ")
    return (first.lower() + (" " + rest if rest else "")) if first.lower() in ("the", "a", "an", "some") else answer.strip().rstrip(".")


def _key(text: str) -> str:
    text = re.sub(r"['’]s?$", "", text.lower().replace("-", " ").strip())
    return re.sub(r"^the\s+", "", text)
