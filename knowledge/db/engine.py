"""Engine creation and migrations.

SQLite gets WAL, a busy timeout and foreign keys on every connection; PostgreSQL is used as it is.
Migrations are Alembic revisions under ``knowledge/db/migrations`` and run with :func:`migrate`
(the CLI and the API call it at start-up; it is a no-op when the schema is current).

Several processes on one machine may share a store (two CLI commands, a command and the API). Set-up and
every job that writes (ingest, history import, re-index, erasure) run under :func:`write_lock`: a file
lock beside a SQLite database, ``pg_advisory_lock`` on PostgreSQL. So migrations run once, a first
workspace or collection is created once, and an embedded Chroma directory has one writer at a time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.versions import track_history_versions
from knowledge.errors import ConfigError

_MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 0x5376_6172  # "Svar": the advisory lock every Svar writer takes on PostgreSQL
log = logging.getLogger("svar.db")


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    Raises:
        ConfigError: the URL's driver is not one we support.
    """
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            # SQLAlchemy emits BEGIN itself (below): sqlite3's own transaction control would let a
            # SAVEPOINT start (and its RELEASE commit) a transaction, and would not make DDL transactional.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                conn.exec_driver_sql("BEGIN")

        return engine
    if url.startswith("postgresql+psycopg://"):
        return create_engine(url, echo=echo, pool_pre_ping=True)
    raise ConfigError(
        f"unsupported SVAR_DATABASE_URL {url.split('://')[0]!r}; use sqlite:///PATH or postgresql://USER@HOST/DB"
    )


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (under :func:`write_lock`, so once at a time).

    A store already at the newest revision is left alone without loading Alembic (most of a short
    command's start-up otherwise).
    """
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with write_lock(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=\n]*)?=\s*['\"]?([\w.-]+)['\"]?", re.M)


def _head_revision() -> str | None:
    """The newest revision in ``migrations/versions``: the one no other revision names as its parent.

    Only a shortcut: when it cannot tell (several heads, an unreadable file), :func:`migrate` asks Alembic.
    """
    revisions, parents = set(), set()
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found.get("down_revision", "None"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """Whether the store's recorded revision is the newest one (False when unsure)."""
    head = _head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception:  # no table yet (a new store) or no database: let Alembic decide
        return False
    return rows == [head]


@contextmanager
def write_lock(engine: Engine) -> Iterator[None]:
    """Hold the store's writer lock: one Svar process at a time sets up or writes the store.

    Re-entrant within a process for a file lock; on PostgreSQL a session-level advisory lock held on
    its own connection. Nothing to do for an in-memory SQLite database.
    """
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:":
            yield
            return
        lock = FileLock(f"{path}.lock", is_singleton=True)  # re-entrant in this process
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("waiting for another Svar process writing to %s", path)
            lock.acquire()
        try:
            yield
        finally:
            lock.release()
        return
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        return
    yield


def sessions_lock(sessions: sessionmaker[Session]) -> Any:
    """:func:`write_lock` for the engine a session factory is bound to (a no-op when it has none)."""
    engine = sessions.kw.get("bind")
    if isinstance(engine, Engine):
        return write_lock(engine)
    return _no_lock()


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit) that keeps each customer's
    history version current (:mod:`knowledge.db.versions`)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    track_history_versions(factory)
    return factory
