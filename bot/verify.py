"""``bot index --verify`` and ``--dry-run``: compare the index with the corpus without writing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.corpus import load_corpus
from bot.errors import IndexCorruptError
from bot.plan import Plan
from bot.lexical import BM25_DIR
from bot.settings import Settings
from bot.store import opened_collection, read_current_manifest

_PAGE = 5000


@dataclass
class VerifyReport:
    missing_articles: list[str] = field(default_factory=list)  # in the corpus, not in the index
    extra_articles: list[str] = field(default_factory=list)  # in the index, not in the corpus
    stale_articles: list[str] = field(default_factory=list)  # changed since indexed
    missing_records: list[str] = field(default_factory=list)  # in the manifest, not in Chroma
    extra_records: list[str] = field(default_factory=list)  # in Chroma, not in the manifest
    bm25_mismatch: list[str] = field(default_factory=list)  # chunk ids where BM25 and Chroma disagree
    skipped: list[tuple[str, str]] = field(default_factory=list)  # unreadable files: warnings, not mismatches

    @property
    def ok(self) -> bool:
        return not any(values for name, values in self.__dict__.items() if name != "skipped")

    def lines(self) -> list[str]:
        out = []
        for name, values in self.__dict__.items():
            if values and name != "skipped":
                shown = ", ".join(values[:10]) + (f", ... ({len(values)} in all)" if len(values) > 10 else "")
                out.append(f"{name.replace('_', ' ')}: {shown}")
        if self.missing_records or self.extra_records or self.bm25_mismatch:
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
    expected = {f"{aid}#{i}" for aid, entry in indexed.items() for i in range(entry["chunks"])}
    stored: set[str] = set()
    with opened_collection(settings, generation) as collection:
        try:
            offset, total = 0, collection.count()
            while offset < total:
                stored.update(collection.get(include=[], limit=_PAGE, offset=offset)["ids"])
                offset += _PAGE
        except Exception as exc:
            raise IndexCorruptError(f'index at {settings.index.dir}/ is unreadable: run "bot index --rebuild"') from exc
    report.missing_records = sorted(expected - stored)
    report.extra_records = sorted(stored - expected)
    try:
        lexical = set(json.loads((generation / BM25_DIR / "chunk_ids.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise IndexCorruptError(f'index at {settings.index.dir}/ is unreadable: run "bot index --rebuild"') from exc
    report.bm25_mismatch = sorted(lexical ^ stored)
    return report


def describe_plan(plan: Plan) -> list[str]:
    lines = []
    for label, items in (("add", [a.id for a in plan.add]), ("update", [a.id for a in plan.update]), ("delete", plan.delete)):
        lines.extend(f"{label} {item}" for item in items)
    if plan.full_rebuild:
        lines.append(f"a full build ({plan.full_reason})")
    summary = f"would add {len(plan.add)}, update {len(plan.update)}, delete {len(plan.delete)}, keep {len(plan.keep)} articles"
    return lines + [summary]
