"""What the stress scripts share: a ``bot`` process on a free loopback port, and what a process holds
(descriptors, deleted-but-open files, resident memory) read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BOT = [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without BOT_* settings, with this checkout first on the import path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_web(project: Path, env: dict, port: int | None = None, limit_s: float = 600) -> tuple[subprocess.Popen, str]:
    """``bot web`` over ``project``'s corpus/ and index/ on 127.0.0.1; returns (process, url) once it answers HTTP."""
    port = port or free_port()
    log = open(project / "web.log", "w")  # noqa: SIM115 - the process writes to it until it ends
    process = subprocess.Popen([*BOT, "web", "--port", str(port)], cwd=project, env=env,
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if process.poll() is not None:
            raise RuntimeError(f"bot web exited with {process.returncode}: {(project / 'web.log').read_text()[-800:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"bot web did not answer on {url} within {limit_s:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


def held(pid: int) -> dict[str, float]:
    """What ``pid`` holds: open descriptors; descriptors on deleted files, the distinct deleted files
    behind them and the disk they keep in use (MB; a file opened twice counts once); deleted files
    still memory-mapped; and RSS in MB."""
    fds = deleted = 0
    files: dict[tuple[int, int], int] = {}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        fds += 1
        try:
            target = os.readlink(fd)
            if not target.endswith(" (deleted)"):
                continue
            deleted += 1
            info = os.stat(fd)
            files[(info.st_dev, info.st_ino)] = info.st_blocks * 512
        except OSError:  # closed while we looked
            continue
    mapped = {line.split(None, 5)[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
              if line.endswith(" (deleted)")}
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    return {"fds": fds, "deleted_open": deleted, "deleted_files": len(files),
            "deleted_open_mb": round(sum(files.values()) / 2**20, 1), "deleted_mapped": len(mapped),
            "rss_mb": round(rss_kb / 1024, 1)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
