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
)

__all__ = [
    "Base",
    "KBChunk",
    "KBDocument",
    "KBSource",
    "VectorCollection",
    "Workspace",
    "create_db_engine",
    "migrate",
    "session_factory",
    "sessions_lock",
    "write_lock",
]
