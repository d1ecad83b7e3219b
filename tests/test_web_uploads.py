"""Uploads do not pile up in Gradio's temporary folder (issue 13, hole 9): an upload is deleted once the
library has read it, saved or refused; the folder is the app's own, and folders left by dead processes
are removed when the next one starts. Driven through the web API with gradio_client."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def copies_of(data: bytes) -> list[Path]:
    """Files holding ``data`` in any Gradio upload folder on this machine (its default one and ours)."""
    root = Path(tempfile.gettempdir())
    folders = [root / "gradio", *root.glob("newsbot-uploads-*")]
    found = []
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            try:
                if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                    found.append(path)
            except OSError:
                pass
    return found


def article(marker: str) -> bytes:
    return f"---\ntitle: Harbour {marker}\n---\nThe harbour of Port {marker} reopened on Monday.\n".encode()


def test_added_and_refused_uploads_are_deleted_once_read(web_server, tmp_path):
    from gradio_client import handle_file

    app, url = web_server()
    api = client(url)
    added, refused = article(secrets.token_hex(8)), b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(32)
    (tmp_path / "harbour.md").write_bytes(added)
    (tmp_path / "photo.txt").write_bytes(refused)
    assert "Saved harbour.md (added)" in api.predict([handle_file(str(tmp_path / "harbour.md"))], False, "",
                                                     api_name="/upload")[0]
    assert "bot-error\">photo.txt: " in api.predict([handle_file(str(tmp_path / "photo.txt"))], False, "",
                                                   api_name="/upload")[0]
    assert (app.settings.corpus.dir / "harbour.md").read_bytes() == added  # saved in the corpus...
    assert copies_of(added) == [] and copies_of(refused) == []  # ...and in no upload folder
    assert [p for p in app.uploads.path.rglob("*") if p.is_file() and p.stat().st_size] == []
    assert (tmp_path / "harbour.md").exists()  # the client's own files are not touched


def test_gradio_placeholders_are_swept_at_the_next_upload(web_server, tmp_path):
    from gradio_client import handle_file

    app, url = web_server()
    api = client(url)
    (tmp_path / "one.md").write_bytes(article("One"))
    api.predict([handle_file(str(tmp_path / "one.md"))], False, "", api_name="/upload")
    placeholders = [p for p in app.uploads.path.glob("tmp*") if p.is_file()]
    assert placeholders, "Gradio leaves an empty file per upload it hands over"
    hour_ago = time.time() - 3600
    for path in placeholders:
        os.utime(path, (hour_ago, hour_ago))
    (tmp_path / "two.md").write_bytes(article("Two"))
    api.predict([handle_file(str(tmp_path / "two.md"))], False, "", api_name="/upload")
    assert not any(p.exists() for p in placeholders)


def test_a_dead_processs_upload_folder_is_removed_at_start(web_server):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = Path(tempfile.gettempdir()) / f"newsbot-uploads-{int(dead.stdout)}-left"
    (left / "abc").mkdir(parents=True)
    (left / "abc" / "article.md").write_bytes(article("Left"))
    app, _ = web_server()
    assert not left.exists()
    assert app.uploads.path.is_dir() and app.uploads.path != left
