"""Ingest-time screening: knowledge that carries instructions or foreign links is reported as suspicious.

The injection guard removes planted sentences from every draft; this module makes them visible when the
knowledge comes in, so a person can fix the source. Each suspicious sentence is reported with its file
and line (the line found by searching the source file for the sentence; a JSONL or CSV record keeps its
own line), and each document whose front-matter URL is not on the workspace's link allowlist is reported
too (that URL is never shown to a customer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from assistant.guards.injection import find_injections
from assistant.links import knowledge_domains, url_allowed
from knowledge.documents import Document, Rejection

__all__ = ["screen_documents"]

_PROBE_CHARS = 40


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _line_of(location: str, sentence: str) -> str:
    """``file:line`` where ``sentence`` starts in the file at ``location`` (``location`` when not found)."""
    if re.search(r":\d+$", location):
        return location
    path = Path(location)
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return location
    probe = _norm(sentence)[:_PROBE_CHARS]
    for n, line in enumerate(lines, start=1):
        if probe and probe in _norm(re.sub(r"<[^>]*>", " ", line)):
            return f"{location}:{n}"
    return location


def screen_documents(
    documents: Sequence[Document], configured_domains: Sequence[str] | None = None
) -> list[Rejection]:
    """Suspicious sentences and URLs in ``documents``, each with its file and line and the reason.

    Args:
        documents: loaded, cleaned documents.
        configured_domains: the workspace's configured link allowlist; ``None``: learnt from the
            documents' own URLs (:func:`assistant.links.knowledge_domains`).

    Returns:
        One entry per suspicious sentence or URL (the documents are still ingested: the guards keep
        what is suspicious from customers).
    """
    domains = (
        tuple(configured_domains)
        if configured_domains is not None
        else knowledge_domains(d.url for d in documents)
    )
    found: list[Rejection] = []
    for doc in documents:
        if doc.url and not url_allowed(doc.url, domains):
            found.append(Rejection(doc.location, f"{doc.id}: URL {doc.url!r} is not on the link allowlist"))
        for injection in find_injections(f"{doc.title}\n{doc.text}", allowed_domains=domains or None):
            found.append(
                Rejection(
                    _line_of(doc.location, injection.sentence),
                    f"{doc.id}: {injection.reason}: {injection.sentence[:160]!r}",
                )
            )
    return found
