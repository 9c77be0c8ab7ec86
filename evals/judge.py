"""Groundedness: judged by a chat model when one is configured, estimated offline otherwise.

``groundedness`` is the share of a reply's substantive sentences (claims: not greetings, sign-offs, holding
phrases or questions; :func:`assistant.guards.grounding.sentence_support` decides) that the retrieved passages
or the known facts support.

- :class:`LLMJudge` asks a chat model, one verdict per numbered sentence (prompts
  ``prompts/judge_groundedness_system.md`` and ``judge_groundedness_user.md``, structured output). It sees a
  paraphrase or a translation, and a claim built from a passage about something else.
- :func:`offline_groundedness` is the grounding guard's lexical coverage: deterministic and free, but it
  cannot see a paraphrase, and an extract of a passage that answers another question scores 1.0. The report
  says which of the two produced the figure, and leads with the measures of answering instead.

The judge's model is built at the edge (the eval runner, from the settings) and passed in; tests point it at
the loopback OpenAI server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from assistant.guards.grounding import groundedness, sentence_support
from assistant.types import KnownFact, Passage
from evals.metrics import Score
from prompts import load_prompt

__all__ = ["JudgeVerdicts", "LLMJudge", "SentenceVerdict", "offline_groundedness"]

Method = Literal["json_schema", "function_calling"]

_LANGUAGES = {
    "nb": "Norwegian bokmål",
    "nn": "Norwegian nynorsk",
    "sv": "Swedish",
    "da": "Danish",
    "en": "English",
}
MAX_SOURCE_CHARS = 1500  # of one passage shown to the judge


class SentenceVerdict(BaseModel):
    """The judge's verdict on one numbered sentence."""

    n: int = Field(description="the sentence's number")
    supported: bool = Field(description="every claim of the sentence is in the sources")
    reason: str = Field(default="", description="under 20 words; the missing claim when not supported")


class JudgeVerdicts(BaseModel):
    """One verdict per numbered sentence of the reply."""

    verdicts: list[SentenceVerdict]


def offline_groundedness(
    text: str, passages: Sequence[Passage], facts: Sequence[KnownFact], language: str | None
) -> Score:
    """The grounding guard's lexical estimate, with the unsupported sentences as the reason."""
    scored = sentence_support(text, passages, facts, language)
    weak = [s.text for s in scored if s.substantive and not s.supported]
    value = groundedness(text, passages, facts, language)
    n = sum(1 for s in scored if s.substantive)
    reason = f"{n - len(weak)}/{n} claims lexically covered by a passage or a fact (offline estimate)"
    if weak:
        reason += "; not covered: " + " | ".join(w[:120] for w in weak[:2])
    return Score(value, reason)


class LLMJudge:
    """Groundedness judged by a chat model.

    Args:
        chat_model: any LangChain chat model (production: :func:`assistant.llm.build_chat_model`).
        method: how structured output is requested (``json_schema`` or ``function_calling``).

    Attributes:
        name: ``"llm-judge:<model>"``, written into the results as what judged groundedness.
        prompt_version: the versions of both prompts, joined with ``+``.
    """

    def __init__(self, chat_model: BaseChatModel, *, method: Method = "json_schema") -> None:
        self._system = load_prompt("judge_groundedness_system")
        self._user = load_prompt("judge_groundedness_user")
        self._structured = chat_model.with_structured_output(JudgeVerdicts, method=method)
        model = getattr(chat_model, "model_name", None) or type(chat_model).__name__
        self.name = f"llm-judge:{model}"
        self.prompt_version = f"{self._system.version}+{self._user.version}"

    def messages(
        self, claims: Sequence[str], passages: Sequence[Passage], facts: Sequence[KnownFact], language: str
    ) -> list[SystemMessage | HumanMessage]:
        """The chat messages asking for a verdict on each of ``claims``."""
        sources = [
            f'<passage id="{_attr(p.doc_id)}">{_data(p.title)}\n{_data(p.text[:MAX_SOURCE_CHARS])}</passage>'
            for p in passages
        ]
        if facts:
            sources.append(
                "<facts>\n" + "\n".join(f"- {_data(f.kind)}: {_data(f.value)}" for f in facts) + "\n</facts>"
            )
        numbered = "\n".join(f"{i}. {_data(c)}" for i, c in enumerate(claims, start=1))
        return [
            SystemMessage(self._system.render(language_name=_LANGUAGES.get(language, language))),
            HumanMessage(self._user.render(sources="\n".join(sources) or "(none)", sentences=numbered)),
        ]

    def judge(
        self, text: str, passages: Sequence[Passage], facts: Sequence[KnownFact], language: str
    ) -> Score:
        """Supported claims / all claims of ``text``, by the model (1.0 for a reply that claims nothing).

        Raises:
            Exception: whatever the chat model raises (the runner falls back to the offline estimate).
        """
        claims = [s.text for s in sentence_support(text, passages, facts, language) if s.substantive]
        if not claims:
            return Score(1.0, "no claims to judge (greetings, questions, holding phrases only)")
        output = self._structured.invoke(self.messages(claims, passages, facts, language))
        verdicts = output.verdicts if isinstance(output, JudgeVerdicts) else []
        by_n = {v.n: v for v in verdicts if 1 <= v.n <= len(claims)}
        supported = [n for n, v in by_n.items() if v.supported]
        unsupported = [
            f"{claims[n - 1][:100]} ({v.reason})" for n, v in sorted(by_n.items()) if not v.supported
        ]
        reason = f"{len(supported)}/{len(claims)} claims supported (judged by {self.name})"
        if len(by_n) < len(claims):
            reason += f"; {len(claims) - len(by_n)} without a verdict count as unsupported"
        if unsupported:
            reason += "; not supported: " + " | ".join(unsupported[:2])
        return Score(len(supported) / len(claims), reason)


def _data(text: str) -> str:
    """Text shown to the judge as data: the tags that frame it cannot be closed from inside."""
    return text.replace("</", "<\u200b/")


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "(").replace(">", ")")
