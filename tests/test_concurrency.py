"""Two (or more) processes at once on one machine: set-up, workspace creation, first collection creation
and counters are safe, and nothing written by one process is lost by another.

Each worker is a fresh process (``spawn``) that opens the same data directory, as two CLI commands would.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

from sqlalchemy import func, select

from assistant.runtime import build_runtime
from assistant.settings import Settings
from knowledge.db import create_db_engine, migrate, session_factory
from knowledge.db.history_models import Message
from knowledge.db.models import KBDocument, VectorCollection, Workspace
from knowledge.history import HistoryImporter
from knowledge.vectorstore import open_chroma

WORKERS = 2


def _settings(home: str) -> Settings:
    return Settings(home=Path(home), embedder="hash", chunk_tokens=128, chunk_overlap=16)


def _worker(home: str, inputs: str, n: int, barrier: object) -> str:
    """One process: first ingest and first history import into the same workspace as the others."""
    try:
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
        rt = build_runtime(_settings(home))
        try:
            report = rt.indexer.ingest(Path(inputs) / f"kb{n}", "acme")
            history = HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(
                Path(inputs) / f"history{n}.jsonl", "acme"
            )
        finally:
            rt.close()
        if report.rejected or history.rejected or len(report.added) != 2 or history.messages_added != 4:
            return f"worker {n}: {report.summary()} {history.summary()}"
        return "ok"
    except Exception as exc:  # the test reports it
        return f"worker {n}: {type(exc).__name__}: {exc}"


def _inputs(root: Path) -> None:
    for n in range(WORKERS):
        kb = root / f"kb{n}"
        kb.mkdir(parents=True)
        for d in range(2):
            (kb / f"doc{n}-{d}.md").write_text(
                f"---\nid: doc-{n}-{d}\ntitle: Artikkel {n}.{d}\nlanguage: nb\n---\n"
                f"Tekst nummer {n} {d} om frakt og retur.\n",
                encoding="utf-8",
            )
        lines = [
            {
                "customer": {"id": f"cus-{n}-{c}", "language": "nb"},
                "conversation": {"id": f"conv-{n}-{c}", "channel": "chat"},
                "message": {
                    "role": "customer",
                    "text": f"Melding {m} fra kunde {n}-{c}",
                    "at": f"2026-01-0{m + 1}T10:00:00Z",
                },
            }
            for c in range(2)
            for m in range(2)
        ]
        (root / f"history{n}.jsonl").write_text(
            "\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8"
        )


def test_parallel_first_ingests_and_imports_lose_nothing(tmp_path: Path) -> None:
    home, inputs = tmp_path / "home", tmp_path / "inputs"
    _inputs(inputs)
    ctx = mp.get_context("spawn")
    barrier = ctx.Manager().Barrier(WORKERS)
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(_worker, [(str(home), str(inputs), n, barrier) for n in range(WORKERS)])
    assert results == ["ok"] * WORKERS, results

    engine = create_db_engine(f"sqlite:///{home / 'svar.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        (ws,) = session.scalars(select(Workspace)).all()
        assert ws.kb_version == WORKERS  # each ingest added documents: no lost update
        assert session.scalar(select(func.count()).select_from(KBDocument)) == 2 * WORKERS
        assert session.scalar(select(func.count()).select_from(Message)) == 4 * WORKERS
        collections = {c.kind: c for c in session.scalars(select(VectorCollection))}
    engine.dispose()
    chroma = open_chroma(path=home / "chroma")
    history = chroma.get_collection(collections["history"].name)
    assert str(history.id) == collections["history"].chroma_id
    assert history.count() == 4 * WORKERS
    knowledge = chroma.get_collection(collections["knowledge"].name)
    assert str(knowledge.id) == collections["knowledge"].chroma_id
    assert len({m["doc_id"] for m in knowledge.get(include=["metadatas"])["metadatas"]}) == 2 * WORKERS
