"""Readers answer from an index they cannot write to: a read-only mount, a full disk.

Chroma writes to a database folder whenever it opens it. These tests make the index folder
really read-only (a read-only bind mount) or really full (a small tmpfs, filled up), inside a
user and mount namespace of their own (``unshare``), so they need no root and change nothing
outside; root's habit of ignoring file permissions does not get around either.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.index import build
from bot.settings import Settings

pytestmark = pytest.mark.slow

ARTICLES = {
    "train.md": "---\ntitle: Kim's train\n---\nKim Jong Un rode his armored train to Vladivostok. The trip took 20 hours.",
    "storm.txt": "Storm hits coast\n\nA powerful storm knocked out power to 40,000 homes on Tuesday.",
}
QUESTION = "How long did the train trip to Vladivostok take?"


def namespaces_work() -> bool:
    try:
        done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not namespaces_work(), reason="needs unprivileged user and mount namespaces (unshare --user --mount)"
)


def in_namespace(script: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) as root of a new user and mount namespace: its mounts vanish with it."""
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-ec", script],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=900,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def bot(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in (sys.executable, "-m", "bot", *args))


@pytest.fixture
def project(tmp_path, models):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text)
    build(Settings().with_overrides(corpus={"dir": corpus}, index={"dir": tmp_path / "index"}), models=models)
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(TMPDIR=str(tmp_path / "tmp"))
    return tmp_path, env


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_namespaces
def test_a_read_only_index_folder_answers_verifies_and_refuses_only_writes(project):
    root, env = project
    index = root / "index"
    before = snapshot(index)
    read_only = f"mount --bind {index} {index}; mount -o remount,ro,bind {index}; "
    asked = in_namespace(read_only + bot("ask", QUESTION), env, root)
    assert asked.returncode == 0, asked.stderr
    assert "20 hours" in asked.stdout
    verified = in_namespace(read_only + bot("index", "--verify"), env, root)
    assert (verified.returncode, verified.stdout) == (0, "index matches the corpus\n"), verified.stderr
    (root / "corpus" / "new.md").write_text("A new article about trains.")
    written = in_namespace(read_only + bot("index"), env, root)
    assert written.returncode == 1
    assert written.stderr == "error: cannot write the index folder index/: Read-only file system\n"
    assert snapshot(index) == before
    left = [p.name for p in (root / "tmp").iterdir() if p.name != ".ses"]  # .ses: onnxruntime writes it at import
    assert not left, "the private copy is gone when the reader is"


@needs_namespaces
def test_a_full_disk_still_answers_and_says_the_disk_is_full_where_it_cannot(hnsw_index_base, tmp_path):
    """Opening this index in place needs room on the disk (Chroma rewrites its HNSW files)."""
    root, disk = tmp_path, tmp_path / "disk"
    disk.mkdir()
    shutil.copytree(hnsw_index_base / "corpus", root / "corpus")
    fill = (
        f"mount -t tmpfs -o size=16m tmpfs {disk}; cp -r {hnsw_index_base / 'index'} {disk}/index; mkdir {disk}/tmp; "
        f"dd if=/dev/zero of={disk}/filler bs=64k 2>/dev/null || true; "
    )
    (root / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(TMPDIR=str(root / "tmp"), BOT_INDEX__DIR=str(disk / "index"))
    question = "How many homes lost power in the Hazel district?"
    asked = in_namespace(fill + bot("ask", question), env, root)
    assert asked.returncode == 0, asked.stderr
    assert "359" in asked.stdout

    (root / "corpus" / "new.md").write_text("A new article about trains and the weather in Vladivostok.")
    built = in_namespace(fill + bot("index"), env, root)
    assert built.returncode == 1
    assert built.stderr.startswith(f"error: the disk is full at {disk}/index/ (")
    assert built.stderr.endswith(' free): free some space and run "bot index" again; the previous index keeps answering\n')
    assert built.stderr.count("\n") == 1

    # Every temporary folder full as well (TMPDIR, /tmp, /var/tmp, the working folder): no copy is possible.
    # /tmp is hidden for that, so this part of the test keeps its disk under a folder outside /tmp.
    outside = next((Path(p) for p in ("/srv", "/media", "/mnt") if Path(p).is_dir()), None)
    if outside is None:
        pytest.skip("no folder outside /tmp to mount a full disk on")
    full_everywhere = (
        f"mount -t tmpfs -o size=16m tmpfs {outside}; cp -r {hnsw_index_base / 'index'} {outside}/index; "
        f"mkdir {outside}/tmp; dd if=/dev/zero of={outside}/filler bs=64k 2>/dev/null || true; "
        f"cd {outside}; mount --bind {outside}/tmp /var/tmp; mount --bind {outside}/tmp /tmp; "
    )
    env.update(TMPDIR=f"{outside}/tmp", BOT_INDEX__DIR=f"{outside}/index")
    no_room = in_namespace(full_everywhere + bot("ask", question), env, root)
    assert no_room.returncode == 1
    [generation] = [p.name for p in (hnsw_index_base / "index").glob("gen-*")]
    assert no_room.stderr == (
        f"error: the disk is full at {outside}/index/{generation}/chroma/, and no temporary folder has room for a "
        "copy of the index for reading: free some space, or set TMPDIR to a folder with room\n"
    )
