"""SQLAlchemy models of the relational store.

Every row belongs to a workspace (tenant). Knowledge documents and their chunks are kept here in full,
so the vector index can always be rebuilt from this store (``svar reindex``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Workspace(Base):
    """A tenant: its own collections and rows."""

    __tablename__ = "workspaces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kb_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every knowledge change


class VectorCollection(Base):
    """A Chroma collection of a workspace, addressed by its stored id; the embedder it was built with."""

    __tablename__ = "vector_collections"
    __table_args__ = (UniqueConstraint("workspace_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # knowledge | history
    name: Mapped[str] = mapped_column(String(200))
    chroma_id: Mapped[str] = mapped_column(String(64))
    embedder: Mapped[str] = mapped_column(String(200))


class KBSource(Base):
    """A file or folder that was ingested; re-ingesting it removes documents gone from it."""

    __tablename__ = "kb_sources"
    __table_args__ = (UniqueConstraint("workspace_id", "path"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1000))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KBDocument(Base):
    """A knowledge document, cleaned, in full."""

    __tablename__ = "kb_documents"
    __table_args__ = (UniqueConstraint("workspace_id", "doc_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("kb_sources.id", ondelete="CASCADE"), index=True)
    doc_id: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chunks: Mapped[list[KBChunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="KBChunk.ord"
    )


class KBChunk(Base):
    """A chunk of a knowledge document; ``chunk_id`` is also its id in the vector index."""

    __tablename__ = "kb_chunks"
    __table_args__ = (UniqueConstraint("workspace_id", "chunk_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    chunk_id: Mapped[str] = mapped_column(String(64))
    ord: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    embed_text: Mapped[str] = mapped_column(Text)
    heading: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # the chunk's sentence units' vectors (knowledge.rerank.sentence_units), float16, for late interaction
    sentence_vectors: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    document: Mapped[KBDocument] = relationship(back_populates="chunks")


class RetrievalModel(Base):
    """A workspace's fitted fusion weights (knowledge.fusion), used by its searches when present."""

    __tablename__ = "retrieval_models"
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkspaceField(Base):
    """A field the workspace tracks beside the built-in kinds (see :mod:`knowledge.fields`)."""

    __tablename__ = "workspace_fields"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    values: Mapped[list[str]] = mapped_column(JSON, default=list)
    ask: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class WorkspaceMacros(Base):
    """A workspace's own reply macros and policy (``svar macros import``; docs/situation.md): one mapping
    ``{"policy": {...}, "<lang>": {...}}`` merged over the shipped macros."""

    __tablename__ = "workspace_macros"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), unique=True, index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# Customer history models live in their own module; importing it registers them on Base.metadata (Alembic).
from knowledge.db import api_models as api_models  # noqa: E402
from knowledge.db import history_models as history_models  # noqa: E402
