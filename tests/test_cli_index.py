"""``bot index`` and friends as a user runs them: real processes, exact output, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SQUAD_V1

SUMMARY = re.compile(r"^(\d+) articles, added (\d+), updated (\d+), deleted (\d+), unchanged (\d+) chunks in \d+\.\d s$")
ARTICLES = {
    "train.md": "---\ntitle: Kim's train\ndate: 2023-09-05\n---\nKim Jong Un rode his armored train to Vladivostok.\n\nThe trip took 20 hours.",
    "storm.txt": "Storm hits coast\n\nA powerful storm knocked out power to thousands of homes on Tuesday.",
    "squad/construction.txt": (SQUAD_V1 / "corpus" / "Construction_p000.txt").read_text(encoding="utf-8"),
}
UNDATED_NOTE = "note: 2 of 3 articles undated (no date in front matter, HTML metadata, file name or first lines)\n"
HEAVY = ("torch", "chromadb", "gradio", "langchain", "spacy", "sentence_transformers", "transformers")


def bot_command() -> list[str]:
    return [sys.executable, "-m", "bot"]


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(extra)
    return env


def run_bot(*args, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*bot_command(), *args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=timeout
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def make_project(root: Path) -> Path:
    """A working directory with corpus/ (three articles); the index goes to index/ by default."""
    for name, text in ARTICLES.items():
        path = root / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def wait_for_pid_file(index: Path, process: subprocess.Popen, limit: float = 300) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        try:
            pid = (index / ".build.pid").read_text().strip()
        except OSError:
            pid = ""
        if pid:
            return pid
        time.sleep(0.02)
    raise AssertionError("the first build never took the lock")


@pytest.fixture(scope="session")
def first_build(tmp_path_factory):
    """``bot index`` on a fresh project, plus a second ``bot index`` started while the first holds the lock."""
    root = make_project(tmp_path_factory.mktemp("cli"))
    first = subprocess.Popen(
        [*bot_command(), "index"], cwd=root, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    holder = wait_for_pid_file(root / "index", first)
    second = run_bot("index", cwd=root)
    out, err = first.communicate(timeout=600)
    return {"root": root, "first": (first.returncode, out, err), "second": second, "holder": holder, "pid": first.pid}


@pytest.fixture
def project(first_build, tmp_path):
    """A private copy of the indexed project."""
    shutil.copytree(first_build["root"], tmp_path / "project")
    return tmp_path / "project"


def snapshot(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.slow
def test_first_index_prints_only_the_summary_line(first_build):
    code, out, err = first_build["first"]
    assert code == 0, err
    assert err == UNDATED_NOTE, "no progress bar off a terminal, and no library chatter (Loading weights, warnings, logs)"
    match = SUMMARY.match(out.strip())
    assert match and out.count("\n") == 1, out
    articles, added, updated, deleted, unchanged = map(int, match.groups())
    assert (articles, updated, deleted, unchanged) == (3, 0, 0, 0) and added >= 3


@pytest.mark.slow
def test_a_second_concurrent_index_is_refused_with_the_holders_pid(first_build):
    second = first_build["second"]
    assert first_build["holder"] == str(first_build["pid"])
    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr == f"error: another index build is running (pid {first_build['pid']})\n"


@pytest.mark.slow  # starts the bot as a process
def test_second_index_run_changes_nothing(project):
    import json

    current = project / "index" / (project / "index" / "CURRENT").read_text().strip()
    chunks = json.loads((current / "manifest.json").read_text())["chunk_count"]
    before = snapshot(project / "index")
    result = run_bot("index", cwd=project)
    assert result.returncode == 0
    assert result.stderr == UNDATED_NOTE
    match = SUMMARY.match(result.stdout.strip())
    assert match and match.groups() == ("3", "0", "0", "0", str(chunks))
    after = snapshot(project / "index")
    assert {k: v for k, v in after.items() if k.startswith("gen-")} == {k: v for k, v in before.items() if k.startswith("gen-")}
    assert after["CURRENT"] == before["CURRENT"]


@pytest.mark.slow  # starts the bot as a process
def test_dry_run_prints_the_changes_and_writes_nothing(project):
    corpus = project / "corpus"
    (corpus / "storm.txt").write_text(ARTICLES["storm.txt"] + "\nPower is back.\n")
    (corpus / "squad" / "construction.txt").unlink()
    (corpus / "new.md").write_text("A new article about rail travel.")
    before = snapshot(project)
    result = run_bot("index", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "add new", "update storm", "delete squad/construction", "would add 1, update 1, delete 1, keep 1 articles",
    ]
    assert snapshot(project) == before


@pytest.mark.slow  # starts the bot as a process
def test_dry_run_without_an_index_creates_nothing(tmp_path):
    root = make_project(tmp_path)
    result = run_bot("index", "--dry-run", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["a full build (no index yet)", "would add 3, update 0, delete 0, keep 0 articles"]
    assert not (root / "index").exists()


@pytest.mark.slow
def test_verify_passes_on_a_fresh_index_and_fails_after_tampering(project):
    ok = run_bot("index", "--verify", cwd=project)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "index matches the corpus\n", "")
    import chromadb

    generation = (project / "index" / "CURRENT").read_text().strip()
    client = chromadb.PersistentClient(path=str(project / "index" / generation / "chroma"))
    client.get_collection("chunks").delete(ids=["train#0"])
    client.close()
    (project / "corpus" / "storm.txt").write_text("Storm hits coast\n\nAn edited story.")
    bad = run_bot("index", "--verify", cwd=project)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "stale articles: storm", "missing records: train#0", "bm25 mismatch: train#0",
        'the index does not match its own manifest: run "bot index --rebuild"',
    ]
    repaired = run_bot("index", cwd=project)  # the missing record makes it rebuild from scratch
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stderr.startswith("note: rebuilt from scratch because the index holds")
    assert run_bot("index", "--verify", cwd=project).returncode == 0


@pytest.mark.slow  # starts the bot as a process
def test_unreadable_articles_are_skipped_with_warnings_and_exit_code_2(project):
    corpus = project / "corpus"
    (corpus / "latin1.txt").write_bytes("Caf\xe9\n".encode("latin-1"))
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "broken.md").write_text("---\ntitle: [oops\n---\nBody.")
    (corpus / "when.md").write_text("---\ndate: last tuesday\n---\nBody.")
    result = run_bot("index", cwd=project)
    assert result.returncode == 2
    assert SUMMARY.match(result.stdout.strip()).group(1, 2, 3, 4) == ("4", "1", "0", "0")  # when.md loads, undated
    assert sorted(result.stderr.splitlines()) == [
        "note: 3 of 4 articles undated (no date in front matter, HTML metadata, file name or first lines)",
        "note: when.md: front matter date 'last tuesday' is not a date (use ISO 8601, e.g. 2023-09-05); left undated",
        "warning: skipped broken.md: malformed front matter (line 2: expected ',' or ']', but got '<stream end>')",
        "warning: skipped empty.md: empty file",
        "warning: skipped latin1.txt: not UTF-8 (byte 3); re-save it as UTF-8",
        "warning: skipped photo.txt: binary file, not UTF-8 text",
    ]


@pytest.mark.slow  # starts the bot as a process
def test_files_that_must_not_be_indexed_are_skipped_naming_them_and_the_rest_indexed(project, tmp_path):
    corpus = project / "corpus"
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (corpus / "passwd.txt").symlink_to(secret)
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"A Latin-1 file name.")
    (corpus / "bomb.md").write_bytes(
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        b"title: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\nBody.\n"
    )
    result = run_bot("index", cwd=project)
    assert result.returncode == 2, result.stderr
    assert SUMMARY.match(result.stdout.strip()).group(1, 2, 3, 4) == ("3", "0", "0", "0")
    assert sorted(line for line in result.stderr.splitlines() if "undated" not in line) == [
        "warning: skipped b'caf\\xe9.txt': file name is not UTF-8; rename the file",
        "warning: skipped bomb.md: malformed front matter (line 2: YAML anchors and aliases (&name, *name) are not allowed)",
        "warning: skipped passwd.txt: links to a file outside the corpus folder; skipped",
    ]
    assert "root:x" not in run_bot("ask", "What is the root password entry?", cwd=project).stdout


@pytest.mark.slow  # starts the bot as a process
def test_a_duplicate_file_is_noted_and_indexed_once(project):
    shutil.copy(project / "corpus" / "storm.txt", project / "corpus" / "storm-copy.txt")
    result = run_bot("index", cwd=project)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "note: storm-copy.txt duplicates storm; indexed once",
        "note: 2 of 3 articles undated (no date in front matter, HTML metadata, file name or first lines)",
    ]
    assert SUMMARY.match(result.stdout.strip()).group(1, 2) == ("3", "0")


@pytest.mark.parametrize(
    "setup, args, message",
    [
        ("none", ["index"], 'error: corpus folder corpus/ does not exist: create it and put .md, .txt or .html articles in it'),
        ("empty corpus", ["index"], "error: no articles in corpus/: add .md, .txt or .html files"),
        ("blocked index", ["index", "--index", "blocker/index"], "error: cannot write the index folder blocker/index/: Not a directory"),
        ("corpus", ["index", "--verify"], 'error: no index at index/: run "bot index"'),
        ("corpus", ["ask", "Where did Kim go?"], 'error: no index at index/: run "bot index"'),
        ("none", ["index", "--corpus", "missing-folder"], "error: corpus folder missing-folder/ does not exist: create it and put .md, .txt or .html articles in it"),
    ],
)
@pytest.mark.slow  # starts the bot as a process
def test_bad_input_is_one_line_and_exit_1(tmp_path, setup, args, message):
    if setup == "empty corpus":
        (tmp_path / "corpus").mkdir()
        (tmp_path / "corpus" / "notes.pdf").write_bytes(b"%PDF")
    if setup in ("corpus", "blocked index"):
        make_project(tmp_path)
    if setup == "blocked index":
        (tmp_path / "blocker").write_text("a file")
    result = run_bot(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")
    if setup == "none":
        assert not (tmp_path / "index").exists(), "a failed start leaves nothing behind"


@pytest.mark.slow  # starts the bot as a process
@pytest.mark.parametrize("damage", ["garbage CURRENT", "deleted chroma folder", "truncated manifest", "truncated sqlite"])
@pytest.mark.parametrize("command", [["ask", "Where did Kim go?"], ["index", "--verify"]])
def test_readers_of_a_damaged_index_say_so_in_one_line(project, damage, command):
    index = project / "index"
    generation = index / (index / "CURRENT").read_text().strip()
    if damage == "garbage CURRENT":
        (index / "CURRENT").write_text("definitely not a generation")
    elif damage == "deleted chroma folder":
        shutil.rmtree(generation / "chroma")
    elif damage == "truncated sqlite":
        with open(generation / "chroma" / "chroma.sqlite3", "r+b") as handle:
            handle.truncate(4096)
    else:
        (generation / "manifest.json").write_text('{"generation": "gen-0')
    result = run_bot(*command, cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == 'error: index at index/ is unreadable: run "bot index --rebuild"\n'


@pytest.mark.slow  # starts the bot as a process
def test_readers_with_other_chunking_settings_refuse_in_one_line(project):
    result = run_bot("ask", "Where did Kim go?", cwd=project, env=clean_env(BOT_CHUNKING__MAX_TOKENS="100"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        'error: index was built with embedder all-MiniLM-L6-v2 (onnx-fp32) and chunking max_tokens=200, overlap_sentences=1: '
        'run "bot index --rebuild"\n'
    )


@pytest.mark.slow
def test_bot_ask_shows_no_library_noise(project):
    result = run_bot("ask", "How long did the train trip take?", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip()


def run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (stdout stays a pipe); return (code, stdout, what the terminal saw)."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([*bot_command(), *args], cwd=cwd, env=clean_env(TERM="xterm", COLUMNS="100"),
                               stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    seen = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            seen.extend(data)
        elif process.poll() is not None:
            break
    os.close(master)
    with process.stdout:
        out = process.stdout.read()
    return process.wait(timeout=60), out, seen.decode("utf-8", "replace")


@pytest.mark.slow  # starts the bot as a process
def test_progress_bar_goes_to_a_terminal_stderr_only_and_not_with_quiet(project):
    corpus = project / "corpus"
    (corpus / "storm.txt").rename(corpus / "weather.txt")  # a change that needs no model: rename
    code, out, terminal = run_with_terminal_stderr(["index"], project)
    assert code == 0, terminal
    assert SUMMARY.match(out.strip()) and out.count("\n") == 1, "stdout keeps only the summary"
    assert "chunking" in terminal and "finishing" in terminal and "2/2" in terminal
    (corpus / "weather.txt").rename(corpus / "climate.txt")
    code, out, terminal = run_with_terminal_stderr(["index", "--quiet"], project)
    assert code == 0 and SUMMARY.match(out.strip())
    assert terminal.replace("\r\n", "\n") == UNDATED_NOTE  # notes stay; the progress bar goes


@pytest.mark.slow  # starts the bot as a process
def test_help_does_not_import_heavy_libraries():
    probe = (
        "import sys\n"
        "sys.argv = ['bot', '--help']\n"
        "import bot.cli.app\n"
        "try:\n    bot.cli.app.main()\nexcept SystemExit:\n    pass\n"
        "for sub in (['index', '--help'], ['ask', '--help'], ['config', '--help']):\n"
        "    sys.argv = ['bot', *sub]\n"
        "    try:\n        bot.cli.app.main()\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0].startswith({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Build or update the index" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
