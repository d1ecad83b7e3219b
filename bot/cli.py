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

from bot.errors import BotError, ConfigError

app = typer.Typer(
    help="Ask a folder of news articles a question; get a short answer with its exact source passage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Corpus folder (default: corpus/, or BOT_CORPUS__DIR).")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="Index folder (default: index/, or BOT_INDEX__DIR).")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Only articles from this source.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only articles dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Only articles dated on or before YYYY-MM-DD.")]
ArticleOpt = Annotated[Optional[list[str]], typer.Option("--article", help="Only this article id (repeatable).")]
KOpt = Annotated[Optional[int], typer.Option("-k", "--k", min=1, max=100, help="Chunks to retrieve.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one object per answer).")]


def _settings(corpus: Path | None = None, index: Path | None = None):
    from bot.settings import load_settings

    return load_settings(corpus={"dir": corpus}, index={"dir": index})


def _filters(source, since, until, article):
    import datetime as dt

    from bot.retrieve import Filters

    for name, value in (("--since", since), ("--until", until)):
        if value:
            try:
                dt.date.fromisoformat(value[:10])
            except ValueError:
                raise ConfigError(f"{name} {value!r} is not a date: use YYYY-MM-DD") from None
    return Filters(source=source, since=since, until=until, articles=tuple(article or ()))


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def index(
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from scratch.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Compare index and corpus; exit 1 on any mismatch.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Build or update the index from the corpus (incremental, crash-safe)."""
    settings = _settings(corpus, index_dir)
    if dry_run:
        from bot.index import plan_build
        from bot.verify import describe_plan

        plan = plan_build(settings, rebuild)
        for line in describe_plan(plan):
            typer.echo(line)
        _warn_skipped(plan.scan.skipped)
        return
    if verify:
        from bot.verify import verify as check

        report = check(settings)
        for line in report.lines():
            typer.echo(line)
        raise typer.Exit(0 if report.ok else 1)
    from bot.index import build
    from bot.progress import progress_bar

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = build(settings, rebuild=rebuild, progress=progress)
    for path, of in report.duplicates:
        _err(f"note: {path} duplicates {of}; indexed once")
    _warn_skipped(report.skipped)
    typer.echo(report.summary())
    if report.skipped:
        raise typer.Exit(2)


def _warn_skipped(skipped) -> None:
    for _path, reason in skipped:
        _err(f"warning: skipped {reason}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    json_out: JsonOpt = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Answer one question with citations."""
    from bot.answer import Engine
    from bot.render import render_answer

    settings = _settings(index=index_dir)
    answer = Engine(settings).ask(question, filters=_filters(source, since, until, article), k=k)
    typer.echo(json.dumps(answer.to_json(), ensure_ascii=False) if json_out else render_answer(answer))


@app.command()
def chat(
    json_out: JsonOpt = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Talk with the articles; follow-up questions use the conversation. /reset starts over."""
    from bot.answer import Engine
    from bot.chat import Conversation
    from bot.render import render_answer

    settings = _settings(index=index_dir)
    conversation = Conversation(Engine(settings), filters=_filters(source, since, until, article), k=k)
    interactive = sys.stdin.isatty() and not json_out
    if interactive:
        import readline  # noqa: F401 - line editing and history for input()

        conversation.engine.reader  # noqa: B018 - fail now on a missing index, not after the first question
        typer.echo("Ask about the articles (/reset to start over, Ctrl-D to quit).")
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and line == "":
            break
        if not line.strip():
            continue
        try:
            answer = conversation.ask(line.rstrip("\n"))
        except BotError as exc:
            if not interactive:
                typer.echo(json.dumps({"question": line.strip(), "error": str(exc)}, ensure_ascii=False))
            else:
                _err(str(exc))
            continue
        if interactive:
            typer.echo(render_answer(answer))
        else:
            typer.echo(json.dumps(answer.to_json(), ensure_ascii=False), nl=True)
            sys.stdout.flush()


@app.command("eval")
def evaluate(
    qa: Annotated[Path, typer.Argument(help="QA file, one JSON object a line.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder of the documents the questions are about.")],
    index_dir: IndexOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write metrics and per-question rows as JSON.")] = None,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="Chunks to retrieve.")] = 5,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Measure retrieval, answers, citations and refusals on a QA set."""
    from bot.evaluate import METRICS, run, write_report
    from bot.progress import progress_bar

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        metrics, rows = run(_settings(), qa, corpus, index_dir, k, progress)
    width = max(len(m) for m in METRICS)
    for name in METRICS:
        value = metrics.get(name)
        shown = "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        typer.echo(f"{name:<{width}}  {shown}")
    if output:
        write_report(output, metrics, rows)


@app.command()
def config() -> None:
    """Print the effective settings (defaults < bot.toml < BOT_* environment)."""
    typer.echo(json.dumps(_settings().model_dump(mode="json"), indent=2))


@app.command()
def web(
    host: Annotated[Optional[str], typer.Option("--host", help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port (default 7860).")] = None,
    auth: Annotated[Optional[str], typer.Option("--auth", help="user:password, required beyond loopback.")] = None,
    share: Annotated[str, typer.Option("--share", help="Gradio share links: only 'no' is supported.")] = "no",
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Start the web UI."""
    from bot.settings import load_settings

    if share.lower() not in ("no", "false", "0"):
        raise ConfigError("--share is not supported: the bot serves only this machine or your own network")
    settings = load_settings(corpus={"dir": corpus}, index={"dir": index_dir}, web={"host": host, "port": port, "auth": auth})
    from bot.web import serve

    serve(settings)


def main() -> None:
    try:
        app()
    except BotError as exc:
        if os.environ.get("BOT_DEBUG") == "1":
            raise
        _err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
