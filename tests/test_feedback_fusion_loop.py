"""The feedback → fusion loop end to end: suggestions through the API, agents' feedback on them, `svar eval
export-feedback` turning the kept ones into labelled cases (the documents they cited), `svar knowledge
tune-retrieval --cases` fitting the workspace's fusion on those labels, and the API's next searches using it.
A small synthetic workspace, hash embedder, offline drafter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app as cli
from evals.suite import load_suite
from knowledge.fusion import FEATURES
from knowledge.history import HistoryImporter
from tests.api_support import api_client, key, runtime_of
from tests.conftest import write

runner = CliRunner()
WS = "shop"

ARTICLES = {
    "gavekort": (
        "Gavekort",
        "Et gavekort gjelder i tre år fra kjøpsdatoen og kan brukes i butikk og på nett.",
    ),
    "faktura": (
        "Betaling med faktura",
        "Faktura fra Klarna har 14 dagers betalingsfrist. Gebyret er 0 kroner.",
    ),
    "levering": ("Levering", "Vi sender pakker med Posten og Bring. Leveringstiden er 2-5 virkedager."),
    "retur": ("Retur", "Du har 30 dagers åpent kjøp. Returfrakten er gratis med vedlagt returseddel."),
    "garanti": ("Reklamasjon", "Reklamasjonsfristen er fem år på varer som skal vare lenge, ellers to år."),
}
QUESTIONS = {  # customer id → (message, the document that answers it)
    "c1": ("Hvor lenge gjelder et gavekort?", "gavekort"),
    "c2": ("Hva er betalingsfristen på faktura fra Klarna?", "faktura"),
    "c3": ("Hvor lang er leveringstiden med Posten?", "levering"),
    "c4": ("Er returfrakten gratis?", "retur"),
    "c5": ("Hvor lang er reklamasjonsfristen?", "garanti"),
    "c6": ("Kan jeg bruke gavekortet på nett?", "gavekort"),
    # the agent wanted another source than the one a gift-card question finds: the suggestion is dismissed
    "c7": ("Hvor lenge gjelder gavekortet mitt?", "garanti"),
}


def _knowledge(root: Path) -> Path:
    for doc_id, (title, text) in ARTICLES.items():
        write(root / f"{doc_id}.md", f"---\nid: {doc_id}\ntitle: {title}\nlanguage: nb\n---\n{text}\n")
    return root


def _events() -> list[dict[str, object]]:
    return [
        {
            "customer": {"id": cid, "language": "nb"},
            "conversation": {"id": f"conv-{cid}", "channel": "email"},
            "message": {"role": "customer", "text": text, "at": "2026-03-01T10:00:00Z"},
        }
        for cid, (text, _doc) in QUESTIONS.items()
    ]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory the API app and the CLI share (the CLI reads it from the environment)."""
    home = tmp_path / "home"
    monkeypatch.setenv("SVAR_HOME", str(home))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    monkeypatch.setenv("SVAR_CHUNK_TOKENS", "128")
    monkeypatch.setenv("SVAR_CHUNK_OVERLAP", "16")
    return home


def test_kept_citations_become_labels_and_the_fitted_fusion_is_used(cli_env: Path, tmp_path: Path) -> None:
    kept: dict[str, str] = {}  # customer → the document the agent kept
    with api_client(cli_env) as client:
        rt = runtime_of(client)
        rt.indexer.ingest(_knowledge(tmp_path / "kb"), WS)
        events = write(
            tmp_path / "events.jsonl", "\n".join(json.dumps(e, ensure_ascii=False) for e in _events())
        )
        HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(events, WS)
        agent = key(client, WS, "agent")
        for cid, (text, right) in QUESTIONS.items():
            r = client.post(
                "/v1/suggestions", json={"message": text, "channel": "email", "customer": cid}, headers=agent
            )
            assert r.status_code == 200, r.text
            first = r.json()["suggestions"][0]
            cited = [c["id"] for c in first["citations"]]
            # the agent sends a suggestion built on the right source and dismisses one that is not
            action = {"action": "sent"} if cited[:1] == [right] else {"action": "dismissed"}
            r = client.post(f"/v1/suggestions/{first['id']}/feedback", json=action, headers=agent)
            assert r.status_code == 201, r.text
            if action["action"] == "sent":
                kept[cid] = right
    assert len(kept) >= 4, "the synthetic workspace should answer most questions from the right source"
    assert "c7" not in kept

    suite = tmp_path / "feedback-suite"
    res = runner.invoke(cli, ["eval", "export-feedback", "-w", WS, "--out", str(suite)])
    assert res.exit_code == 0, res.output
    cases = load_suite(suite).cases
    by_message = {c.message.text: c for c in cases}
    assert len(cases) == len(kept), "one case per kept suggestion, none for a dismissed one"
    for cid, doc in kept.items():
        assert by_message[QUESTIONS[cid][0]].expected.kb_ids == [doc]

    res = runner.invoke(cli, ["knowledge", "tune-retrieval", "-w", WS, "--cases", str(suite), "--json"])
    assert res.exit_code == 0, res.output
    fitted = json.loads(res.output)
    assert fitted["meta"]["queries"] == len(kept) and set(fitted["weights"]) == set(FEATURES)
    assert fitted["figures"]["fitted"]["hit_at_1"] == 1.0, "fitted on these labels, it ranks them first"

    with api_client(cli_env) as client:
        searcher = runtime_of(client).searcher
        model = searcher.model(WS)
        assert model.source == "fitted" and model.weights == fitted["weights"]
        agent = key(client, WS, "agent")
        for cid, doc in kept.items():
            r = client.post(
                "/v1/suggestions",
                json={"message": QUESTIONS[cid][0], "channel": "email", "customer": cid},
                headers=agent,
            )
            assert r.status_code == 200, r.text
            assert [c["id"] for c in r.json()["suggestions"][0]["citations"]][:1] == [doc]

    res = runner.invoke(cli, ["knowledge", "tune-retrieval", "-w", WS, "--reset"])
    assert res.exit_code == 0 and "Dropped" in res.output
