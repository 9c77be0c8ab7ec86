"""The relational store: the source of truth (SQLite by default, PostgreSQL by URL)."""

from knowledge.db.engine import (
    create_db_engine,
    migrate,
    session_factory,
    sessions_lock,
    write_lock,
)
from knowledge.db.models import (
    Base,
    KBChunk,
    KBDocument,
    KBSource,
    VectorCollection,
    Workspace,
    WorkspaceField,
)

__all__ = [
    "Base",
    "KBChunk",
    "KBDocument",
    "KBSource",
    "VectorCollection",
    "Workspace",
    "WorkspaceField",
    "create_db_engine",
    "migrate",
    "session_factory",
    "sessions_lock",
    "write_lock",
]
