"""Erasure that is true at any size: with thousands of vectors, Chroma flushes its HNSW index to files, and
an erased customer's vectors must leave those files too; a re-index leaves no old index folder behind."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from knowledge.db.history_models import Customer, Message
from knowledge.embedders import CachedEmbedder, HashEmbedder
from knowledge.history import erase_customer, reindex_history
from knowledge.history.vectors import stored_history_index, vector_id
from knowledge.workspaces import get_workspace
from tests.history_support import Stores, open_stores, say

SECRET = "Quaxolotl"
PER_CUSTOMER = 10
TEMPLATE = "Takk for at du kontaktet oss, vi svarer innen to virkedager."
FILLER = 2_000  # other vectors: far past Chroma's HNSW flush threshold, so its index files hold vectors


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Stores]:
    cache = CachedEmbedder(HashEmbedder(), tmp_path / "home" / "cache" / "embeddings.sqlite3")
    with open_stores("sqlite", tmp_path, embedder=cache) as st:
        lines: list[dict[str, Any]] = [
            say(
                customer, f"{customer}-chat", "chat", f"{text} {m} om ordre {m}", f"2026-01-01T10:{m:02d}:00Z"
            )
            for customer, text in (("gone", f"{SECRET} melding"), ("c7", "Kunde sju skriver"))
            for m in range(PER_CUSTOMER)
        ]
        lines += [  # the same agent template to both: the other customer's copy is not the erased one's
            say(c, f"{c}-chat", "chat", TEMPLATE, "2026-01-01T11:00:00Z", role="agent")
            for c in ("gone", "c7")
        ]
        assert st.ingest(lines).messages_added == 2 * PER_CUSTOMER + 2
        with st.sessions() as session:
            ws = get_workspace(session, st.workspace, create=False)
            assert ws is not None
            index = stored_history_index(session, st.chroma, ws)
            assert index is not None
        rng = np.random.default_rng(7)
        vectors = rng.normal(size=(FILLER, st.embedder.dim)).astype(np.float32)
        index.upsert(
            [f"filler-{i}" for i in range(FILLER)],
            vectors,
            [f"other customer text {i}" for i in range(FILLER)],
            [{"customer_id": "999999", "message_id": f"f{i}"} for i in range(FILLER)],
        )
        yield st
    cache.close()


def _vectors_of(st: Stores, external_id: str) -> np.ndarray[Any, Any]:
    """The customer's own vectors (not that of the template both customers got)."""
    with st.sessions() as session:
        customer = session.scalars(select(Customer).where(Customer.external_id == external_id)).one()
        own = select(Message.id).where(Message.customer_id == customer.id, Message.role != "agent")
        ids = [vector_id(pk) for pk in session.scalars(own)]
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
        assert index is not None
        got = index._col.get(ids=ids, include=["embeddings"])
    return np.asarray(got["embeddings"], dtype=np.float32)


def _needles(vectors: np.ndarray[Any, Any]) -> list[bytes]:
    """The bytes of each whole vector as given and normalised (HNSW stores cosine vectors normalised)."""
    normed = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return [v.tobytes() for v in vectors] + [v.tobytes() for v in normed]


def _files_with(root: Path, needles: list[bytes]) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            n = sum(1 for needle in needles if needle in data)
            if n:
                found[str(path.relative_to(root))] = n
    return found


def _orphan_folders(chroma_dir: Path) -> set[str]:
    conn = sqlite3.connect(chroma_dir / "chroma.sqlite3")
    try:
        segments = {row[0] for row in conn.execute("SELECT id FROM segments")}
    finally:
        conn.close()
    return {p.name for p in chroma_dir.iterdir() if p.is_dir()} - segments


def test_erased_vectors_leave_every_file_under_the_data_directory(big: Stores) -> None:
    st = big
    gone = _vectors_of(st, "gone")
    kept = _vectors_of(st, "c7")
    assert len(gone) == PER_CUSTOMER
    assert _files_with(st.home, _needles(gone)), "the scan must see the vectors before erasure"

    report = erase_customer(
        st.sessions, st.chroma, st.workspace, "gone", embedding_cache=st.home / "cache" / "embeddings.sqlite3"
    )
    st.engine.dispose()

    assert _files_with(st.home, _needles(gone)) == {}
    assert _files_with(st.home, [SECRET.encode()]) == {}
    assert _files_with(st.chroma_dir, _needles(kept)), "the other customers' vectors are still on disk"
    assert _orphan_folders(st.chroma_dir) == set()
    assert report.verified is True
    assert any(line.startswith("Verified:") and "10 vectors" in line for line in report.summary_lines())
    # The rebuilt collection still serves every other customer.
    assert np.allclose(_vectors_of(st, "c7"), kept)


def test_reindex_leaves_no_old_index_folder(big: Stores) -> None:
    st = big
    before = {p.name for p in st.chroma_dir.iterdir() if p.is_dir()}
    assert reindex_history(st.sessions, st.chroma, st.embedder, st.workspace) == 2 * PER_CUSTOMER + 2
    after = {p.name for p in st.chroma_dir.iterdir() if p.is_dir()}
    assert _orphan_folders(st.chroma_dir) == set()
    assert before - after, "the old history index folder was removed"
