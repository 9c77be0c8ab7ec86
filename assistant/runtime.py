"""Long-lived resources, built once at the edge (CLI command, API lifespan, eval runner) and passed in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.settings import Settings
from knowledge.db import create_db_engine, migrate, session_factory
from knowledge.documents import Document, Rejection
from knowledge.embedders import CachedEmbedder, build_embedder
from knowledge.indexer import KnowledgeIndexer
from knowledge.search import KnowledgeSearcher
from knowledge.vectorstore import open_chroma


def _screen(documents: Sequence[Document], *, configured_domains: Sequence[str] | None) -> list[Rejection]:
    """Ingest-time screening (imported when a knowledge ingest has something to write)."""
    from assistant.screening import screen_documents

    return screen_documents(documents, configured_domains=configured_domains)


class LazyClient:
    """The Chroma client, opened on first use: a command with no vector work (an unchanged re-ingest)
    never pays Chroma's start-up."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener = opener
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = self._opener()
        return getattr(self._client, name)


@dataclass
class Runtime:
    """Everything with a resource: the database engine, the Chroma client, the embedder."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    chroma: Any
    embedder: CachedEmbedder
    indexer: KnowledgeIndexer
    searcher: KnowledgeSearcher
    owns_embedder: bool = True

    def close(self) -> None:
        """Release what this runtime opened (an embedder passed in belongs to the caller)."""
        if self.owns_embedder:
            self.embedder.close()
        self.engine.dispose()


def build_runtime(
    settings: Settings, *, embedder: CachedEmbedder | None = None, vectors: Any | None = None
) -> Runtime:
    """Open the stores named by ``settings`` (migrating the database) and build the services on them.

    Args:
        settings: the configuration.
        embedder: an embedder to share (it stays the caller's to close).
        vectors: the vector store to use instead of the configured Chroma (an ``InMemoryVectorStore`` in
            tests).
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url())
    migrate(engine)
    sessions = session_factory(engine)
    chroma = (
        vectors
        if vectors is not None
        else LazyClient(lambda: open_chroma(path=settings.chroma_path, url=settings.chroma_url))
    )
    emb = embedder or build_embedder(settings)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        chroma=chroma,
        embedder=emb,
        indexer=KnowledgeIndexer(
            sessions,
            chroma,
            emb,
            chunk_tokens=settings.chunk_tokens,
            chunk_overlap=settings.chunk_overlap,
            sentence_vectors=settings.sentence_vectors,
            limits=settings.limits(),
            screen=partial(_screen, configured_domains=settings.link_domains()),
        ),
        searcher=KnowledgeSearcher(
            sessions, chroma, emb, mode=settings.retrieval_mode, rerank=settings.rerank != "off"
        ),
        owns_embedder=embedder is None,
    )
