"""Where Gradio keeps uploaded files, and making sure it does not keep them.

Gradio writes every upload to its temporary folder (``GRADIO_TEMP_DIR``,
``/tmp/gradio`` by default, shared by every Gradio app on the machine) and
never deletes it: each article added, and each one refused, would stay there
across restarts until the disk filled. ``bot web`` therefore points Gradio at a
folder of its own (``newsbot-uploads-<pid>-…`` in the system's temporary
folder), removes the folders of processes that died without removing theirs
when it starts, deletes each upload as soon as the library has read it
(saved or refused), and removes its folder at exit. An upload that never
reaches the library (chosen in the browser, never added) is deleted by Gradio
after ``ABANDONED_AFTER_S``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

from bot.folders import remove_orphaned

PREFIX = "newsbot-uploads-"
ABANDONED_AFTER_S = 3600  # an upload not added to the library by then is deleted...
SWEEP_EVERY_S = 600  # ...by a sweep this often (Gradio's delete_cache)
PLACEHOLDER_AGE_S = 60  # an empty tmp* file this old is a placeholder, not an upload still arriving


class UploadFolder:
    """This process's Gradio upload folder."""

    def __init__(self, parent: Path | None = None):
        parent = Path(parent or tempfile.gettempdir())
        sweep_dead(parent)
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
        atexit.register(self.remove)

    def use(self) -> None:
        """Make the Gradio apps built from now on in this process keep their files here."""
        os.environ["GRADIO_TEMP_DIR"] = str(self.path)

    def holds(self, path: Path) -> bool:
        try:
            return Path(path).resolve().is_relative_to(self.path.resolve())
        except OSError:
            return False

    def discard(self, files: list[str | Path]) -> None:
        """Delete uploads the library has read (files outside this folder are never touched), their
        now-empty folders, and the empty placeholder files Gradio makes for each file it hands over
        (once they are a minute old: an upload being received starts as an empty tmp* file too)."""
        for name in files:
            path = Path(name)
            if not self.holds(path):
                continue
            path.unlink(missing_ok=True)
            if path.parent != self.path:
                try:
                    path.parent.rmdir()  # Gradio's per-content folder: gone once empty
                except OSError:
                    pass
        settled = time.time() - PLACEHOLDER_AGE_S
        for placeholder in self.path.glob("tmp*"):
            try:
                stat = placeholder.stat()
                if placeholder.is_file() and stat.st_size == 0 and stat.st_mtime < settled:
                    placeholder.unlink()
            except OSError:
                pass

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def sweep_dead(parent: Path) -> None:
    """Remove the upload folders of ``bot web`` processes that are no longer running (killed, say)."""
    remove_orphaned(parent, PREFIX)
