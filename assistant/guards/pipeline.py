"""The guard pipeline: one ordered list of guards that every draft goes through, whatever wrote it.

The contract is small, like an HTTP transport's: a guard has a ``name`` and one method,
``check(suggestion, context) -> GuardOutcome``. It returns the suggestion as it should continue (fixed
where it can be fixed: redacted, trimmed, a question removed) and what it found. It never raises for a
bad draft; it reports it. The service (``suggest``, ``answer``, ``check_draft``), the eval runner and the
API all run the same :class:`GuardPipeline`, built by :func:`default_pipeline`::

    citations → secrets → injection → privacy → repeat_ask → channel → language → grounding

The order matters: citations are settled first (the channel guard keeps the links of cited sources),
secrets, instructions planted in the knowledge (and contacts not on the workspace's allowlist) and other
customers' identifiers are removed before anything else reads the text, a question for a
known detail is removed before the text is fitted to the channel, and language and grounding judge the
final text.

:class:`GuardContext` carries what guards may read for one request: the :class:`DraftRequest` (the
conversation, the decided language, the channel, the facts and the retrieved passages), the channel styles,
the workspace's own fields and, when the service has it, the per-request text analysis (each turn analysed
once and shared by every guard). A test or another product builds its own pipeline from any guards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from assistant.channels import ChannelStyles
from assistant.guards import check_repeat_asks, findings, remove_repeat_asks
from assistant.guards.channel import check_channel, fit_channel
from assistant.guards.citations import check_citations, drop_unknown_citations
from assistant.guards.grounding import check_grounding
from assistant.guards.injection import InjectionGuard as InjectionCheck
from assistant.guards.language import check_language
from assistant.guards.privacy import check_foreign_identifiers, redact_foreign_identifiers
from assistant.guards.repeat_ask.meaning import Similarity
from assistant.guards.secrets import check_secrets, redact_secrets
from assistant.types import DraftRequest, GuardFinding, Passage, Suggestion, Turn
from knowledge.fields import FieldSet
from knowledge.text.analysis import ConversationAnalysis

__all__ = [
    "CitationsGuard",
    "ChannelGuard",
    "Guard",
    "GuardContext",
    "GuardOutcome",
    "GuardPipeline",
    "GuardedDraft",
    "GroundingGuard",
    "InjectionGuard",
    "LanguageGuard",
    "PrivacyGuard",
    "RepeatAskGuard",
    "SecretsGuard",
    "default_pipeline",
]


@dataclass(frozen=True)
class GuardContext:
    """What the guards may read for one request.

    Attributes:
        request: the request the draft answers (conversation, language, channel, facts, passages).
        styles: the workspace's channel styles.
        fields: the workspace's own fields (empty when it declares none).
        analysis: the per-request analysis of the conversation's text, when the service computed one.
        allowed_domains: the domains links and e-mail addresses in a reply may point to (None: links are
            dropped and contacts are not judged; see :mod:`assistant.links`).
        allowed_phones: the company's phone numbers (empty: phone numbers are not judged).
        similar: the cosine similarity of two short texts (the local embedder), so that the repeat-ask guard
            knows a step proposed with another verb of the same meaning; None: by stems only.
    """

    request: DraftRequest
    styles: ChannelStyles = field(default_factory=ChannelStyles)
    fields: FieldSet = field(default_factory=FieldSet)
    analysis: ConversationAnalysis | None = None
    allowed_domains: tuple[str, ...] | None = None
    allowed_phones: tuple[str, ...] = ()
    similar: Similarity | None = None

    @property
    def turns(self) -> list[Turn]:
        """The conversation, oldest first, the latest message last."""
        return [*self.request.history, self.request.message]

    def cited(self, suggestion: Suggestion) -> list[Passage]:
        """The retrieved passages that ``suggestion`` cites."""
        ids = {c.id for c in suggestion.citations}
        return [p for p in self.request.passages if p.doc_id in ids]


@dataclass(frozen=True)
class GuardOutcome:
    """What one guard did: the suggestion to continue with, what it found, and its own report if any.

    ``report`` is the guard's structured result for callers that score it (the repeat-ask report, for
    instance); the pipeline keeps it by the guard's name.
    """

    suggestion: Suggestion
    findings: list[GuardFinding] = field(default_factory=list)
    report: object | None = None


@runtime_checkable
class Guard(Protocol):
    """A check (and, where possible, a fix) applied to every draft."""

    name: str

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        """Check ``suggestion`` in ``context``; return it (fixed where possible) with the findings."""
        ...


@dataclass(frozen=True)
class GuardedDraft:
    """A suggestion after the pipeline, with each guard's report by name."""

    suggestion: Suggestion
    reports: dict[str, object] = field(default_factory=dict)


def _fixed(found: Iterable[GuardFinding], fixed: bool = True) -> list[GuardFinding]:
    return [f.model_copy(update={"fixed": fixed}) for f in found]


class CitationsGuard:
    """Every citation points at a retrieved passage; unknown ones are dropped."""

    name = "citations"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        passages = context.request.passages
        found = check_citations(suggestion.citations, passages)
        kept = drop_unknown_citations(suggestion.citations, passages)
        return GuardOutcome(suggestion.model_copy(update={"citations": kept}), found)


class SecretsGuard:
    """Secrets and national identity numbers are redacted."""

    name = "secrets"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:  # noqa: ARG002 - the contract
        found = check_secrets(suggestion.text)
        if not found:
            return GuardOutcome(suggestion)
        text = redact_secrets(suggestion.text)
        return GuardOutcome(suggestion.model_copy(update={"text": text}), _fixed(found))


class InjectionGuard:
    """Planted instructions, requests for secrets and contacts off the allowlist are removed."""

    name = "injection"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        check = InjectionCheck(allowed_domains=context.allowed_domains, allowed_phones=context.allowed_phones)
        text, found = check.apply(suggestion.text)
        if not found:
            return GuardOutcome(suggestion)
        return GuardOutcome(suggestion.model_copy(update={"text": text}), found)


class PrivacyGuard:
    """Identifiers that are neither this customer's nor in the knowledge are redacted."""

    name = "privacy"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        req = context.request
        turns = context.turns
        found = check_foreign_identifiers(
            suggestion.text, req.facts, turns, req.passages, analysis=context.analysis
        )
        if not found:
            return GuardOutcome(suggestion)
        text = redact_foreign_identifiers(
            suggestion.text, req.facts, turns, req.passages, analysis=context.analysis
        )
        return GuardOutcome(suggestion.model_copy(update={"text": text}), _fixed(found))


class RepeatAskGuard:
    """Questions for a detail the conversation already holds are removed (an abstain is left alone)."""

    name = "repeat_ask"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        if suggestion.abstain:
            return GuardOutcome(suggestion)
        req = context.request
        report = check_repeat_asks(
            suggestion.text,
            history=req.history,
            message=req.message,
            facts=req.facts,
            language=req.language,
            analysis=context.analysis,
            fields=context.fields,
            similar=context.similar,
        )
        if not report.flagged:
            return GuardOutcome(suggestion, report=report)
        text = remove_repeat_asks(suggestion.text, report, req.language)
        return GuardOutcome(suggestion.model_copy(update={"text": text}), _fixed(findings(report)), report)


class ChannelGuard:
    """The text is fitted to the channel (length, greeting, links, markup); what was off is reported."""

    name = "channel"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        req = context.request
        cited = context.cited(suggestion)
        known_urls = [p.url for p in req.passages if p.url]
        text = suggestion.text
        fitted = fit_channel(
            text,
            req.channel,
            req.language,
            styles=context.styles,
            cited=cited,
            known_urls=known_urls,
            customer_name=req.customer_name,
            allowed_domains=context.allowed_domains,
        )
        found = check_channel(
            text,
            req.channel,
            req.language,
            cited=cited,
            styles=context.styles,
            known_urls=known_urls,
            allowed_domains=context.allowed_domains,
        )
        return GuardOutcome(suggestion.model_copy(update={"text": fitted}), _fixed(found, fitted != text))


class LanguageGuard:
    """A reply (or a paragraph of it) not in the customer's language is reported."""

    name = "language"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        return GuardOutcome(suggestion, check_language(suggestion.text, context.request.language))


class GroundingGuard:
    """Substantive sentences that no passage or known fact supports are reported (not on an abstain)."""

    name = "grounding"

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        if suggestion.abstain:
            return GuardOutcome(suggestion)
        req = context.request
        return GuardOutcome(
            suggestion, check_grounding(suggestion.text, req.passages, req.facts, req.language)
        )


class GuardPipeline:
    """Guards run in order; each sees the suggestion the previous one returned."""

    def __init__(self, guards: Sequence[Guard]) -> None:
        names = [g.name for g in guards]
        if len(set(names)) != len(names):
            raise ValueError(f"guard names must be unique, got {names}")
        self.guards: tuple[Guard, ...] = tuple(guards)

    @property
    def names(self) -> list[str]:
        """The guards' names, in the order they run."""
        return [g.name for g in self.guards]

    def run(self, suggestion: Suggestion, context: GuardContext) -> GuardedDraft:
        """Run every guard on one draft.

        Args:
            suggestion: the draft as the drafter (or a caller) wrote it; its own findings are kept.
            context: the request and workspace configuration the guards read.

        Returns:
            The suggestion fixed where possible, its findings appended in guard order, and each guard's
            report by name.
        """
        found = list(suggestion.guard_findings)
        reports: dict[str, object] = {}
        current = suggestion
        for guard in self.guards:
            outcome = guard.check(current, context)
            current = outcome.suggestion
            found.extend(outcome.findings)
            if outcome.report is not None:
                reports[guard.name] = outcome.report
        return GuardedDraft(current.model_copy(update={"guard_findings": found}), reports)


def default_pipeline() -> GuardPipeline:
    """The guards every draft goes through, in Svar's order (see the module docstring)."""
    return GuardPipeline(
        [
            CitationsGuard(),
            SecretsGuard(),
            InjectionGuard(),
            PrivacyGuard(),
            RepeatAskGuard(),
            ChannelGuard(),
            LanguageGuard(),
            GroundingGuard(),
        ]
    )
