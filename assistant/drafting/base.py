"""The drafter interface: what the service calls to turn a :class:`DraftRequest` into suggestions.

Drafters are passed in, never built inside the service: the LLM drafter (:mod:`.llm`), the offline drafter
and the test double (:mod:`.fake`) all satisfy :class:`Drafter`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from assistant.types import DraftRequest, Suggestion

__all__ = ["Drafter"]


@runtime_checkable
class Drafter(Protocol):
    """Writes 1-3 suggestions for a request.

    Attributes:
        name: a short identifier recorded with every suggestion ("llm", "offline", "fake").
        prompt_version: the version of the prompts the drafter renders (for example
            ``"draft-system@1+draft-user@1"``), or ``None`` when it uses no prompt. The service records it
            with each suggestion, and it shows up in logs and eval reports.
    """

    name: str
    prompt_version: str | None

    def draft(self, request: DraftRequest) -> list[Suggestion]:
        """Return 1 to ``request.max_suggestions`` suggestions, best first.

        Raises:
            knowledge.errors.BackendError: the model behind the drafter failed.
        """
        ...

    def stream(self, request: DraftRequest) -> Iterator[str]:
        """Yield the text of the first suggestion as it is written, in deltas that concatenate to it.

        Raises:
            knowledge.errors.BackendError: the model behind the drafter failed.
        """
        ...
