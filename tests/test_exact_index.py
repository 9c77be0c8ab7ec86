"""Knowledge candidates from an exact in-memory copy of the workspace's vectors (Chroma stays the store of
record): the same neighbours as Chroma, ties broken by id, scoped like every vector query, and read once
per knowledge version (counted in reads, never timed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import knowledge.search as search
from assistant.runtime import Runtime
from evals.bench import DEMO
from knowledge.errors import ScopeError
from knowledge.search import KnowledgeSearcher, SearchQuery
from knowledge.vectorstore import ChromaVectorIndex, ExactIndex, InMemoryVectorIndex, Scope
from knowledge.workspaces import get_workspace, vector_index
from tests.conftest import write

QUERIES = [
    "Hvor lang er angreretten?",
    "Var är mitt paket?",
    "Hvordan returnerer jeg en vare?",
    "ruteren blinker oransje",
    "Kan jeg betale med faktura?",
    "How long does delivery take to Tromsø?",
]


def _knowledge_index(rt: Runtime, workspace: str) -> ChromaVectorIndex:
    with rt.sessions.begin() as session:
        ws = get_workspace(session, workspace)
        assert ws is not None
        index = vector_index(session, rt.chroma, ws, "knowledge", rt.embedder.identity)
    assert isinstance(index, ChromaVectorIndex)
    return index


def test_the_exact_copy_finds_what_chroma_finds(rt: Runtime) -> None:
    rt.indexer.ingest(DEMO / "knowledge", "demo")
    index = _knowledge_index(rt, "demo")
    exact = ExactIndex(index)
    assert exact.count() == index.count() > 100
    scope = Scope(workspace="demo")
    for text in QUERIES:
        vector = rt.embedder.embed_query(text)
        chroma = index.query(vector, 20, scope)
        mine = exact.query(vector, 20, scope)
        assert [h.id for h in mine][:5] == [h.id for h in chroma][:5], text
        assert {h.id for h in mine[:15]} <= {h.id for h in chroma}, text
        scores = [h.score for h in mine]
        assert scores == sorted(scores, reverse=True)
        by_id = {h.id: h for h in chroma}
        for hit in mine[:5]:
            assert hit.score == pytest.approx(by_id[hit.id].score, abs=1e-5)
            assert hit.text == by_id[hit.id].text and hit.metadata == by_id[hit.id].metadata


def test_equal_scores_are_ordered_by_id_also_at_the_cut() -> None:
    index = InMemoryVectorIndex(workspace="w", kind="knowledge")
    same = np.ones((4, 3), dtype=np.float32)
    index.upsert(["d", "b", "c", "a"], same, ["D", "B", "C", "A"], [{}] * 4)
    index.upsert(["z"], np.asarray([[1, 0, 0]], dtype=np.float32), ["Z"], [{}])
    exact = ExactIndex(index)
    vector = np.ones(3, dtype=np.float32)
    assert [h.id for h in exact.query(vector, 10, Scope("w"))] == ["a", "b", "c", "d", "z"]
    assert [h.id for h in exact.query(vector, 2, Scope("w"))] == ["a", "b"]  # not whichever came first
    assert [h.text for h in exact.query(vector, 1, Scope("w"))] == ["A"]
    assert exact.query(vector, 0, Scope("w")) == []


def test_the_copy_is_scoped_like_every_vector_query() -> None:
    index = InMemoryVectorIndex(workspace="w", kind="knowledge")
    index.upsert(["a", "b"], np.eye(2, dtype=np.float32), ["A", "B"], [{}, {}])
    index._items["b"] = (index._items["b"][0], "B", {"workspace": "other"})  # the stores disagree
    exact = ExactIndex(index)
    assert [h.id for h in exact.query(np.ones(2), 5, Scope("w"))] == ["a"]  # never returned
    with pytest.raises(ScopeError):
        exact.query(np.ones(2), 5, Scope("other"))
    with pytest.raises(ScopeError):
        exact.query(np.ones(2), 5, Scope(""))
    with pytest.raises(ValueError, match="per customer"):
        ExactIndex(InMemoryVectorIndex(workspace="w", kind="history"))


def test_the_searcher_reads_the_vectors_once_per_knowledge_version(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    write(kb / "retur.md", "---\ntitle: Retur\n---\n\nAngreretten er 30 dager fra du mottok varen.\n")
    write(kb / "frakt.md", "---\ntitle: Frakt\n---\n\nLevering tar 2-4 virkedager i hele Norge.\n")
    rt.indexer.ingest(kb, "default")
    reads: list[str] = []
    real = ChromaVectorIndex.items

    def counted(self: ChromaVectorIndex) -> object:
        reads.append(self.workspace)
        return real(self)

    monkeypatch.setattr(ChromaVectorIndex, "items", counted)
    searcher = KnowledgeSearcher(rt.sessions, rt.chroma, rt.embedder)
    for _ in range(3):
        hits = searcher.search("default", SearchQuery.simple("angrerett 30 dager"), k=2)
        assert hits[0].doc_id == "retur"
    assert reads == ["default"]  # three requests, one read
    write(kb / "garanti.md", "---\ntitle: Garanti\n---\n\nReklamasjonsretten er fem år på elektronikk.\n")
    rt.indexer.ingest(kb, "default")  # the knowledge changed: the copy is read again and finds the new page
    hits = searcher.search("default", SearchQuery.simple("reklamasjonsrett fem år elektronikk"), k=3)
    assert hits[0].doc_id == "garanti"
    assert reads == ["default", "default"]


def test_a_large_knowledge_base_is_queried_in_chroma(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "kb" / "retur.md", "---\ntitle: Retur\n---\n\nAngreretten er 30 dager.\n")
    rt.indexer.ingest(tmp_path / "kb", "default")
    monkeypatch.setattr(ExactIndex, "__init__", lambda *_: pytest.fail("copied a large index"))
    searcher = KnowledgeSearcher(rt.sessions, rt.chroma, rt.embedder, exact_max=0)
    assert searcher.search("default", SearchQuery.simple("angrerett"), k=1)[0].doc_id == "retur"
    assert search.EXACT_MAX >= 10_000
