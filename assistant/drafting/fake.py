"""A scripted drafter for tests of everything downstream of drafting (service, guards, API, evals)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from assistant.types import DraftRequest, Suggestion

__all__ = ["FakeDrafter"]

Script = Sequence[Suggestion] | Callable[[DraftRequest], Sequence[Suggestion]]


class FakeDrafter:
    """Returns scripted suggestions and records the requests it was given.

    Args:
        suggestions: the suggestions to return for every request, or a function of the request that returns
            them. Without it, one holding reply in the request's language and channel is returned.
        error: when set, :meth:`draft` and :meth:`stream` raise it (e.g. a ``BackendError``).
        name: recorded as the drafter's name.
        prompt_version: recorded as the drafter's prompt version.

    Each returned suggestion is a deep copy, so callers (guards) may change it freely.
    """

    def __init__(
        self,
        suggestions: Script | None = None,
        *,
        error: Exception | None = None,
        name: str = "fake",
        prompt_version: str | None = "fake@1",
    ) -> None:
        self.name = name
        self.prompt_version = prompt_version
        self._script = suggestions
        self._error = error
        self.requests: list[DraftRequest] = []

    @classmethod
    def from_texts(
        cls, *texts: str, name: str = "fake", prompt_version: str | None = "fake@1"
    ) -> FakeDrafter:
        """A fake that answers every request with these texts, in the request's language and channel."""

        def script(request: DraftRequest) -> list[Suggestion]:
            return [Suggestion(text=t, language=request.language, channel=request.channel) for t in texts]

        return cls(script, name=name, prompt_version=prompt_version)

    def draft(self, request: DraftRequest) -> list[Suggestion]:
        """Return the scripted suggestions (at most ``request.max_suggestions``)."""
        self.requests.append(request)
        if self._error is not None:
            raise self._error
        if self._script is None:
            scripted: Sequence[Suggestion] = [
                Suggestion(
                    kind="holding",
                    text="Thank you for your message. We will get back to you shortly.",
                    language=request.language,
                    channel=request.channel,
                )
            ]
        elif callable(self._script):
            scripted = self._script(request)
        else:
            scripted = self._script
        return [s.model_copy(deep=True) for s in scripted[: request.max_suggestions]]

    def stream(self, request: DraftRequest) -> Iterator[str]:
        """Yield the first scripted suggestion's text word by word (the pieces join to the full text)."""
        suggestions = self.draft(request)
        if suggestions:
            yield from re.findall(r"\S+\s*|\s+", suggestions[0].text)
