"""One guard pipeline and one assistant configuration, whoever calls the service (CLI, evals, API)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assistant.service as service
from assistant.cli import app
from assistant.config import AssistantConfig
from assistant.drafting.fake import FakeDrafter
from assistant.guards.pipeline import (
    Guard,
    GuardContext,
    GuardOutcome,
    GuardPipeline,
    default_pipeline,
)
from assistant.runtime import Runtime
from assistant.service import Assistant, build_assistant
from assistant.settings import Settings
from assistant.types import GuardFinding, Suggestion, Turn
from evals.runner import run_suite
from evals.suite import load_suite
from knowledge.fields import FieldSet
from tests.conftest import write

runner = CliRunner()
HISTORY = [Turn(role="customer", channel="email", text="Hei, ordrenummeret mitt er 48213977.")]


class Recorder:
    """A guard that records the context it saw and marks the text."""

    name = "recorder"

    def __init__(self) -> None:
        self.contexts: list[GuardContext] = []

    def check(self, suggestion: Suggestion, context: GuardContext) -> GuardOutcome:
        self.contexts.append(context)
        finding = GuardFinding(guard=self.name, severity="info", message="seen")
        return GuardOutcome(suggestion.model_copy(update={"text": suggestion.text + " [x]"}), [finding], "r")


def test_default_pipeline_order_and_contract() -> None:
    pipeline = default_pipeline()
    assert pipeline.names == [
        "citations",
        "secrets",
        "injection",
        "privacy",
        "repeat_ask",
        "channel",
        "language",
        "grounding",
    ]
    assert all(isinstance(g, Guard) for g in pipeline.guards)
    with pytest.raises(ValueError, match="unique"):
        GuardPipeline([Recorder(), Recorder()])


def test_pipeline_runs_guards_in_order_and_keeps_findings_and_reports(rt: Runtime) -> None:
    first, second = Recorder(), Recorder()
    second.name = "second"
    assistant = Assistant(rt, FakeDrafter(), guards=GuardPipeline([first, second]))
    checked = assistant.check_draft(
        workspace="w",
        draft="Hei! Hva er ordrenummeret ditt?",
        message="Hei igjen?",
        channel="chat",
        history=HISTORY,
    )
    assert checked.suggestion.text.endswith("[x] [x]")
    assert [f.guard for f in checked.suggestion.guard_findings] == ["recorder", "second"]
    assert checked.reports == {"recorder": "r", "second": "r"}
    ctx = first.contexts[0]
    assert ctx.request.language == "nb" and ctx.fields == FieldSet()
    # the conversation is analysed once per request and handed to every guard
    assert ctx.analysis is not None and len(ctx.analysis.turns) == len(ctx.turns)
    assert ctx.turns[-1].text == "Hei igjen?"


def test_check_draft_runs_the_same_pipeline_as_suggest(rt: Runtime) -> None:
    draft = "Hei! Hva er ordrenummeret ditt? Vi ser på saken."
    kwargs = {"workspace": "w", "message": "Hei igjen, har dere sett på saken?", "channel": "chat"}
    checked = build_assistant(rt).check_draft(draft=draft, history=HISTORY, **kwargs)  # type: ignore[arg-type]
    fake = FakeDrafter([Suggestion(text=draft, language="nb", channel="chat")])
    suggested = build_assistant(rt, drafter=fake).suggest(history=HISTORY, **kwargs)  # type: ignore[arg-type]
    assert checked.request.language == suggested.language == "nb"
    assert "ordrenummeret" not in checked.suggestion.text  # the repeat ask was removed ...
    guarded = next(s for s in suggested.suggestions if s.text == checked.suggestion.text)  # ... the same way
    assert [f.guard for f in guarded.guard_findings] == [f.guard for f in checked.suggestion.guard_findings]
    report = checked.reports["repeat_ask"]
    assert report.repeated[0].answered_by == "48213977"  # type: ignore[attr-defined]


def test_check_draft_uses_the_language_the_service_decides(rt: Runtime) -> None:
    # The draft is English; the customer writes Swedish. The guard reads the draft as the service decided.
    checked = build_assistant(rt).check_draft(
        workspace="w",
        draft="Thank you for your message, we will look into your parcel and get back to you tomorrow.",
        message="Hej, jag väntar fortfarande på mitt paket. Ordernumret är 48213977, kan ni kolla?",
        channel="chat",
    )
    assert checked.request.language == "sv"
    assert "language" in {f.guard for f in checked.suggestion.guard_findings}


def test_config_comes_from_settings(settings: Settings, rt: Runtime) -> None:
    custom = settings.model_copy(update={"retrieval_k": 7, "history_turns": 3})
    # the hash embedder has no calibrated answer floor (assistant.answer_floor): off
    assert AssistantConfig.from_settings(custom) == AssistantConfig(
        retrieval_k=7, history_turns=3, answer_floor=0.0
    )
    assert AssistantConfig() == AssistantConfig.from_settings(Settings(home=settings.home))
    assert build_assistant(rt).config == AssistantConfig.from_settings(rt.settings)


def test_cli_and_eval_runner_build_the_same_assistant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    monkeypatch.setenv("SVAR_RETRIEVAL_K", "7")
    monkeypatch.setenv("SVAR_HISTORY_TURNS", "4")
    built: list[Assistant] = []

    def recording(rt: Runtime) -> Assistant:
        built.append(build_assistant(rt))
        return built[-1]

    monkeypatch.setattr(service, "build_assistant", recording)
    kb = tmp_path / "kb.jsonl"
    write(kb, json.dumps({"id": "lev", "text": "Leveringstiden er 2-5 virkedager."}))
    assert runner.invoke(app, ["ingest", "knowledge", str(kb)]).exit_code == 0
    res = runner.invoke(app, ["suggest", "Hvor lang er leveringstiden?", "--json"])
    assert res.exit_code == 0, res.output
    (cli,) = built
    assert cli.config.retrieval_k == 7 and cli.config.history_turns == 4
    suite = tmp_path / "suite"
    write(suite / "knowledge.jsonl", json.dumps({"id": "lev", "text": "Leveringstiden er 2-5 virkedager."}))
    write(
        suite / "cases.jsonl",
        json.dumps({"id": "c", "message": {"text": "Leveringstid?"}, "expected": {"kb_ids": ["lev"]}}),
    )
    write(suite / "suite.yaml", "name: s\nknowledge: [knowledge.jsonl]\n")
    results = run_suite(load_suite(suite), Settings())
    assert results["config"]["assistant"] == json.loads(json.dumps(cli.describe()))
    retrieval_only = run_suite(load_suite(suite), Settings(), retrieval_only=True)
    assert retrieval_only["config"]["assistant"] == cli.config.as_dict()


def test_service_hands_the_workspace_fields_to_the_guards(rt: Runtime, tmp_path: Path) -> None:
    from knowledge.fields import parse_fields
    from knowledge.workspace_fields import import_fields

    with rt.sessions.begin() as session:
        import_fields(
            session, "w", parse_fields({"fields": [{"name": "membership_level", "values": ["gold"]}]})
        )
    recorder = Recorder()
    assistant = Assistant(rt, FakeDrafter.from_texts("Hei, vi ser på det."), guards=GuardPipeline([recorder]))
    assistant.suggest(workspace="w", message="Hei, har dere sett på saken min?", channel="chat")
    assert [f.name for f in recorder.contexts[0].fields] == ["membership_level"]
    assistant.suggest(workspace="other", message="Hei, har dere sett på saken min?", channel="chat")
    assert len(recorder.contexts[-1].fields) == 0  # another workspace's fields are not shared


def test_fields_cli_import_list_and_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    good = write(
        tmp_path / "fields.yaml",
        "fields:\n  - name: membership_level\n    description: Level\n    values: [bronze, gold]\n"
        "    ask: {en: [membership]}\n  - name: plan\n",
    )
    res = runner.invoke(app, ["fields", "import", str(good), "-w", "acme"])
    assert res.exit_code == 0, res.output
    assert "2 added, 0 updated, 0 removed" in res.output
    res = runner.invoke(app, ["fields", "list", "-w", "acme", "--json"])
    data = json.loads(res.stdout)
    assert [f["name"] for f in data["fields"]] == ["membership_level", "plan"]
    assert data["fields"][0]["ask"] == {"en": ["membership"]}
    write(good, "fields:\n  - name: plan\n    description: The plan\n")
    res = runner.invoke(app, ["fields", "import", str(good), "-w", "acme", "--replace"])
    assert "0 added, 1 updated, 1 removed" in res.output
    res = runner.invoke(app, ["fields", "list", "-w", "acme"])
    assert "plan" in res.output and "membership_level" not in res.output
    res = runner.invoke(app, ["fields", "list"])  # the default workspace has none
    assert res.exit_code == 0 and "no fields" in res.output
    bad = write(tmp_path / "bad.yaml", "fields:\n  - name: Bad Name\n")
    res = runner.invoke(app, ["fields", "import", str(bad), "-w", "acme"])
    assert res.exit_code == 2 and "invalid field name" in res.output
    res = runner.invoke(app, ["fields", "import", str(tmp_path / "missing.yaml")])
    assert res.exit_code == 2 and "not found" in res.output
    res = runner.invoke(app, ["fields", "list", "-w", "acme", "--json"])
    assert [f["name"] for f in json.loads(res.stdout)["fields"]] == ["plan"]  # a bad import changed nothing


def test_fields_migration_upgrades_and_downgrades(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from knowledge.db import create_db_engine, migrate
    from knowledge.db.engine import _MIGRATIONS

    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate(engine)
    assert "workspace_fields" in inspect(engine).get_table_names()
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert "workspace_fields" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "workspace_fields" in inspect(engine).get_table_names()
    engine.dispose()
