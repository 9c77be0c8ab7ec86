import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.conftest import write

runner = CliRunner()


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")


def test_ingest_search_and_reindex(tmp_path: Path) -> None:
    write(
        tmp_path / "kb" / "a.md",
        "---\nid: apning\ntitle: Åpningstider\n---\nKundeservice har åpent 08-20 alle dager.",
    )
    write(tmp_path / "kb" / "b.md", "---\nid: frakt\ntitle: Frakt\n---\nFrakt er gratis over 500 kroner.")
    res = runner.invoke(app, ["ingest", "knowledge", str(tmp_path / "kb"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["added"] == 2
    res = runner.invoke(app, ["search", "Når har kundeservice åpent?", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)[0]["doc_id"] == "apning"
    res = runner.invoke(app, ["reindex"])
    assert res.exit_code == 0 and "Re-indexed 2 knowledge chunks and 0 history messages" in res.output


def test_ingest_reports_rejections(tmp_path: Path) -> None:
    f = write(tmp_path / "kb.jsonl", '{"id": "a", "text": "ok"}\n{"id": "b"}\n')
    res = runner.invoke(app, ["ingest", "knowledge", str(f)])
    assert res.exit_code == 0
    assert f"{f}:2" in res.output and "missing 'text'" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "knowledge", "/nonexistent/kb"], "no such file"),
        (["ingest", "knowledge", "/etc/hostname", "--workspace", "Bad Name"], "invalid workspace name"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.output


def test_bad_setting_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_CHUNK_TOKENS", "5")
    res = runner.invoke(app, ["search", "x"])
    assert res.exit_code == 2
    assert "SVAR_CHUNK_TOKENS" in res.output
