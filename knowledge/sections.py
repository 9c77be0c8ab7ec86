"""The sections (chunks) of one knowledge document, in document order.

Retrieval returns the best chunk of each document for the message's words; a draft that must answer a
particular request type (refund timing, not how to cancel) may need another section of the same document
(:meth:`assistant.service.Assistant` picks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.db.models import KBChunk, KBDocument
from knowledge.workspaces import get_workspace


@dataclass(frozen=True)
class Section:
    """One chunk of a document: its id, heading path and text."""

    chunk_id: str
    heading: str
    text: str


def document_sections(session: Session, workspace: str, doc_id: str) -> list[Section]:
    """The chunks of document ``doc_id`` in ``workspace``, in document order; empty when it is unknown."""
    ws = get_workspace(session, workspace, create=False)
    if ws is None:
        return []
    rows = session.execute(
        select(KBChunk.chunk_id, KBChunk.heading, KBChunk.text)
        .join(KBDocument, KBChunk.document_id == KBDocument.id)
        .where(KBDocument.workspace_id == ws.id, KBDocument.doc_id == doc_id)
        .order_by(KBChunk.ord)
    ).all()
    return [Section(chunk_id=r[0], heading=r[1] or "", text=r[2]) for r in rows]
