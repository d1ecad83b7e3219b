"""The corpus folder: which files in it are articles, and the boundary no article may cross.

A file (or link) that resolves outside the folder and a file name that is not UTF-8 are refused
with an ``ArticleError`` naming the file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.errors import ArticleError, CorpusError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES  # what the corpus reads, and what the web UI accepts as uploads


def article_files(root: Path) -> list[Path]:
    # Links are listed even when broken or looping, so that reading them reports why they are skipped.
    return sorted(
        p for p in root.rglob("*")
        if p.suffix.lower() in SUFFIXES and (p.is_symlink() or p.is_file()) and not _hidden(p, root)
    )


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def check_corpus_folder(root: Path) -> None:
    if not root.exists():
        raise CorpusError(f"corpus folder {root}/ does not exist: create it and put .md, .txt or .html articles in it")
    if not root.is_dir():
        raise CorpusError(f"corpus path {root} is not a folder")


def printable_name(rel: str) -> str:
    """``rel`` itself when it is valid UTF-8, else the repr of its bytes (``b'caf\\xe9.txt'``):
    a name with undecodable bytes cannot be stored, printed or sent to a browser as it is."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return repr(os.fsencode(rel))
    return rel


def inside_corpus(path: Path, root: Path) -> Path:
    """``path`` resolved (links followed), or ``ArticleError`` when it resolves outside ``root``:
    a link in the corpus must not make the bot read, index or quote any other file."""
    rel = path.relative_to(root).as_posix()
    try:
        target, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise ArticleError(f"{rel}: cannot resolve the link ({exc})".splitlines()[0]) from exc
    if not target.is_relative_to(base):
        raise ArticleError(f"{rel}: links to a file outside the corpus folder; skipped")
    return target


def in_corpus(root: Path, rel: str) -> bool:
    """False, with a warning naming it, for an indexed path whose file now resolves outside the
    corpus (an index built before links were checked, or a link swapped in since)."""
    try:
        inside_corpus(root / rel, root)
    except ArticleError as exc:
        logging.getLogger(__name__).warning("skipped %s", exc)
        return False
    return True
