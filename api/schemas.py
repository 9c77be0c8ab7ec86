"""Request and response models of the API, separate from the domain types (``assistant.types``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from assistant.service import SuggestResult
from assistant.types import Suggestion


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time we store is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware)]
ChannelIn = Literal["email", "chat", "phone", "sms", "facebook", "instagram", "x", "widget"]


class ErrorDetail(BaseModel):
    type: str = Field(examples=["invalid_request"])
    message: str = Field(examples=["message: String should have at least 1 character"])


class ErrorOut(BaseModel):
    """Every error: what went wrong and what to fix."""

    error: ErrorDetail


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can return."""
    text = {
        400: "The input cannot be used (the message says why).",
        401: "Missing, invalid or expired credentials.",
        403: "The key's role or the browser origin is not allowed here.",
        404: "Nothing with that id in your workspace.",
        409: "The index must be rebuilt (re-index).",
        413: "The request body is too large.",
        422: "The request does not match the schema.",
        429: "Too many requests or the token budget is used up (see Retry-After).",
        503: "A backend (model, vector store, database) is unavailable; retry later.",
    }
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


ROUTE_ERRORS = errors(400, 401, 403, 413, 422, 503)
WIDGET_ERRORS = errors(400, 401, 403, 413, 422, 429, 503)


# ---- knowledge ---------------------------------------------------------------------------------


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=500, pattern=r"\S", examples=["returns-policy"])
    text: str = Field(
        min_length=1, max_length=200_000, pattern=r"\S", examples=["You can return items within 30 days."]
    )
    title: str = Field(default="", max_length=1000, examples=["Returns"])
    language: str | None = Field(default=None, max_length=10, examples=["en"])
    url: str | None = Field(default=None, max_length=2000, examples=["https://help.example.com/returns"])
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict)


class DocumentsIn(BaseModel):
    documents: list[DocumentIn] = Field(min_length=1)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documents": [
                        {
                            "id": "returns",
                            "title": "Returns",
                            "text": "You can return items within 30 days of delivery.",
                            "language": "en",
                        }
                    ]
                }
            ]
        }
    )


class RejectionOut(BaseModel):
    location: str
    reason: str


class IngestOut(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    rejected: list[RejectionOut]
    chunks_written: int
    seconds: float


class DocumentOut(BaseModel):
    id: str
    title: str
    language: str | None
    url: str | None
    chunks: int
    source: str
    flags: list[str]


class DocumentListOut(BaseModel):
    total: int
    offset: int
    documents: list[DocumentOut]


class JobOut(BaseModel):
    id: str = Field(examples=["job_3f2a..."])
    kind: str = Field(examples=["ingest"])
    status: Literal["queued", "running", "done", "failed"]
    phase: str = Field(examples=["Embedding chunks"])
    done: int
    total: int
    progress: float = Field(ge=0, le=1, description="done / total of the current phase")
    result: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None = None


# ---- customers -----------------------------------------------------------------------------------


EVENT_EXAMPLE: dict[str, Any] = {
    "customer": {"id": "cus_42", "name": "Kari Nordmann", "email": "kari@example.com", "language": "nb"},
    "conversation": {"id": "conv_9", "channel": "chat"},
    "message": {
        "id": "m1",
        "role": "customer",
        "text": "Ruteren blinker oransje.",
        "at": "2026-01-05T10:00:00Z",
    },
}


_TEXT = r"\S"
HandleKind = Annotated[
    str, StringConstraints(pattern=r"^(?!email$|phone$|external_id$)[a-z][a-z0-9_]{0,29}$")
]


class EventCustomerIn(BaseModel):
    """Who the event is about; the same e-mail, phone or handle is the same customer."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    handles: dict[Literal["facebook", "instagram", "x", "tiktok", "linkedin"], str] = Field(
        default_factory=dict
    )
    language: Literal["nb", "nn", "sv", "da", "en"] | None = None


class EventConversationIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    channel: ChannelIn
    subject: str | None = None
    status: Literal["open", "closed"] | None = None
    sla_due_at: datetime | None = None


class EventMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, min_length=1, max_length=200, pattern=_TEXT)
    role: Literal["customer", "agent", "bot", "note"]
    text: str = Field(min_length=1, pattern=_TEXT)
    at: datetime


class EventOrderIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    status: str | None = Field(default=None, max_length=50)
    items: list[Any] | None = None
    placed_at: datetime | None = None
    updated_at: datetime | None = None


class EventIn(BaseModel):
    """One history event (a line of a `svar ingest history` file); unknown fields are kept as metadata."""

    model_config = ConfigDict(extra="allow")

    customer: EventCustomerIn
    conversation: EventConversationIn | None = None
    message: EventMessageIn | None = Field(default=None, description="Needs a conversation.")
    order: EventOrderIn | None = None


class EventsIn(BaseModel):
    """History events in the documented event format. A request whose events do not have the format is
    refused whole (422, with the event's position); an event that conflicts with what is stored (a
    conversation of another customer, say) is reported as ``events[i]`` and the rest are imported."""

    events: list[EventIn] = Field(min_length=1, description="Events as in `svar ingest history` files.")
    model_config = ConfigDict(json_schema_extra={"examples": [{"events": [EVENT_EXAMPLE]}]})


class EventsOut(BaseModel):
    summary: dict[str, int]
    rejected: list[RejectionOut]
    warnings: list[RejectionOut]


class ErasureOut(BaseModel):
    customer: str
    rows: dict[str, int]
    vectors: int
    cache_entries: int


# ---- suggestions ---------------------------------------------------------------------------------


class TurnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["customer", "agent", "bot", "note"]
    text: str = Field(min_length=1, max_length=8000)
    channel: ChannelIn = "chat"
    at: datetime | None = None


class SuggestionIn(BaseModel):
    """A customer's message to suggest replies to."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"message": "Hi, how long does a refund take?", "channel": "chat", "customer": "cus_42"}
            ]
        },
    )

    message: str = Field(min_length=1, pattern=r"\S", description="The customer's latest message.")
    channel: ChannelIn = "chat"
    customer: str | None = Field(
        default=None, min_length=1, max_length=320, description="Customer id, e-mail, phone or handle."
    )
    history: list[TurnIn] | None = Field(
        default=None, description="Earlier turns when they are not stored (oldest first)."
    )
    max_suggestions: int = Field(default=3, ge=1, le=3)


class CitationOut(BaseModel):
    id: str
    title: str = ""
    url: str | None = None


class FactOut(BaseModel):
    kind: str
    value: str
    source: str | None = None


class SuggestionOut(BaseModel):
    id: str = Field(description="Use it to send feedback.", examples=["sug_1a2b3c"])
    kind: str
    text: str
    language: str
    channel: str
    citations: list[CitationOut]
    used_facts: list[FactOut]
    asks: list[str]
    confidence: float
    abstain: bool
    abstain_reason: str | None = None
    guards: list[str] = Field(description="Guards that found something in the draft.")


class SuggestionsOut(BaseModel):
    suggestions: list[SuggestionOut]
    language: str
    channel: str
    customer_id: str | None = None
    customer_name: str | None = None
    known_facts: list[FactOut]
    drafter: str
    prompt_version: str | None = None
    latency_ms: float


def suggestion_out(s: Suggestion, sid: str) -> SuggestionOut:
    return SuggestionOut(
        id=sid,
        kind=s.kind,
        text=s.text,
        language=s.language,
        channel=s.channel,
        citations=[CitationOut(id=c.id, title=c.title, url=c.url) for c in s.citations],
        used_facts=[FactOut(kind=f.kind, value=f.value, source=f.source) for f in s.used_facts],
        asks=s.asks,
        confidence=s.confidence,
        abstain=s.abstain,
        abstain_reason=s.abstain_reason,
        guards=sorted({f.guard for f in s.guard_findings}),
    )


def suggestions_out(result: SuggestResult, ids: list[str]) -> SuggestionsOut:
    return SuggestionsOut(
        suggestions=[suggestion_out(s, i) for s, i in zip(result.suggestions, ids, strict=True)],
        language=result.language,
        channel=result.channel,
        customer_id=result.customer_id,
        customer_name=result.customer_name,
        known_facts=[FactOut(kind=f.kind, value=f.value, source=f.source) for f in result.known_facts],
        drafter=result.drafter,
        prompt_version=result.prompt_version,
        latency_ms=result.latency_ms,
    )


class FeedbackEditedIn(BaseModel):
    """The agent edited the suggestion: the text that was sent is required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"action": "edited", "final_text": "Hi Kari, the refund takes 5 days."}]
        },
    )

    action: Literal["edited"]
    final_text: str = Field(
        min_length=1, max_length=20000, pattern=_TEXT, description="The text that was sent."
    )
    reason: str | None = Field(default=None, max_length=2000)


class FeedbackActionIn(BaseModel):
    """The agent was shown, inserted, sent or dismissed the suggestion (with an optional reason)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"action": "dismissed", "reason": "wrong product"}]}
    )

    action: Literal["shown", "inserted", "sent", "dismissed"]
    reason: str | None = Field(default=None, max_length=2000, description="Why (for 'dismissed').")
    final_text: None = None


FeedbackIn = Annotated[FeedbackEditedIn | FeedbackActionIn, Field(discriminator="action")]


class FeedbackOut(BaseModel):
    id: int
    suggestion_id: str
    action: str
    created_at: UtcDatetime


# ---- workspace ------------------------------------------------------------------------------------


class WorkspaceOut(BaseModel):
    name: str
    cors_origins: list[str]
    token_budget_daily: int | None
    tokens_used_today: int
    has_widget_secret: bool
    opening_hours: dict[str, Any] | None = Field(
        description="When people answer, per weekday in the workspace's time zone; null: always."
    )


class WorkspaceSettingsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"cors_origins": ["https://shop.example.com"], "token_budget_daily": 200000}]
        },
    )

    cors_origins: list[str] | None = Field(default=None, max_length=100)
    token_budget_daily: int | None = Field(default=None, ge=0, description="Tokens a day; null leaves it.")
    clear_budget: bool = Field(default=False, description="Remove the budget.")
    opening_hours: dict[str, Any] | None = Field(
        default=None,
        description='{"timezone": "Europe/Oslo", "mon": "08:00-20:00", ..., "sun": null}; null leaves them.',
        examples=[{"timezone": "Europe/Oslo", "mon": "08:00-16:00", "sat": "10:00-14:00", "sun": None}],
    )
    clear_opening_hours: bool = Field(default=False, description="Remove the opening hours (always open).")


class WidgetSecretOut(BaseModel):
    secret: str = Field(description="Sign customer ids with it on your server; shown once.")


class KeyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"role": "agent", "label": "desk"}]}
    )

    role: Literal["admin", "agent", "widget"]
    label: str = Field(default="", max_length=200)


class KeyOut(BaseModel):
    key_id: str
    role: str
    label: str
    created_at: UtcDatetime
    revoked: bool


class NewKeyOut(BaseModel):
    key: str = Field(description="Shown once; only its hash is stored.")
    key_id: str
    role: str


class FieldIn(BaseModel):
    """One of the workspace's own fields."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", examples=["router_model"])
    description: str = Field(default="", max_length=2000)
    values: list[str] = Field(default_factory=list, max_length=1000, description="Values it can take.")
    ask: dict[str, list[str]] = Field(
        default_factory=dict, description="Words used to ask for it, per language."
    )


class FieldsIn(BaseModel):
    """The workspace's own fields (the format of `fields.yaml`); names must be unique."""

    fields: list[FieldIn] = Field(max_length=500)
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"fields": [{"name": "router_model", "description": "The router model", "values": ["X1"]}]}
            ]
        }
    )


class FieldsOut(BaseModel):
    fields: list[dict[str, Any]]


# ---- widget ---------------------------------------------------------------------------------------


class WidgetSessionIn(BaseModel):
    """Anonymous (empty), or a customer verified by your server's HMAC signature or JWT."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"customer_id": "cus_42", "signature": "9f86d08..."}]},
    )

    customer_id: str | None = Field(default=None, min_length=1, max_length=200)
    signature: str | None = Field(default=None, max_length=200, description="hex HMAC-SHA256 of customer_id.")
    token: str | None = Field(default=None, max_length=4000, description="A HS256 JWT with sub and exp.")


class WidgetSessionOut(BaseModel):
    session_id: str
    token: str = Field(description="Send it as 'Authorization: Bearer <token>' to the other widget routes.")
    expires_at: UtcDatetime
    verified: bool
    answer_minutes: int = Field(
        description="The widget channel's answer-time goal: a person answers within it."
    )
    link_domains: list[str] = Field(description="Domains the widget may link to (the workspace's allowlist).")


class WidgetMessageIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"text": "How do I return an item?"}]}
    )

    text: str = Field(min_length=1, pattern=r"\S")


class WidgetAnswerOut(BaseModel):
    id: str = Field(description="Rate it with POST /v1/widget/answers/{id}/rating.")
    text: str
    language: str
    abstain: bool
    citations: list[CitationOut]
    handoff_suggested: bool = Field(description="True when a person should take over.")


class WidgetReplyOut(BaseModel):
    id: int = Field(description="Ask for later replies with ?after=<the last id>.")
    text: str
    at: UtcDatetime


class WidgetRepliesOut(BaseModel):
    replies: list[WidgetReplyOut] = Field(description="What agents wrote after the handoff, oldest first.")


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rating": 5}]})

    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class HandoffIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "I want to talk to someone"}]}
    )

    reason: str | None = Field(default=None, max_length=2000)
    name: str | None = Field(default=None, max_length=200, description="An anonymous visitor's name.")


class HandoffOut(BaseModel):
    conversation_id: str
    customer_id: str
    summary: str
    due_at: UtcDatetime = Field(
        description="When a person should have answered: now plus the channel's goal, or, outside the "
        "workspace's opening hours, the next opening plus the goal."
    )
    answer_minutes: int = Field(description="The widget channel's answer-time goal in minutes.")
    opens_at: UtcDatetime | None = Field(
        default=None, description="Outside the opening hours: when people are there again; null while open."
    )


# ---- OpenAI-compatible -------------------------------------------------------------------------------


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionIn(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "svar-answer",
                    "messages": [{"role": "user", "content": "How do I return an item?"}],
                }
            ]
        },
    )

    model: str = Field(examples=["svar-answer"])
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChoiceOut(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"


class UsageOut(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionOut(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChoiceOut]
    usage: UsageOut


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "svar"


class ModelListOut(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


# ---- health -----------------------------------------------------------------------------------------


class ReadyOut(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, str] = Field(
        examples=[{"database": "ok", "vector_store": "ok", "embedder": "ok", "drafter": "offline"}]
    )
