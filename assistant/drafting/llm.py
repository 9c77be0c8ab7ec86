"""The LLM drafter: grounded suggestions from any LangChain chat model with structured output.

Flow of :meth:`LLMDrafter.draft`::

    DraftRequest ─► build_context (mask PII, fit the token budget) ─► prompts/*.md rendered
                 ─► chat model, structured output (ReplySuggestions) ─► Suggestion objects
                    (citations resolved against the passages sent, unknown ids dropped)

Structured output uses ``method="json_schema"`` by default, i.e. ``response_format={"type":
"json_schema", ...}``. It is the method the most OpenAI-compatible servers *enforce*: OpenAI (strict
structured outputs), vLLM (guided decoding), Ollama (``format``), llama.cpp server and LM Studio (a grammar
built from the schema) all constrain generation to the schema, also for small local models whose chat
templates know nothing about tools. ``"function_calling"`` needs a model trained for tool calls and a server
that honours a named ``tool_choice`` (Ollama, for one, ignores it), so the model may answer in prose
instead. Pass ``method="function_calling"`` for a server that rejects ``json_schema`` (HTTP 400). Either
way the reply is validated against the pydantic schema; anything that does not validate is a
:class:`~knowledge.errors.BackendError`, never a half-parsed suggestion.

The drafter never reads settings or the environment itself: the chat model is built at the edge
(:func:`assistant.llm.build_chat_model`) and passed in, with its timeout and retries.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
    OutputParserException,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from assistant.pii import mask_pii
from assistant.settings import Settings
from assistant.types import Citation, DraftRequest, KnownFact, Passage, Suggestion, Turn
from knowledge.errors import BackendError, ConfigError, SvarError
from knowledge.history.situation import describe_situation
from knowledge.tokens import count_tokens, truncate_tokens
from prompts import PromptTemplate, load_prompt

__all__ = [
    "LANGUAGE_NAMES",
    "DraftContext",
    "LLMDrafter",
    "ReplySuggestion",
    "ReplySuggestions",
    "StructuredMethod",
    "build_context",
]

log = logging.getLogger("svar.drafting")

StructuredMethod = Literal["json_schema", "function_calling"]

#: How the prompts name each language; bokmål and nynorsk are told apart explicitly.
LANGUAGE_NAMES: dict[str, str] = {
    "nb": "Norwegian Bokmål (norsk bokmål, not nynorsk)",
    "nn": "Norwegian Nynorsk (norsk nynorsk, not bokmål)",
    "sv": "Swedish (svenska)",
    "da": "Danish (dansk)",
    "en": "English",
}

_DATA_TAGS = re.compile(r"<(/?)(knowledge|passage|known_facts|conversation|turn|latest_message)\b", re.I)
_TRUNCATED = " […]"
_MIN_PASSAGE_TOKENS = 32
MIN_CONTEXT_TOKENS = 128
_MIN_TURN_TOKENS = 16


# --------------------------------------------------------------------------------------------------------
# The schema the model fills. Every field is required and has no default, so the same schema works with
# OpenAI's strict mode; ranges (1-3 items, confidence 0-1) are enforced in code, not in the schema, because
# not every server supports minItems/maximum.


class ReplySuggestion(BaseModel):
    """One reply suggestion."""

    kind: Literal["full", "short", "ask_missing", "answer", "holding"] = Field(
        description="full, short, ask_missing, answer or holding"
    )
    text: str = Field(description="The reply, ready to send, without passage or fact ids.")
    citations: list[str] = Field(description="Ids of the knowledge passages the reply relies on.")
    used_facts: list[str] = Field(description="Ids of the known facts the reply uses, such as F1.")
    asks: list[str] = Field(description="What the reply asks the customer for; empty if nothing.")
    confidence: float = Field(description="0 to 1: how well the knowledge supports the reply.")
    abstain: bool = Field(description="True when the knowledge does not cover the question.")
    abstain_reason: str | None = Field(description="Why the reply abstains; null when it does not.")


class ReplySuggestions(BaseModel):
    """Reply suggestions for the latest customer message, best first (1 to 3)."""

    suggestions: list[ReplySuggestion]


# --------------------------------------------------------------------------------------------------------
# Context


@dataclass(frozen=True)
class DraftContext:
    """The data part of the prompt, inside the token budget.

    Attributes:
        text: the rendered blocks (knowledge, known facts, conversation, latest message), PII masked.
        tokens: ``count_tokens(text)``; never more than ``budget``.
        budget: the token budget it was built for.
        passages: the passages included, in rank order (citations are resolved against these).
        facts: the known facts included, by the id the prompt gives them ("F1", "F2", ...).
        turns: how many history turns were included (the most recent ones).
    """

    text: str
    tokens: int
    budget: int
    passages: tuple[Passage, ...]
    facts: dict[str, KnownFact]
    turns: int


def _data(text: str) -> str:
    """Mask PII and defuse our own block tags inside data, so data cannot close a block early."""
    return _DATA_TAGS.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", mask_pii(text))


def _attr(value: str) -> str:
    return _data(value).replace('"', "'").replace("\n", " ")


def _cost(text: str) -> int:
    return count_tokens(text) + 1  # + the newline that joins it


def _truncate(text: str, max_tokens: int) -> str:
    if count_tokens(text) <= max_tokens:
        return text
    return truncate_tokens(text, max(max_tokens - 2, 1)).rstrip() + _TRUNCATED


def _render(
    message: str,
    passages: Sequence[str],
    facts: Sequence[str],
    turns: Sequence[str],
    situation: Sequence[str] = (),
) -> str:
    knowledge = "\n".join(passages) or "(no knowledge passages were found for this message)"
    known = "\n".join(facts) or "(none)"
    conversation = "\n".join(turns) or "(no earlier messages)"
    where = "\n".join(situation) or "(nothing known: no stored customer)"
    return (
        f"<situation>\n{where}\n</situation>\n\n"
        f"<knowledge>\n{knowledge}\n</knowledge>\n\n"
        f"<known_facts>\n{known}\n</known_facts>\n\n"
        f"<conversation>\n{conversation}\n</conversation>\n\n"
        f"{message}"
    )


def situation_block(request: DraftRequest, max_tokens: int) -> list[str]:
    """The request type and the customer's situation as ``- `` lines (PII masked), within ``max_tokens``."""
    lines = [
        f"- request type: {request.request_type}" + (" (the customer complains)" if request.complaint else "")
    ]
    if request.situation is not None:
        lines.append(f"- now: {request.situation.now.strftime('%Y-%m-%d %H:%M')} UTC")
        lines += [f"- {_data(line)}" for line in describe_situation(request.situation)]
    out: list[str] = []
    used = 0
    for line in lines:
        cost = _cost(line)
        if used + cost > max_tokens:
            break
        used += cost
        out.append(line)
    return out


def _message_block(request: DraftRequest, max_tokens: int) -> str:
    attrs = f'channel="{_attr(request.channel)}"'
    if request.customer_name:
        attrs += f' customer_name="{_attr(request.customer_name)}"'
    text = _truncate(_data(request.message.text), max_tokens)
    return f"<latest_message {attrs}>\n{text}\n</latest_message>"


def _passage_block(passage: Passage, room: int) -> str | None:
    attrs = f'id="{_attr(passage.doc_id)}"'
    if passage.title:
        attrs += f' title="{_attr(passage.title)}"'
    if passage.url:
        attrs += f' url="{_attr(passage.url)}"'
    head, tail = f"<passage {attrs}>\n", "\n</passage>"
    room -= count_tokens(head + tail) + 1
    if room < _MIN_PASSAGE_TOKENS:
        return None
    return head + _truncate(_data(passage.text), room) + tail


def _fact_line(fact_id: str, fact: KnownFact) -> str:
    where = ", ".join(x for x in (fact.source, fact.channel, fact.at) if x)
    line = f"- [{fact_id}] {_data(fact.kind)}: {_data(fact.value)}"
    return f"{line} (from {_data(where)})" if where else line


def _turn_block(turn: Turn, room: int, max_tokens: int) -> str | None:
    attrs = f'role="{turn.role}" channel="{_attr(turn.channel)}"'
    if turn.at:
        attrs += f' at="{_attr(turn.at)}"'
    head, tail = f"<turn {attrs}>", "</turn>"
    room = min(room - count_tokens(head + tail) - 1, max_tokens)
    if room < _MIN_TURN_TOKENS:
        return None
    return head + _truncate(_data(turn.text), room) + tail


def build_context(
    request: DraftRequest, budget: int, *, passage_tokens: int = 400, turn_tokens: int = 200
) -> DraftContext:
    """Assemble the data the drafter sends, PII masked, in at most ``budget`` tokens.

    The latest message always goes in (cut to a quarter of the budget). Then passages in rank order, each
    cut to ``passage_tokens``; then the known facts; then the history, most recent turns first, each cut to
    ``turn_tokens`` (the last one in may be cut shorter to fit). So that neither facts nor history are
    crowded out, 15% of what is left after the message is held back from the passages for each of them
    (when there are any), and 15% from the facts for the history; what a part leaves unused goes to the
    next.

    Args:
        request: the draft request.
        budget: the token budget (``settings.context_tokens``), counted with
            :func:`knowledge.tokens.count_tokens` on the returned text.
        passage_tokens: the most tokens one passage may take.
        turn_tokens: the most tokens one history turn may take.

    Returns:
        The context; ``context.tokens <= budget``.

    Raises:
        ConfigError: ``budget`` is below ``MIN_CONTEXT_TOKENS`` (128).
    """
    if budget < MIN_CONTEXT_TOKENS:
        raise ConfigError(f"SVAR_CONTEXT_TOKENS must be at least {MIN_CONTEXT_TOKENS}, got {budget}")
    message = _message_block(request, max(budget // 4, 16))
    situation = situation_block(request, max(budget // 6, 8))
    avail = budget - count_tokens(_render(message, [], [], [], situation))
    used = 0

    history_reserve = int(avail * 0.15) if request.history else 0
    passage_cap = avail - history_reserve - (int(avail * 0.15) if request.facts else 0)
    passages: list[Passage] = []
    passage_blocks: list[str] = []
    for passage in sorted(request.passages, key=lambda p: p.rank):
        block = _passage_block(passage, min(passage_cap - used, passage_tokens))
        if block is None or used + _cost(block) > passage_cap:
            break
        used += _cost(block)
        passages.append(passage)
        passage_blocks.append(block)

    facts: dict[str, KnownFact] = {}
    fact_lines: list[str] = []
    for i, fact in enumerate(request.facts, start=1):
        line = _fact_line(f"F{i}", fact)
        if used + _cost(line) <= avail - history_reserve:
            used += _cost(line)
            facts[f"F{i}"] = fact
            fact_lines.append(line)

    turn_blocks: list[str] = []
    for turn in reversed(request.history):
        block = _turn_block(turn, avail - used, turn_tokens)
        if block is None or used + _cost(block) > avail:
            break
        used += _cost(block)
        turn_blocks.insert(0, block)

    # Token counts of joined text can differ by a token or two from the sum of the parts: check the real
    # count and drop the least important parts until it fits.
    text = _render(message, passage_blocks, fact_lines, turn_blocks, situation)
    while (tokens := count_tokens(text)) > budget:
        if turn_blocks:
            turn_blocks.pop(0)
        elif fact_lines:
            fact_lines.pop()
            facts.pop(list(facts)[-1])
        elif passage_blocks:
            passage_blocks.pop()
            passages.pop()
        elif count_tokens(message) > 40:
            message = _message_block(request, max(count_tokens(message) - (tokens - budget) - 8, 1))
        elif len(situation) > 1:
            situation.pop()
        else:  # cannot happen for budgets >= MIN_CONTEXT_TOKENS; never loop forever
            raise ConfigError(
                f"a context budget of {budget} tokens is too small; use at least {MIN_CONTEXT_TOKENS}"
            )
        text = _render(message, passage_blocks, fact_lines, turn_blocks, situation)
    return DraftContext(
        text=text, tokens=tokens, budget=budget, passages=tuple(passages), facts=facts, turns=len(turn_blocks)
    )


# --------------------------------------------------------------------------------------------------------
# The drafter


class LLMDrafter:
    """Drafts suggestions with a LangChain chat model and structured output.

    Args:
        chat_model: any LangChain chat model; in production the ``ChatOpenAI`` from
            :func:`assistant.llm.build_chat_model` (which carries the timeout and retries).
        context_tokens: the token budget for the data sent (``settings.context_tokens``).
        method: how to ask for structured output: ``"json_schema"`` (default, see the module docstring) or
            ``"function_calling"``.
        passage_tokens: the most tokens one knowledge passage may take in the context.
        turn_tokens: the most tokens one history turn may take in the context.

    Attributes:
        name: ``"llm"``.
        prompt_version: the versions of every prompt this drafter renders, joined with ``+``; the service
            records it with each suggestion, and every log line carries the version of the prompts used.
    """

    name = "llm"

    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        context_tokens: int = 3000,
        method: StructuredMethod = "json_schema",
        passage_tokens: int = 400,
        turn_tokens: int = 200,
    ) -> None:
        if context_tokens < MIN_CONTEXT_TOKENS:
            raise ConfigError(
                f"SVAR_CONTEXT_TOKENS must be at least {MIN_CONTEXT_TOKENS}, got {context_tokens}"
            )
        if method not in ("json_schema", "function_calling"):
            raise ConfigError(
                f"structured output method must be json_schema or function_calling, not {method!r}"
            )
        self.chat_model = chat_model
        self.context_tokens = context_tokens
        self.method: StructuredMethod = method
        self.passage_tokens = passage_tokens
        self.turn_tokens = turn_tokens
        self._prompts: dict[str, PromptTemplate] = {
            key: load_prompt(key)
            for key in ("draft_system", "answer_system", "draft_user", "draft_stream_user")
        }
        self.prompt_version: str | None = "+".join(p.version for p in self._prompts.values())
        self._structured = chat_model.with_structured_output(ReplySuggestions, method=method)
        self.model_name: str = str(getattr(chat_model, "model_name", None) or type(chat_model).__name__)

    @classmethod
    def from_settings(cls, settings: Settings, chat_model: BaseChatModel | None = None) -> LLMDrafter:
        """A drafter with the context budget from ``settings``; builds the chat model when none is given.

        Raises:
            ConfigError: no chat model is given and the settings lack the model or the key.
        """
        if chat_model is None:
            from assistant.llm import build_chat_model

            chat_model = build_chat_model(settings)
        return cls(chat_model, context_tokens=settings.context_tokens)

    # -- public API ---------------------------------------------------------------------------------------

    def build_context(self, request: DraftRequest) -> DraftContext:
        """The masked, budgeted data this drafter would send for ``request``."""
        return build_context(
            request, self.context_tokens, passage_tokens=self.passage_tokens, turn_tokens=self.turn_tokens
        )

    def messages(self, request: DraftRequest, *, stream: bool = False) -> tuple[list[BaseMessage], str]:
        """The chat messages for ``request`` and the version of the prompts they were rendered from."""
        context = self.build_context(request)
        messages, version = self._messages(request, context, stream=stream)
        return messages, version

    def draft(self, request: DraftRequest) -> list[Suggestion]:
        """Draft 1 to ``request.max_suggestions`` suggestions.

        Raises:
            BackendError: the endpoint failed (timeout, 429 after retries, 5xx, connection) or returned
                output that does not fit the schema.
            ConfigError: the endpoint rejected the key or does not know the model.
        """
        context = self.build_context(request)
        messages, version = self._messages(request, context, stream=False)
        self._log_start("draft", request, context, version)
        try:
            output = self._structured.invoke(messages)
        except Exception as exc:
            raise self._error(exc, version) from exc
        if not isinstance(output, ReplySuggestions):
            log.warning(
                "[prompt %s] model %s returned no structured output",
                version,
                self.model_name,
                extra={"prompt_version": version},
            )
            raise BackendError(
                f"The chat model {self.model_name} returned no structured reply (prompt {version}); "
                f"try method='json_schema' or a model that supports {self.method}."
            )
        suggestions = self._to_suggestions(output, request, context, version)
        if not suggestions:
            log.warning(
                "[prompt %s] model %s returned no usable suggestion",
                version,
                self.model_name,
                extra={"prompt_version": version},
            )
            raise BackendError(
                f"The chat model {self.model_name} returned no usable suggestion (prompt {version})."
            )
        log.info(
            "[prompt %s] drafted %d suggestion(s) with %s (abstain=%s)",
            version,
            len(suggestions),
            self.model_name,
            [s.abstain for s in suggestions],
            extra={"prompt_version": version},
        )
        return suggestions

    def stream(self, request: DraftRequest) -> Iterator[str]:
        """Stream the text of one reply as the model writes it (plain text, no structured output).

        Raises:
            BackendError: the endpoint failed before or during the stream.
            ConfigError: the endpoint rejected the key or does not know the model.
        """
        context = self.build_context(request)
        messages, version = self._messages(request, context, stream=True)
        self._log_start("stream", request, context, version)
        chars = 0
        try:
            for chunk in self.chat_model.stream(messages):
                delta = chunk.text
                if delta:
                    chars += len(delta)
                    yield delta
        except Exception as exc:
            raise self._error(exc, version) from exc
        log.info(
            "[prompt %s] streamed %d characters with %s",
            version,
            chars,
            self.model_name,
            extra={"prompt_version": version},
        )

    # -- internals ----------------------------------------------------------------------------------------

    def _messages(
        self, request: DraftRequest, context: DraftContext, *, stream: bool
    ) -> tuple[list[BaseMessage], str]:
        system = self._prompts["answer_system" if request.mode == "answer" else "draft_system"]
        language_name = LANGUAGE_NAMES.get(request.language, request.language)
        system_text = system.render(language_name=language_name, channel=request.channel)
        if stream:
            user = self._prompts["draft_stream_user"]
            user_text = user.render(context=context.text)
        else:
            user = self._prompts["draft_user"]
            user_text = user.render(
                context=context.text, max_suggestions=max(1, min(request.max_suggestions, 3))
            )
        version = f"{system.version}+{user.version}"
        return [SystemMessage(content=system_text), HumanMessage(content=user_text)], version

    def _log_start(self, what: str, request: DraftRequest, context: DraftContext, version: str) -> None:
        log.info(
            "[prompt %s] %s with %s: language=%s channel=%s mode=%s passages=%d/%d facts=%d/%d turns=%d/%d "
            "context=%d/%d tokens",
            version,
            what,
            self.model_name,
            request.language,
            request.channel,
            request.mode,
            len(context.passages),
            len(request.passages),
            len(context.facts),
            len(request.facts),
            context.turns,
            len(request.history),
            context.tokens,
            context.budget,
            extra={"prompt_version": version},
        )

    def _to_suggestions(
        self, output: ReplySuggestions, request: DraftRequest, context: DraftContext, version: str
    ) -> list[Suggestion]:
        by_id: dict[str, Passage] = {}
        for passage in context.passages:
            by_id.setdefault(passage.doc_id, passage)
            by_id.setdefault(passage.chunk_id, passage)
        dropped: list[str] = []
        suggestions: list[Suggestion] = []
        for item in output.suggestions:
            text = item.text.strip()
            if not text:
                continue
            citations = _resolve_citations(item.citations, by_id, dropped)
            used = _resolve_facts(item.used_facts, context.facts)
            confidence = item.confidence if math.isfinite(item.confidence) else 0.0
            suggestions.append(
                Suggestion(
                    kind=item.kind,
                    text=text,
                    language=request.language,
                    channel=request.channel,
                    citations=citations,
                    used_facts=used,
                    asks=[a.strip() for a in item.asks if a.strip()],
                    confidence=min(max(confidence, 0.0), 1.0),
                    abstain=item.abstain,
                    abstain_reason=(item.abstain_reason or "").strip() or None,
                )
            )
        if dropped:
            log.warning(
                "[prompt %s] dropped %d citation(s) to ids that were not sent: %s",
                version,
                len(dropped),
                ", ".join(repr(d[:80]) for d in dropped[:10]),
                extra={"prompt_version": version},
            )
        return suggestions[: max(1, min(request.max_suggestions, 3))]

    def _error(self, exc: Exception, version: str) -> SvarError:
        """Turn an exception from the chat model into a Svar error with a message that says what happened."""
        where = f"the chat model {self.model_name}"
        base_url = getattr(self.chat_model, "openai_api_base", None)
        if base_url:
            where += f" at {base_url}"
        retries = getattr(self.chat_model, "max_retries", None)
        after = f" after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
        error: SvarError
        if isinstance(exc, ModelAuthenticationError | ModelPermissionDeniedError):
            error = ConfigError(f"{where} rejected the API key: check SVAR_LLM_API_KEY (or OPENAI_API_KEY).")
        elif isinstance(exc, ModelNotFoundError):
            error = ConfigError(
                f"{where} does not know the model: check SVAR_LLM_MODEL and SVAR_LLM_BASE_URL."
            )
        elif isinstance(exc, ModelTimeoutError):
            timeout = getattr(self.chat_model, "request_timeout", None)
            error = BackendError(f"{where} did not answer within {timeout} s{after} (SVAR_LLM_TIMEOUT).")
        elif isinstance(exc, ModelRateLimitError):
            error = BackendError(f"{where} is rate limiting us (HTTP 429){after}; try again later.")
        elif isinstance(exc, ModelConnectionError):
            error = BackendError(f"could not connect to {where}{after}: {exc}")
        elif isinstance(exc, ModelAPIError):
            error = BackendError(f"{where} failed with a server error{after}: {_short(exc)}")
        elif isinstance(exc, ContextOverflowError):
            error = BackendError(f"{where} says the prompt is too long: lower SVAR_CONTEXT_TOKENS.")
        elif isinstance(exc, ModelInvalidRequestError):
            error = BackendError(
                f"{where} rejected the request (HTTP 400): {_short(exc)}. If it does not support "
                f"response_format json_schema, use method='function_calling'."
            )
        elif isinstance(exc, ValidationError | OutputParserException | ValueError):
            error = BackendError(
                f"{where} returned a reply that does not fit the suggestion schema: {_short(exc)}"
            )
        elif isinstance(exc, ModelError):
            error = BackendError(f"{where} failed: {_short(exc)}")
        else:
            error = BackendError(f"{where} failed: {type(exc).__name__}: {_short(exc)}")
        log.warning("[prompt %s] %s", version, error, extra={"prompt_version": version})
        return error


def _resolve_citations(ids: Sequence[str], by_id: dict[str, Passage], dropped: list[str]) -> list[Citation]:
    """Citations for ids naming a passage that was sent (doc or chunk id); other ids go to ``dropped``."""
    citations: list[Citation] = []
    for raw_id in ids:
        hit = by_id.get(raw_id.strip().strip("[]"))
        if hit is None:
            dropped.append(raw_id)
        elif all(c.id != hit.doc_id for c in citations):
            citations.append(Citation(id=hit.doc_id, title=hit.title, url=hit.url, chunk_id=hit.chunk_id))
    return citations


def _resolve_facts(ids: Sequence[str], facts: dict[str, KnownFact]) -> list[KnownFact]:
    """Facts by prompt id ("F1", "[F1]"), or by value when the model wrote the value instead."""
    used: list[KnownFact] = []
    by_value = {f.value.casefold(): f for f in facts.values()}
    for raw in ids:
        key = raw.strip().strip("[]")
        fact = facts.get(key.upper()) or by_value.get(key.casefold())
        if fact is not None and all(fact is not u for u in used):
            used.append(fact)
    return used


def _short(exc: BaseException, limit: int = 300) -> str:
    """A one-line summary of ``exc``; for validation errors without the model's output in it."""
    if isinstance(exc, ValidationError):
        problems = exc.errors(include_url=False, include_input=False)
        text = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in problems[:3])
    else:
        text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "…"
