"""What a failure underneath means to the user: one line naming the Chroma server, its token,
the full disk or the read-only folder, instead of Chroma's own words ("Error in compaction")
or the wrong advice to rebuild an index that is intact.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from bot.errors import BotError, IndexBuildError, IndexUnavailableError
from bot.settings import Settings


def server_address(settings: Settings) -> str:
    return f"{settings.index.chroma_host}:{settings.index.chroma_port}"


def chroma_failure(settings: Settings, exc: BaseException, folder: Path | None = None) -> BotError | None:
    """The one-line error for a failure whose cause is known (the server, its token, the disk),
    or None. ``folder`` is where an embedded database was being opened or written."""
    chain = causes(exc)
    if settings.index.chroma_host:
        address = server_address(settings)
        if any(_refused_token(e) for e in chain):
            return IndexUnavailableError(
                f"the Chroma server at {address} refused the token: check index.chroma_token (BOT_INDEX__CHROMA_TOKEN)"
            )
        if any(_unreachable(e) for e in chain):
            over = " over HTTPS" if settings.index.chroma_ssl else ""
            return IndexUnavailableError(
                f"Chroma server at {address} is unreachable{over}: start it, or check index.chroma_host, "
                "index.chroma_port and index.chroma_ssl"
            )
    where = f" at {folder}/" if folder is not None else ""
    if any(disk_full(e) for e in chain):
        return IndexUnavailableError(f"the disk is full{where}: free some space")
    if any(_read_only(e) for e in chain):
        return IndexUnavailableError(f"the index folder{where} is read-only: bot index needs to write there")
    return None


def build_failure(settings: Settings, exc: BaseException) -> BotError:
    """What a failed build tells the user: ``exc`` itself when it is a ``BotError``, except that a full
    disk is always named (Chroma reports it as "Error in compaction", or as an unexpected OSError 28)."""
    index_dir = settings.index.dir
    failure = chroma_failure(settings, exc, index_dir)
    free = _free_bytes(index_dir)
    compaction = any("Error in compaction" in str(e) for e in causes(exc))
    if (failure is not None and "disk is full" in str(failure)) or free < 16 * 2**20 or (compaction and free < 256 * 2**20):
        shown = f"{free / 2**20:.1f} MB" if free < 2**30 else f"{free / 2**30:.1f} GB"
        return IndexBuildError(
            f'the disk is full at {index_dir}/ ({shown} free): free some space and run "bot index" again; '
            "the previous index keeps answering"
        )
    if isinstance(exc, BotError):
        return exc
    return failure or IndexBuildError(f"index build failed, previous index kept: {exc}".splitlines()[0])


def _free_bytes(folder: Path) -> float:
    for path in (folder, *folder.parents):
        try:
            stats = os.statvfs(path)
        except OSError:
            continue
        return stats.f_bavail * stats.f_frsize
    return float("inf")


def causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([current.__cause__, current.__context__])
    return seen


def _refused_token(exc: BaseException) -> bool:
    from chromadb.errors import AuthorizationError, ChromaAuthError

    if isinstance(exc, (ChromaAuthError, AuthorizationError)):
        return True
    response = getattr(exc, "response", None)  # httpx.HTTPStatusError
    return getattr(response, "status_code", None) in (401, 403)


def _unreachable(exc: BaseException) -> bool:
    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError)):
        return True
    return isinstance(exc, ValueError) and "Could not connect to a Chroma server" in str(exc)


def disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return "database or disk is full" in text or "No space left on device" in text


def _read_only(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    text = str(exc)
    return "readonly database" in text or "Read-only file system" in text
