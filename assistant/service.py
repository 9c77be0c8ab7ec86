"""The one service facade the CLI, the API and the evals call: ``suggest``, ``answer``.

A request goes: the customer's card and timeline (every channel) → known facts (stored, plus those in the
turns given with the request) → the reply language → retrieval for the message in its conversation → the
drafter (LLM or offline) → guards on every draft, whatever wrote it → logged → returned.

Knowledge is data: passages lose URLs that are not on the workspace's link allowlist and sentences that
address the assistant or ask for secrets (:mod:`assistant.guards.injection`) before any drafter sees them.

Guards, in order: citations must point at retrieved documents; secrets and national identity numbers are
redacted; injected instructions and foreign contacts are removed; identifiers that are neither this
customer's nor in the knowledge are redacted (privacy); questions for facts the conversation already
holds are removed (repeat-ask); the text is fitted to the channel, with links only to the workspace's
allowed domains and no images; language and grounding are checked and reported.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from assistant.channels import ChannelStyles, holding_text, is_stock_sentence
from assistant.drafting.base import Drafter
from assistant.guards import check_repeat_asks, remove_repeat_asks
from assistant.guards import findings as repeat_ask_findings
from assistant.guards.channel import check_channel, fit_channel
from assistant.guards.citations import check_citations, drop_unknown_citations
from assistant.guards.grounding import check_grounding, groundedness, split_units
from assistant.guards.injection import InjectionGuard, check_injection, redact_injection
from assistant.guards.language import check_language
from assistant.guards.privacy import check_foreign_identifiers, redact_foreign_identifiers
from assistant.guards.secrets import check_secrets, redact_secrets
from assistant.links import allowed_passages, workspace_link_domains
from assistant.retrieval import retrieve
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.types import CHANNELS, DraftRequest, GuardFinding, KnownFact, Passage, Suggestion, Turn
from knowledge.errors import InputError
from knowledge.facts import extract_facts
from knowledge.history import CustomerCard, customer_card, customer_timeline
from knowledge.language import SUPPORTED, detect_language_scores, normalize_language
from knowledge.masking import mask_message_facts

log = logging.getLogger("svar.service")

Mode = Literal["suggest", "answer"]
AMBIGUOUS_MARGIN = 0.2  # language scores closer than this are a tie
SHORT_MESSAGE_WORDS = 12  # below this, the customer's earlier messages weigh in ...
CLEAR_SCORE = 0.7  # ... unless the message alone is this clear


class SuggestResult(BaseModel):
    """Suggestions and what they were built from."""

    suggestions: list[Suggestion]
    language: str
    channel: str
    mode: str
    customer_id: str | None = None
    customer_name: str | None = None
    known_facts: list[KnownFact] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    drafter: str
    prompt_version: str | None = None
    groundedness: float | None = None
    latency_ms: float = 0.0


@dataclass
class CustomerContext:
    """What we know about the customer for one request."""

    card: CustomerCard | None = None
    history: list[Turn] = field(default_factory=list)
    facts: list[KnownFact] = field(default_factory=list)
    products: list[str] = field(default_factory=list)  # names of what they ordered: a catalogue for facts


class Assistant:
    """Suggests replies (agents) and answers (self-service) with one pipeline and one set of guards."""

    def __init__(
        self,
        runtime: Runtime,
        drafter: Drafter,
        *,
        styles: ChannelStyles | None = None,
        retrieval_k: int = 5,
        timeline_turns: int = 20,
    ) -> None:
        self.runtime = runtime
        self.drafter = drafter
        self.styles = styles or ChannelStyles()
        self.retrieval_k = retrieval_k
        self.timeline_turns = timeline_turns

    def suggest(
        self,
        *,
        workspace: str,
        message: str,
        channel: str,
        customer: str | None = None,
        history: Sequence[Turn] | None = None,
        max_suggestions: int = 3,
    ) -> SuggestResult:
        """1-3 suggested replies for an agent.

        Args:
            workspace: the tenant.
            message: the customer's latest message.
            channel: the channel it came in on (email, chat, phone, sms, facebook, instagram, x, widget).
            customer: the customer's id, e-mail, phone or handle; their stored history and facts are used.
            history: earlier turns of this conversation when they are not stored (evals, the widget).
            max_suggestions: at most this many suggestions (1-3).

        Raises:
            InputError: an empty message, an unknown channel, or an unknown customer.
        """
        return self._run("suggest", workspace, message, channel, customer, history, max_suggestions)

    def answer(
        self,
        *,
        workspace: str,
        message: str,
        channel: str = "widget",
        customer: str | None = None,
        history: Sequence[Turn] | None = None,
    ) -> SuggestResult:
        """One reply for self-service, or an honest holding reply (abstain) when knowledge is not enough."""
        return self._run("answer", workspace, message, channel, customer, history, 1)

    def _run(
        self,
        mode: Mode,
        workspace: str,
        message: str,
        channel: str,
        customer: str | None,
        history: Sequence[Turn] | None,
        max_suggestions: int,
    ) -> SuggestResult:
        started = time.perf_counter()
        message = message.strip()
        if not message:
            raise InputError("the message is empty")
        if channel not in CHANNELS:
            raise InputError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
        if not 1 <= max_suggestions <= 3:
            raise InputError("max_suggestions must be 1, 2 or 3")
        ctx = self._customer_context(workspace, customer, history)
        latest = Turn(role="customer", text=message, channel=channel)
        facts = _dedupe([*ctx.facts, *facts_of([latest], ctx.products)])
        language = self._language(message, ctx)
        passages = retrieve(
            self.runtime.searcher,
            workspace,
            message,
            ctx.history,
            language=language,
            k=self.retrieval_k,
            turns=self.runtime.settings.history_turns,
        )
        links = workspace_link_domains(self.runtime.sessions, workspace, self.runtime.settings.link_domains())
        passages, planted = _without_injections(allowed_passages(passages, links), links)
        request = DraftRequest(
            message=latest,
            history=ctx.history,
            language=language,
            channel=channel,
            mode=mode,
            customer_name=ctx.card.name if ctx.card else None,
            facts=facts,
            passages=passages,
            max_suggestions=max_suggestions,
        )
        suggestions = [self._guard(s, request, links, planted) for s in self.drafter.draft(request)]
        suggestions = [s for s in suggestions if s.abstain or _substantive(s.text, language)] or [
            self._holding(request, "after the guards nothing was left to say")
        ]
        suggestions = self._in_customer_language(suggestions, request)[:max_suggestions]
        first = next((s for s in suggestions if not s.abstain), None)
        result = SuggestResult(
            suggestions=suggestions,
            language=language,
            channel=channel,
            mode=mode,
            customer_id=ctx.card.external_id if ctx.card else None,
            customer_name=ctx.card.name if ctx.card else None,
            known_facts=facts,
            passages=passages,
            drafter=self.drafter.name,
            prompt_version=self.drafter.prompt_version,
            groundedness=groundedness(first.text, passages, facts, language) if first else None,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
        log.info(
            "%s workspace=%s channel=%s language=%s drafter=%s prompt=%s suggestions=%d abstain=%s ms=%.0f",
            mode,
            workspace,
            channel,
            language,
            self.drafter.name,
            self.drafter.prompt_version,
            len(suggestions),
            [s.abstain for s in suggestions],
            result.latency_ms,
        )
        return result

    def _customer_context(
        self, workspace: str, customer: str | None, history: Sequence[Turn] | None
    ) -> CustomerContext:
        ctx = CustomerContext(history=list(history or []))
        if customer:
            sessions = self.runtime.sessions
            ctx.card = customer_card(sessions, workspace, customer)
            if history is None:
                timeline = customer_timeline(sessions, workspace, customer, limit=self.timeline_turns)
                ctx.history = [
                    Turn(role=m.role, text=m.text, channel=m.channel, at=m.at.isoformat(), message_id=m.id)  # type: ignore[arg-type]
                    for m in timeline
                ]
            ctx.facts = [
                KnownFact(
                    **{**f.model_dump(exclude={"excerpt", "at"}), "at": f.at.isoformat() if f.at else None}
                )
                for f in [*ctx.card.facts, *ctx.card.tried, *ctx.card.promised]
            ]
            ctx.products = _product_names(ctx.card)
        if history is not None:
            ctx.facts.extend(facts_of(ctx.history, ctx.products))
        return ctx

    def _language(self, message: str, ctx: CustomerContext) -> str:
        """The customer's language.

        A language belongs to the customer more than to one message: a short message ("ja, den lyser
        orange") is read together with their earlier messages, and a near tie between close languages
        (bokmål, nynorsk, Danish) is broken by those messages, then by the profile.
        """
        scores = detect_language_scores(message)
        earlier = " ".join(t.text for t in ctx.history if t.role == "customer")[-1500:]
        prior_scores = detect_language_scores(earlier) if len(earlier.split()) >= 5 else {}
        words = len(message.split())
        if prior_scores and words < SHORT_MESSAGE_WORDS and max(scores.values(), default=0.0) < CLEAR_SCORE:
            weight = words / (words + min(len(earlier.split()), 2 * SHORT_MESSAGE_WORDS))
            scores = {
                k: weight * scores.get(k, 0.0) + (1 - weight) * prior_scores.get(k, 0.0)
                for k in set(scores) | set(prior_scores)
            }
        ranked = sorted(scores, key=lambda k: -scores[k])
        prior = max(prior_scores, key=lambda k: prior_scores[k]) if prior_scores else None
        profile = normalize_language(ctx.card.language) if ctx.card else None
        if ranked:
            top = ranked[0]
            close = [k for k in ranked if scores[top] - scores[k] < AMBIGUOUS_MARGIN]
            if len(close) == 1 and (words >= 3 or prior_scores):
                return top
            for candidate in (prior, profile):
                if candidate in close:
                    return candidate
            if words >= 3:
                return top
        for candidate in (prior, profile):
            if candidate in SUPPORTED:
                return candidate
        return ranked[0] if ranked else "en"

    def _guard(
        self,
        suggestion: Suggestion,
        request: DraftRequest,
        links: Sequence[str] | None = None,
        planted: Sequence[GuardFinding] = (),
    ) -> Suggestion:
        """Run every guard on one draft; fix what can be fixed and record what was found."""
        findings = [*suggestion.guard_findings, *planted]
        findings.extend(check_citations(suggestion.citations, request.passages))
        citations = drop_unknown_citations(suggestion.citations, request.passages)
        text = suggestion.text
        secret_findings = check_secrets(text)
        if secret_findings:
            text = redact_secrets(text)
            findings.extend(f.model_copy(update={"fixed": True}) for f in secret_findings)
        text, injection_findings = InjectionGuard(
            allowed_domains=tuple(links) if links else None, allowed_phones=self.runtime.settings.phones()
        ).apply(text)
        findings.extend(injection_findings)
        turns = [*request.history, request.message]
        privacy_findings = check_foreign_identifiers(text, request.facts, turns, request.passages)
        if privacy_findings:
            text = redact_foreign_identifiers(text, request.facts, turns, request.passages)
            findings.extend(f.model_copy(update={"fixed": True}) for f in privacy_findings)
        if not suggestion.abstain:
            report = check_repeat_asks(
                text,
                history=request.history,
                message=request.message,
                facts=request.facts,
                language=request.language,
            )
            if report.flagged:
                text = remove_repeat_asks(text, report, request.language)
                findings.extend(f.model_copy(update={"fixed": True}) for f in repeat_ask_findings(report))
        cited = [p for p in request.passages if p.doc_id in {c.id for c in citations}]
        known_urls = [p.url for p in request.passages if p.url]
        fitted = fit_channel(
            text,
            request.channel,
            request.language,
            styles=self.styles,
            cited=cited,
            known_urls=known_urls,
            customer_name=request.customer_name,
            allowed_domains=links,
        )
        channel_findings = check_channel(
            text,
            request.channel,
            request.language,
            cited=cited,
            styles=self.styles,
            known_urls=known_urls,
            allowed_domains=links,
        )
        findings.extend(f.model_copy(update={"fixed": fitted != text}) for f in channel_findings)
        text = fitted
        findings.extend(check_language(text, request.language))
        if not suggestion.abstain:
            findings.extend(check_grounding(text, request.passages, request.facts, request.language))
        return suggestion.model_copy(
            update={"text": text, "citations": citations, "guard_findings": findings}
        )

    def _in_customer_language(self, suggestions: list[Suggestion], request: DraftRequest) -> list[Suggestion]:
        """A reply is in the customer's language.

        When the first grounded draft is not (the knowledge that answers exists only in another language and
        no LLM translated it), a customer-facing answer becomes an honest holding reply, and an agent gets a
        holding reply in the right language first, with the flagged draft after it to translate or edit.
        """
        first = next((s for s in suggestions if not s.abstain), None)
        if first is None or not any(f.guard == "language" for f in first.guard_findings):
            return suggestions
        holding = Suggestion(
            kind="holding",
            text=holding_text(
                request.language, request.channel, name=request.customer_name, styles=self.styles
            ),
            language=request.language,
            channel=request.channel,
            confidence=first.confidence,
            abstain=True,
            abstain_reason=(
                f"the knowledge that answers this is not in the customer's language ({request.language}); "
                "translate the next suggestion or let a colleague answer"
            ),
        )
        if request.mode == "answer":
            return [holding]
        return [holding, *suggestions]

    def _holding(self, request: DraftRequest, reason: str, confidence: float = 0.0) -> Suggestion:
        """An honest holding reply in the customer's language, saying when they will hear back."""
        return Suggestion(
            kind="holding",
            text=holding_text(
                request.language, request.channel, name=request.customer_name, styles=self.styles
            ),
            language=request.language,
            channel=request.channel,
            confidence=confidence,
            abstain=True,
            abstain_reason=reason,
        )


def _without_injections(
    passages: Sequence[Passage], links: Sequence[str]
) -> tuple[list[Passage], list[GuardFinding]]:
    """Passages with planted instructions removed before any drafter sees them, and a finding for each.

    With no link allowlist (no configured domains, no knowledge URLs) e-mail addresses and links are not
    judged here; the channel guard still keeps links out of the reply.
    """
    out: list[Passage] = []
    found: list[GuardFinding] = []
    for p in passages:
        planted = check_injection(p.text, allowed_domains=links or None)
        if planted:
            p = p.model_copy(update={"text": redact_injection(p.text, allowed_domains=links or None)})
            found.extend(
                f.model_copy(update={"fixed": True, "message": f"knowledge {p.doc_id!r}: {f.message}"})
                for f in planted
            )
        out.append(p)
    return out, found


def _substantive(text: str, language: str) -> bool:
    """Whether a reply says something beyond greeting, thanks, sign-off and links."""
    sentences = [u.text for u in split_units(text)]
    return any(not is_stock_sentence(s, language) and len(s.split()) >= 3 for s in sentences)


def _product_names(card: CustomerCard) -> list[str]:
    names = []
    for order in card.orders:
        for item in order.items:
            name = item.get("name") if isinstance(item, dict) else item if isinstance(item, str) else None
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names


def facts_of(turns: Sequence[Turn], products: Sequence[str] = ()) -> list[KnownFact]:
    """Facts extracted offline from ``turns`` (each by its role's rules), with the turn as provenance."""
    facts = []
    for turn in turns:
        found = extract_facts(turn.text, role=turn.role, products=products)
        _, found = mask_message_facts(turn.text, turn.text, found)  # never a card or id in clear
        for f in found:
            facts.append(
                KnownFact(
                    kind=f.kind,
                    value=f.value,
                    normalized=f.normalized,
                    source=turn.message_id or "conversation",
                    channel=turn.channel,
                    at=turn.at,
                    confidence=f.confidence,
                )
            )
    return facts


def _dedupe(facts: Sequence[KnownFact]) -> list[KnownFact]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in facts:
        key = (f.kind, (f.normalized or f.value).casefold())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def build_drafter(settings: Settings) -> Drafter:
    """The LLM drafter when ``SVAR_LLM_MODEL`` is set, else the offline drafter.

    Raises:
        ConfigError: a model is set but its key or endpoint is missing.
    """
    if settings.llm_model:
        from assistant.drafting.llm import LLMDrafter

        return LLMDrafter.from_settings(settings)
    from assistant.drafting.offline import OfflineDrafter

    return OfflineDrafter.from_settings(settings)


def build_assistant(runtime: Runtime) -> Assistant:
    """The service on ``runtime`` with the configured drafter."""
    return Assistant(runtime, build_drafter(runtime.settings))
