"""Hostile inputs: every loader and importer on a corpus of bad files and lines made here.

Each bad item is reported with its place (file, and line where there is one); its good neighbours load;
nothing raises. Sizes are bounded by the configured limits (no timing is asserted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.cli import app
from knowledge.db.history_models import Customer, Identity, Message
from knowledge.limits import Limits
from knowledge.loaders import load_path
from tests.conftest import write
from tests.history_support import Stores, open_stores, say

DEEP = 100_000
MiB = 1024 * 1024


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _reason(rejections: list[Any], where: str) -> str:
    found = [r.reason for r in rejections if r.location == where]
    assert found, f"nothing reported at {where}: {[str(r) for r in rejections]}"
    return found[0]


def _knowledge_corpus(kb: Path) -> None:
    write(kb / "good.md", "---\nid: good\ntitle: Retur\n---\nDu kan returnere varer innen 30 dager.\n")
    write(
        kb / "deep.jsonl",
        '{"id": "j1", "text": "Frakt er gratis over 500 kroner."}\n'
        + '{"id": "j2", "text": "x", "metadata": '
        + _deep_json(DEEP)
        + "}\n"
        + '{"id": "j3", "text": "Vi svarer innen to dager."}\n',
    )
    write(
        kb / "cells.csv",
        "id,title,text\n"
        "c1,Garanti,To års reklamasjonsrett.\n"
        "c2,Stor," + "a" * (200 * 1024) + "\n"  # over Python's 128 KB CSV field limit, under ours
        "c3,Enorm," + "b " * (1_100_000) + "\n"  # over the configured field limit
        "c4,Bytte,Bytte er gratis.\n",
    )
    write(kb / "headings.md", "".join(f"# H{i}\n\ntekst {i}\n\n" for i in range(50_000)))
    write(kb / "deep-front.md", "---\nid: deepfront\nx: " + _deep_json(DEEP) + "\n---\nTekst.\n")
    write(
        kb / "laughs.md",
        "---\nid: laughs\ntitle: Lol\n"
        + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "---\nLatter er sunt.\n",
    )
    write(kb / "big.txt", "Dette er en lang tekst. " * 100_000)  # 2.4 MB, over the document limit
    write(kb / "repeat.txt", "ja " * 300_000)  # 900 KB of one word: under the limit, handled
    write(kb / "deep.html", "<html><body>" + "<div>" * 50_000 + "dypt" + "</div>" * 50_000 + "</body></html>")
    write(
        kb / "markup.md", "---\nid: '[/]'\ntitle: '[bold]Tittel[/] [/]'\n---\nFrakt [/] koster 49 kroner.\n"
    )
    (kb / "latin1.jsonl").write_bytes(
        b'{"id": "u1", "text": "Godt."}\n'
        b'{"id": "u2", "text": "Bl\xe5b\xe6r og r\xf8dt."}\n'
        b'{"id": "u3", "text": "Fint."}\n'
    )
    (kb / "latin1.md").write_bytes(b"# S\xf8knad\n\nDu kan s\xf8ke om refusjon.\n")


def test_every_loader_isolates_each_bad_item(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    _knowledge_corpus(kb)
    limits = Limits(csv_field_chars=1_000_000)
    result = load_path(kb, limits=limits)
    ids = {d.id for d in result.documents}
    for good in ("good", "j1", "j3", "c1", "c2", "c4", "laughs", "[/]", "u1", "u2", "u3", "latin1", "repeat"):
        assert good in ids, (good, [str(r) for r in result.rejections])
    rejected = result.rejections
    assert "nest" in _reason(rejected, f"{kb / 'deep.jsonl'}:2")
    assert "SVAR_MAX_CSV_FIELD_CHARS" in _reason(rejected, f"{kb / 'cells.csv'}:4")
    assert "SVAR_MAX_HEADINGS" in _reason(rejected, str(kb / "headings.md"))
    assert "front matter" in _reason(rejected, str(kb / "deep-front.md"))
    assert "SVAR_MAX_DOCUMENT_CHARS" in _reason(rejected, str(kb / "big.txt"))
    assert not any(r.location.startswith(str(kb / "latin1")) for r in rejected)
    assert {str(w.location) for w in result.warnings} >= {f"{kb / 'latin1.jsonl'}:2", str(kb / "latin1.md")}
    docs = {d.id: d for d in result.documents}
    assert "\ufffd" in docs["u2"].text and "invalid_utf8" in docs["u2"].flags
    assert "refusjon" in docs["latin1"].text
    assert "nested" in _reason(rejected, str(kb / "deep.html"))
    # Nothing beyond the limit was kept anywhere.
    assert all(len(d.text) <= limits.document_chars for d in result.documents)


def test_one_mebibyte_through_each_text_path_is_refused_or_bounded(tmp_path: Path) -> None:
    text = "Hei, jeg lurer på om pakken min er sendt. " * (MiB // 42)
    limits = Limits(document_chars=500_000)
    write(tmp_path / "kb" / "huge.md", "# Stor\n\n" + text)
    write(tmp_path / "kb" / "huge.jsonl", json.dumps({"id": "h", "text": text}) + "\n")
    write(tmp_path / "kb" / "ok.md", "# Liten\n\nKort tekst.\n")
    result = load_path(tmp_path / "kb", limits=limits)
    assert [d.id for d in result.documents] == ["ok"]
    assert len(result.rejections) == 2 and all("limit" in r.reason for r in result.rejections)


def _values(st: Stores, column: Any) -> list[Any]:
    with st.sessions() as session:
        return list(session.scalars(select(column)))


@pytest.fixture
def st(tmp_path: Path) -> Any:
    with open_stores("sqlite", tmp_path) as stores:
        yield stores


def test_history_importer_isolates_each_bad_line(st: Stores) -> None:
    ok_a = say("ok-a", "c-a", "chat", "Hvor er pakken min?", "2026-01-02T10:00:00Z")
    deep = '{"customer": {"id": "deep"}, "x": ' + _deep_json(DEEP) + "}"
    far = say("far", "c-far", "chat", "Hei", "9999-12-31T23:30:00-05:00")
    early = say("early", "c-early", "chat", "Hei", "0001-01-01T00:10:00+01:00")
    handles = {"id": "many", "handles": {f"h{i}": f"user{i}" for i in range(1000)}}
    ok_b = say("ok-b", "c-b", "email", "Jeg vil bytte en jakke.", "2026-01-03T10:00:00Z")
    huge_line = say("huge", "c-huge", "chat", "x" * MiB, "2026-01-03T10:00:00Z")
    long_msg = say("long", "c-long", "chat", "Lang melding. " * 8_000, "2026-01-04T10:00:00Z")
    markup = say("[/]", "[/]", "chat", "Hei [/] der [bold]", "2026-01-05T10:00:00Z")
    ok_c = say("ok-c", "c-c", "sms", "Takk for hjelpen!", "2026-01-06T10:00:00Z")
    path = st.write([ok_a, deep, far, early, json.dumps({"customer": handles}), ok_b])
    with path.open("ab") as fh:
        fh.write(b'{"customer": {"id": "bad\xff"}}\n')  # line 7
        for ev in (huge_line, long_msg, markup, ok_c):  # lines 8-11
            fh.write(json.dumps(ev).encode() + b"\n")
    report = st.ingest(path)
    rejected = report.rejected
    assert "nest" in _reason(rejected, f"{path}:2")
    assert "range" in _reason(rejected, f"{path}:3")
    assert "range" in _reason(rejected, f"{path}:4")
    assert "SVAR_MAX_HANDLES" in _reason(rejected, f"{path}:5")
    assert "UTF-8" in _reason(rejected, f"{path}:7")
    assert "SVAR_MAX_EVENT_BYTES" in _reason(rejected, f"{path}:8")
    assert len(rejected) == 6
    assert any(w.location == f"{path}:9" and "SVAR_MAX_MESSAGE_CHARS" in w.reason for w in report.warnings)
    assert report.events == 5
    customers = set(_values(st, Customer.external_id))
    assert {"ok-a", "ok-b", "ok-c", "long", "[/]"} == customers
    assert max(len(t) for t in _values(st, Message.text)) <= Limits().message_chars


def test_an_unexpected_failure_in_one_event_keeps_its_neighbours(st: Stores) -> None:
    """With the handle limit lifted, 1,000 handles overflow SQLite's expression tree: only that line fails."""
    handles = {f"h{i}": f"user{i}" for i in range(1000)}
    lines = [
        say("first", "c1", "chat", "Hei", "2026-01-02T10:00:00Z"),
        {"customer": {"id": "many", "handles": handles}},
        say("next", "c2", "chat", "Hallo", "2026-01-02T11:00:00Z"),
    ]
    path = st.write(lines)
    from knowledge.history import HistoryImporter

    report = HistoryImporter(st.sessions, st.chroma, st.embedder, limits=Limits(handles=5000)).ingest(
        path, st.workspace
    )
    assert [r.location for r in report.rejected] == [f"{path}:2"]
    assert "could not be imported" in report.rejected[0].reason
    assert set(_values(st, Customer.external_id)) == {"first", "next"}
    assert st.count(Identity, Identity.kind == "h1") == 0


def test_cli_escapes_markup_in_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    kb = tmp_path / "kb[/]"
    write(kb / "a.md", "---\nid: '[/]'\ntitle: '[/] [bold]Frakt'\n---\nFrakt [/] koster 49 kroner.\n")
    write(kb / "b.jsonl", '{"id": "[/x]"}\n')
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "knowledge", str(kb)])
    assert res.exit_code == 0, res.output
    assert "kb[/]/b.jsonl:1" in res.output  # the rejection, printed literally
    res = runner.invoke(app, ["search", "Hva koster frakt [/]?"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "[/] [bold]Frakt" in res.output and "Frakt [/] koster" in res.output


class _CountingDrafter:
    """Fails the test if the service ever drafts: an over-long message must be refused before any work."""

    name = "counting"
    prompt_version = None

    def draft(self, request: Any) -> Any:
        raise AssertionError("drafted an over-long message")


def test_service_refuses_a_message_over_the_limit(rt: Any) -> None:
    from assistant.service import Assistant
    from assistant.types import Turn
    from knowledge.errors import LimitError

    assistant = Assistant(rt, _CountingDrafter())  # type: ignore[arg-type]
    text = "Hei, hvor er pakken min? " * (MiB // 25)
    with pytest.raises(LimitError, match="SVAR_MAX_MESSAGE_CHARS"):
        assistant.suggest(workspace="default", message=text, channel="chat")
    with pytest.raises(LimitError, match="SVAR_MAX_MESSAGE_CHARS"):
        assistant.answer(
            workspace="default", message="Hei", history=[Turn(role="customer", text=text, channel="chat")]
        )


def test_cli_says_which_setting_to_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    big = write(tmp_path / "msg.txt", "x" * 30_000)
    for command in (["suggest", big.read_text()], ["search", big.read_text()]):
        res = CliRunner().invoke(app, command)
        assert res.exit_code == 2, res.output
        assert "SVAR_MAX_MESSAGE_CHARS" in res.output and "Traceback" not in res.output
