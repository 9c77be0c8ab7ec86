"""Shared helpers of the history tests: a fresh store per test on SQLite, and on PostgreSQL when
``SVAR_TEST_POSTGRES_URL`` is set (``eval "$(.ci/postgres.sh)"`` starts one), plus event builders."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import create_db_engine, migrate, session_factory
from knowledge.embedders import Embedder, HashEmbedder
from knowledge.history import HistoryImporter, HistoryReport
from knowledge.vectorstore import open_chroma

PG_ENV = "SVAR_TEST_POSTGRES_URL"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"),
        ],
    ),
]


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'svar.sqlite3'}"
        return
    base = os.environ[PG_ENV]
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@dataclass
class Stores:
    """The relational store, Chroma and an embedder, fresh for one test."""

    backend: str
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    chroma: Any
    embedder: Embedder
    home: Path
    inputs: Path
    workspace: str = "default"
    _files: int = field(default=0)

    @property
    def sqlite_file(self) -> Path:
        return self.home / "svar.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    def importer(self) -> HistoryImporter:
        return HistoryImporter(self.sessions, self.chroma, self.embedder)

    def write(self, lines: Sequence[str | dict[str, Any]], name: str | None = None) -> Path:
        """Write events (dicts or raw lines) to a JSONL file outside the data directory."""
        self._files += 1
        path = self.inputs / (name or f"events{self._files}.jsonl")
        text = "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
        )
        path.write_text(text + "\n", encoding="utf-8")
        return path

    def ingest(self, source: Path | Sequence[str | dict[str, Any]], **kwargs: Any) -> HistoryReport:
        path = source if isinstance(source, Path) else self.write(source)
        return self.importer().ingest(path, self.workspace, **kwargs)

    def count(self, model: Any, *where: Any) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@contextmanager
def open_stores(backend: str, tmp_path: Path, embedder: Embedder | None = None) -> Iterator[Stores]:
    home = tmp_path / "home"
    inputs = tmp_path / "inputs"
    home.mkdir(parents=True, exist_ok=True)
    inputs.mkdir(parents=True, exist_ok=True)
    with database_url(backend, tmp_path) as url:
        engine = create_db_engine(url)
        migrate(engine)
        try:
            yield Stores(
                backend=backend,
                url=url,
                engine=engine,
                sessions=session_factory(engine),
                chroma=open_chroma(path=home / "chroma"),
                embedder=embedder or HashEmbedder(),
                home=home,
                inputs=inputs,
            )
        finally:
            engine.dispose()


def event(
    customer: dict[str, Any] | str,
    *,
    conversation: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    order: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One history event; ``customer`` may be just an id."""
    out: dict[str, Any] = {"customer": {"id": customer} if isinstance(customer, str) else customer}
    if conversation is not None:
        out["conversation"] = conversation
    if message is not None:
        out["message"] = message
    if order is not None:
        out["order"] = order
    out.update(extra)
    return out


def say(
    customer: dict[str, Any] | str,
    conv: str,
    channel: str,
    text: str,
    at: str,
    *,
    role: str = "customer",
    id: str | None = None,
    **conversation: Any,
) -> dict[str, Any]:
    """A message event."""
    message: dict[str, Any] = {"role": role, "text": text, "at": at}
    if id is not None:
        message["id"] = id
    return event(customer, conversation={"id": conv, "channel": channel, **conversation}, message=message)


def files_containing(root: Path, needle: str) -> list[str]:
    """Files under ``root`` (or ``root`` itself) whose bytes contain ``needle`` (UTF-8)."""
    data = needle.encode("utf-8")
    paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return [str(p) for p in paths if data in p.read_bytes()]
