from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.retrieval import retrieve
from assistant.runtime import Runtime, build_runtime
from assistant.settings import Settings
from knowledge.embedders import CachedEmbedder, HashEmbedder
from knowledge.errors import EmbedderMismatchError, InputError, ScopeError
from knowledge.search import SearchQuery
from knowledge.vectorstore import (
    ChromaVectorIndex,
    InMemoryVectorIndex,
    InMemoryVectorStore,
    Scope,
    VectorIndex,
    chroma_layout_problems,
    create_collection,
    open_collection,
)
from knowledge.workspaces import get_workspace, vector_index
from tests.conftest import write

ARTICLES = {
    "retur.md": "---\nid: retur\ntitle: Retur og angrerett\nlanguage: nb\n---\n"
    "Du kan returnere varer innen 30 dager etter at du mottok dem. Returen er gratis med Bring.",
    "levering.md": "---\nid: levering\ntitle: Leveringstid\nlanguage: nb\n---\n"
    "Vi sender pakker med Posten og Bring. Leveringstiden er 2-5 virkedager i hele Norge.",
    "garanti.md": "---\nid: garanti\ntitle: Reklamasjon\nlanguage: nb\n---\n"
    "Du har to års reklamasjonsrett på alle produkter, fem år på varer som skal vare lenge.",
}


def _kb(root: Path) -> Path:
    for name, text in ARTICLES.items():
        write(root / name, text)
    return root


def _chroma_ids(rt: Runtime, workspace: str = "default") -> set[str]:
    with rt.sessions.begin() as s:
        ws = get_workspace(s, workspace)
        assert ws is not None
        index = vector_index(s, rt.chroma, ws, "knowledge", rt.embedder.identity)
        return set(index.ids())


@pytest.fixture
def mem_rt(settings: Settings) -> Iterator[Runtime]:
    """A runtime on the in-memory vector store: the stores' logic without starting Chroma."""
    runtime = build_runtime(settings, vectors=InMemoryVectorStore())
    yield runtime
    runtime.close()


def test_ingest_then_search_finds_the_right_article(rt: Runtime, tmp_path: Path) -> None:
    report = rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
    assert sorted(report.added) == ["garanti", "levering", "retur"]
    assert report.chunks_embedded == report.chunks_written == 3
    passages = retrieve(rt.searcher, "default", "Hvor lang er leveringstiden med Bring?")
    assert passages[0].doc_id == "levering"
    assert passages[0].rank == 1 and passages[0].dense_score is not None


def test_reingest_unchanged_embeds_nothing(mem_rt: Runtime, tmp_path: Path) -> None:
    rt = mem_rt
    kb = _kb(tmp_path / "kb")
    rt.indexer.ingest(kb, "default")
    calls = rt.embedder.calls
    again = rt.indexer.ingest(kb, "default")
    assert again.summary() == {
        "added": 0,
        "updated": 0,
        "unchanged": 3,
        "removed": 0,
        "rejected": 0,
        "chunks_written": 0,
        "chunks_per_second": 0.0,
    }
    assert again.chunks_embedded == 0 and rt.embedder.calls == calls


def test_changed_document_is_replaced_and_removed_one_deleted(mem_rt: Runtime, tmp_path: Path) -> None:
    rt = mem_rt
    kb = _kb(tmp_path / "kb")
    rt.indexer.ingest(kb, "default")
    before = _chroma_ids(rt)
    write(kb / "retur.md", ARTICLES["retur.md"].replace("30 dager", "60 dager"))
    (kb / "garanti.md").unlink()
    report = rt.indexer.ingest(kb, "default")
    assert report.updated == ["retur"] and report.removed == ["garanti"] and report.unchanged == ["levering"]
    assert report.chunks_embedded == 1
    after = _chroma_ids(rt)
    assert len(after) == 2 and after < before
    top = retrieve(rt.searcher, "default", "returnere innen 60 dager")[0]
    assert top.doc_id == "retur" and "60 dager" in top.text
    assert all(p.doc_id != "garanti" for p in retrieve(rt.searcher, "default", "reklamasjonsrett to år"))


def test_shrinking_document_drops_surplus_chunks(mem_rt: Runtime, tmp_path: Path) -> None:
    rt = mem_rt
    long = "---\nid: lang\ntitle: Lang\n---\n" + "\n\n".join(
        f"Avsnitt {i} om ruteren og wifi." * 8 for i in range(12)
    )
    f = write(tmp_path / "kb" / "lang.md", long)
    first = rt.indexer.ingest(f, "default")
    assert first.chunks_written > 3
    write(f, "---\nid: lang\ntitle: Lang\n---\nKort nå.")
    rt.indexer.ingest(f, "default")
    assert len(_chroma_ids(rt)) == 1


def test_a_bad_line_never_deletes_what_was_there(mem_rt: Runtime, tmp_path: Path) -> None:
    rt = mem_rt
    f = write(
        tmp_path / "kb.jsonl", '{"id": "a", "text": "Alpha article."}\n{"id": "b", "text": "Beta article."}\n'
    )
    rt.indexer.ingest(f, "default")
    write(f, '{"id": "a", "text": "Alpha article."}\n{"id": "b", "text": "Beta article." BROKEN\n')
    report = rt.indexer.ingest(f, "default")
    assert report.removed == []
    assert [str(r) for r in report.rejected] == [f"{f}:2: invalid JSON: Expecting ',' delimiter (column 37)"]
    assert len(_chroma_ids(rt)) == 2


def test_missing_path_is_an_input_error(rt: Runtime, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        rt.indexer.ingest(tmp_path / "missing", "default")


def test_workspaces_are_isolated(mem_rt: Runtime, tmp_path: Path) -> None:
    rt = mem_rt
    rt.indexer.ingest(_kb(tmp_path / "kb"), "acme")
    write(tmp_path / "other" / "x.md", "---\nid: secret\n---\nHemmelig intern prisliste for leveringstid.")
    rt.indexer.ingest(tmp_path / "other", "globex")
    acme = {p.doc_id for p in retrieve(rt.searcher, "acme", "intern prisliste leveringstid")}
    globex = {p.doc_id for p in retrieve(rt.searcher, "globex", "leveringstid")}
    assert "secret" not in acme and acme <= set(ARTICLES_IDS)
    assert globex == {"secret"}
    assert retrieve(rt.searcher, "empty", "leveringstid") == []


ARTICLES_IDS = ("retur", "levering", "garanti")


@pytest.mark.parametrize("store", ["chroma", "memory"])
def test_index_refuses_other_workspace_and_unscoped_history(rt: Runtime, store: str) -> None:
    client: Any = rt.chroma if store == "chroma" else InMemoryVectorStore()
    index = create_collection(client, workspace="acme", kind="knowledge", embedder="hash:256")
    assert isinstance(index, VectorIndex)
    vec = np.ones(256, dtype=np.float32)
    with pytest.raises(ScopeError):
        index.query(vec, 3, Scope(workspace="globex"))
    history = create_collection(client, workspace="acme", kind="history", embedder="hash:256")
    with pytest.raises(ScopeError):
        history.query(vec, 3, Scope(workspace="acme"))
    history.upsert(
        ["m1", "m2"], np.stack([vec, vec]), ["mine", "theirs"], [{"customer_id": "1"}, {"customer_id": "2"}]
    )
    hits = history.query(vec, 5, Scope(workspace="acme", customer_id="1"))
    assert [h.text for h in hits] == ["mine"]
    among = history.query_among(vec, 5, Scope(workspace="acme", customer_id="1"), ["m1"])
    assert [h.id for h in among] == ["m1"]
    history.delete_where({"customer_id": "1"})
    assert history.ids() == ["m2"] and history.count() == 1
    assert history.get(["m2", "gone"])["documents"] == ["theirs"]
    reopened = open_collection(
        client, workspace="acme", kind="history", expected_id=history.id, embedder="hash:256"
    )
    assert reopened.ids() == ["m2"]
    with pytest.raises(EmbedderMismatchError, match="svar reindex"):
        open_collection(client, workspace="acme", kind="history", expected_id=history.id, embedder="other")


def test_fake_and_chroma_implement_the_protocol(rt: Runtime) -> None:
    assert isinstance(InMemoryVectorIndex(workspace="w", kind="knowledge"), VectorIndex)
    chroma = create_collection(rt.chroma, workspace="w", kind="knowledge", embedder="hash:256")
    assert isinstance(chroma, ChromaVectorIndex) and isinstance(chroma, VectorIndex)


def test_chroma_still_has_the_tables_we_rely_on(rt: Runtime, tmp_path: Path) -> None:
    """Fails loudly when a Chroma upgrade changes the internals erasure compacts (see compact_chroma)."""
    rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
    assert chroma_layout_problems(rt.settings.chroma_path) == []
    assert chroma_layout_problems(tmp_path / "nowhere") != []


def test_hits_outside_scope_are_dropped(rt: Runtime) -> None:
    index = create_collection(rt.chroma, workspace="acme", kind="knowledge", embedder="hash:256")
    vec = np.ones(256, dtype=np.float32)
    index.upsert(["ok"], vec[None, :], ["fine"], [{"doc_id": "ok"}])
    index._col.upsert(
        ids=["bad"], embeddings=[vec.tolist()], documents=["leak"], metadatas=[{"workspace": "globex"}]
    )
    assert [h.id for h in index.query(vec, 5, Scope(workspace="acme"))] == ["ok"]


def test_other_embedder_is_a_clear_error_and_reindex_fixes_it(settings: Settings, tmp_path: Path) -> None:
    rt = build_runtime(settings)
    rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
    rt.close()
    other = CachedEmbedder(HashEmbedder(dim=64), settings.cache_dir / "e.sqlite3")
    rt2 = build_runtime(settings, embedder=other)
    try:
        with pytest.raises(EmbedderMismatchError, match="svar reindex"):
            rt2.searcher.search("default", SearchQuery.simple("retur"))
        assert rt2.indexer.reindex("default") == 3
        assert rt2.searcher.search("default", SearchQuery.simple("returnere varer"))[0].doc_id == "retur"
    finally:
        rt2.close()


def test_embedding_cache_is_shared_and_keyed_by_content(tmp_path: Path) -> None:
    inner = HashEmbedder()
    cache = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    a = cache.embed_documents(["one", "two", "one"])
    assert cache.calls == 2
    b = cache.embed_documents(["two", "three"])
    assert cache.calls == 3
    np.testing.assert_allclose(a[1], b[0])
    cache.close()
    reopened = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    reopened.embed_documents(["one", "two", "three"])
    assert reopened.calls == 0
    reopened.close()


def test_a_document_is_the_same_whether_reached_by_folder_or_by_file(rt: Runtime, tmp_path: Path) -> None:
    kb = _kb(tmp_path / "kb")
    write(kb / "sub" / "frakt.md", "# Frakt\n\nFrakt er gratis over 500 kroner.")  # id from its path
    write(kb / "faq.csv", "question,answer\nHar dere butikk?,Ja i Oslo.\nKan jeg hente?,Ja.\n")
    first = rt.indexer.ingest(kb, "default")
    assert first.summary()["added"] == 6 and "sub/frakt" in first.added
    for _ in range(2):  # folder, then single files, then the folder again: nothing flips to "updated"
        for f in (kb / "faq.csv", kb / "sub" / "frakt.md", kb / "retur.md"):
            one = rt.indexer.ingest(f, "default")
            assert one.added == one.updated == one.removed == [], (f, one.summary())
        csv = rt.indexer.ingest(kb / "faq.csv", "default")
        assert len(csv.unchanged) == 2
        again = rt.indexer.ingest(kb, "default")
        assert again.summary() == {
            "added": 0, "updated": 0, "unchanged": 6, "removed": 0, "rejected": 0,
            "chunks_written": 0, "chunks_per_second": 0.0,
        }  # fmt: skip
    # A single file only removes its own documents: a row gone from the CSV, nothing else.
    write(kb / "faq.csv", "question,answer\nHar dere butikk?,Ja i Oslo.\n")
    shrunk = rt.indexer.ingest(kb / "faq.csv", "default")
    assert len(shrunk.removed) == 1 and len(shrunk.unchanged) == 1
    assert rt.indexer.ingest(kb, "default").summary()["unchanged"] == 5


def test_a_folder_takes_over_files_ingested_alone_before(rt: Runtime, tmp_path: Path) -> None:
    kb = _kb(tmp_path / "kb")
    assert rt.indexer.ingest(kb / "retur.md", "default").added == ["retur"]
    folder = rt.indexer.ingest(kb, "default")
    assert folder.unchanged == ["retur"] and sorted(folder.added) == ["garanti", "levering"]
    (kb / "retur.md").unlink()
    assert rt.indexer.ingest(kb, "default").removed == ["retur"]  # the folder owns it now
    assert rt.indexer.ingest(kb, "default").summary()["unchanged"] == 2
