"""Settings: defaults < bot.toml < BOT_* environment < explicit overrides; every bad value is one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.embeddings import load_embedder, model_path, token_counter
from bot.errors import ConfigError
from bot.settings import DEFAULT_EMBEDDER, Settings, load_settings

BOT = [sys.executable, "-m", "bot"]


def test_defaults_need_no_file_and_no_environment():
    settings = load_settings()
    assert settings.corpus.dir == Path("corpus") and settings.index.dir == Path("index")
    assert settings.embedding.model == DEFAULT_EMBEDDER
    assert settings.chunking.max_tokens == 200 and settings.chunking.overlap_sentences == 1


def test_bot_toml_in_the_working_directory_is_read():
    Path("bot.toml").write_text('[retrieval]\nk = 7\n[index]\ndir = "elsewhere"\n')
    settings = load_settings()
    assert settings.retrieval.k == 7 and settings.index.dir == Path("elsewhere")


def test_environment_beats_bot_toml_and_overrides_beat_both(monkeypatch):
    Path("bot.toml").write_text("[retrieval]\nk = 7\ncandidates = 30\n")
    monkeypatch.setenv("BOT_RETRIEVAL__K", "9")
    settings = load_settings(retrieval={"candidates": 11})
    assert settings.retrieval.k == 9 and settings.retrieval.candidates == 11


def test_cli_override_of_none_keeps_the_configured_value(monkeypatch):
    monkeypatch.setenv("BOT_CORPUS__DIR", "/data/news")
    assert load_settings(corpus={"dir": None}).corpus.dir == Path("/data/news")


@pytest.mark.parametrize(
    "env, value, message",
    [
        ("BOT_RETRIEVAL__K", "abc", "bad setting retrieval.k (from BOT_RETRIEVAL__K or bot.toml): Input should be a valid integer, unable to parse string as an integer (got 'abc')"),
        ("BOT_CHUNKING__MAX_TOKENS", "1000", "bad setting chunking.max_tokens (from BOT_CHUNKING__MAX_TOKENS or bot.toml): Input should be less than or equal to 254 (got '1000')"),
        ("BOT_RETRIEVAL__FOO", "1", "bad setting retrieval.foo (from BOT_RETRIEVAL__FOO or bot.toml): Extra inputs are not permitted (got '1')"),
        ("BOT_RETRIEVAL", "{not json", 'cannot read settings: error parsing value for field "retrieval" from source "EnvSettingsSource"'),
    ],
)
def test_a_bad_environment_value_is_one_line(monkeypatch, env, value, message):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[retrieval\nk = ", "bot.toml is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 11)"),
        ("[nosuch]\nk = 1\n", "bad setting nosuch (from BOT_NOSUCH or bot.toml): Extra inputs are not permitted"),
        ('[retrieval]\nk = "x"\n', "bad setting retrieval.k (from BOT_RETRIEVAL__K or bot.toml): Input should be a valid integer, unable to parse string as an integer (got 'x')"),
    ],
)
def test_a_bad_bot_toml_is_one_line(toml, message):
    Path("bot.toml").write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_a_bad_override_is_one_line():
    with pytest.raises(ConfigError, match=r"^bad setting retrieval\.k .*greater than or equal to 1"):
        Settings().with_overrides(retrieval={"k": 0})


def test_index_shape_names_what_changes_the_stored_records():
    base = Settings()
    assert base.index_shape() == {"embedder": f"{DEFAULT_EMBEDDER} (onnx-fp32)",
                                  "chunking": {"max_tokens": 200, "overlap_sentences": 1}}
    assert base.with_overrides(retrieval={"k": 9}).index_shape() == base.index_shape()
    assert base.with_overrides(chunking={"max_tokens": 100}).index_shape() != base.index_shape()


def test_the_runtime_that_makes_the_vectors_is_part_of_the_index_shape(monkeypatch):
    import bot.settings

    onnx = Settings().index_shape()
    monkeypatch.setattr(bot.settings, "DEFAULT_EMBEDDER_RUNTIME", "onnx-int8")
    assert Settings().index_shape()["embedder"] == f"{DEFAULT_EMBEDDER} (onnx-int8)" != onnx["embedder"]
    custom = Settings().with_overrides(embedding={"model": "/models/mine"}).index_shape()
    assert custom["embedder"] == "/models/mine (sentence-transformers)"


def test_the_default_model_is_the_packaged_one():
    path = model_path(DEFAULT_EMBEDDER)
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()


@pytest.mark.parametrize("make", ["missing", "empty folder", "config only"])
def test_a_bad_model_path_is_a_one_line_config_error(tmp_path, make):
    folder = tmp_path / "model"
    if make != "missing":
        folder.mkdir()
    if make == "config only":
        (folder / "config.json").write_text("{}")
    settings = Settings().with_overrides(embedding={"model": str(folder)})
    for attempt in (lambda: token_counter(settings), lambda: load_embedder(settings)):
        with pytest.raises(ConfigError) as caught:
            attempt()
        assert "\n" not in str(caught.value)
        assert str(caught.value).startswith(f"embedding.model '{folder}' is not a local sentence-transformers folder")


def test_a_model_folder_with_broken_weights_is_a_one_line_config_error(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    source = model_path(DEFAULT_EMBEDDER)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(ConfigError) as caught:
        load_embedder(Settings().with_overrides(embedding={"model": str(folder)}))
    assert str(caught.value).startswith(f"cannot load embedding.model '{folder}'") and "\n" not in str(caught.value)


def run_bot(*args, env_extra=None, cwd=None):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(env_extra or {})
    return subprocess.run([*BOT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.mark.slow  # starts the bot as a process
def test_bot_config_prints_the_effective_settings(tmp_path):
    (tmp_path / "bot.toml").write_text('[retrieval]\nk = 7\n[corpus]\ndir = "news"\n')
    result = run_bot("config", env_extra={"BOT_RETRIEVAL__CANDIDATES": "33"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["retrieval"] == {"k": 7, "candidates": 33, "rrf_k": 60}
    assert shown["corpus"]["dir"] == "news"
    assert shown["embedding"]["model"] == DEFAULT_EMBEDDER
    assert set(shown) == {"corpus", "chunking", "embedding", "index", "retrieval", "answer", "llm", "web"}


@pytest.mark.slow  # starts the bot as a process
@pytest.mark.parametrize("command", [["config"], ["index"], ["ask", "Where did Kim go?"]])
def test_a_bad_bot_value_stops_every_command_with_one_line(tmp_path, command):
    result = run_bot(*command, env_extra={"BOT_RETRIEVAL__K": "many"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: bad setting retrieval.k (from BOT_RETRIEVAL__K or bot.toml): "
        "Input should be a valid integer, unable to parse string as an integer (got 'many')"
    )


@pytest.mark.parametrize("name", ["BOT_RETRIEVL__K", "BOT_UNKNOWN"])
def test_a_bot_variable_naming_no_section_is_a_one_line_warning(tmp_path, name):
    result = run_bot("config", env_extra={name: "8", "BOT_DEBUG": "0"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    section = name[4:].split("__")[0].lower()
    assert result.stderr.splitlines() == [
        f"warning: {name} is not a setting (no section {section!r}; sections are "
        "corpus, chunking, embedding, index, retrieval, answer, llm, web): ignored"
    ]
    assert json.loads(result.stdout)["retrieval"]["k"] == 5


def test_a_bot_toml_that_is_a_folder_is_a_one_line_warning(tmp_path):
    (tmp_path / "bot.toml").mkdir()
    result = run_bot("config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["warning: bot.toml is not a file: ignored"]


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[web]\nmax_upload_mb = inf\n", "bad setting web.max_upload_mb (from BOT_WEB__MAX_UPLOAD_MB or bot.toml): Input should be a finite number (got inf)"),
        ("[corpus]\nmax_article_mb = nan\n", "bad setting corpus.max_article_mb (from BOT_CORPUS__MAX_ARTICLE_MB or bot.toml): Input should be a finite number (got nan)"),
        ("[web]\nmax_upload_mb = 1e300\n", "bad setting web.max_upload_mb (from BOT_WEB__MAX_UPLOAD_MB or bot.toml): Input should be less than or equal to 10000 (got 1e+300)"),
        ("[answer]\nrefusal_threshold = -inf\n", "bad setting answer.refusal_threshold (from BOT_ANSWER__REFUSAL_THRESHOLD or bot.toml): Input should be a finite number (got -inf)"),
    ],
)
def test_floats_must_be_finite_and_bounded(toml, message):
    Path("bot.toml").write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_an_infinite_upload_limit_from_the_environment_stops_bot_web_before_loading_models(tmp_path):
    result = run_bot("web", env_extra={"BOT_WEB__MAX_UPLOAD_MB": "inf"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: bad setting web.max_upload_mb (from BOT_WEB__MAX_UPLOAD_MB or bot.toml): Input should be a finite number (got 'inf')"
    )


def test_the_chroma_token_is_read_from_the_environment_and_never_printed(tmp_path, monkeypatch):
    secret = "s3cret-token-value"
    result = run_bot("config", env_extra={"BOT_INDEX__CHROMA_TOKEN": secret, "BOT_INDEX__CHROMA_SSL": "true"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    shown = json.loads(result.stdout)["index"]
    assert shown["chroma_token"] == "**********" and shown["chroma_ssl"] is True
    monkeypatch.setenv("BOT_INDEX__CHROMA_TOKEN", secret)
    assert load_settings().index.chroma_token.get_secret_value() == secret
    assert secret not in repr(load_settings())
