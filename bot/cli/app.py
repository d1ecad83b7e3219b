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


def _settings(corpus: Path | None = None, index: Path | None = None, **sections):
    from bot.settings import config_warnings, load_settings

    for line in config_warnings():
        _err(f"warning: {line}")
    return load_settings(corpus={"dir": corpus}, index={"dir": index}, **sections)


def _filters(source, since, until, article):
    from bot.types import Filters

    return Filters.parse(source, since, until, article)


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
    """Build or update the index from the corpus (incremental, crash-safe).

    Exit codes: 0 done, 1 error (or --verify found a mismatch), 2 done but some articles were skipped.
    """
    settings = _settings(corpus, index_dir)
    if dry_run:
        from bot.index import plan_build
        from bot.index import describe_plan

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
    from bot.index import build
    from bot.cli.progress import progress_bar

    with progress_bar(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = build(settings, rebuild=rebuild, progress=progress)
    if report.full_build is not None and not report.full_build.expected:
        _err(f"note: rebuilt from scratch because {report.full_build.describe()}")
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
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object (an error too, with exit 1).")] = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Answer one question: the answer, then numbered citations with the quoted passage."""
    from bot.engine import Engine
    from bot.chat.conversation import Conversation
    from bot.cli.render import render_answer

    try:
        settings = _settings(index=index_dir)
        conversation = Conversation(Engine(settings), filters=_filters(source, since, until, article), k=k)
        answer = conversation.ask(question)
    except BotError as exc:
        if json_out:
            typer.echo(_error_json(question, exc))
        raise
    typer.echo(json.dumps(answer.to_json(), ensure_ascii=False) if json_out else render_answer(answer))


@app.command()
def chat(
    json_out: Annotated[bool, typer.Option("--json", help="Read one question a line, print one JSON object a line.")] = False,
    k: KOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    article: ArticleOpt = None,
    index_dir: IndexOpt = None,
) -> None:
    """Talk with the articles; follow-ups use the conversation. /reset starts over.

    On a terminal: a prompt with line editing and history. With --json, or when
    input is piped: one question a line in, one JSON object a line out (blank
    lines skipped; a bad question gives {"question", "error"} and the rest go on).
    """
    from bot.engine import Engine
    from bot.chat.conversation import Conversation

    settings = _settings(index=index_dir)
    conversation = Conversation(Engine(settings), filters=_filters(source, since, until, article), k=k)
    conversation.engine.reader  # noqa: B018 - fail now on a missing index, not at the first question
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # undecodable input is a bad question, not a crash
    if sys.stdin.isatty() and not json_out:
        _chat_on_terminal(conversation)
    else:
        _chat_json_lines(conversation)


QUIT_COMMANDS = {"/quit", "/exit", "/q"}


def _chat_on_terminal(conversation) -> None:
    import readline  # noqa: F401 - line editing and history for input()

    from rich.console import Console

    from bot.chat.conversation import Done, Status
    from bot.cli.render import render_answer

    spinner = Console(stderr=True)
    typer.echo("Ask about the articles. /reset starts over; /quit or Ctrl-D ends.")
    while True:
        try:
            line = input("you> ")
        except EOFError:
            typer.echo()
            return
        except KeyboardInterrupt:
            typer.echo()
            continue
        if line.strip().lower() in QUIT_COMMANDS:
            return
        if not line.strip():
            continue
        try:
            with spinner.status("Searching the articles…") as status:
                for event in conversation.stream(line):
                    if isinstance(event, Status):
                        status.update(event.text)
                    elif isinstance(event, Done):
                        answer = event.answer
        except BotError as exc:
            _err(f"error: {exc}")
            continue
        except KeyboardInterrupt:
            _err("(cancelled)")
            continue
        typer.echo(render_answer(answer) + "\n")


def _chat_json_lines(conversation) -> None:
    while line := sys.stdin.readline():
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            answer = conversation.ask(text)
        except BotError as exc:
            typer.echo(_error_json(text, exc))
        else:
            typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        sys.stdout.flush()


def _error_json(question: str, exc: BotError) -> str:
    shown = question if len(question) <= 200 else question[:200] + "…"
    shown = shown.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from undecodable argv
    return json.dumps({"question": shown, "error": str(exc)}, ensure_ascii=False)


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
    from bot.cli.progress import progress_bar

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
    if share.lower() not in ("no", "false", "0"):
        raise ConfigError("--share is not supported: the bot serves only this machine or your own network")
    settings = _settings(corpus, index_dir, web={"host": host, "port": port, "auth": auth})
    from bot.web.app import serve

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
    except Exception as exc:  # a bug or a library failing underneath: still one line, details on request
        if os.environ.get("BOT_DEBUG") == "1":
            raise
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
        _err(f"error: unexpected failure ({detail}); run again with BOT_DEBUG=1 for the details")
        sys.exit(1)
