"""Drafters: turn a :class:`~assistant.types.DraftRequest` into reply suggestions.

- :class:`Drafter` — the interface the service calls (``draft`` and ``stream``).
- :class:`OfflineDrafter` — grounded, extractive, no model (``assistant.drafting.offline``).
- :class:`LLMDrafter` — any LangChain chat model with structured output (``ChatOpenAI`` in production).
- :class:`FakeDrafter` — scripted suggestions for tests.

The LLM drafter (and with it LangChain) is imported on first use, so the offline path starts fast.
"""

from typing import TYPE_CHECKING, Any

from assistant.drafting.base import Drafter
from assistant.drafting.fake import FakeDrafter

if TYPE_CHECKING:
    from assistant.drafting.llm import (
        LANGUAGE_NAMES,
        DraftContext,
        LLMDrafter,
        ReplySuggestion,
        ReplySuggestions,
        StructuredMethod,
        build_context,
    )

_LAZY = {
    "LANGUAGE_NAMES",
    "DraftContext",
    "LLMDrafter",
    "ReplySuggestion",
    "ReplySuggestions",
    "StructuredMethod",
    "build_context",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from assistant.drafting import llm

        return getattr(llm, name)
    raise AttributeError(f"module 'assistant.drafting' has no attribute {name!r}")


__all__ = [
    "LANGUAGE_NAMES",
    "DraftContext",
    "Drafter",
    "FakeDrafter",
    "LLMDrafter",
    "ReplySuggestion",
    "ReplySuggestions",
    "StructuredMethod",
    "build_context",
]
