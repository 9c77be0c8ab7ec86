"""Normalised knowledge documents and the result of loading a source."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """One knowledge document after loading and cleaning.

    ``flags`` names what cleaning removed (``zero_width``, ``control_chars``, ``bidi_controls``,
    ``tag_chars``, ``hidden_html``, ``html_comment``, ``script``): a document that hid text is worth a look.
    """

    id: str
    text: str
    title: str = ""
    language: str | None = None
    url: str | None = None
    updated_at: str | None = None
    source: str = ""
    location: str = ""  # file (and line) it came from, for messages
    metadata: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        """Hash of everything that changes what we index; equal hash = nothing to re-embed."""
        payload = json.dumps(
            [self.id, self.title, self.text, self.language, self.url, self.metadata],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Rejection:
    """An input that was not imported, with where and why."""

    location: str  # "path" or "path:line"
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass
class LoadResult:
    """Documents loaded from a source, what was rejected, and what loaded with a warning (bad bytes)."""

    documents: list[Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.documents.extend(other.documents)
        self.rejections.extend(other.rejections)
        self.warnings.extend(other.warnings)
