"""``bot index --verify``: compare the index with the corpus, and check every part of it, without writing."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.corpus import load_corpus
from bot.index.integrity import check_generation
from bot.index.manifest import read_current_manifest
from bot.settings import Settings


@dataclass
class VerifyReport:
    missing_articles: list[str] = field(default_factory=list)  # in the corpus, not in the index
    extra_articles: list[str] = field(default_factory=list)  # in the index, not in the corpus
    stale_articles: list[str] = field(default_factory=list)  # changed since indexed
    missing_records: list[str] = field(default_factory=list)  # in the manifest, not in Chroma
    extra_records: list[str] = field(default_factory=list)  # in Chroma, not in the manifest
    bm25_mismatch: list[str] = field(default_factory=list)  # chunk ids where BM25 and Chroma disagree
    damaged: list[str] = field(default_factory=list)  # parts that cannot be read as they should
    skipped: list[tuple[str, str]] = field(default_factory=list)  # unreadable files: warnings, not mismatches

    @property
    def ok(self) -> bool:
        return not any(values for name, values in self.__dict__.items() if name != "skipped")

    def lines(self) -> list[str]:
        out = []
        for name, values in self.__dict__.items():
            if values and name not in ("skipped", "damaged"):
                shown = ", ".join(values[:10]) + (f", ... ({len(values)} in all)" if len(values) > 10 else "")
                out.append(f"{name.replace('_', ' ')}: {shown}")
        out.extend(f"damaged {problem}" for problem in self.damaged)
        if self.damaged:
            out.append('the index is damaged: run "bot index" to rebuild it')
        elif self.missing_records or self.extra_records or self.bm25_mismatch:
            out.append('the index does not match its own manifest: run "bot index --rebuild"')
        elif out:
            out.append('the corpus changed since the last build: run "bot index"')
        return out or ["index matches the corpus"]


def verify(settings: Settings) -> VerifyReport:
    generation, manifest = read_current_manifest(settings)
    indexed = manifest.articles
    scan = load_corpus(settings.corpus.dir, settings.corpus.max_article_mb, prefer=indexed.keys())
    present = {a.id for a in scan.articles}
    report = VerifyReport(
        missing_articles=[a.id for a in scan.articles if a.id not in indexed],
        extra_articles=sorted(i for i in indexed if i not in present),
        stale_articles=[a.id for a in scan.articles if a.id in indexed and indexed[a.id].get("hash") != a.content_hash],
        skipped=scan.skipped,
    )
    check = check_generation(settings, generation, manifest)
    expected = {f"{aid}#{i}" for aid, entry in indexed.items() for i in range(entry["chunks"])}
    if check.stored_ids is not None:
        report.missing_records = sorted(expected - check.stored_ids)
        report.extra_records = sorted(check.stored_ids - expected)
        if check.bm25_ids is not None:
            report.bm25_mismatch = sorted(set(check.bm25_ids) ^ check.stored_ids)
    report.damaged = check.problems
    return report
