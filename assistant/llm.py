"""Build the chat model for any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server).

This is the only place that knows the vendor class. Build the model once at the edge (the API's lifespan,
the CLI command, the eval runner) and pass it to :class:`assistant.drafting.LLMDrafter`; tests pass a model
pointed at a loopback server instead.
"""

from __future__ import annotations

from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.settings import Settings
from knowledge.errors import ConfigError

__all__ = ["build_chat_model"]


def build_chat_model(settings: Settings) -> ChatOpenAI:
    """Build a LangChain ``ChatOpenAI`` from the ``llm_*`` settings.

    The timeout and the retry count are always passed explicitly: LangChain's default timeout is none, so a
    stalled endpoint would otherwise hang a request forever. The openai client retries connection errors,
    408, 409, 429 (honouring ``Retry-After``) and 5xx with backoff, ``llm_max_retries`` times.

    The Chat Completions API is used even for model names LangChain would route to the Responses API,
    because that is the API every OpenAI-compatible server implements.

    Args:
        settings: needs ``llm_model`` and ``llm_api_key``; ``llm_base_url`` is optional (default: OpenAI).

    Returns:
        The chat model. Building it does no I/O.

    Raises:
        ConfigError: the model or the key is not set; the message names the variable to set.
    """
    if not settings.llm_model:
        raise ConfigError(
            "No chat model is configured: set SVAR_LLM_MODEL (for example gpt-4o-mini, or the model name "
            "your vLLM/Ollama server serves), or leave it unset to use the offline drafter."
        )
    if not settings.llm_api_key:
        raise ConfigError(
            f"SVAR_LLM_MODEL is {settings.llm_model!r} but no API key is set: set SVAR_LLM_API_KEY (or "
            "OPENAI_API_KEY). Local servers that ignore keys (vLLM, Ollama) accept any value, e.g. 'local'."
        )
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=SecretStr(settings.llm_api_key),
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        use_responses_api=False,
    )
