"""Engine creation and migrations.

SQLite gets WAL, a busy timeout and foreign keys on every connection; PostgreSQL is used as it is.
Migrations are Alembic revisions under ``knowledge/db/migrations`` and run with :func:`migrate`
(the CLI and the API call it at start-up; it is a no-op when the schema is current).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import ConfigError

_MIGRATIONS = Path(__file__).parent / "migrations"


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
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)
