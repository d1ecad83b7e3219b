"""Scratch folders named after the process that made them (``<prefix><pid>-...``), and their clean-up.

A process normally removes its own; one that was killed cannot, so the next process to start sweeps
the folders whose process is gone: read-only index copies (bot/index/chroma.py), web uploads
(bot/web/uploads.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def remove_orphaned(parent: Path, prefix: str) -> None:
    """Remove the folders ``parent/<prefix><pid>-...`` whose process is no longer running."""
    for path in parent.glob(f"{prefix}*"):
        pid = path.name[len(prefix):].split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:  # alive, but another user's
            pass
