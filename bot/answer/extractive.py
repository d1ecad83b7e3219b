"""The default answerer: picks the sentence that answers, then the span in it.

No language model writes anything, so nothing can be invented: the answer is a span of an article and every
citation is an exact slice of one. Sentences from the retrieved chunks get a first score from how well they match the
question (embedding cosine and IDF-weighted term overlap, bot/rerank.py), their chunk's rank and the sentence before
them; the best few are parsed by spaCy, and the chunks holding them are read by the reader (bot/answer/qa_model.py;
all in one batch, each chunk once), which scores the best answer span of each sentence against "no answer here". A fitted sentence model (``sentence_model.json``)
combines the match, whether the sentence uses the question's verb with one of its nouns (bot/answer/predicate.py),
the phrase model's score (bot/answer/span.py) and the reader's score to pick the sentence, after what the question
says of its answer (its form, modality, ...: bot/answer/asked.py); an answerability model on the same features
decides whether to refuse (with related passages) instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.answer import refusal
from bot.answer.answer_type import NUMERIC_LABELS, reader_type_features
from bot.answer.answerability import SENTENCE_MODEL_PATH, answering_pool
from bot.answer.asked import Asked
from bot.answer.beyond import beyond, near_previous, on_focus
from bot.answer.dated import DatedChoice, dated_text, newest_report, resolved_when, unplanned_first
from bot.answer.demonstrative import through_antecedent
from bot.answer.digest import summary_answer, summary_article, wants_summary
from bot.answer.echo import question_names
from bot.answer.qa_model import Reading
from bot.answer.qtype import QuestionProfile, expected_labels
from bot.answer.phrase import complete_phrase, day_alone, whole_entities
from bot.answer.shape import as_sentence_answer, asks_why, wants_sentence
from bot.answer.span import candidates, load_weights, log_odds
from bot.answer.windows import reading_windows
from bot.models import Models
from bot.retrieve import Retrieval
from bot.settings import Settings
from bot.text import is_metadata_line, sentence_spans, stem
from bot.types import HEADLINE_WORDS, Answer, Citation, Done, Evidence, Token

PARSED_SENTENCES = 10  # spaCy parses this many best-matching sentences (8 left out a 9th that answered)
RANK_WEIGHT = 0.1  # a sentence of the first chunk gains this much, of the second half, ...
CONTEXT_WEIGHT = 0.15  # share of the previous sentence's match a sentence inherits
_WHEN = frozenset({"DATE", "TIME"})
# Set by hand, not fitted: SQuAD's first lines are bare titles (the model would learn they never answer), a news
# headline sums its story up (not why it happened). The question's own hand-set priors: bot/answer/asked.py.
HEADLINE_PRIOR = 1.0
# The reader reads each parsed sentence with this many sentences either side (None: its whole chunk, as it
# was trained). Measured on the SQuAD v1.1 subset: 1 changed 46 of 402 answers and cost 0.75 point of
# answer accuracy (0.714 -> 0.706), over the 0.5-point budget; whole chunks it stays.
READ_CONTEXT_SENTENCES: int | None = None
HEADLINE_RANKS = 3  # headlines of this many best chunks are read whatever their match
CITE_MARGIN = 0.5  # a runner-up sentence this close (log-odds) to the best is cited too


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
    features: dict = field(default_factory=dict)  # what the sentence model scores
    phrases: list = field(default_factory=list)  # the parse's candidate answer phrases (``span.candidates``)
    fitted: float = 0.0  # the sentence model's log-odds (``score`` adds the hand-set priors)
    fits: bool = True  # its short answer has the form the question asks for (``answer_type.fits``)
    planned: bool = False  # its answer is a date something was set for, and the question asks when it happened
    formed: bool = True  # its short answer has the asked form itself (``fits`` may be bought with a penalty)
    described: bool = False  # its short answer describes what "How does the writer describe X?" asks about

    @property
    def date(self) -> str | None:
        """The publication date of the report this sentence is in."""
        return self.evidence.chunk.date

    @property
    def typed(self) -> bool:
        """Its short answer is of the kind the question asks for (a date for "when", a name for "who")."""
        return any(self.features.get(f) for f in ("typed", "typed_numeric", "reader_typed"))


class ExtractiveAnswerer:
    """Answers with a span of the best sentence; no model writes text (so the answer streams as one piece)."""

    def __init__(self, settings: Settings, models: Models):
        self.settings = settings
        self.models = models

    def warm_up(self) -> None:
        self.models.nlp, self.models.qa_model  # noqa: B018 - the properties load the models

    def condense(self, question: str, history) -> None:
        return None  # follow-ups are rewritten by rules (bot.chat.rewrite)

    def stream(self, retrieval: Retrieval) -> Iterator[Token | Done]:
        answer = self.answer(retrieval)
        yield Token(answer.answer)
        yield Done(answer)

    def answer(self, retrieval: Retrieval) -> Answer:
        t0 = time.perf_counter()
        query, evidence, timings = retrieval.query, list(retrieval.evidence), retrieval.timings
        if wants_summary(query.standalone):
            article = summary_article(retrieval)
            summary = summary_answer(retrieval, retrieval.article_chunks(article)) if article else None
            if summary is not None:
                return summary
        sentences, pool = self.rank(query.standalone, evidence, retrieval.scorer, timings)
        pool = on_focus(pool, sentences, query.focus, query.elliptic)
        pool = near_previous(pool, sentences, query.after, query.standalone)
        pool = beyond(pool, query.given, query.focus, query.elliptic)
        if not pool:
            return refusal(retrieval, _related(sorted(sentences, key=lambda s: -s.score)), 0.0)
        formed, confidence = answering_pool(pool, self.settings.answer.refusal_threshold, query.standalone,
                                            lambda: question_names(self.models.nlp(query.standalone)), evidence)
        timings["answer_ms"] = (time.perf_counter() - t0) * 1000
        if formed is None:
            return refusal(retrieval, _related(pool), confidence)
        pool, best = formed, formed[0]
        limit = self.settings.answer.max_citations
        labels = expected_labels(query.standalone)
        reports = unplanned_first(pool)  # a date it was set for never answers when it happened
        choice = newest_report(reports, latest=bool(query.time and query.time.latest),
                               when=bool(labels) and labels <= _WHEN, window=query.time.window if query.time else None)
        if wants_sentence(query.standalone):  # no short phrase answers "why": the sentence that does
            choice = DatedChoice(as_sentence_answer(choice.chosen, sentences, asks_why(query.standalone)))
        if choice.chosen is best:
            cited = [best] + ([choice.earlier] if choice.earlier else [])
            cited += [s for s in pool[1:] if s is not choice.earlier and s.score >= best.score - CITE_MARGIN]
        else:  # a newer report won: cite it, and the earlier one that said something else
            cited = [choice.chosen] + ([choice.earlier] if choice.earlier else [])
        cited = cited[:max(limit, 2 if choice.earlier else 1)]  # an earlier report that differs is always cited
        return Answer(
            question=query.question,
            standalone_question=query.standalone,
            answer=self._worded(choice, query.standalone),
            answerable=True,
            citations=tuple(_citation(i, s, answering=i == 1 or s is choice.earlier) for i, s in enumerate(cited, 1)),
            related=(),
            timings_ms=timings,
            retrieved=tuple(evidence),
            score=confidence,
        )

    @staticmethod
    def _worded(choice: DatedChoice, question: str) -> str:
        """The short answer, a relative date resolved for a "when" question, and as of when it was reported."""
        labels = expected_labels(question)
        short, earlier = choice.chosen.answer, choice.earlier.answer if choice.earlier else None
        if labels and labels <= _WHEN:
            short = resolved_when(choice.chosen, short)
            earlier = resolved_when(choice.earlier, earlier) if choice.earlier else None
        return dated_text(choice, short, earlier)

    def rank(self, standalone: str, evidence: list[Evidence], scorer, timings: dict | None = None
             ) -> tuple[list[Sentence], list[Sentence]]:
        """All sentences of the evidence, and the best few of them, parsed and best first.
        ``scorer`` matches sentences with the question (``bot.retrieve.rerank.SentenceScorer``);
        ``timings`` gets the milliseconds of parsing and reading."""
        sentences = self._sentences(evidence)
        self._match(standalone, sentences, scorer)
        pool = sorted((s for s in sentences if s.novel), key=lambda s: -s.score)[:PARSED_SENTENCES]
        # Headlines and a retrieved story's lead are always read: they sum the story up, in words a question may not
        # share ("The purpose of this visit is believed to be a meeting with Putin": "Who is Kim expected to meet?").
        pool += [s for s in sentences if (_is_headline(s) or s.evidence.chunk.opens_story) and s.novel and s not in pool]
        if not pool:
            return sentences, []
        started = time.perf_counter()
        docs = list(self.models.nlp.pipe([standalone] + [s.text for s in pool]))
        parsed = time.perf_counter()
        asked = Asked.of(standalone, docs[0])
        why = asks_why(standalone)  # a headline sums up what happened; the reason is told in the story
        top, best_match = pool[0].match, max(s.match for s in pool)
        weights = load_weights(SENTENCE_MODEL_PATH)
        readings = self._read(standalone, pool)
        if timings is not None:
            timings.update(parse_ms=(parsed - started) * 1000, reader_ms=(time.perf_counter() - parsed) * 1000)
        best_reading = max(r.score for r in readings)
        for order, (sentence, doc, reading) in enumerate(zip(pool, docs[1:], readings)):
            self._extract(sentence, doc, asked.profile)
            sentence.features.update(gap=best_match - sentence.match, order=order, lead=float(sentence.match >= top))
            sentence.features.update(reader=max(-15.0, min(15.0, reading.score)), reader_top=float(reading.score >= best_reading))
            sentence.features.update(reader_type_features(doc, reading, asked.profile))
            sentence.features.update({"predicate": 1.0} if asked.shares_predicate(doc) else {})
            if reading.text.strip():  # the reader's span is the short answer; the phrase model's is the fallback
                start, end = whole_entities(doc, reading.start, reading.end)
                start, end = day_alone(sentence.text, *complete_phrase(doc, start, end, sentence.phrases))
                sentence.answer = sentence.text[start:end].strip()
            judged = asked.judge(doc, sentence.answer, sentence.phrases, sentence.features)
            pointed = None if asked.has_form(doc, judged.answer) else through_antecedent(
                sentence, doc, sentences, asked.kind, self.models.nlp)
            if pointed is not None:  # "This mausoleum serves as ...": where the sentence before put the mausoleum
                sentence.start, sentence.text = pointed.start, pointed.text
                judged = asked.judge(pointed.doc, pointed.answer, [], sentence.features)
            sentence.answer, sentence.fits, sentence.planned = judged.answer, judged.fits, judged.planned
            sentence.described = judged.described
            sentence.formed = asked.has_form(pointed.doc if pointed else doc, judged.answer)
            sentence.fitted = log_odds(weights, sentence.features)
            sentence.score = sentence.fitted + HEADLINE_PRIOR * (sentence.start == 0 and not why) + judged.prior
        pool.sort(key=lambda s: -s.score)
        return sentences, pool

    def _read(self, question: str, pool: list[Sentence]) -> list[Reading]:
        """The reader's best span in each sentence, read with its neighbours (its context counts): the
        windows of all the sentences, overlapping ones merged, in one batch."""
        windows = reading_windows(pool, READ_CONTEXT_SENTENCES)
        read = self.models.qa_model.read_passages(question, [w.text for w in windows])
        coverage = self.settings.answer.answer_coverage
        out = []
        for sentence in pool:
            window, passage = next((w, p) for w, p in zip(windows, read) if w.holds(sentence))
            offset = sentence.start - window.start
            found = passage.span(offset, offset + len(sentence.text), coverage)
            if found is None:  # the sentence fell past the reader's window
                out.append(Reading(0, 0, "", -15.0))
            else:
                out.append(Reading(found.start - offset, found.end - offset, found.text, found.score))
        return out

    def _sentences(self, evidence: list[Evidence]) -> list[Sentence]:
        seen: set[tuple[str, int]] = set()
        out: list[Sentence] = []
        for rank, ev in enumerate(evidence):
            chunk = ev.chunk
            for a, b in sentence_spans(chunk.text):
                key = (chunk.article_id, chunk.start + a)
                if key in seen or is_metadata_line(chunk.text[a:b]):
                    continue  # overlapping chunks repeat sentences; "URL: https://..." answers nothing
                seen.add(key)
                out.append(Sentence(ev, rank, chunk.start + a, chunk.start + b, chunk.text[a:b]))
        return out

    def _match(self, question: str, sentences: list[Sentence], scorer) -> None:
        previous: Sentence | None = None
        chunks = [s.evidence.chunk.text for s in sentences]  # where the index keeps their vectors
        for sentence, match in zip(sentences, scorer.match(question, [s.text for s in sentences], chunks)):
            sentence.match, sentence.novel = match.score, match.novel
            context = previous.match if previous and previous.evidence is sentence.evidence else 0.0  # its neighbour
            # A first guess that picks the sentences worth parsing; rank() scores those with the fitted model.
            # No "is the headline" feature: SQuAD's first lines are bare article titles that never answer,
            # a news headline often does; the model would learn the training set's format.
            sentence.score = sentence.match + RANK_WEIGHT / (1 + sentence.rank) + CONTEXT_WEIGHT * context
            sentence.features = {
                "bias": 1.0, "match": match.score, "dense": match.dense, "lexical": match.lexical,
                "rank": 1.0 / (1 + sentence.rank), "first_chunk": float(sentence.rank == 0), "context": context,
                "log_words": math.log(1 + len(sentence.text.split())),
            }
            previous = sentence

    def _extract(self, sentence: Sentence, doc, profile: QuestionProfile) -> None:
        spans = candidates(doc, profile)
        sentence.phrases = spans
        features = sentence.features
        if profile.head:  # "how many bodyguards": a sentence that never names bodyguards hardly counts them
            features["head_absent" if all(stem(t.lower_) != profile.head for t in doc) else "head_present"] = 1.0
        if profile.labels:
            typed = any(s.features.get("typed") for s in spans)
            numeric = "_numeric" if profile.labels <= NUMERIC_LABELS else ""
            features[("typed" if typed else "untyped") + numeric] = 1.0
        if not spans:
            sentence.answer = sentence.text
            features["no_phrase"] = 1.0
            return
        best = max(spans, key=lambda s: (s.score, -len(s.text)))
        features["phrase"] = 1 / (1 + math.exp(-best.score))
        features["phrase_logodds"] = max(-10.0, best.score)
        start, end = complete_phrase(doc, best.start, best.end, ())
        sentence.answer = sentence.text[start:end]

def _is_headline(sentence: Sentence) -> bool:
    """A news headline: the first line of an article of the first few chunks, written as a sentence. It sums the
    story up, so it is always read (SQuAD's bare titles, "1973 oil crisis", are not sentences)."""
    text = sentence.text.strip()
    return (sentence.start == 0 and sentence.rank < HEADLINE_RANKS and len(text.split()) >= HEADLINE_WORDS
            and text[-1:] in ".!?")


def _related(sentences: list[Sentence]) -> list[Citation]:
    """The closest sentences, offered beside a refusal."""
    return [_citation(i, s) for i, s in enumerate(sentences[:3], 1)]


def _citation(n: int, sentence: Sentence, answering: bool = False) -> Citation:
    """The sentence as a citation; ``answering``: it gave the short answer, whose words are located in it."""
    chunk = sentence.evidence.chunk
    at = sentence.text.find(sentence.answer) if answering and sentence.answer else -1
    words = (sentence.start + at, sentence.start + at + len(sentence.answer)) if at >= 0 else (None, None)
    if words[0] == sentence.start and words[1] == sentence.end:
        words = (None, None)  # the whole sentence is the answer: nothing to pick out
    return Citation(
        n=n, article_id=chunk.article_id, title=chunk.title, start=sentence.start, end=sentence.end,
        quote=sentence.text, date=chunk.date, source=chunk.source, path=chunk.path,
        chunk_start=chunk.start, chunk_text=chunk.text, answer_start=words[0], answer_end=words[1],
    )
