"""A workspace's own reply macros: imported from YAML, stored per workspace, used by the service's drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.drafting.offline import OfflineDrafter
from assistant.runtime import Runtime
from assistant.service import Assistant
from knowledge.workspace_macros import import_macros, workspace_macros
from tests.conftest import write

runner = CliRunner()


def test_macros_cli_import_merge_replace_show_and_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    good = write(
        tmp_path / "macros.yaml",
        "policy:\n  return_days: 14\n"
        "nb:\n  replies:\n    delivery_time: 'Sykler sendes innen 2 virkedager.'\n",
    )
    res = runner.invoke(app, ["macros", "import", str(good), "-w", "acme"])
    assert res.exit_code == 0, res.output
    assert "1 reply template" in res.output and "return_days" in res.output
    more = write(tmp_path / "more.yaml", "en:\n  order:\n    processing: 'We are packing order {order}.'\n")
    assert runner.invoke(app, ["macros", "import", str(more), "-w", "acme"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["macros", "show", "-w", "acme", "--json"]).stdout)
    assert (
        data["policy"] == {"return_days": 14} and "replies" in data["nb"] and "order" in data["en"]
    )  # merged
    assert runner.invoke(app, ["macros", "import", str(more), "-w", "acme", "--replace"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["macros", "show", "-w", "acme", "--json"]).stdout)
    assert set(data) == {"en"}
    bad = write(tmp_path / "bad.yaml", "en:\n  replies:\n    shipping: 'x'\n")
    res = runner.invoke(app, ["macros", "import", str(bad), "-w", "acme"])
    assert res.exit_code == 2 and "unknown request type 'shipping'" in res.output
    res = runner.invoke(app, ["macros", "import", str(tmp_path / "missing.yaml"), "-w", "acme"])
    assert res.exit_code == 2 and "not found" in res.output
    data = json.loads(runner.invoke(app, ["macros", "show", "-w", "acme", "--json"]).stdout)
    assert set(data) == {"en"}  # a bad import changed nothing
    res = runner.invoke(app, ["macros", "show", "-w", "empty"])
    assert res.exit_code == 0 and "no macros of its own" in res.output


def test_the_service_drafts_with_the_workspaces_own_reply_and_no_other_workspaces(rt: Runtime) -> None:
    with rt.sessions.begin() as session:
        import_macros(
            session, "shop", {"en": {"replies": {"other": "Gift cards are sold in our shops only."}}}
        )
    with rt.sessions() as session:
        assert workspace_macros(session, "shop")["en"]["replies"]["other"].startswith("Gift cards")
        assert workspace_macros(session, "elsewhere") == {}
    assistant = Assistant(rt, OfflineDrafter())
    result = assistant.suggest(workspace="shop", message="Do you sell gift cards?", channel="chat")
    first = result.suggestions[0]
    assert "Gift cards are sold in our shops only." in first.text and "macro:other" in first.used_situation
    other = assistant.suggest(workspace="elsewhere", message="Do you sell gift cards?", channel="chat")
    assert all("Gift cards are sold" not in s.text for s in other.suggestions)


def test_a_draft_quotes_the_section_of_the_document_about_the_request_type(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.service as service
    from knowledge.progress import NoProgress

    write(
        tmp_path / "kb" / "returns.md",
        "---\nid: returns\ntitle: Returns and refunds\nlanguage: en\n---\n\n# Returns and refunds\n\n"
        "You have 30 days to return an item from the day you received it.\n\n"
        "## When do I get my money back?\n\nWe refund within 14 days of receiving your return.\n\n"
        "## Cancelling an order\n\nYou can cancel an order after placing it on My page while its status "
        "is Received; after that we cannot stop an order after cancelling starts.\n",
    )
    rt.indexer.ingest(tmp_path / "kb", "shop", NoProgress())
    assistant = Assistant(rt, OfflineDrafter(threshold=0.0))
    message = "How long does a refund take after cancelling an order on My page?"
    request, _ = assistant._request("suggest", "shop", message, "chat", None, None, 1)
    assert request.request_type == "refund"
    top = request.passages[0]
    assert top.doc_id == "returns" and "We refund within 14 days" in top.text
    # the same question of another type keeps the retrieved section
    other, _ = assistant._request(
        "suggest", "shop", "How do I cancel an order on My page?", "chat", None, None, 1
    )
    assert "We refund within 14 days" not in other.passages[0].text
    monkeypatch.setattr(service, "SECTION_PASSAGES", 0)  # retrieval alone found the cancelling section
    plain, _ = assistant._request("suggest", "shop", message, "chat", None, None, 1)
    assert plain.passages[0].doc_id == "returns" and "We refund within 14 days" not in plain.passages[0].text


def test_a_delivery_time_question_quotes_the_section_with_a_duration(rt: Runtime, tmp_path: Path) -> None:
    from knowledge.progress import NoProgress

    write(
        tmp_path / "kb" / "delivery.md",
        "---\nid: delivery\ntitle: Delivery\nlanguage: en\n---\n\n# Delivery\n\n"
        "Parcels are handed to the carrier on the day you order. In-stock items take 5-10 working days.\n\n"
        "## Tracking and price\n\nHome delivery costs NOK 799 per order, and you get a tracking link.\n",
    )
    rt.indexer.ingest(tmp_path / "kb", "shop", NoProgress())
    assistant = Assistant(rt, OfflineDrafter(threshold=0.0))
    request, _ = assistant._request(
        "suggest", "shop", "How long does home delivery take per order?", "chat", None, None, 1
    )
    assert request.request_type == "delivery_time"
    assert "5-10 working days" in request.passages[0].text


def test_a_question_of_no_request_type_quotes_from_the_whole_document_once(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.service as service
    from knowledge.progress import NoProgress

    filler = " ".join(f"Setning nummer {n} handler om været i fjellet og ingenting annet." for n in range(40))
    write(
        tmp_path / "kb" / "fort.md",
        "---\nid: fort\ntitle: Fjellfestningen\nlanguage: nb\n---\n\n# Fjellfestningen\n\n"
        "Fjellfestningen ble bygget av kystartilleriet i 1942.\n\n"
        f"## Været\n\n{filler}\n\n## Kanonene\n\nKanontårnet på fjellfestningen har tre kanoner.\n",
    )
    rt.indexer.ingest(tmp_path / "kb", "wiki", NoProgress())
    assistant = Assistant(rt, OfflineDrafter(threshold=0.0))
    question = "Hvor mange kanoner har kanontårnet på fjellfestningen?"
    request, _ = assistant._request("suggest", "wiki", question, "chat", None, None, 1)
    top = request.passages[0]
    assert request.request_type == "other" and top.doc_id == "fort"
    assert "bygget av kystartilleriet" in top.text and "tre kanoner" in top.text
    assert top.text.count("Setning nummer 20 ") == 1  # chunks' overlap is not repeated
    monkeypatch.setattr(service, "DOCUMENT_CHARS", 10)  # too long to read whole: the retrieved chunk
    plain, _ = assistant._request("suggest", "wiki", question, "chat", None, None, 1)
    assert "bygget av kystartilleriet" not in plain.passages[0].text
