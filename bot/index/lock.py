"""One index writer at a time, across processes: ``build_lock`` holds ``.build.lock`` in the index
folder, with the holder's pid in ``.build.pid`` so that a second writer can say who it waits for."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import IndexBuildError, IndexLockedError

_LOCK = ".build.lock"
_PID = ".build.pid"


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time, across processes; a second one fails at once with the holder's pid."""
    from filelock import FileLock, Timeout

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(index_dir / _LOCK), timeout=0)
        lock.acquire()
    except Timeout:
        raise IndexLockedError(f"another index build is running (pid {_lock_owner(index_dir)})") from None
    except OSError as exc:
        raise IndexBuildError(f"cannot write the index folder {index_dir}/: {exc.strerror or exc}") from exc
    try:
        (index_dir / _PID).write_text(str(os.getpid()))
        yield
    finally:
        (index_dir / _PID).unlink(missing_ok=True)
        lock.release()


def _lock_owner(index_dir: Path) -> str:
    for _ in range(40):  # the holder writes its pid just after taking the lock
        try:
            pid = (index_dir / _PID).read_text().strip()
        except OSError:
            pid = ""
        if pid:
            return pid
        time.sleep(0.05)
    return "unknown"
