"""The citations guard: every citation must point at a passage that was retrieved for this request.

A citation whose id is not among the retrieved passages' ``doc_id`` values is a source the reply made up
(or one from another workspace or customer): severity "block", and :func:`drop_unknown_citations`
removes it. A citation to a retrieved document whose ``chunk_id`` names no retrieved chunk is repaired to
the retrieved one ("info"), and a document cited twice is reported once ("info") and kept once.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Citation, GuardFinding, Passage

__all__ = ["check_citations", "drop_unknown_citations"]


def check_citations(citations: Sequence[Citation], passages: Sequence[Passage]) -> list[GuardFinding]:
    """Flag citations to documents that were not retrieved ("block"), and duplicates or stray chunks ("info").

    Args:
        citations: a suggestion's citations.
        passages: the passages retrieved for the request (what the drafter was given).

    Returns:
        The findings, in citation order.
    """
    by_doc = {p.doc_id: p for p in passages}
    chunks = {(p.doc_id, p.chunk_id) for p in passages}
    findings: list[GuardFinding] = []
    seen: set[str] = set()
    for citation in citations:
        if citation.id not in by_doc:
            findings.append(
                GuardFinding(
                    guard="citations",
                    severity="block",
                    message=f"cites {citation.id!r}, which is not among the retrieved passages",
                    span=citation.id,
                )
            )
            continue
        if citation.id in seen:
            findings.append(
                GuardFinding(
                    guard="citations",
                    severity="info",
                    message=f"cites {citation.id!r} twice",
                    span=citation.id,
                )
            )
        elif citation.chunk_id is not None and (citation.id, citation.chunk_id) not in chunks:
            findings.append(
                GuardFinding(
                    guard="citations",
                    severity="info",
                    message=f"cites chunk {citation.chunk_id!r} of {citation.id!r}, which was not retrieved",
                    span=citation.chunk_id,
                )
            )
        seen.add(citation.id)
    return findings


def drop_unknown_citations(citations: Sequence[Citation], passages: Sequence[Passage]) -> list[Citation]:
    """The citations that point at retrieved passages, each document once, with the passage's title and url.

    Args:
        citations: a suggestion's citations.
        passages: the passages retrieved for the request.

    Returns:
        The kept citations, in their order.
    """
    by_doc = {p.doc_id: p for p in passages}
    chunks = {(p.doc_id, p.chunk_id) for p in passages}
    kept: list[Citation] = []
    for citation in citations:
        passage = by_doc.get(citation.id)
        if passage is None or any(c.id == citation.id for c in kept):
            continue
        chunk = citation.chunk_id if (citation.id, citation.chunk_id) in chunks else passage.chunk_id
        kept.append(Citation(id=passage.doc_id, title=passage.title, url=passage.url, chunk_id=chunk))
    return kept
