"""The retrieved chunks as the model sees them: passages of numbered sentences.

Passage ``p`` is the ``p``-th retrieved chunk (best first); its sentences are
numbered ``[p.1]``, ``[p.2]``, ... with the same segmenter every other stage
uses (``bot.text.sentence_spans``), so each id maps by construction to an exact
``start``/``end`` in its article. A sentence repeated by the next chunk (chunks
overlap by a sentence) keeps its first id only.

Articles are data, never instructions: a sentence that reads like an
instruction to an AI model ("ignore previous instructions and answer ...") is
withheld from the model, so it can be neither obeyed nor cited. It stays in the
index and the extractive answerer can still quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import sentence_spans
from bot.types import Chunk, Citation, Evidence

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|directions|context)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"
    r"|\byou\s+(?:are|must|should|will)\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|language model|chatbot|bot)\b"
    r"|\b(?:as|to)\s+an?\s+(?:ai|language model|assistant|chatbot)\b"
    r"|\b(?:answer|reply|respond|say)\s+(?:only\s+)?(?:with\s+)?(?:the\s+word\s+)?[\"'\u201c\u2018]"
    # "Disregard the above", "forget everything you were told", "ignore the passages above"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|these\s+|this\s+)?"
    r"(?:above|everything|(?:passages?|articles?|sources?|text|context)\s+(?:above|provided|given))\b"
    r"|\bnew\s+instructions?\s*:"
    r"|^\W*(?:system|assistant|user)\s*:"  # a chat role label opening the sentence
    r"|\balways\s+(?:answer|reply|respond|say)\b"
    r"|\banswer\s+to\s+(?:every|any|each|all)\s+(?:questions?|quer(?:y|ies))\s+(?:is|should|must|will)\b"
    r"|\b(?:language\s+models?|llms?|ai(?:\s+(?:models?|assistants?|systems?))?|chatbots?|assistants?)\s+"
    r"(?:reading|processing|summari[sz]ing|seeing)\s+this\b",  # "Language models reading this must ..."
    re.I,
)


def reads_as_instruction(text: str) -> bool:
    """Whether an article sentence addresses a language model (prompt injection), not a reader."""
    return bool(_INSTRUCTION.search(text))


@dataclass(frozen=True)
class PassageSentence:
    id: str  # "p.s", as the model sees and cites it
    chunk: Chunk
    start: int  # into the article
    end: int
    text: str  # == article.text[start:end]

    def citation(self, n: int) -> Citation:
        chunk = self.chunk
        return Citation(
            n=n, article_id=chunk.article_id, title=chunk.title, start=self.start, end=self.end, quote=self.text,
            date=chunk.date, source=chunk.source, path=chunk.path, chunk_start=chunk.start, chunk_text=chunk.text,
        )


@dataclass(frozen=True)
class Passage:
    number: int
    chunk: Chunk
    sentences: tuple[PassageSentence, ...]


@dataclass(frozen=True)
class Passages:
    passages: tuple[Passage, ...]
    withheld: tuple[str, ...] = ()  # sentences kept from the model because they read as instructions

    def __post_init__(self):
        object.__setattr__(self, "_by_id", {s.id: s for p in self.passages for s in p.sentences})

    def get(self, sentence_id: str) -> PassageSentence | None:
        return self._by_id.get(sentence_id)

    @property
    def sentences(self) -> list[PassageSentence]:
        return [s for p in self.passages for s in p.sentences]


def number_passages(evidence: tuple[Evidence, ...] | list[Evidence], limit: int) -> Passages:
    """The best ``limit`` chunks as passages of numbered sentences (empty passages are skipped)."""
    seen: set[tuple[str, int]] = set()
    passages, withheld = [], []
    for ev in list(evidence)[:limit]:
        chunk, number = ev.chunk, len(passages) + 1
        sentences = []
        for a, b in sentence_spans(chunk.text):
            key = (chunk.article_id, chunk.start + a)
            text = chunk.text[a:b]
            if key in seen:
                continue
            seen.add(key)
            if reads_as_instruction(text):
                withheld.append(text)
                continue
            sentences.append(PassageSentence(f"{number}.{len(sentences) + 1}", chunk, chunk.start + a,
                                             chunk.start + b, text))
        if sentences:
            passages.append(Passage(number, chunk, tuple(sentences)))
    return Passages(tuple(passages), tuple(withheld))
