"""No other customer's data: identifiers in a draft must come from this conversation or the knowledge.

History retrieval is scoped to one customer, so no other customer's messages reach the drafter; but a model
can still write an e-mail, phone, order or account number from elsewhere (its training, a hallucination, a
document). Every such identifier in a draft must be one this customer gave or we know about them (their
facts and messages), or appear in a retrieved knowledge passage (a support phone number, say). Anything else
is flagged (severity "block") and redacted.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import GuardFinding, KnownFact, Passage, Turn
from knowledge.facts import ExtractedFact, extract_facts, fold
from knowledge.text.analysis import ConversationAnalysis

IDENTIFIER_KINDS = frozenset(
    {
        "email",
        "phone",
        "order_number",
        "tracking_number",
        "account_id",
        "labelled_number",
        "national_id",
        "case_number",
        "address",
    }
)
REDACTED = "[…]"


def foreign_identifiers(
    text: str,
    facts: Sequence[KnownFact],
    turns: Sequence[Turn],
    passages: Sequence[Passage],
    *,
    analysis: ConversationAnalysis | None = None,
) -> list[ExtractedFact]:
    """The identifiers in ``text`` that neither the conversation, the facts nor the passages contain.

    ``analysis`` (the conversation analysed once per request) adds the normalised values of the facts its
    turns state ("+4791234567" for "912 34 567"); the turns' texts are searched either way.
    """
    known = [fold(v) for f in facts for v in (f.value, f.normalized or "") if v]
    if analysis is not None:
        known += [
            fold(v) for lf in analysis.located_facts() for v in (lf.fact.value, lf.fact.normalized) if v
        ]
    sources = fold(
        " ".join([*(t.text for t in turns), *(p.text for p in passages), *(p.title for p in passages)])
    )
    foreign = []
    for fact in extract_facts(text, role="agent"):
        if fact.kind not in IDENTIFIER_KINDS:
            continue
        values = {fold(fact.value), fold(fact.normalized)} - {""}
        if any(v in k or k in v for v in values for k in known if k) or any(v in sources for v in values):
            continue
        foreign.append(fact)
    return foreign


def check_foreign_identifiers(
    text: str,
    facts: Sequence[KnownFact],
    turns: Sequence[Turn],
    passages: Sequence[Passage],
    *,
    analysis: ConversationAnalysis | None = None,
) -> list[GuardFinding]:
    """A "block" finding for each identifier that is not this customer's nor in the knowledge."""
    return [
        GuardFinding(
            guard="privacy",
            severity="block",
            message=f"a {f.kind.replace('_', ' ')} that is neither this customer's nor in the knowledge",
        )
        for f in foreign_identifiers(text, facts, turns, passages, analysis=analysis)
    ]


def redact_foreign_identifiers(
    text: str,
    facts: Sequence[KnownFact],
    turns: Sequence[Turn],
    passages: Sequence[Passage],
    *,
    analysis: ConversationAnalysis | None = None,
) -> str:
    """``text`` with every foreign identifier replaced by ``[…]``."""
    for f in sorted(
        foreign_identifiers(text, facts, turns, passages, analysis=analysis), key=lambda f: -f.start
    ):
        text = text[: f.start] + REDACTED + text[f.end :]
    return text
