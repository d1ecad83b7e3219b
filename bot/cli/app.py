"""The ``bot`` command. Thin: parse flags, call the library, print.

Heavy libraries load inside the commands, so ``bot --help`` stays instant.
Every ``BotError`` is caught once in ``main`` and shown as one line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bot.cli import answering, library, llm
from bot.cli.options import BackendOpt, CorpusOpt, IndexOpt, QuietOpt, StrictLLMOpt, err, load
from bot.errors import BotError, ConfigError

app = typer.Typer(
    help="Ask a folder of news articles a question; get a short answer with its exact source passage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich imports ~0.5 s of modules for a --help
)
app.command()(answering.ask)
app.command()(answering.chat)


@app.command()
def index(
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from scratch.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Compare index and corpus; exit 1 on any mismatch.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Build or update the index from the corpus (incremental, crash-safe).

    Exit codes: 0 done, 1 error (or --verify found a mismatch), 2 done but some articles were skipped.
    """
    settings = load(corpus, index_dir)
    if dry_run:
        from bot.index import describe_plan, plan_build

        plan = plan_build(settings, rebuild)
        for line in describe_plan(plan):
            typer.echo(line)
        _warn_skipped(plan.scan.skipped)
        return
    if verify:
        from bot.index import verify as check

        report = check(settings)
        for line in report.lines():
            typer.echo(line)
        _warn_skipped(report.skipped)
        raise typer.Exit(0 if report.ok else 1)
    from bot.cli.progress import progress_bar
    from bot.index import build

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = build(settings, rebuild=rebuild, progress=progress)
    if report.full_build is not None and not report.full_build.expected:
        err(f"note: rebuilt from scratch because {report.full_build.describe()}")
    for path, of in report.duplicates:
        err(f"note: {path} duplicates {of}; indexed once")
    for _path, note in report.date_notes:
        err(f"note: {note}")
    if report.undated:
        err(f"note: {report.undated} of {report.articles} articles undated "
            "(no date in front matter, HTML metadata, file name or first lines)")
    _warn_skipped(report.skipped)
    typer.echo(report.summary())
    if report.skipped:
        raise typer.Exit(2)


def _warn_skipped(skipped) -> None:
    for _path, reason in skipped:
        err(f"warning: skipped {reason}")


@app.command("eval")
def evaluate(
    qa: Annotated[Path, typer.Argument(help="QA file, one JSON object a line.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder of the documents the questions are about.")],
    index_dir: IndexOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write metrics and per-question rows as JSON.")] = None,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="Chunks to retrieve.")] = 5,
    quiet: QuietOpt = False,
    backend: BackendOpt = None,
    strict_llm: StrictLLMOpt = False,
) -> None:
    """Measure retrieval, answers, citations and refusals on a QA set."""
    from bot.cli.progress import progress_bar
    from bot.evaluate import METRICS, run, write_report

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        metrics, rows = run(load(backend=backend, strict_llm=strict_llm), qa, corpus, index_dir, k, progress)
    width = max(len(m) for m in METRICS)
    for name in METRICS:
        value = metrics.get(name)
        shown = "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        typer.echo(f"{name:<{width}}  {shown}")
    if output:
        write_report(output, metrics, rows)


app.command()(library.add)
app.command()(library.rm)
app.command("llm-serve")(llm.llm_serve)


@app.command()
def config() -> None:
    """Print the effective settings (defaults < bot.toml < BOT_* environment)."""
    typer.echo(json.dumps(load().model_dump(mode="json"), indent=2))


@app.command()
def web(
    host: Annotated[Optional[str], typer.Option("--host", help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port (default 7860).")] = None,
    auth: Annotated[Optional[str], typer.Option("--auth", help="user:password, required beyond loopback.")] = None,
    share: Annotated[str, typer.Option("--share", help="Gradio share links: only 'no' is supported.")] = "no",
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    backend: BackendOpt = None,
    strict_llm: StrictLLMOpt = False,
) -> None:
    """Start the web UI."""
    if share.lower() not in ("no", "false", "0"):
        raise ConfigError("--share is not supported: the bot serves only this machine or your own network")
    settings = load(corpus, index_dir, backend, strict_llm, web={"host": host, "port": port, "auth": auth})
    from bot.web.app import serve

    serve(settings)


@app.command()
def serve(
    port: Annotated[Optional[int], typer.Option("--port", help="Listen on 127.0.0.1:PORT instead of a Unix socket.")] = None,
    index_dir: IndexOpt = None,
) -> None:
    """Keep the models loaded for bot ask and bot chat (they use it while it runs). Ctrl-C stops it."""
    from bot.serve.address import check_port
    from bot.serve.server import serve as run

    check_port(port)
    settings = load(index=index_dir)
    err("loading models…")
    run(settings, port, ready=lambda where: err(f"bot serve: answering on {where} (Ctrl-C stops)"))


def main() -> None:
    try:
        app()
    except BotError as exc:
        if os.environ.get("BOT_DEBUG") == "1":
            raise
        err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug or a library failing underneath: still one line, details on request
        if os.environ.get("BOT_DEBUG") == "1":
            raise
        err(f"error: {answering.unexpected(exc)}")
        sys.exit(1)
