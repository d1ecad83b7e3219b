"""The chat model that writes answers: a LangChain chat model for the configured provider.

Built lazily (``Models.chat_model``): ``langchain_openai`` / ``langchain_ollama``
are imported only when the llm backend is used. Failures of a call (server
unreachable, timeout, unknown model, refused key) become one ``LLMError`` line
through ``describe_failure``.
"""

from __future__ import annotations

from bot.errors import ConfigError
from bot.settings import LLMSettings


def make_chat_model(llm: LLMSettings):
    key = llm.api_key.get_secret_value() if llm.api_key else None
    if llm.provider == "openai":
        if not llm.base_url and not key:
            raise ConfigError("the llm backend needs a server: set BOT_LLM__BASE_URL (e.g. the URL `bot llm-serve` "
                              "prints) or BOT_LLM__API_KEY for OpenAI's own API")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ConfigError("the llm backend needs langchain-openai: pip install 'newsbot[llm]'") from exc
        # No retries: a failed call falls back to the extractive answer at once instead of waiting again.
        return ChatOpenAI(base_url=llm.base_url, api_key=key or "not-needed", model=llm.model,
                          temperature=llm.temperature, max_tokens=llm.max_tokens, timeout=llm.timeout_s,
                          max_retries=0, stream_usage=False)
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise ConfigError("the ollama provider needs langchain-ollama: pip install 'newsbot[llm]'") from exc
    return ChatOllama(base_url=llm.base_url, model=llm.model, temperature=llm.temperature, num_predict=llm.max_tokens,
                      client_kwargs={"timeout": llm.timeout_s})


def describe_failure(exc: BaseException, llm: LLMSettings) -> str:
    """One line saying what went wrong with the model call and what to check."""
    name = type(exc).__name__
    where = llm.base_url or ("OpenAI" if llm.provider == "openai" else "Ollama")
    detail = " ".join(str(exc).split())[:160]
    if "Timeout" in name or "timed out" in detail.lower():
        return f"the LLM at {where} did not answer within {llm.timeout_s:g} s (llm.timeout_s)"
    if "Connect" in name or "connection" in detail.lower():
        return f"cannot reach the LLM at {where}: is the server running? (llm.base_url)"
    if "NotFound" in name or "not found" in detail.lower() or "404" in detail:
        return f"the LLM at {where} has no model {llm.model!r} (llm.model)"
    if "Authentication" in name or "401" in detail:
        return f"the LLM at {where} refused the API key (BOT_LLM__API_KEY)"
    return f"the LLM at {where} failed ({name}: {detail})"
