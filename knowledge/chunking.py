"""Heading-aware chunking sized in tokens (tiktoken, offline encoding).

A document is split into sections at Markdown headings; each section is packed into chunks of at most
``max_tokens`` tokens from whole paragraphs, then sentences, then (for a run-on sentence) token windows.
Consecutive chunks of a section share about ``overlap`` tokens. Each chunk's text for embedding starts with
the document title and its heading path, so a chunk deep in a long page still says what it is about.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge.documents import Document
from knowledge.tokens import count_tokens, get_encoding

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«(\[]?[A-ZÆØÅÄÖÜÉ0-9])")


@dataclass(frozen=True)
class Chunk:
    """A piece of a document, the unit we embed and search."""

    id: str  # deterministic: same document id and position → same id
    doc_id: str
    index: int
    text: str  # the chunk's own text (what we show and cite)
    embed_text: str  # title + heading path + text (what we embed and index lexically)
    heading: str
    tokens: int

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()


def chunk_id(doc_id: str, index: int) -> str:
    """Deterministic chunk id: a short hash of the document id and the chunk's position."""
    return f"{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:16]}:{index}"


def chunk_document(doc: Document, *, max_tokens: int = 256, overlap: int = 32) -> list[Chunk]:
    """Split ``doc`` into chunks of at most ``max_tokens`` tokens.

    Args:
        doc: a cleaned document.
        max_tokens: the largest chunk, in cl100k_base tokens (title and heading path included).
        overlap: tokens repeated from the end of the previous chunk of the same section.

    Returns:
        The chunks in document order; at least one for a non-empty document.
    """
    if overlap >= max_tokens:
        raise ValueError("overlap must be smaller than max_tokens")
    chunks: list[Chunk] = []
    for heading_path, body in _sections(doc.text):
        parts = [doc.title] if doc.title else []
        if heading_path and heading_path != doc.title:
            parts.append(heading_path)
        prefix = "\n".join(parts)
        prefix_tokens = count_tokens(prefix) + 1 if prefix else 0
        budget = max(32, max_tokens - prefix_tokens)
        for piece in _pack(body, budget, min(overlap, budget // 2)):
            index = len(chunks)
            embed_text = f"{prefix}\n{piece}" if prefix else piece
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, index),
                    doc_id=doc.id,
                    index=index,
                    text=piece,
                    embed_text=embed_text,
                    heading=heading_path,
                    tokens=count_tokens(embed_text),
                )
            )
    if not chunks and doc.text.strip():
        text = doc.text.strip()
        chunks.append(Chunk(chunk_id(doc.id, 0), doc.id, 0, text, text, "", count_tokens(text)))
    return chunks


def _sections(text: str) -> list[tuple[str, str]]:
    """Split at Markdown headings; return (heading path, body) pairs, bodies non-empty."""
    sections: list[tuple[str, str]] = []
    path: list[tuple[int, str]] = []
    current: list[str] = []

    def flush() -> None:
        body = "\n".join(current).strip()
        if body:
            sections.append((" › ".join(h for _, h in path), body))
        current.clear()

    for line in text.split("\n"):
        m = _HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            path[:] = [(lv, h) for lv, h in path if lv < level]
            path.append((level, m.group(2).strip()))
        else:
            current.append(line)
    flush()
    return sections


def _units(body: str, budget: int) -> list[str]:
    """Paragraphs, or sentences of a long paragraph, or token windows of a run-on sentence."""
    units: list[str] = []
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para:
            continue
        if count_tokens(para) <= budget:
            units.append(para)
            continue
        for sentence in _SENTENCE_END.split(para):
            if count_tokens(sentence) <= budget:
                units.append(sentence)
            else:
                enc = get_encoding()
                ids = enc.encode(sentence, disallowed_special=())
                units.extend(enc.decode(ids[i : i + budget]) for i in range(0, len(ids), budget))
    return units


def _pack(body: str, budget: int, overlap: int) -> list[str]:
    pieces: list[str] = []
    current: list[tuple[str, int]] = []
    size = 0
    for unit in _units(body, budget):
        n = count_tokens(unit) + 1
        if current and size + n > budget:
            pieces.append("\n\n".join(u for u, _ in current))
            carried: list[tuple[str, int]] = []
            carried_size = 0
            for u, un in reversed(current):
                if carried_size + un > overlap or carried_size + un + n > budget:
                    break
                carried.insert(0, (u, un))
                carried_size += un
            current, size = carried, carried_size
        current.append((unit, n))
        size += n
    if current:
        pieces.append("\n\n".join(u for u, _ in current))
    return pieces
