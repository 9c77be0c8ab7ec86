"""`svar eval export-feedback`: edited, sent and inserted suggestions in a real store become eval cases, once,
expecting the documents they cited; the migration that keeps those sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.feedback import log_suggestions, record_feedback
from assistant.runtime import Runtime, build_runtime
from assistant.settings import Settings
from assistant.types import Citation, Suggestion
from assistant.widget import append_turns, start_session
from evals.feedback_export import ExportReport, export_feedback, feedback_cases
from evals.suite import load_suite
from knowledge.db.api_models import SuggestionLog
from knowledge.errors import InputError
from knowledge.history import HistoryImporter
from knowledge.workspaces import get_workspace
from tests.conftest import write

runner = CliRunner()
WS = "support"

EVENTS = [
    {"customer": {"id": "kari", "name": "Kari", "language": "nb"}},
    {
        "customer": {"id": "kari"},
        "conversation": {"id": "k1", "channel": "email"},
        "message": {
            "role": "customer",
            "text": "Hei, ruteren min blinker oransje.",
            "at": "2026-03-01T10:00:00Z",
        },
    },
    {
        "customer": {"id": "kari"},
        "conversation": {"id": "k1", "channel": "email"},
        "message": {
            "role": "agent",
            "text": "Har du prøvd å starte den på nytt?",
            "at": "2026-03-01T11:00:00Z",
        },
    },
    {
        "customer": {"id": "kari"},
        "conversation": {"id": "k1", "channel": "email"},
        "message": {"role": "customer", "text": "Ja, to ganger. Hva nå?", "at": "2026-03-01T12:00:00Z"},
    },
]


def _suggestion(text: str, channel: str = "email") -> Suggestion:
    return Suggestion(text=text, language="nb", channel=channel)


def _store(rt: Runtime, tmp_path: Path) -> dict[str, str]:
    """A workspace with a customer's history, and suggestions that were edited, sent or dismissed."""
    with rt.sessions.begin() as session:
        get_workspace(session, WS, create=True)
    path = write(tmp_path / "events.jsonl", "\n".join(json.dumps(e, ensure_ascii=False) for e in EVENTS))
    HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(path, WS)
    ids: dict[str, str] = {}
    with rt.sessions.begin() as session:
        ws = get_workspace(session, WS, create=False)
        assert ws is not None
        [ids["edited"]] = log_suggestions(
            session, ws.id, [_suggestion("Vi sender en ny ruter.")], mode="suggest", customer="kari"
        )
        record_feedback(session, ws.id, ids["edited"], "inserted")
        record_feedback(
            session, ws.id, ids["edited"], "edited", final_text="Vi sender deg en ny ruter i dag, Kari."
        )
        record_feedback(session, ws.id, ids["edited"], "sent")
        [ids["dismissed"]] = log_suggestions(
            session, ws.id, [_suggestion("Prøv å starte den på nytt.")], mode="suggest", customer="kari"
        )
        record_feedback(session, ws.id, ids["dismissed"], "dismissed", reason="already tried")
        [ids["inline"]] = log_suggestions(session, ws.id, [_suggestion("Hei!")], mode="suggest")
        record_feedback(session, ws.id, ids["inline"], "sent")  # no customer, no session: no conversation
        row, _token = start_session(session, ws.id, None)
        answer = "Returen er gratis innen 30 dager."
        append_turns(row, ("customer", "Hei"), ("bot", "Hei! Hva kan jeg hjelpe med?"))
        append_turns(row, ("customer", "Koster det noe å returnere?"), ("bot", answer))
        [ids["widget"]] = log_suggestions(
            session, ws.id, [_suggestion(answer, "widget")], mode="answer", session_id=row.id
        )
        record_feedback(session, ws.id, ids["widget"], "sent")
    return ids


def test_edited_and_sent_suggestions_become_cases_once(rt: Runtime, tmp_path: Path) -> None:
    ids = _store(rt, tmp_path)
    suite = tmp_path / "grown"
    report = export_feedback(rt.sessions, WS, suite)
    assert report.added == 2 and report.duplicates == 0
    assert report.skipped == {"no conversation kept for it": 1}
    assert report.created_suite and (suite / "suite.yaml").is_file()
    cases = {c["id"]: c for c in map(json.loads, (suite / "cases.jsonl").read_text().splitlines())}
    edited = cases[f"fb-{ids['edited']}"]
    assert (
        edited["expected"]["reference"] == "Vi sender deg en ny ruter i dag, Kari."
    )  # the text the agent sent
    assert edited["message"] == {"channel": "email", "text": "Ja, to ganger. Hva nå?"}
    assert [t["role"] for t in edited["history"]] == ["customer", "agent"]
    assert edited["feedback"]["action"] == "edited"
    widget = cases[f"fb-{ids['widget']}"]
    assert widget["expected"]["reference"] == "Returen er gratis innen 30 dager."
    assert widget["message"]["text"] == "Koster det noe å returnere?" and len(widget["history"]) == 2
    assert f"fb-{ids['dismissed']}" not in cases

    again = export_feedback(rt.sessions, WS, suite)
    assert again.added == 0 and again.duplicates == 2 and not again.created_suite
    assert len((suite / "cases.jsonl").read_text().splitlines()) == 2
    loaded = load_suite(suite)  # the exported suite is a valid suite
    assert len(loaded.cases) == 2 and loaded.cases[0].expected.reference


def test_export_appends_to_an_existing_suite_without_duplicates(rt: Runtime, tmp_path: Path) -> None:
    _store(rt, tmp_path)
    suite = tmp_path / "ours"
    write(suite / "suite.yaml", "name: ours\ncases: mine.jsonl\n")
    same = {
        "id": "hand-written",
        "message": {"channel": "widget", "text": "Koster det noe å returnere?"},
        "expected": {"reference": "Returen er gratis innen 30 dager."},
    }
    write(suite / "mine.jsonl", json.dumps(same, ensure_ascii=False))  # no trailing newline
    report = export_feedback(rt.sessions, WS, suite)
    assert report.added == 1 and report.duplicates == 1  # same message and gold reply: not added again
    lines = (suite / "mine.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["id"] == "hand-written"
    write(suite / "mine.jsonl", "{broken\n")
    with pytest.raises(InputError, match="mine.jsonl:1"):
        export_feedback(rt.sessions, WS, suite)
    with pytest.raises(InputError):
        export_feedback(rt.sessions, "nobody", suite)


def test_cli_export_feedback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("SVAR_HOME", str(home))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    rt = build_runtime(Settings(home=home, embedder="hash"))
    try:
        _store(rt, tmp_path)
    finally:
        rt.close()
    res = runner.invoke(app, ["eval", "export-feedback", "-w", WS, "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert "2 case(s) added" in res.output and "1 skipped: no conversation kept" in res.output
    assert "add your knowledge" in res.output
    res = runner.invoke(app, ["eval", "export-feedback", "-w", "nobody", "--out", str(tmp_path / "s")])
    assert res.exit_code == 2


def _cited(text: str, *docs: str) -> Suggestion:
    return Suggestion(
        text=text, language="nb", channel="email", citations=[Citation(id=d, title=d) for d in docs]
    )


def test_cases_expect_the_documents_the_kept_suggestion_cited(rt: Runtime, tmp_path: Path) -> None:
    ids = _store(rt, tmp_path)
    with rt.sessions.begin() as session:
        ws = get_workspace(session, WS, create=False)
        assert ws is not None
        kept = {}
        for action in ("sent", "edited", "inserted", "dismissed", "inserted-then-dismissed"):
            [kept[action]] = log_suggestions(
                session,
                ws.id,
                [_cited(f"Svar {action}.", "nb-ruter", "nb-ruter", "nb-garanti")],
                mode="suggest",
                customer="kari",
            )
        record_feedback(session, ws.id, kept["sent"], "sent")
        record_feedback(session, ws.id, kept["edited"], "edited", final_text="Bedre svar.")
        record_feedback(session, ws.id, kept["inserted"], "inserted")
        record_feedback(session, ws.id, kept["dismissed"], "dismissed")
        record_feedback(session, ws.id, kept["inserted-then-dismissed"], "inserted")
        record_feedback(session, ws.id, kept["inserted-then-dismissed"], "dismissed")
        stored = session.get(SuggestionLog, kept["sent"])
        assert stored is not None and stored.cited == ["nb-ruter", "nb-garanti"], "each source once, in order"
    report = ExportReport()
    cases = {c["id"]: c for c in feedback_cases(rt.sessions, WS, report)}
    for action in ("sent", "edited", "inserted"):
        case = cases[f"fb-{kept[action]}"]
        assert case["expected"]["kb_ids"] == ["nb-ruter", "nb-garanti"], action
        assert case["feedback"]["action"] == action
    assert cases[f"fb-{kept['inserted']}"]["expected"]["reference"] == "Svar inserted."
    assert f"fb-{kept['dismissed']}" not in cases
    assert f"fb-{kept['inserted-then-dismissed']}" not in cases
    assert report.skipped["dismissed after it was inserted"] == 1
    assert "kb_ids" not in cases[f"fb-{ids['edited']}"]["expected"], "it cited nothing"
    suite = tmp_path / "kb"
    export_feedback(rt.sessions, WS, suite)
    write(suite / "suite.yaml", "name: kb\ncases: cases.jsonl\n")
    loaded = {c.id: c for c in load_suite(suite).cases}
    assert loaded[f"fb-{kept['sent']}"].expected.kb_ids == ["nb-ruter", "nb-garanti"]


def test_migration_0009_keeps_old_suggestions_without_sources(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from knowledge.db import create_db_engine
    from knowledge.db.engine import _MIGRATIONS

    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008_retrieval")
        conn.execute(
            text("INSERT INTO workspaces (name, created_at, kb_version) VALUES ('w', '2026-01-01', 0)")
        )
        conn.execute(
            text(
                "INSERT INTO suggestion_logs (id, workspace_id, mode, channel, language, kind, text, "
                "abstain, created_at) "
                "VALUES ('sug_old', 1, 'suggest', 'email', 'nb', 'full', 'Hei', 0, '2026-01-01')"
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        assert conn.execute(text("SELECT cited FROM suggestion_logs")).scalar_one() is None
        conn.execute(text("UPDATE suggestion_logs SET cited = '[\"a\"]'"))
        command.downgrade(cfg, "0008_retrieval")
        assert conn.execute(text("SELECT text FROM suggestion_logs")).scalar_one() == "Hei"
    engine.dispose()
