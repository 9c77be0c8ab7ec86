"""Which domains a customer-facing reply may link to: the workspace's link allowlist.

Configured with ``SVAR_ALLOWED_LINK_DOMAINS`` (comma-separated). When it is not set, the allowlist is
learnt from the knowledge itself: a host is allowed when it is the only host the documents' URLs use, or
when at least two documents and at least a tenth of the documents that have a URL point at it. One planted
article with ``url: https://evil.example/phish`` does not make its host the company's; a help center's
own host, used by every article, does.

The same list judges links in drafts (:mod:`assistant.guards.channel`), e-mail addresses and links in the
injection guard (:mod:`assistant.guards.injection`), and the documents' own URLs (a passage whose URL is
not allowed loses it, so it never becomes "Read more: ...").

Learning the list reads every document's URL; :class:`LinkAllowlists` keeps it per workspace until the
knowledge changes (its ``kb_version``), so a request pays one small query.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.guards.injection import domain_allowed
from assistant.types import Passage
from knowledge.db.models import KBDocument, Workspace

__all__ = [
    "LinkAllowlists",
    "allowed_passages",
    "knowledge_domains",
    "url_allowed",
    "workspace_link_domains",
]

MIN_DOCUMENTS = 2
MIN_SHARE = 0.1


def _host(url: str) -> str:
    if "://" not in url and re.match(r"^[a-zA-Z][\w+.-]*:", url) and not url.startswith("www."):
        return ""  # javascript:, mailto:, data: ...
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https"):
        return ""
    return (parts.hostname or "").lower().removeprefix("www.")


def knowledge_domains(urls: Iterable[str | None]) -> tuple[str, ...]:
    """The hosts the knowledge's own URLs vouch for (see the module docstring).

    Args:
        urls: the URLs of the workspace's knowledge documents (``None`` for a document without one).

    Returns:
        The allowed hosts, most used first.
    """
    hosts = Counter(h for h in (_host(u) for u in urls if u) if h)
    if len(hosts) == 1:
        return tuple(hosts)
    total = sum(hosts.values())
    need = max(MIN_DOCUMENTS, math.ceil(MIN_SHARE * total))
    return tuple(h for h, n in hosts.most_common() if n >= need)


def workspace_link_domains(
    sessions: sessionmaker[Session], workspace: str, configured: Sequence[str] | None
) -> tuple[str, ...]:
    """The workspace's link allowlist: ``configured`` when given, else :func:`knowledge_domains`."""
    if configured is not None:
        return tuple(configured)
    with sessions() as session:
        urls = session.scalars(
            select(KBDocument.url)
            .join(Workspace, Workspace.id == KBDocument.workspace_id)
            .where(Workspace.name == workspace, KBDocument.url.is_not(None))
        ).all()
    return knowledge_domains(urls)


class LinkAllowlists:
    """:func:`workspace_link_domains`, kept per workspace until its knowledge changes."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._known: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def domains(
        self,
        workspace: str,
        configured: Sequence[str] | None,
        *,
        version: tuple[int, int] | None | Literal["read"] = "read",
    ) -> tuple[str, ...]:
        """The workspace's link allowlist: ``configured`` when given, else learnt from its knowledge.

        Args:
            workspace: the workspace's name.
            configured: ``SVAR_ALLOWED_LINK_DOMAINS`` when it is set, else None.
            version: the workspace's (id, kb_version) when the caller has just read it (None: no such
                workspace); by default it is read here.

        Returns:
            The allowed hosts (none for a workspace that does not exist).
        """
        if configured is not None:
            return tuple(configured)
        if version == "read":
            with self.sessions() as session:
                row = session.execute(
                    select(Workspace.id, Workspace.kb_version).where(Workspace.name == workspace)
                ).first()
            version = (int(row[0]), int(row[1] or 0)) if row is not None else None
        if version is None:
            return ()
        with self._lock:
            known = self._known.get(workspace)
        if known is not None and known[0] == version:
            return known[1]
        found = workspace_link_domains(self.sessions, workspace, None)
        with self._lock:
            self._known[workspace] = (version, found)
        return found


def url_allowed(url: str | None, allowed_domains: Sequence[str]) -> bool:
    """Whether ``url`` is an http(s) link to an allowed domain."""
    host = _host(url or "")
    return bool(host) and domain_allowed(host, allowed_domains)


def allowed_passages(passages: Sequence[Passage], allowed_domains: Sequence[str]) -> list[Passage]:
    """``passages`` with every URL that is not on the allowlist removed (the passage itself stays)."""
    return [
        p if p.url is None or url_allowed(p.url, allowed_domains) else p.model_copy(update={"url": None})
        for p in passages
    ]
