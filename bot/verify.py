"""``bot index --verify`` and ``--dry-run``: compare the index with the corpus without writing."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.index import Plan, plan_build
from bot.settings import Settings
from bot.store import open_collection, read_current_manifest


@dataclass
class VerifyReport:
    missing_articles: list[str] = field(default_factory=list)  # in the corpus, not in the index
    extra_articles: list[str] = field(default_factory=list)  # in the index, not in the corpus
    stale_articles: list[str] = field(default_factory=list)  # changed since indexed
    missing_records: list[str] = field(default_factory=list)
    extra_records: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.__dict__.values())

    def lines(self) -> list[str]:
        out = []
        for name, values in self.__dict__.items():
            if values:
                shown = ", ".join(values[:10]) + (f", ... ({len(values)} in all)" if len(values) > 10 else "")
                out.append(f"{name.replace('_', ' ')}: {shown}")
        return out or ["index matches the corpus"]


def verify(settings: Settings) -> VerifyReport:
    generation, manifest = read_current_manifest(settings)
    plan = plan_build(settings)
    report = VerifyReport(
        missing_articles=[a.id for a in plan.add],
        extra_articles=list(plan.delete),
        stale_articles=[a.id for a in plan.update],
    )
    expected = {f"{aid}#{i}" for aid, entry in manifest.articles.items() for i in range(entry["chunks"])}
    collection = open_collection(settings, generation)
    stored: set[str] = set()
    offset, total = 0, collection.count()
    while offset < total:
        stored.update(collection.get(include=[], limit=5000, offset=offset)["ids"])
        offset += 5000
    report.missing_records = sorted(expected - stored)
    report.extra_records = sorted(stored - expected)
    return report


def describe_plan(plan: Plan) -> list[str]:
    lines = []
    for label, items in (("add", [a.id for a in plan.add]), ("update", [a.id for a in plan.update]), ("delete", plan.delete)):
        lines.extend(f"{label} {item}" for item in items)
    if plan.full_rebuild and plan.previous is None:
        lines.append("a full build (no usable index yet, or --rebuild)")
    summary = f"would add {len(plan.add)}, update {len(plan.update)}, delete {len(plan.delete)}, keep {len(plan.keep)} articles"
    return lines + [summary]
