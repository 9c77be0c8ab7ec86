"""The one service facade the CLI, the API and the evals call: ``suggest``, ``answer``.

A request goes: the customer's card and timeline (every channel) → known facts (stored, plus those in the
turns given with the request) → the reply language → retrieval for the message in its conversation → the
drafter (LLM or offline) → guards on every draft, whatever wrote it → logged → returned.

Guards run as one ordered pipeline (:mod:`assistant.guards.pipeline`): citations must point at retrieved
documents; secrets and national identity numbers are redacted; identifiers that are neither this customer's
nor in the knowledge are redacted (privacy); questions for facts the conversation already holds are removed
(repeat-ask); the text is fitted to the channel; language and grounding are checked and reported.
:meth:`Assistant.check_draft` runs the same pipeline on a given draft, with the request built the way
``suggest`` builds it (the evals use it to score the guards).

Build the service with :func:`build_assistant`: its configuration (:class:`AssistantConfig`) comes from the
settings in one place, for the CLI, the API and the evals alike.

Knowledge is data: passages lose URLs that are not on the workspace's link allowlist and sentences that
address the assistant or ask for secrets (:mod:`assistant.guards.injection`) before any drafter sees them;
the injection guard removes such sentences from every draft too, and links go only to allowed domains.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.answer_floor import below_floor
from assistant.channels import ChannelStyles, holding_text, is_stock_sentence
from assistant.config import AssistantConfig
from assistant.drafting.base import Drafter
from assistant.guards.grounding import content_words, groundedness, split_units, terms, word_covered
from assistant.guards.injection import check_injection, redact_injection
from assistant.guards.pipeline import GuardContext, GuardedDraft, GuardPipeline, default_pipeline
from assistant.guards.repeat_ask.meaning import embedder_similarity
from assistant.intent import (
    PRIORITY,
    answer_pattern,
    fit_to_situation,
    intent_classifier,
    load_intent_data,
    topic_pattern,
)
from assistant.language import LanguageDecision, decide_language, flag_unsupported
from assistant.links import LinkAllowlists, allowed_passages
from assistant.rerank_llm import LLMReranker
from assistant.retrieval import retrieve
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.types import CHANNELS, DraftRequest, GuardFinding, KnownFact, Passage, Suggestion, Turn
from knowledge.db.models import Workspace
from knowledge.errors import InputError
from knowledge.fields import FieldSet
from knowledge.history import ContextCache, CustomerCard, KeptContext
from knowledge.history.situation import Situation, build_situation
from knowledge.locale import workspace_locale
from knowledge.sections import Section, document_sections
from knowledge.text.analysis import ConversationAnalysis, analyse_turns
from knowledge.workspace_fields import workspace_fields
from knowledge.workspace_macros import workspace_macros
from knowledge.workspaces import get_workspace, workspace_names

log = logging.getLogger("svar.service")

Mode = Literal["suggest", "answer"]
SITUATION_MESSAGES = 500  # the situation reads at most this many of the customer's latest messages
FOLLOW_UP_TURNS = 3  # a message that names no topic follows up one of the customer's last this many messages
FOLLOW_UP_DAYS = 14  # ... written at most this many days before it
_OVERLAP_UNITS = 8  # a chunk repeats at most this many units (paragraphs or sentences) of the one before
DOCUMENT_CHARS = 8000  # a question of no request type quotes from its top documents whole up to this length
SECTION_PASSAGES = 2  # the passages a draft quotes from (the offline drafter uses at most two)
WARM_UP_WORKSPACES = 20  # :meth:`Assistant.warm_up` loads the knowledge of at most this many workspaces
# One ordinary customer message per language: a warm-up suggestion in each loads what the first request in
# that language would load (its intent patterns, lexicons, the language detector, fact readers, guards).
WARM_UP_MESSAGES = {
    "nb": "Hei, jeg har ikke fått pakken min ennå. Kan dere sjekke bestillingen?",
    "nn": "Hei, eg har ikkje fått pakken min enno. Kan de sjekke bestillinga?",
    "sv": "Hej, jag har inte fått mitt paket än. Kan ni kolla beställningen?",
    "da": "Hej, jeg har ikke modtaget min pakke endnu. Kan I tjekke bestillingen?",
    "en": "Hi, my parcel has not arrived yet. Could you check the order?",
}


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
    situation: Situation | None = None
    request_type: str = "other"
    drafter: str
    prompt_version: str | None = None
    groundedness: float | None = None
    latency_ms: float = 0.0


@dataclass(frozen=True)
class WorkspaceConfig:
    """A workspace's own configuration that a request reads: its language, fields and reply macros, and
    its country (the last prior of the reply language)."""

    language: str | None
    fields: FieldSet
    macros: dict[str, Any]
    country: str | None = None


@dataclass
class _Kept:
    """What the service keeps of one workspace while its version (``kb_version``) stays the same: its
    configuration, and the sections of the documents it has quoted."""

    version: tuple[int, int] | None  # the workspace's id and kb_version; None: no such workspace
    config: WorkspaceConfig
    sections: dict[str, list[Section]] = field(default_factory=dict)


@dataclass(frozen=True)
class WarmUp:
    """What :meth:`Assistant.warm_up` loaded: the workspaces' knowledge, suggestions run, seconds taken."""

    workspaces: list[str]
    suggestions: int
    seconds: float


@dataclass
class CustomerContext:
    """What we know about the customer for one request."""

    card: CustomerCard | None = None
    history: list[Turn] = field(default_factory=list)
    facts: list[KnownFact] = field(default_factory=list)
    products: list[str] = field(default_factory=list)  # names of what they ordered: a catalogue for facts
    language: LanguageDecision | None = None  # decided once per request
    links: tuple[str, ...] = ()  # domains links in a reply may point to (the workspace's allowlist)
    planted: list[GuardFinding] = field(default_factory=list)  # what was removed from the passages
    situation: Situation | None = None


class CheckedDraft(BaseModel):
    """A given draft after the guard pipeline, and the request it was checked against."""

    model_config = {"arbitrary_types_allowed": True}

    suggestion: Suggestion
    request: DraftRequest
    reports: dict[str, object] = Field(default_factory=dict)


class Assistant:
    """Suggests replies (agents) and answers (self-service) with one pipeline and one set of guards."""

    def __init__(
        self,
        runtime: Runtime,
        drafter: Drafter,
        *,
        config: AssistantConfig | None = None,
        styles: ChannelStyles | None = None,
        guards: GuardPipeline | None = None,
        reranker: LLMReranker | None = None,
    ) -> None:
        self.runtime = runtime
        self.reranker = reranker  # the optional listwise rerank by the chat model (SVAR_RERANK=llm)
        self.drafter = drafter
        self.config = config or AssistantConfig.from_settings(runtime.settings)
        self.styles = styles or ChannelStyles()
        self.guards = guards or default_pipeline()
        self.links = LinkAllowlists(runtime.sessions)
        self._kept: dict[str, _Kept] = {}  # per workspace (see _workspace)
        self._kept_lock = threading.Lock()
        # Customers' cards and timelines, kept per history version (read again after any write to it).
        self._contexts = ContextCache()
        # "Already tried" by meaning: verb phrases compared by the runtime's embedder (cached vectors).
        self._similar = embedder_similarity(runtime.embedder)
        # The request type: patterns per language, then the embedder against labelled examples (the
        # shipped ones and the company's own, SVAR_INTENT_EXAMPLES).
        self._intents = intent_classifier(runtime.embedder, runtime.settings.intent_examples)

    def describe(self) -> dict[str, object]:
        """What this assistant is: its configuration, drafter and guards (written into eval results)."""
        return {
            **self.config.as_dict(),
            "drafter": self.drafter.name,
            "prompt_version": self.drafter.prompt_version,
            "guards": self.guards.names,
            "rerank": self.runtime.settings.rerank,
            "rerank_prompt": self.reranker.prompt_version if self.reranker else None,
        }

    def warm_up(self, workspaces: Sequence[str] | None = None) -> WarmUp:
        """Load now what the first requests would otherwise pay for, so no request does (the API's start).

        Loads every language's intent patterns, the intent examples' vectors and the model fitted on
        them, each workspace's knowledge index (at most :data:`WARM_UP_WORKSPACES`), and runs one
        suggestion per language (:data:`WARM_UP_MESSAGES`, no customer) on the first workspace: the
        language detector, lexicons, fact readers, the drafter and the guards are loaded by use, as a
        request loads them. Nothing is stored. Then what the process holds is moved out of the garbage
        collector's reach (``gc.freeze``): a full collection would otherwise walk every kept object
        during some request.

        Args:
            workspaces: the workspaces to load; every workspace in the store when None.

        Returns:
            What was loaded and how long it took.
        """
        started = time.perf_counter()
        for language in WARM_UP_MESSAGES:
            load_intent_data(language)
        for kind in PRIORITY:
            topic_pattern(kind)
            answer_pattern(kind)
        if workspaces is None:
            with self.runtime.sessions() as session:
                workspaces = workspace_names(session)
        names = list(workspaces)[:WARM_UP_WORKSPACES]
        for name in names:
            self._workspace(name)
            self.runtime.searcher.warm(name)
        self._intents.warm()  # the labelled examples' vectors and the model fitted on them
        suggestions = 0
        for message in WARM_UP_MESSAGES.values():
            if names:
                self.suggest(workspace=names[0], message=message, channel="chat")
                suggestions += 1
        gc.collect()
        gc.freeze()
        return WarmUp(
            workspaces=names, suggestions=suggestions, seconds=round(time.perf_counter() - started, 2)
        )

    def suggest(
        self,
        *,
        workspace: str,
        message: str,
        channel: str,
        customer: str | None = None,
        history: Sequence[Turn] | None = None,
        max_suggestions: int = 3,
        now: datetime | None = None,
    ) -> SuggestResult:
        """1-3 suggested replies for an agent.

        Args:
            workspace: the tenant.
            message: the customer's latest message.
            channel: the channel it came in on (email, chat, phone, sms, facebook, instagram, x, widget).
            customer: the customer's id, e-mail, phone or handle; their stored history and facts are used.
            history: earlier turns of this conversation when they are not stored (evals, the widget).
            max_suggestions: at most this many suggestions (1-3).
            now: when the message arrived (default: now); promises are due or overdue relative to it, and
                history after it is not used for the situation.

        Raises:
            InputError: an empty message, an unknown channel, or an unknown customer.
            LimitError: the message (or a turn of ``history``) is longer than ``SVAR_MAX_MESSAGE_CHARS``.
        """
        return self._run("suggest", workspace, message, channel, customer, history, max_suggestions, now)

    def answer(
        self,
        *,
        workspace: str,
        message: str,
        channel: str = "widget",
        customer: str | None = None,
        history: Sequence[Turn] | None = None,
        now: datetime | None = None,
    ) -> SuggestResult:
        """One reply for self-service, or an honest holding reply (abstain) when knowledge is not enough."""
        return self._run("answer", workspace, message, channel, customer, history, 1, now)

    def check_draft(
        self,
        *,
        workspace: str,
        draft: str,
        message: str,
        channel: str,
        customer: str | None = None,
        history: Sequence[Turn] | None = None,
        mode: Mode = "suggest",
    ) -> CheckedDraft:
        """Run the guard pipeline on a given draft, with the request built exactly as ``suggest`` builds it.

        Args:
            workspace: the tenant.
            draft: the reply to check (written by a person or another system).
            message: the customer's latest message.
            channel: the channel it came in on.
            customer: the customer's id, e-mail, phone or handle.
            history: earlier turns of this conversation when they are not stored.
            mode: the mode the draft is for.

        Returns:
            The guarded draft, the request (the decided language, the facts, the passages) and each guard's
            report by name (``"repeat_ask"``: the asks found and those that repeat).

        Raises:
            InputError: an empty message or draft, an unknown channel, or an unknown customer.
        """
        if not draft.strip():
            raise InputError("the draft is empty")
        request, ctx = self._request(mode, workspace, message, channel, customer, history, 1)
        suggestion = Suggestion(text=draft, language=request.language, channel=channel)
        guarded = self._guard(suggestion, self._guard_context(request, ctx, workspace))
        return CheckedDraft(suggestion=guarded.suggestion, request=request, reports=guarded.reports)

    def _request(
        self,
        mode: Mode,
        workspace: str,
        message: str,
        channel: str,
        customer: str | None,
        history: Sequence[Turn] | None,
        max_suggestions: int,
        now: datetime | None = None,
    ) -> tuple[DraftRequest, CustomerContext]:
        """The request a drafter and the guards see: conversation, facts, language and passages."""
        message = message.strip()
        if not message:
            raise InputError("the message is empty")
        limits = self.runtime.settings.limits()
        limits.check_message(message)
        for turn in history or ():
            limits.check_message(turn.text, what="a turn of the conversation")
        if channel not in CHANNELS:
            raise InputError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
        if not 1 <= max_suggestions <= 3:
            raise InputError("max_suggestions must be 1, 2 or 3")
        # Retrieval embeds the message; that starts now, on another core, while the customer is read.
        self.runtime.embedder.prefetch_query(message)
        ctx = self._customer_context(workspace, customer, history, now)
        latest = Turn(role="customer", text=message, channel=channel)
        kept = self._workspace(workspace)
        config = kept.config
        ctx.language = self._language(message, ctx, config.language, config.country)
        language = ctx.language.code
        # The conversation is read once, here, for the drafter and every guard (one text layer).
        turns = [*ctx.history, latest]
        analysis = analyse_turns(turns, products=ctx.products, fields=config.fields, language=language)
        # Stored turns' facts come with the customer's card (extracted at import); given turns are read here.
        first = 0 if history is not None else len(ctx.history)
        facts = _dedupe([*ctx.facts, *analysis_facts(analysis, turns, first)])
        intent = self._intents.classify_follow_up(message, language, _recent_asks(ctx))
        intent = fit_to_situation(intent, ctx.situation)
        passages = retrieve(
            self.runtime.searcher,
            workspace,
            message,
            ctx.history,
            language=language,
            k=self.config.retrieval_k,
            turns=self.config.history_turns,
            reranker=self.reranker,
        )
        passages = self._sections_for(
            workspace, passages, intent.type, kept, message=message, language=language
        )
        links = self.links.domains(workspace, self.runtime.settings.link_domains(), version=kept.version)
        passages, ctx.planted = _without_injections(allowed_passages(passages, links), links)
        ctx.links = tuple(links)
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
            situation=ctx.situation,
            request_type=intent.type,
            complaint=intent.complaint,
            macros=config.macros,
            analysis=analysis,
        )
        return request, ctx

    def _run(
        self,
        mode: Mode,
        workspace: str,
        message: str,
        channel: str,
        customer: str | None,
        history: Sequence[Turn] | None,
        max_suggestions: int,
        now: datetime | None = None,
    ) -> SuggestResult:
        started = time.perf_counter()
        request, ctx = self._request(
            mode, workspace, message, channel, customer, history, max_suggestions, now
        )
        language, passages, facts = request.language, request.passages, request.facts
        context = self._guard_context(request, ctx, workspace)
        drafts = [_with_findings(s, ctx.planted) for s in self.drafter.draft(request)]
        suggestions = [self._guard(s, context).suggestion for s in drafts]
        suggestions = [s for s in suggestions if s.abstain or _substantive(s.text, language)] or [
            self._holding(request, "after the guards nothing was left to say")
        ]
        suggestions = self._in_customer_language(suggestions, request)[:max_suggestions]
        if mode == "answer":
            suggestions = self._answer_floor(suggestions, request)
        if ctx.language is not None:
            suggestions = flag_unsupported(suggestions, ctx.language)
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
            situation=request.situation,
            request_type=request.request_type,
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
        self,
        workspace: str,
        customer: str | None,
        history: Sequence[Turn] | None,
        now: datetime | None = None,
    ) -> CustomerContext:
        ctx = CustomerContext(history=list(history or []))
        if customer:
            kept = self._contexts.context(
                self.runtime.sessions,
                workspace,
                customer,
                limit=max(SITUATION_MESSAGES, self.config.timeline_turns),
            )
            ctx.card, timeline = kept.card, kept.timeline
            ctx.situation = build_situation(ctx.card, timeline, now)
            if history is None:
                ctx.history = self._stored_turns(kept, ctx.situation.now)
            ctx.facts = [*_stored_facts(kept), *situation_facts(ctx.situation)]
            ctx.products = list(kept.derive("products", lambda: _product_names(kept.card)))
        return ctx

    def _stored_turns(self, kept: KeptContext, now: datetime) -> list[Turn]:
        """The last ``timeline_turns`` stored messages up to ``now``, as turns (kept for the history version
        when none of the messages is after ``now``, as for a message arriving now)."""
        timeline = kept.timeline

        def turns() -> list[Turn]:
            before = [m for m in timeline if m.at <= now.replace(tzinfo=m.at.tzinfo)]
            return [
                Turn(role=m.role, text=m.text, channel=m.channel, at=m.at.isoformat(), message_id=m.id)  # type: ignore[arg-type]
                for m in before[-self.config.timeline_turns :]
            ]

        every = not timeline or timeline[-1].at <= now.replace(tzinfo=timeline[-1].at.tzinfo)
        return list(kept.derive("turns", turns)) if every else turns()

    def _language(
        self, message: str, ctx: CustomerContext, default: str | None, country: str | None = None
    ) -> LanguageDecision:
        """The customer's language (see :func:`assistant.language.decide_language`); the workspace's own
        language ``default`` (``svar workspace set --language``) decides after the customer's messages and
        profile, and its ``country`` (``--country``) last."""
        earlier = " ".join(t.text for t in ctx.history if t.role == "customer")
        profile = ctx.card.language if ctx.card else None
        return decide_language(message, earlier, profile, default, country=country)

    def _workspace(self, workspace: str) -> _Kept:
        """What is kept of ``workspace`` for its current version: one small query when nothing changed.

        Its version changes with its knowledge and its configuration, in whichever process they were
        changed (:func:`knowledge.workspaces.bump_kb_version`); then the configuration is read again and
        the kept sections are dropped.
        """
        with self.runtime.sessions() as session:
            row = session.execute(
                select(Workspace.id, Workspace.kb_version).where(Workspace.name == workspace)
            ).first()
        version = (int(row[0]), int(row[1] or 0)) if row is not None else None
        with self._kept_lock:
            kept = self._kept.get(workspace)
        if kept is not None and kept.version == version and version is not None:
            return kept
        kept = _Kept(version=version, config=self._workspace_config(workspace))
        if version is not None:
            with self._kept_lock:
                self._kept[workspace] = kept
        return kept

    def _document_sections(
        self, session: Callable[[], Session], workspace: str, doc_id: str, kept: _Kept
    ) -> list[Section]:
        """The document's sections, kept for the workspace's version (read once per version)."""
        found = kept.sections.get(doc_id)
        if found is None:
            found = document_sections(session(), workspace, doc_id)
            if kept.version is not None:
                kept.sections[doc_id] = found
        return found

    @contextmanager
    def _lazy_session(self) -> Iterator[Callable[[], Session]]:
        """A session opened on first use (none when everything needed was kept), closed after."""
        opened: list[Session] = []

        def get() -> Session:
            if not opened:
                opened.append(self.runtime.sessions())
            return opened[0]

        try:
            yield get
        finally:
            for session in opened:
                session.close()

    def _workspace_config(self, workspace: str) -> WorkspaceConfig:
        """The workspace's own language, fields and reply macros, read from the store in one session."""
        with self.runtime.sessions() as session:
            ws = get_workspace(session, workspace, create=False)
            locale = workspace_locale(session, ws.id) if ws is not None else None
            return WorkspaceConfig(
                language=locale.language if locale else None,
                fields=workspace_fields(session, workspace),
                macros=workspace_macros(session, workspace),
                country=locale.country if locale else None,
            )

    def _sections_for(
        self,
        workspace: str,
        passages: list[Passage],
        request_type: str,
        kept: _Kept | None = None,
        *,
        message: str = "",
        language: str | None = None,
    ) -> list[Passage]:
        """The top passages, each as the section of its document that is about the request type.

        Retrieval gives each document's best chunk for the message's words; "how long does a refund take
        after cancelling" finds the returns article by its cancelling section. When a passage's section is
        not about the request type (``prompts/intents/topics.yaml``) and another section of the same
        document fits better (:func:`_section_fit`: its heading names the topic, it holds the kind of answer
        the type wants, and it shares the message's words), that section is used instead. Documents and
        their order are kept, so retrieval measures do not change; only what a draft quotes does.
        """
        topic = topic_pattern(request_type)
        if not passages:
            return passages
        kept = kept or self._workspace(workspace)
        if topic is None:
            return self._whole_documents(workspace, passages, kept) if request_type == "other" else passages
        answer = answer_pattern(request_type)
        words = content_words(message, language)
        out = list(passages)
        with self._lazy_session() as session:
            for i, p in enumerate(out[:SECTION_PASSAGES]):
                if topic.search(p.text) and (answer is None or answer.search(p.text)):
                    continue
                sections = self._document_sections(session, workspace, p.doc_id, kept)
                lang = p.language or language
                scored = [
                    (_section_fit(topic, x.heading, x.text, answer, words, lang), -n, x)
                    for n, x in enumerate(sections)
                ]
                now = max((s for s, _, x in scored if x.chunk_id == p.chunk_id), default=0)
                best = max(scored, key=lambda t: (t[0], t[1]), default=None)
                fit = best[2] if best is not None and best[0] > now else None
                if fit is not None and fit.chunk_id != p.chunk_id:
                    out[i] = p.model_copy(update={"text": fit.text, "chunk_id": fit.chunk_id})
        return out

    def _whole_documents(self, workspace: str, passages: list[Passage], kept: _Kept) -> list[Passage]:
        """The top passages, each with its whole document's text (up to :data:`DOCUMENT_CHARS`), for a
        question of no customer-service request type ("who led the empire?"): its answer may sit in another
        section of the document retrieval found than the one whose words matched best. Documents and their
        order are kept."""
        out = list(passages)
        with self._lazy_session() as session:
            for i, p in enumerate(out[:SECTION_PASSAGES]):
                sections = self._document_sections(session, workspace, p.doc_id, kept)
                if len(sections) < 2 or all(x.chunk_id != p.chunk_id for x in sections):
                    continue
                units: list[str] = []
                for x in sections:  # consecutive chunks repeat the units they overlap by: keep each once
                    units += [u for u in x.text.split("\n\n") if u not in units[-_OVERLAP_UNITS:]]
                text = "\n\n".join(units)
                if len(text) <= DOCUMENT_CHARS:
                    out[i] = p.model_copy(update={"text": text})
        return out

    def _guard_context(self, request: DraftRequest, ctx: CustomerContext, workspace: str) -> GuardContext:
        """What every guard reads for one request: the request's one analysis of the conversation."""
        analysis = request.analysis
        if analysis is None:  # a request built elsewhere (tests): read the conversation now, once
            analysis = analyse_turns(
                [*request.history, request.message],
                products=ctx.products,
                fields=self._workspace(workspace).config.fields,
                language=request.language,
            )
        return GuardContext(
            request=request,
            styles=self.styles,
            fields=analysis.fields,
            analysis=analysis,
            allowed_domains=ctx.links or None,
            allowed_phones=self.runtime.settings.phones(),
            similar=self._similar,
        )

    def _guard(self, suggestion: Suggestion, context: GuardContext) -> GuardedDraft:
        """Run the guard pipeline on one draft; fix what can be fixed and record what was found."""
        return self.guards.run(suggestion, context)

    def _in_customer_language(self, suggestions: list[Suggestion], request: DraftRequest) -> list[Suggestion]:
        """A reply is in the customer's language.

        When the first grounded draft is not (the knowledge that answers exists only in another language and
        no LLM translated it), a customer-facing answer becomes an honest holding reply, and an agent gets a
        holding reply in the right language first, with the flagged draft after it to translate or edit.
        """
        first = next((s for s in suggestions if not s.abstain), None)
        if first is None or not any(f.guard == "language" for f in first.guard_findings):
            return suggestions
        if first.used_situation and not first.citations:
            # written only from the reply macros of the customer's language (the situation, no quote):
            # the finding is the detector's misreading of a short text ("Vi betalte tilbake ..." is
            # nynorsk and bokmål alike); the agent still sees it on the draft
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

    def _answer_floor(self, suggestions: list[Suggestion], request: DraftRequest) -> list[Suggestion]:
        """A self-service answer the help center does not support (:mod:`assistant.answer_floor`) becomes
        the honest holding reply: the widget says it cannot answer and hands over to a person."""
        first = suggestions[0]
        support = below_floor(first, request.passages, self.config.answer_floor)
        if support is None:
            return suggestions
        reason = (
            f"the help center does not cover this question (best cited passage's similarity {support:.3f} "
            f"is below the answer floor {self.config.answer_floor:.3f})"
        )
        return [self._holding(request, reason, confidence=first.confidence)]

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


def _section_fit(
    topic: re.Pattern[str],
    heading: str,
    text: str,
    answer: re.Pattern[str] | None = None,
    words: Sequence[tuple[str, frozenset[str]]] = (),
    language: str | None = None,
) -> float:
    """How well a section answers the message: its own sub-heading names the request type's topic (2), its
    text holds the kind of answer the type wants (2, ``prompts/intents/answers.yaml``), and it shares the
    message's content words ``words`` (up to 2 for all of them in its heading, up to 1 in its text).

    A topic word elsewhere in a section's text does not count: "bytt batteriene" in a remote-control
    section does not make it the answer to "what does delivery of a TV cost", a question of the exchange
    type only by a wrong reading.
    """
    parts = [h.strip() for h in heading.split("›")]
    own = parts[-1] if len(parts) > 1 else ""  # a top-level heading is the document's title
    shaped = 2.0 if answer is not None and answer.search(text) else 0.0
    named = 2.0 if own and topic.search(own) else 0.0
    shared = 0.0
    if words:
        head, body = terms(own, language), terms(text, language)
        shared = 2 * sum(word_covered(s, g, head) for s, g in words) / len(words)
        shared += sum(word_covered(s, g, body) for s, g in words) / len(words)
    return named + shaped + shared


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
        redacted, planted = _planted(p.text, tuple(links))
        if planted:
            p = p.model_copy(update={"text": redacted})
            found.extend(
                f.model_copy(update={"fixed": True, "message": f"knowledge {p.doc_id!r}: {f.message}"})
                for f in planted
            )
        out.append(p)
    return out, found


@lru_cache(maxsize=2048)
def _planted(text: str, links: tuple[str, ...]) -> tuple[str, tuple[GuardFinding, ...]]:
    """A passage's text with planted instructions removed, and what was found (none: the text as it is).

    Kept per passage text and allowlist: the same knowledge passages come back request after request, and a
    changed passage or allowlist is another key. The findings are copied before use, never changed.
    """
    planted = check_injection(text, allowed_domains=links or None)
    if not planted:
        return text, ()
    return redact_injection(text, allowed_domains=links or None), tuple(planted)


def _with_findings(suggestion: Suggestion, findings: Sequence[GuardFinding]) -> Suggestion:
    """``suggestion`` with ``findings`` (e.g. what was removed from its passages) reported on it."""
    if not findings:
        return suggestion
    return suggestion.model_copy(update={"guard_findings": [*suggestion.guard_findings, *findings]})


def _substantive(text: str, language: str) -> bool:
    """Whether a reply says something beyond greeting, thanks, sign-off and links."""
    sentences = [u.text for u in split_units(text)]
    return any(not is_stock_sentence(s, language) and len(s.split()) >= 3 for s in sentences)


def _stored_facts(kept: KeptContext) -> list[KnownFact]:
    """The card's facts, tried steps and promises as known facts (kept for the history version)."""
    card = kept.card
    return list(
        kept.derive(
            "facts",
            lambda: [
                KnownFact(
                    **{**f.model_dump(exclude={"excerpt", "at"}), "at": f.at.isoformat() if f.at else None}
                )
                for f in [*card.facts, *card.tried, *card.promised]
            ],
        )
    )


def _product_names(card: CustomerCard) -> list[str]:
    names = []
    for order in card.orders:
        for item in order.items:
            name = item.get("name") if isinstance(item, dict) else item if isinstance(item, str) else None
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names


def facts_of(turns: Sequence[Turn], products: Sequence[str] = ()) -> list[KnownFact]:
    """Facts of ``turns`` read by the text layer (one analysis), masked, with the turns as provenance."""
    return analysis_facts(analyse_turns(turns, products=products), turns)


def analysis_facts(analysis: ConversationAnalysis, turns: Sequence[Turn], first: int = 0) -> list[KnownFact]:
    """The facts the analysed turns state (from index ``first`` on), masked, with each turn as provenance.

    Args:
        analysis: the request's analysis of ``turns`` (each turn read once, by its role's rules).
        turns: the turns that were analysed, for their message ids, channels and times.
        first: the index of the first turn whose facts are wanted (earlier ones are known already).

    Returns:
        One :class:`KnownFact` per fact, in turn order.
    """
    facts = []
    for located in analysis.located_facts():
        if located.index < first:
            continue
        f, turn = located.fact, turns[located.index]
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


def situation_facts(situation: Situation) -> list[KnownFact]:
    """Values of the situation that are not stored as facts (an appointment's place, a pickup point, the
    order a replacement replaces), so that the guards know them as this customer's."""
    out = []
    for a in situation.appointments:
        if a.place:
            out.append(KnownFact(kind="address", value=a.place, source=f"appointment:{a.id}"))
    for o in situation.orders:
        if o.pickup_point:
            out.append(KnownFact(kind="address", value=o.pickup_point, source=f"order:{o.id}"))
        if o.replacement_for:
            out.append(KnownFact(kind="order_number", value=o.replacement_for, source=f"order:{o.id}"))
    return out


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


def build_assistant(
    runtime: Runtime, *, drafter: Drafter | None = None, styles: ChannelStyles | None = None
) -> Assistant:
    """The service on ``runtime``, configured from ``runtime.settings`` (the one place that reads them).

    Args:
        runtime: the stores and the embedder, built at the edge.
        drafter: a drafter to use instead of the configured one (tests, the eval runner's own).
        styles: channel styles; the defaults when None.

    Raises:
        ConfigError: an LLM is configured but its key or endpoint is missing.
    """
    return Assistant(
        runtime,
        drafter or build_drafter(runtime.settings),
        config=AssistantConfig.from_settings(runtime.settings),
        styles=styles,
        reranker=build_reranker(runtime.settings),
    )


def build_reranker(settings: Settings) -> LLMReranker | None:
    """The listwise LLM reranker when ``SVAR_RERANK=llm``, else None.

    Raises:
        ConfigError: ``SVAR_RERANK=llm`` without a chat model (``SVAR_LLM_MODEL``) or its key.
    """
    if settings.rerank != "llm":
        return None
    from assistant.llm import build_chat_model
    from knowledge.errors import ConfigError

    if not settings.llm_model:
        raise ConfigError("SVAR_RERANK=llm needs a chat model: set SVAR_LLM_MODEL (or SVAR_RERANK=offline)")
    return LLMReranker(build_chat_model(settings))


def _recent_asks(ctx: CustomerContext) -> list[str]:
    """The customer's last few messages before this one (oldest first) that a follow-up may continue:
    at most :data:`FOLLOW_UP_TURNS`, none older than :data:`FOLLOW_UP_DAYS` before the situation's now."""
    now = ctx.situation.now if ctx.situation is not None else None
    out = []
    for turn in ctx.history:
        if turn.role != "customer":
            continue
        if now is not None and turn.at:
            try:
                at = datetime.fromisoformat(turn.at)
            except ValueError:
                continue
            if at.tzinfo is None or (now - at).days > FOLLOW_UP_DAYS:
                continue
        out.append(turn.text)
    return out[-FOLLOW_UP_TURNS:]
