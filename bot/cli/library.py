"""``bot add`` and ``bot rm``: change the corpus folder and re-index, as the web UI's Library tab does."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.options import CorpusOpt, IndexOpt, QuietOpt, load
from bot.errors import ArticleError


def add(
    files: Annotated[list[Path], typer.Argument(help="Article files (.txt, .md, .html) to copy into the corpus.")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace an article saved under the same name.")] = False,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Add articles to the corpus (all or none, checked first), then update the index."""
    from bot.library import add_articles

    uploads = []
    for path in files:
        try:
            uploads.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    _finish(lambda progress: add_articles(load(corpus, index_dir), uploads, replace, progress=progress), quiet)


def rm(
    path: Annotated[str, typer.Argument(help="The article's path inside the corpus folder, e.g. story.md.")],
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete an article from the corpus, then update the index."""
    from bot.library import remove_article

    _finish(lambda progress: remove_article(load(corpus, index_dir), path, progress=progress), quiet)


def _finish(change, quiet: bool) -> None:
    from bot.cli.progress import progress_bar

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        update = change(progress)
    typer.echo(update.message(), err=not update.ok)
    if not update.ok:
        raise typer.Exit(1)
