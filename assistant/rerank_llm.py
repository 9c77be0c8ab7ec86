"""An optional listwise rerank of the top passages by the configured chat model (``SVAR_RERANK=llm``).

The offline reranking stage (:mod:`knowledge.rerank`) orders the candidates first; with an LLM configured
and ``SVAR_RERANK=llm``, the best ``depth`` of them are shown to the chat model, numbered ``p1..pN`` (never
their ids, so nothing in a passage can name another), with the latest message and the recent conversation
(PII masked as for drafting), and the model returns the labels best first (``prompts/rerank_*.md``). It is
never required: any failure (an error from the endpoint, a timeout, a reply that is not the JSON asked for)
keeps the offline order, and labels the model leaves out keep their offline order after the ones it ranked.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from assistant.pii import mask_pii
from assistant.types import Passage, Turn
from prompts import load_prompt

log = logging.getLogger("svar.rerank")

PASSAGE_CHARS = 700  # of each passage shown to the model
CONVERSATION_TURNS = 4
_JSON = re.compile(r"\{.*\}", re.DOTALL)


class LLMReranker:
    """Reorders the top passages with a LangChain chat model (anything with ``invoke(messages)``)."""

    def __init__(self, chat_model: Any, *, depth: int = 10) -> None:
        self.chat_model = chat_model
        self.depth = depth
        self.system = load_prompt("rerank_system")
        self.user = load_prompt("rerank_user")
        self.failures = 0  # how many reranks fell back to the offline order

    @property
    def prompt_version(self) -> str:
        """The versions of the two prompt files."""
        return f"{self.system.version}+{self.user.version}"

    def rerank(self, message: str, history: Sequence[Turn], passages: Sequence[Passage]) -> list[Passage]:
        """The passages, the top ``depth`` reordered by the model (the rest after them, as they were).

        Never raises for the model's sake: on any failure the offline order is returned.
        """
        top, rest = list(passages[: self.depth]), list(passages[self.depth :])
        if len(top) < 2:
            return list(passages)
        try:
            order = self._ask(message, history, top)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the offline order
            self.failures += 1
            log.warning("listwise rerank failed (%s); keeping the offline order", type(exc).__name__)
            return list(passages)
        ranked = [top[i] for i in order] + [p for i, p in enumerate(top) if i not in set(order)]
        return [p.model_copy(update={"rank": r}) for r, p in enumerate([*ranked, *rest], start=1)]

    def _ask(self, message: str, history: Sequence[Turn], top: Sequence[Passage]) -> list[int]:
        from langchain_core.messages import HumanMessage, SystemMessage

        turns = [t for t in history if t.role != "note"][-CONVERSATION_TURNS:]
        conversation = "\n".join(f"{t.role}: {mask_pii(t.text)}" for t in turns) or "(none)"
        blocks = []
        for i, p in enumerate(top, start=1):
            text = " ".join(p.text.split())[:PASSAGE_CHARS]
            blocks.append(f'<passage label="p{i}" title="{_attr(p.title)}">\n{_tagless(text)}\n</passage>')
        user = self.user.render(
            conversation=_tagless(conversation),
            message=_tagless(mask_pii(message)),
            passages="\n".join(blocks),
        )
        reply = self.chat_model.invoke([SystemMessage(self.system.render()), HumanMessage(user)])
        content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
        return parse_ranking(content, len(top))


def parse_ranking(content: str, n: int) -> list[int]:
    """The 0-based indexes the model ranked, best first, from ``{"ranking": ["p2", ...]}``.

    Raises:
        ValueError: no JSON object, no ``ranking`` list, or not one known label in it.
    """
    found = _JSON.search(content)
    if found is None:
        raise ValueError("no JSON object in the reply")
    ranking = json.loads(found.group(0)).get("ranking")
    if not isinstance(ranking, list):
        raise ValueError("no 'ranking' list in the reply")
    order: list[int] = []
    for label in ranking:
        m = re.fullmatch(r"p?(\d+)", str(label).strip().lower())
        if m and 1 <= int(m.group(1)) <= n and int(m.group(1)) - 1 not in order:
            order.append(int(m.group(1)) - 1)
    if not order:
        raise ValueError("no known passage label in the ranking")
    return order


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "‹")[:200]


def _tagless(text: str) -> str:
    """Text with ``<``-tags defused, so a passage or a message cannot close the block it is in."""
    return text.replace("<", "‹")
