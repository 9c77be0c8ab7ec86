"""Work bounds: text paths linear in their input, a request embeds only what is new, cached queries.

No test here measures time. The long-input tests run each path in a subprocess under a CPU rlimit that
only stops a runaway (a quadratic path on these inputs runs for hours, a linear one for seconds) and
assert on what the path produced, which must grow in proportion to the input.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import build_query, retrieve
from assistant.runtime import Runtime
from assistant.types import Turn
from knowledge.embedders import CachedEmbedder, HashEmbedder, Vectors
from knowledge.search import conversation_vector
from knowledge.spans import SpanSet

REPO = Path(__file__).resolve().parents[1]
CPU_SECONDS = 240  # a hang-stopper only: the linear paths take a few seconds on a loaded machine


class CountingEmbedder(HashEmbedder):
    """A hashing embedder that counts the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.documents.extend(texts)
        return super().embed_documents(texts, progress)

    def embed_query(self, text: str) -> Vectors:
        self.queries.append(text)
        return super().embed_query(text)


def test_span_set_answers_like_a_scan_of_every_span() -> None:
    rng = random.Random(7)
    spans = SpanSet()
    plain: list[tuple[int, int]] = []
    for _ in range(2000):
        start = rng.randrange(0, 5000)
        end = start + rng.choice([0, 1, 3, 10, 70, 200, 900])
        probe = (rng.randrange(0, 5000), 0)
        probe = (probe[0], probe[0] + rng.choice([0, 1, 5, 64, 300]))
        assert spans.overlaps(*probe) == any(s < probe[1] and probe[0] < e for s, e in plain)
        if rng.random() < 0.5:
            spans.append((start, end))
            plain.append((start, end))
    assert list(spans) == plain and len(spans) == len(plain)


def test_query_vectors_are_cached_on_disk(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    first = cache.embed_query("hvor lang er leveringstiden")
    cache.embed_documents(["hvor lang er leveringstiden"])  # a passage of the same text is another vector
    cache.close()
    reopened = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    again = reopened.embed_query("hvor lang er leveringstiden")
    reopened.close()
    np.testing.assert_allclose(first, again)
    assert inner.queries == ["hvor lang er leveringstiden"]  # the second process asked no model
    assert inner.documents == ["hvor lang er leveringstiden"]


def test_conversation_vector_is_the_token_weighted_mean_of_turn_vectors() -> None:
    emb = HashEmbedder()
    message, turns = "ok yes", ["who is eligible for increased benefits?", "you or your family members"]
    vector = conversation_vector(emb, message, emb.embed_query(message), turns, window=400)
    parts = np.vstack([emb.embed_query(message), emb.embed_documents(turns)])
    weights = np.array([2.0, 7.0, 5.0])  # cl100k tokens of each text
    expected = (weights[:, None] * parts).sum(axis=0)
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), atol=1e-5)
    # the window keeps the latest turns: a budget of 4 tokens covers the message and half the first turn
    short = conversation_vector(emb, message, emb.embed_query(message), turns, window=4)
    mixed = 2 * parts[0] + 2 * parts[1]
    np.testing.assert_allclose(short, mixed / np.linalg.norm(mixed), atol=1e-5)


def test_a_request_embeds_only_the_latest_message(rt: Runtime, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "retur.md").write_text("# Retur\n\nDu kan returnere varer innen 30 dager.", encoding="utf-8")
    (kb / "levering.md").write_text("# Levering\n\nLeveringstiden er 2-4 virkedager.", encoding="utf-8")
    rt.indexer.ingest(kb, "default")
    inner = CountingEmbedder()
    rt.searcher.embedder = CachedEmbedder(inner, tmp_path / "cache.sqlite3")
    history = [
        Turn(role="customer", text=f"Jeg vil returnere jakken, ordre {i}", channel="chat") for i in range(30)
    ]
    rt.searcher.embedder.embed_documents([t.text for t in history])  # as at import: each turn once
    inner.documents.clear()
    passages = retrieve(rt.searcher, "default", "hvor lenge har jeg?", history, turns=10)
    assert passages and passages[0].doc_id.endswith("retur")
    assert inner.queries == ["hvor lenge har jeg?"] and inner.documents == []
    query = build_query("hvor lenge har jeg?", history, turns=10)
    assert len(query.conversation) == 10 and query.conversation[0] == history[-1].text


_PATHS = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
    path, jobs = sys.argv[1], json.loads(sys.argv[2])

    def run(text):
        if path == "clean":
            from knowledge.cleaning import clean_text
            return len(clean_text(text).text)
        if path == "chunk":
            from knowledge.chunking import chunk_document
            from knowledge.documents import Document
            return len(chunk_document(Document(id="d", title="T", text=text), max_tokens=256, overlap=32))
        from assistant.types import Turn
        if path == "draft":
            from assistant.guards import check_repeat_asks
            hei = Turn(role="customer", text="hei", channel="chat")
            return len(check_repeat_asks(text, history=[], message=hei, facts=[], language="nb").asks)
        if path == "history":
            from assistant.guards import check_repeat_asks
            turn = Turn(role="customer", text=text, channel="chat")
            ask = "Hva er ordrenummeret ditt?"
            return len(check_repeat_asks(ask, history=[turn], message=turn, facts=[], language="nb").repeated)
        from knowledge.facts import extract_facts
        return len(extract_facts(text, language="nb"))

    print(json.dumps([run(unit * copies) for unit, copies in jobs]))
    """
).format(cpu=CPU_SECONDS)


def _run_path(path: str, jobs: list[tuple[str, int]]) -> list[int]:
    """What ``path`` produced for each text (``unit`` repeated ``copies`` times), in one subprocess."""
    done = subprocess.run(
        [sys.executable, "-c", _PATHS, path, json.dumps(jobs)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, f"{path}: {done.stderr[-2000:]}"
    return [int(n) for n in json.loads(done.stdout)]


MB = 1_000_000
# Each unit is a shape that made a path quadratic: runs of numbers (an unbounded number pattern
# backtracked from every digit), sentence ends that do not end a sentence (the sentence so far was
# searched again at each one), a text without spaces or breaks, and ordinary support prose.
UNITS = {
    "numbers": "1234 5678 ",
    "dots": "a. ",
    "nospace": "x",
    "prose": (
        "Hei, jeg har bestilt en jakke (ordre 48213977) men den kom aldri. Kan dere sjekke det? "
        "Jeg prøvde å ringe, det hjalp ikke. Mvh Kari, tlf 912 34 567.\n"
    ),
}


def _jobs(size: int) -> list[tuple[str, int]]:
    """Every unit at ``size`` characters, and prose at a sixteenth of it (to compare what came out)."""
    return [(UNITS[u], size // len(UNITS[u])) for u in sorted(UNITS)] + [
        (UNITS["prose"], size // 16 // len(UNITS["prose"]))
    ]


@pytest.mark.parametrize("path", ["clean", "chunk", "draft"])
def test_a_megabyte_goes_through_each_text_path(path: str) -> None:
    jobs = _jobs(MB)
    out = dict(zip([*sorted(UNITS), "prose/16"], _run_path(path, jobs), strict=True))
    prose, sixteenth = out["prose"], out["prose/16"]
    if path == "clean":
        expected = [len((unit * copies).strip()) for unit, copies in jobs]
        assert list(out.values()) == expected
    elif path == "chunk":
        assert all(MB // 10_000 <= n <= MB // 20 for name, n in out.items() if name != "prose/16")
        assert 15 * sixteenth <= prose <= 17 * sixteenth
    else:
        copies = [c for _, c in jobs]
        assert (prose, sixteenth) == (copies[-2], copies[-1])  # one ask ("Kan dere sjekke det?") per unit


@pytest.mark.parametrize("path", ["facts", "history"])
def test_a_long_message_is_read_in_linear_work(path: str) -> None:
    # 128 KB, the size of the message that took 74 s: fact extraction checks each phone candidate with
    # ``phonenumbers`` (linear, but heavy), so the megabyte stays with the cheaper paths above.
    out = _run_path(path, _jobs(128_000))
    assert len(out) == len(UNITS) + 1
    if path == "facts":
        assert out[-2] == out[-1] >= 2  # the prose's facts (repeated values are merged) at both sizes
