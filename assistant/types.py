"""Domain types shared by retrieval, drafting, guards, the service facade, the CLI, the API and evals.

They are plain pydantic models so they serialise to the JSON contract of DESIGN.md as they are. API
request/response schemas are separate (``api/schemas.py``) and built from these.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.history.situation import Situation
from knowledge.text.analysis import ConversationAnalysis

Role = Literal["customer", "agent", "bot", "note"]
Channel = Literal["email", "chat", "phone", "sms", "facebook", "instagram", "x", "widget"]
CHANNELS: tuple[str, ...] = ("email", "chat", "phone", "sms", "facebook", "instagram", "x", "widget")


class Turn(BaseModel):
    """One message of a conversation, oldest first in lists."""

    role: Role
    text: str
    channel: str = "chat"
    at: str | None = None
    message_id: str | None = None


class KnownFact(BaseModel):
    """A fact we already know about the customer, with where it came from."""

    kind: (
        str  # order_number, email, phone, address, product, serial_number, date, amount, tried, promise, ...
    )
    value: str
    normalized: str | None = None
    source: str | None = None  # message id, "profile", "order:<id>"
    channel: str | None = None
    at: str | None = None
    confidence: float = 1.0


class Passage(BaseModel):
    """A retrieved knowledge passage: the best chunk of one document."""

    doc_id: str
    chunk_id: str
    title: str = ""
    text: str
    url: str | None = None
    language: str | None = None
    score: float = 0.0  # fused score, higher is better
    dense_score: float | None = None  # cosine similarity of the best chunk, when dense retrieval ran
    rank: int = 0


class Citation(BaseModel):
    """A knowledge document a suggestion relies on."""

    id: str
    title: str = ""
    url: str | None = None
    chunk_id: str | None = None


class GuardFinding(BaseModel):
    """What a guard found in a draft."""

    guard: str  # repeat_ask, language, channel, citations, grounding, secrets, pii
    severity: Literal["info", "warn", "block"] = "warn"
    message: str
    span: str | None = None
    fixed: bool = False


class Suggestion(BaseModel):
    """One draft reply offered to an agent or sent by the widget."""

    kind: str = "full"  # full, short, ask_missing, answer, holding
    text: str
    language: str
    channel: str
    citations: list[Citation] = Field(default_factory=list)
    used_facts: list[KnownFact] = Field(default_factory=list)
    used_situation: list[str] = Field(default_factory=list)  # "order:<id>", "refund:<id>", "promise:<n>", ...
    asks: list[str] = Field(default_factory=list)  # what it still needs to ask the customer
    confidence: float = 0.0
    abstain: bool = False
    abstain_reason: str | None = None
    guard_findings: list[GuardFinding] = Field(default_factory=list)


class DraftRequest(BaseModel):
    """Everything a drafter may use. Built by the service, never by the caller.

    ``analysis`` is the conversation read once by the text layer (sentences, value spans, facts), shared by
    the drafter and every guard of the request; it is never serialised.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    message: Turn
    history: list[Turn] = Field(default_factory=list)
    language: str
    channel: str
    mode: Literal["suggest", "answer"] = "suggest"
    customer_name: str | None = None
    facts: list[KnownFact] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    max_suggestions: int = 3
    situation: Situation | None = None  # where the customer's matter stands (a known customer only)
    request_type: str = "other"  # what the message asks (assistant.intent)
    complaint: bool = False  # the message also complains
    # the workspace's own reply macros and policy ({"policy": {...}, "<lang>": {...}}; docs/situation.md)
    macros: dict[str, Any] = Field(default_factory=dict)
    analysis: ConversationAnalysis | None = Field(default=None, exclude=True, repr=False)
