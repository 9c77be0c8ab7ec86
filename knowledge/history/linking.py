"""Confirming or rejecting what an unverified session claimed (``svar customer link``).

See the trust section of :mod:`knowledge.history.identity`: a widget session without a signed id that names
someone's e-mail is a customer of its own with a pending claim. An agent who has checked (the customer
answered the confirmation e-mail, say) links it: the session merges into that customer and its messages'
history vectors are rewritten under her id, so her history search finds them. Or the agent rejects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from knowledge.embedders import Embedder
from knowledge.errors import InputError
from knowledge.history.card import lookup_customer
from knowledge.history.identity import Candidate, candidates, confirm_claims, reject_claims
from knowledge.history.vectors import history_index, message_rows, write_vectors
from knowledge.workspaces import get_workspace


@dataclass
class LinkReport:
    """What ``link_customer`` did."""

    session: str  # the unverified session's external id
    claims: list[tuple[str, str, str | None]] = field(default_factory=list)  # (kind, value, owner id)
    merged_into: str | None = None
    moved_messages: int = 0
    vectors_written: int = 0
    rejected: int = 0


def pending_claims(sessions: sessionmaker[Session], workspace: str, session_ref: str) -> LinkReport:
    """The pending claims of an unverified session (nothing is changed)."""
    with sessions() as session:
        claimant = lookup_customer(session, workspace, session_ref)
        ws = get_workspace(session, workspace, create=False)
        assert ws is not None
        return LinkReport(
            session=claimant.external_id, claims=_describe(candidates(session, ws.id, claimant))
        )


def link_customer(
    sessions: sessionmaker[Session],
    chroma: Any,
    embedder: Embedder,
    workspace: str,
    session_ref: str,
    *,
    target_ref: str | None = None,
    reject: bool = False,
) -> LinkReport:
    """Confirm (merge) or reject the pending claims of an unverified session.

    Args:
        sessions: the relational store.
        chroma: the vector store client (the moved messages' vectors are rewritten).
        embedder: the workspace's embedder.
        workspace: the workspace name.
        session_ref: the unverified session (its id, e.g. ``wgt:…``, or ``#<pk>``).
        target_ref: the customer to merge into, when the claims point at several.
        reject: reject the claims instead.

    Returns:
        What was done.

    Raises:
        InputError: no such session or customer, the session is verified, or it has no pending claim.
    """
    with sessions.begin() as session:
        claimant = lookup_customer(session, workspace, session_ref)
        ws = get_workspace(session, workspace, create=False)
        assert ws is not None
        report = LinkReport(
            session=claimant.external_id, claims=_describe(candidates(session, ws.id, claimant))
        )
        if reject:
            if claimant.verified:
                raise InputError(f"customer {claimant.external_id!r} is verified; there is nothing to reject")
            report.rejected = reject_claims(session, ws.id, claimant)
            return report
        target = lookup_customer(session, workspace, target_ref) if target_ref else None
        survivor, moved = confirm_claims(session, ws.id, claimant, target)
        report.merged_into = survivor.external_id
        report.moved_messages = len(moved)
        session.flush()
        if moved:  # same vector ids (per message pk): the upsert replaces the old customer's tag
            index = history_index(session, chroma, ws, embedder.identity)
            report.vectors_written = write_vectors(index, embedder, message_rows(session, moved))
    return report


def _describe(found: list[Candidate]) -> list[tuple[str, str, str | None]]:
    return [(c.claim.kind, c.claim.display, c.customer.external_id if c.customer else None) for c in found]
