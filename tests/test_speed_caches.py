"""What a request no longer recomputes: the link allowlist per knowledge version, facts per message text.
And the local model's OpenMP threads sleep rather than spin. No timing here: the caches are observed by
counting the work behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant.links as links
from assistant.links import LinkAllowlists
from assistant.runtime import Runtime
from knowledge.embedders import openmp_defaults
from knowledge.facts import _memo as memo
from knowledge.facts import extract_facts
from tests.conftest import write

DOC = "---\ntitle: {title}\nurl: https://{host}/{slug}\n---\n\n{title} er forklart her.\n"


def _doc(kb: Path, slug: str, host: str) -> None:
    write(kb / f"{slug}.md", DOC.format(title=slug.capitalize(), host=host, slug=slug))


def test_link_allowlist_is_learnt_once_per_knowledge_version(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    for slug in ("retur", "levering", "garanti"):
        _doc(kb, slug, "hjelp.nordlys.example")
    rt.indexer.ingest(kb, "default")
    scans: list[str] = []
    real = links.workspace_link_domains
    monkeypatch.setattr(links, "workspace_link_domains", lambda s, w, c: scans.append(w) or real(s, w, c))
    allowlists = LinkAllowlists(rt.sessions)
    assert allowlists.domains("default", None) == ("hjelp.nordlys.example",)
    assert allowlists.domains("default", None) == ("hjelp.nordlys.example",)
    assert scans == ["default"]  # the second request read no document URL
    for slug in ("a", "b", "c", "d"):  # the knowledge changes: the list is learnt again
        _doc(kb, slug, "nordlys.example")
    rt.indexer.ingest(kb, "default")
    assert set(allowlists.domains("default", None)) == {"hjelp.nordlys.example", "nordlys.example"}
    assert scans == ["default", "default"]
    assert allowlists.domains("default", ["x.example"]) == ("x.example",)  # configured: no query at all
    assert allowlists.domains("nowhere", None) == ()
    assert scans == ["default", "default"]


def test_facts_of_a_text_are_extracted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = memo.MAX_TEXT_CHARS

    @memo.memoized
    def counted(text: str, *, language: str | None = None, role: str = "customer", products=()):  # type: ignore[no-untyped-def]
        calls.append(text)
        return extract_facts.__wrapped__(text, language=language, role=role, products=products)  # type: ignore[attr-defined]

    text = "Ordrenummeret mitt er 48213977, ring meg på 912 34 567."
    first = counted(text, language="nb")
    first.clear()  # a caller changing its list changes nothing kept
    again = counted(text, language="nb")
    assert calls == [text] and {f.kind for f in again} >= {"order_number", "phone"}
    counted(text, language="nb", role="agent")  # another role is another extraction
    assert len(calls) == 2
    long = "x " * real
    counted(long)
    counted(long)
    assert len(calls) == 4  # texts over the limit are not kept


def test_extract_facts_is_memoized_with_the_same_results() -> None:
    text = "Jeg har prøvd å restarte ruteren. Ordre 48213977."
    assert extract_facts(text, language="nb") == extract_facts.__wrapped__(text, language="nb")  # type: ignore[attr-defined]
    assert extract_facts(text, language="nb", products=["Ruter"]) == extract_facts(
        text, language="nb", products=("Ruter",)
    )


def test_openmp_threads_sleep_unless_the_environment_says_otherwise() -> None:
    env: dict[str, str] = {}
    openmp_defaults(env)
    assert env == {"OMP_WAIT_POLICY": "PASSIVE"}
    mine = {"OMP_WAIT_POLICY": "ACTIVE"}
    openmp_defaults(mine)
    assert mine == {"OMP_WAIT_POLICY": "ACTIVE"}


def test_conversation_vector_with_a_turn_that_is_the_message_itself() -> None:
    from knowledge.embedders import HashEmbedder
    from knowledge.search import conversation_vector

    emb = HashEmbedder()
    message = "yes"
    turns = [message, "Have you restarted the router?", message]  # the same string object, twice
    vector = conversation_vector(emb, message, emb.embed_query(message), turns)
    assert vector.shape == (emb.dim,)
