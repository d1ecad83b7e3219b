"""Is a generated sentence backed by the passage sentences it cites?

Three checks, all required, on the sentence against the union of what it cites:

- **facts**: every number, date and named entity in the sentence (spaCy's NER,
  plus any digits) is in a cited sentence, after normalisation: "20-hour" and
  "20 hours" both give ``20``; "Sept. 3" and "September 3" both give month 9
  and 3; "twenty" gives 20; "9,200" gives 9200; names are compared word by
  word, stemmed, a word matching one it starts or ends ("Russia"/"Russian");
- **overlap**: the share of the sentence's content words (stemmed, stop words
  dropped; ``bot.text.terms``) found in the cited sentences;
- **similarity**: the embedding cosine with the closest cited sentence (or all
  of them together).

The two thresholds are fitted on data by ``scripts/calibrate_verifier.py`` and
stored in ``verifier.json`` with the precision and recall measured on pairs
held out from the fit. A sentence citing nothing is never verified.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.text import NUMBER_WORDS, stem, terms

THRESHOLDS_PATH = Path(__file__).with_name("verifier.json")
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
                          "LANGUAGE"})
_MONTHS = {name: f"month{i}" for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], 1) for name in names}
_SCALES = frozenset({"hundred", "thousand", "million", "billion", "trillion", "percent", "dozen"})
_ORDINAL_SUFFIX = frozenset({"st", "nd", "rd", "th"})
_NAME_STOP = frozenset({"the", "of", "a", "an", "and", "s", "'s", "de", "for", "in", "on", "at", "to"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def normalized_tokens(text: str) -> list[str]:
    """Lower-cased words and numbers, normalised so that equal facts written differently compare equal."""
    out: list[str] = []
    for raw in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if raw[0].isdigit():
            out.append(_number(raw))
        elif raw in _ORDINAL_SUFFIX and out and out[-1].isdigit():
            continue  # "3rd" -> 3
        elif raw in _MONTHS and (raw != "may" or not out or out[-1].isdigit()):
            out.append(_MONTHS[raw])
        elif raw in NUMBER_WORDS:
            out.append(NUMBER_WORDS[raw])
        else:
            out.append(stem(raw))
    return out


def _number(raw: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        return raw.replace(",", "")
    if re.fullmatch(r"\d+\.0+", raw):
        return raw.split(".")[0]
    return raw.replace(",", ".") if raw.count(",") == 1 and len(raw.split(",")[1]) != 3 else raw.replace(",", "")


@dataclass(frozen=True)
class Fact:
    label: str  # spaCy's entity label, or "NUMBER" for bare digits
    text: str
    needs: frozenset[str]  # normalised tokens that must all be found in the cited text


def facts(doc) -> list[Fact]:
    """Numbers, dates and names in a parsed sentence, as the tokens a supporting sentence must contain."""
    found, covered = [], set()
    for ent in doc.ents:
        tokens = normalized_tokens(ent.text)
        if ent.label_ in _NUMERIC_LABELS:
            needs = {t for t in tokens if t[0].isdigit() or t.startswith("month") or t in _SCALES}
        elif ent.label_ in _NAME_LABELS:
            needs = {t for t in tokens if t not in _NAME_STOP and len(t) > 1}
        else:
            needs = set()
        if needs:
            found.append(Fact(ent.label_, ent.text, frozenset(needs)))
        covered.update(range(ent.start_char, ent.end_char))
    for match in re.finditer(r"\d+(?:[.,]\d+)*", doc.text):
        if match.start() not in covered:
            found.append(Fact("NUMBER", match.group(), frozenset({_number(match.group())})))
    return found


def present(fact: Fact, cited: set[str]) -> bool:
    return all(token in cited or (not token[0].isdigit() and _affix_match(token, cited)) for token in fact.needs)


def _affix_match(token: str, cited: set[str]) -> bool:
    """"russia" ~ "russian": one word starts the other, the shorter being at least four letters."""
    return len(token) >= 4 and any(len(c) >= 4 and (c.startswith(token) or token.startswith(c)) for c in cited)


@dataclass(frozen=True)
class Thresholds:
    min_overlap: float
    min_similarity: float


@lru_cache(maxsize=1)
def load_thresholds(path: Path = THRESHOLDS_PATH) -> Thresholds:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Thresholds(data["min_overlap"], data["min_similarity"])


@dataclass(frozen=True)
class Verdict:
    verified: bool
    overlap: float = 0.0
    similarity: float = 0.0
    missing: tuple[str, ...] = ()  # facts of the sentence found in no cited sentence
    reason: str = ""  # why not verified, for people reading the JSON of an evaluation


class Verifier:
    """``check(sentence, cited_texts)``; ``embedder`` gives normalised vectors, ``nlp`` is spaCy."""

    def __init__(self, embedder, nlp, thresholds: Thresholds | None = None):
        self.embedder = embedder
        self.nlp = nlp
        self.thresholds = thresholds or load_thresholds()

    def measure(self, sentence: str, cited: list[str]) -> Verdict:
        """The three measurements, whatever the thresholds (``verified`` is left False)."""
        if not cited:
            return Verdict(False, reason="cites nothing")
        cited_tokens = {t for text in cited for t in normalized_tokens(text)}
        missing = tuple(f.text for f in facts(self.nlp(sentence)) if not present(f, cited_tokens))
        own = terms(sentence)
        overlap = len(own & frozenset().union(*(terms(t) for t in cited))) / len(own) if own else 0.0
        candidates = cited + ([" ".join(cited)] if len(cited) > 1 else [])
        vectors = self.embedder.embed_documents([sentence, *candidates])
        similarity = max(sum(a * b for a, b in zip(vectors[0], v)) for v in vectors[1:])
        return Verdict(False, overlap, float(similarity), missing)

    def check(self, sentence: str, cited: list[str]) -> Verdict:
        verdict = self.measure(sentence, cited)
        if verdict.reason:
            return verdict
        t = self.thresholds
        reason = ("names, numbers or dates not in the cited text: " + ", ".join(verdict.missing) if verdict.missing
                  else "too few of its words are in the cited text" if verdict.overlap < t.min_overlap
                  else "says something else than the cited text" if verdict.similarity < t.min_similarity else "")
        return Verdict(not reason, verdict.overlap, verdict.similarity, verdict.missing, reason)
