"""A request starts embedding its message in the background while it reads the customer, and retrieval
then waits for that vector instead of embedding the message again (counted in embedder calls and
threads, never timed)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.runtime import build_runtime
from assistant.service import build_assistant
from assistant.settings import Settings
from evals.bench import DEMO
from knowledge.embedders import CachedEmbedder, HashEmbedder, Vectors
from knowledge.errors import BackendError


class GatedEmbedder(HashEmbedder):
    """Embeds a query only once the test opens the gate; records which thread did it."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.queries: list[tuple[str, int]] = []
        self.opened_in_time: list[bool] = []

    def embed_query(self, text: str) -> Vectors:
        self.opened_in_time.append(self.gate.wait(timeout=30))
        self.queries.append((text, threading.get_ident()))
        if text == "broken":
            raise BackendError("the embeddings endpoint failed")
        return super().embed_query(text)


def test_a_prefetched_query_is_embedded_once_in_another_thread(tmp_path: Path) -> None:
    inner = GatedEmbedder()
    cache = CachedEmbedder(inner, tmp_path / "cache.sqlite3")
    try:
        cache.prefetch_query("hvor er pakken min?")
        cache.prefetch_query("hvor er pakken min?")  # already on its way: not started twice
        inner.gate.set()  # the caller's other work is done (the prefetch did not block the caller)
        vector = cache.embed_query("hvor er pakken min?")
        assert np.allclose(vector, HashEmbedder().embed_query("hvor er pakken min?"))
        assert [q for q, _ in inner.queries] == ["hvor er pakken min?"]
        assert inner.queries[0][1] != threading.get_ident()
        assert inner.opened_in_time == [True]
        assert cache.calls == 1
        cache.prefetch_query("hvor er pakken min?")  # known now: nothing started
        assert cache.embed_query("hvor er pakken min?") is not None and len(inner.queries) == 1
    finally:
        cache.close()


def test_a_failed_prefetch_raises_where_the_vector_is_asked_for(tmp_path: Path) -> None:
    inner = GatedEmbedder()
    inner.gate.set()
    cache = CachedEmbedder(inner, tmp_path / "cache.sqlite3")
    try:
        cache.prefetch_query("broken")
        with pytest.raises(BackendError, match="endpoint failed"):
            cache.embed_query("broken")
    finally:
        cache.close()


def test_a_request_prefetches_its_message_and_retrieval_uses_that_vector(
    settings: Settings, tmp_path: Path
) -> None:
    inner = GatedEmbedder()
    inner.gate.set()
    cache = CachedEmbedder(inner, tmp_path / "cache.sqlite3")
    rt = build_runtime(settings, embedder=cache)
    try:
        rt.indexer.ingest(DEMO / "knowledge", "demo")
        assistant = build_assistant(rt)
        inner.queries.clear()
        message = "Hvor lang er angreretten?"
        result = assistant.suggest(workspace="demo", message=message, channel="chat")
        assert result.passages
        assert [q for q, _ in inner.queries] == [message]  # once, by the prefetch
        assert inner.queries[0][1] != threading.get_ident()
    finally:
        rt.close()
        cache.close()
