"""What a build would change: the corpus compared with the current generation's manifest
(``bot index --dry-run`` prints it).

Reads the corpus and the manifest, writes nothing. The current generation's
Chroma files are never opened here (Chroma rewrites files when it opens a
folder, and the live generation must stay untouched by the writer): only
SQLite's read-only quick check looks at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.corpus import CorpusScan, check_corpus_folder, load_corpus
from bot.errors import BotError, IndexMismatchError, IndexMissingError
from bot.index.manifest import Manifest, current_manifest, incompatibility, read_current_manifest
from bot.settings import Settings
from bot.types import Article

FullBuildKind = Literal["no_index", "requested", "settings_changed", "unreadable", "records_lost", "damaged"]


@dataclass(frozen=True)
class FullBuild:
    """Why a build starts from scratch instead of from the current generation."""

    kind: FullBuildKind
    detail: str = ""  # e.g. what the old index was built with, or the record counts that disagree

    @property
    def expected(self) -> bool:
        """A first build or an asked-for rebuild: nothing worth telling the user."""
        return self.kind in ("no_index", "requested")

    def describe(self) -> str:
        return {
            "no_index": "no index yet",
            "requested": "--rebuild",
            "settings_changed": f"the index was built with {self.detail}",
            "unreadable": "the index is unreadable",
            "records_lost": self.detail,
            "damaged": f"the index is damaged ({self.detail})",
        }[self.kind]


@dataclass
class Plan:
    scan: CorpusScan
    add: list[Article] = field(default_factory=list)
    update: list[Article] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)  # article ids
    keep: list[str] = field(default_factory=list)
    previous: tuple[Path, Manifest] | None = None
    full_build: FullBuild | None = None  # why everything is built from scratch (None when incremental)

    @property
    def full_rebuild(self) -> bool:
        return self.previous is None

    @property
    def changed(self) -> bool:
        return bool(self.add or self.update or self.delete) or self.full_rebuild


def plan_build(settings: Settings, rebuild: bool = False) -> Plan:
    """What a build would do; reads the corpus and the current manifest, writes nothing.

    The current generation's Chroma files are never opened here: Chroma rewrites
    files when it opens a folder, and the live generation must stay untouched by
    the writer (the build checks its own copy instead, see ``_start_from``).
    """
    check_corpus_folder(settings.corpus.dir)  # before the slower look at the index
    previous, reason = (None, FullBuild("requested")) if rebuild else _usable_previous(settings)
    old = previous[1].articles if previous else {}
    scan = load_corpus(settings.corpus.dir, settings.corpus.max_article_mb, prefer=old.keys())
    return diff_corpus(scan, previous, reason)


def diff_corpus(scan: CorpusScan, previous: tuple[Path, Manifest] | None, reason: FullBuild | None) -> Plan:
    plan = Plan(scan=scan, previous=previous, full_build=reason)
    old = previous[1].articles if previous else {}
    for article in scan.articles:
        entry = old.get(article.id)
        if entry is None:
            plan.add.append(article)
        elif entry.get("hash") != article.content_hash or entry.get("date") != article.date:
            # a date found anew (say a newer bot reads file-name dates) re-writes the records' metadata;
            # their vectors are reused by text hash, so nothing is embedded again
            plan.update.append(article)
        else:
            plan.keep.append(article.id)
    current_ids = {a.id for a in scan.articles}
    plan.delete = sorted(i for i in old if i not in current_ids)
    return plan


def _usable_previous(settings: Settings) -> tuple[tuple[Path, Manifest] | None, FullBuild | None]:
    """The current generation if a build can start from it, else why not."""
    try:
        generation, manifest = read_current_manifest(settings)
    except IndexMissingError:
        return None, FullBuild("no_index")
    except IndexMismatchError:
        _, manifest = current_manifest(settings)
        return None, FullBuild("settings_changed", incompatibility(settings, manifest) or "")
    except BotError:
        return None, FullBuild("unreadable")
    if not settings.index.chroma_host and not _sqlite_intact(generation / "chroma" / "chroma.sqlite3"):
        return None, FullBuild("unreadable")
    return (generation, manifest), None


def _sqlite_intact(path: Path) -> bool:
    """SQLite's own quick check, opened read-only so the live generation is not touched."""
    import sqlite3

    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def describe_plan(plan: Plan) -> list[str]:
    """The lines ``bot index --dry-run`` prints."""
    lines = []
    for label, items in (("add", [a.id for a in plan.add]), ("update", [a.id for a in plan.update]), ("delete", plan.delete)):
        lines.extend(f"{label} {item}" for item in items)
    if plan.full_build is not None:
        lines.append(f"a full build ({plan.full_build.describe()})")
    summary = f"would add {len(plan.add)}, update {len(plan.update)}, delete {len(plan.delete)}, keep {len(plan.keep)} articles"
    return lines + [summary]
