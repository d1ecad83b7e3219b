"""A sentence that names what it is about only as "this mausoleum" answers through the sentence before it.

"Where is Kim Il Sung buried?" is answered by "This mausoleum serves as the final resting place for the
embalmed bodies of Kim Jong Il ... and his esteemed father, Kim Il Sung", which names no place: the place
is in the sentence before, where the mausoleum was introduced ("... on display at a mausoleum situated on
the outskirts of Pyongyang."). When a sentence opens with this/that/these/those and a noun, and its short
answer lacks the form the question asks for, the noun's last mention in the sentence before (same chunk),
with all that hangs on it, is the answer if it has that form; the two sentences are cited together.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer.answer_type import fits
from bot.answer.shape import sentence_before

_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})


@dataclass(frozen=True)
class Antecedent:
    start: int  # article offset where the joined text (the sentence before, then the sentence) starts
    text: str  # the two sentences, as the chunk has them
    doc: object  # the sentence before, parsed
    answer: str  # the mention with what hangs on it, a slice of ``text``


def pointed_noun(doc):
    """The noun a sentence opens by pointing back to ("This mausoleum serves ..." -> mausoleum), or None."""
    first = next((t for t in doc if not t.is_space), None)
    if first is None or first.lower_ not in _DEMONSTRATIVES or first.dep_ != "det" or first.head.pos_ != "NOUN":
        return None
    return first.head


def through_antecedent(sentence, doc, sentences: list, kind: str | None, nlp) -> Antecedent | None:
    """For ``sentence`` (an answerer's sentence, parsed as ``doc``) whose answer lacks the form ``kind``: the
    mention of the noun it points back to in the sentence before, when that mention has the form."""
    noun = pointed_noun(doc) if kind else None
    previous = sentence_before(sentence, sentences) if noun is not None else None
    if previous is None:
        return None
    before = nlp(previous.text)
    mentions = [t for t in before if t.pos_ == "NOUN" and t.lemma_.lower() == noun.lemma_.lower()]
    if not mentions:
        return None
    words = list(mentions[-1].subtree)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    if not fits(kind, before, start, end):
        return None
    chunk = sentence.evidence.chunk
    text = chunk.text[previous.start - chunk.start: sentence.end - chunk.start]
    return Antecedent(previous.start, text, before, previous.text[start:end])
