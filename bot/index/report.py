"""What ``bot index`` tells its caller: the ``BuildReport`` of a build, and the ``Progress`` callback
it reports each stage's progress to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.index.plan import FullBuild

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildReport:
    articles: int
    added: int = 0  # chunks of new articles
    updated: int = 0  # chunks of edited articles
    deleted: int = 0  # chunks of removed articles
    unchanged: int = 0  # chunks kept as they were
    embedded: int = 0  # distinct chunk texts sent to the embedder
    sentences_embedded: int = 0  # distinct sentence texts sent to the embedder (the others were reused)
    seconds: float = 0.0
    generation: str | None = None
    full_build: FullBuild | None = None  # why it was built from scratch (None when incremental)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    undated: int = 0  # articles with no publication date found
    date_notes: list[tuple[str, str]] = field(default_factory=list)  # (path, a date given that could not be read)

    def summary(self) -> str:
        return (
            f"{self.articles} articles, added {self.added}, updated {self.updated}, deleted {self.deleted}, "
            f"unchanged {self.unchanged} chunks in {self.seconds:.1f} s"
        )


def report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
