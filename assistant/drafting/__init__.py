"""Drafters: turn a :class:`~assistant.types.DraftRequest` into reply suggestions.

- :class:`Drafter` — the interface the service calls (``draft`` and ``stream``).
- :class:`LLMDrafter` — any LangChain chat model with structured output (``ChatOpenAI`` in production).
- :class:`FakeDrafter` — scripted suggestions for tests.
"""

from assistant.drafting.base import Drafter
from assistant.drafting.fake import FakeDrafter
from assistant.drafting.llm import (
    LANGUAGE_NAMES,
    DraftContext,
    LLMDrafter,
    ReplySuggestion,
    ReplySuggestions,
    StructuredMethod,
    build_context,
)

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
