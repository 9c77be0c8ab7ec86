"""What does scoping a history search to one customer cost in Chroma, and what is cheaper?

A throwaway measurement behind the design of :func:`knowledge.history.search_history` (``svar bench``
runs it too). It fills a temporary ``PersistentClient`` with random unit vectors spread over many
customers (100,000 × 384-d over 1,000 customers by default), then measures the p50/p95 latency of:

- ``unfiltered``: ``collection.query`` over everything (the lower bound; not allowed for history);
- ``where``: ``collection.query(where={"customer_id": ...})``, Chroma's metadata filter;
- ``get_where``: ``collection.get(where=..., include=["embeddings"])`` then cosine in numpy;
- ``get_ids``: ``collection.get(ids=...)`` with the customer's ids (from the relational store) then numpy;
- ``numpy_cached``: the customer's vectors already in memory, cosine in numpy;
- ``svar``: what :func:`knowledge.history.search_history` does — the customer's message ids from the
  relational store (an indexed SQLite table here), ``get(ids=...)``, cosine in numpy.

Run: ``uv run python -m evals.bench_history_scope [--vectors N] [--customers C] [--queries Q] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def _time(fn: Callable[[int], Any], queries: int) -> list[float]:
    fn(0)  # warm up
    out = []
    for i in range(queries):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def _top_k(matrix: np.ndarray[Any, Any], query: np.ndarray[Any, Any], k: int) -> np.ndarray[Any, Any]:
    scores = matrix @ query
    n = min(k, len(scores))
    idx = np.argpartition(-scores, n - 1)[:n]
    return idx[np.argsort(-scores[idx])]


def run(
    *, vectors: int = 100_000, customers: int = 1_000, dim: int = 384, queries: int = 50, k: int = 5
) -> dict[str, Any]:
    """Build the collection and measure each strategy.

    Args:
        vectors: how many message vectors to store.
        customers: how many customers they are spread over (uniformly at random).
        dim: vector dimension (384 = multilingual-e5-small).
        queries: timed queries per strategy.
        k: results per query.

    Returns:
        ``{"config": {...}, "build_s": float, "strategies": {name: {"p50_ms", "p95_ms"}}}``.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    rng = np.random.default_rng(7)
    data = rng.standard_normal((vectors, dim), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    owner = rng.integers(0, customers, size=vectors)
    ids = [f"m{i}" for i in range(vectors)]
    by_customer: dict[int, np.ndarray[Any, Any]] = {c: np.flatnonzero(owner == c) for c in range(customers)}
    query_vectors = rng.standard_normal((queries + 1, dim), dtype=np.float32)
    query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
    query_customers = rng.integers(0, customers, size=queries + 1)

    with tempfile.TemporaryDirectory(prefix="svar-bench-") as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        col = client.create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        batch = max(1, min(5_000, int(client.get_max_batch_size())))
        t0 = time.perf_counter()
        for start in range(0, vectors, batch):
            end = min(start + batch, vectors)
            col.add(
                ids=ids[start:end],
                embeddings=data[start:end],
                documents=[f"message {i}" for i in range(start, end)],
                metadatas=[{"customer_id": str(int(c)), "workspace": "bench"} for c in owner[start:end]],
            )
        build_s = time.perf_counter() - t0

        def unfiltered(i: int) -> Any:
            return col.query(query_embeddings=[query_vectors[i]], n_results=k, include=["distances"])

        def where(i: int) -> Any:
            return col.query(
                query_embeddings=[query_vectors[i]],
                n_results=k,
                where={"customer_id": str(int(query_customers[i]))},
                include=["distances"],
            )

        def get_where(i: int) -> Any:
            got = col.get(where={"customer_id": str(int(query_customers[i]))}, include=["embeddings"])
            return _top_k(np.asarray(got["embeddings"], dtype=np.float32), query_vectors[i], k)

        def get_ids(i: int) -> Any:
            mine = [ids[j] for j in by_customer[int(query_customers[i])]]
            got = col.get(ids=mine, include=["embeddings"])
            return _top_k(np.asarray(got["embeddings"], dtype=np.float32), query_vectors[i], k)

        cache = {c: data[rows] for c, rows in by_customer.items()}
        store = sqlite3.connect(f"{tmp}/store.sqlite3")
        store.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, customer_id INTEGER)")
        store.execute("CREATE INDEX ix_customer ON messages (customer_id)")
        store.executemany("INSERT INTO messages VALUES (?, ?)", ((i, int(c)) for i, c in enumerate(owner)))
        store.commit()

        def svar(i: int) -> Any:
            rows = store.execute("SELECT id FROM messages WHERE customer_id = ?", (int(query_customers[i]),))
            got = col.get(ids=[f"m{r[0]}" for r in rows], include=["embeddings", "documents", "metadatas"])
            return _top_k(np.asarray(got["embeddings"], dtype=np.float32), query_vectors[i], k)

        def numpy_cached(i: int) -> Any:
            return _top_k(cache[int(query_customers[i])], query_vectors[i], k)

        strategies = {
            "unfiltered": unfiltered,
            "where": where,
            "get_where": get_where,
            "get_ids": get_ids,
            "numpy_cached": numpy_cached,
            "svar": svar,
        }
        results = {name: _percentiles(_time(fn, queries)) for name, fn in strategies.items()}
        # the strategies must agree on the answer (same customer, same top hit)
        top_where = where(1)["ids"][0][0]
        top_numpy = ids[int(by_customer[int(query_customers[1])][numpy_cached(1)[0]])]
        store.close()
        del client
    return {
        "config": {"vectors": vectors, "customers": customers, "dim": dim, "queries": queries, "k": k},
        "build_s": round(build_s, 1),
        "per_customer": round(vectors / customers, 1),
        "agree": top_where == top_numpy,
        "strategies": results,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints a table (or JSON) and returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(vectors=args.vectors, customers=args.customers, dim=args.dim, queries=args.queries)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return 0
    cfg = result["config"]
    lines = [
        f"{cfg['vectors']} vectors x {cfg['dim']}-d over {cfg['customers']} customers "
        f"(~{result['per_customer']} each); built in {result['build_s']} s; "
        f"top hits agree: {result['agree']}",
        f"{'strategy':<14}{'p50 ms':>10}{'p95 ms':>10}",
    ]
    for name, stats in result["strategies"].items():
        lines.append(f"{name:<14}{stats['p50_ms']:>10.3f}{stats['p95_ms']:>10.3f}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
