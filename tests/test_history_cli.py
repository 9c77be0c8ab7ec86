"""`svar ingest history`, `svar customer show`, `svar customer erase`: output and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from assistant.cli.history_cmds import customer_erase, customer_show, ingest_history
from tests.history_support import BACKENDS, database_url, say

app = typer.Typer()
ingest = typer.Typer()
ingest.command("history")(ingest_history)
customer = typer.Typer()
customer.command("show")(customer_show)
customer.command("erase")(customer_erase)
app.add_typer(ingest, name="ingest")
app.add_typer(customer, name="customer")


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with database_url(request.param, tmp_path) as url:
        yield {"SVAR_HOME": str(tmp_path / "home"), "SVAR_EMBEDDER": "hash", "SVAR_DATABASE_URL": url}


def run(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, input=input)


def write(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )
    return path


GOOD = [
    {"customer": {"id": "c1", "name": "Kari Hansen", "email": "kari@example.com", "language": "nb"}},
    say("c1", "mail-1", "email", "Ordre 48213977 har ikke kommet.", "2026-02-01T10:00:00Z", id="m1"),
]


def test_ingest_show_erase(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "history.jsonl", GOOD)
    result = run(env, "ingest", "history", str(path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["messages_added"] == 1 and summary["rejected"] == 0
    again = run(env, "ingest", "history", str(path), "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["messages_added"] == 0

    shown = run(env, "customer", "show", "kari@example.com")
    assert shown.exit_code == 0, shown.output
    assert "Kari Hansen" in shown.stdout and "48213977" in shown.stdout
    card = json.loads(run(env, "customer", "show", "c1", "--json").stdout)
    assert card["external_id"] == "c1" and card["open_conversations"][0]["channel"] == "email"

    missing = run(env, "customer", "show", "nobody")
    assert missing.exit_code == 2 and "no customer 'nobody'" in missing.stderr

    no_terminal = run(env, "customer", "erase", "c1")
    assert no_terminal.exit_code == 2 and "pass --yes" in no_terminal.stderr
    assert "Aborted" not in no_terminal.output
    monkeypatch.setattr("assistant.cli.history_cmds.interactive", lambda: True)
    refused = run(env, "customer", "erase", "c1", input="n\n")
    assert refused.exit_code == 1 and "Nothing erased" in refused.stderr  # declined at the prompt
    assert run(env, "customer", "show", "c1").exit_code == 0
    erased = run(env, "customer", "erase", "c1", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "Erased customer" in erased.stdout
    assert run(env, "customer", "show", "c1").exit_code == 2
    twice = run(env, "customer", "erase", "c1", "--yes")
    assert twice.exit_code == 0 and "Nothing to erase" in twice.stdout


def test_bad_lines_are_reported_and_strict_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed.jsonl", [*GOOD, '{"customer": {"id": "c2"}, "message": {"role": "customer"}}']
    )
    strict = run(env, "ingest", "history", str(path), "--strict")
    assert strict.exit_code == 2
    assert f"{path}:3:" in strict.stderr and "nothing was imported" in strict.stderr
    assert run(env, "customer", "show", "c1").exit_code == 2  # nothing was imported

    lenient = run(env, "ingest", "history", str(path))
    assert lenient.exit_code == 3, lenient.output  # partial: imported, but a line was rejected
    assert f"{path}:3:" in lenient.stderr and "partial import" in lenient.stderr
    assert run(env, "customer", "show", "c1").exit_code == 0


def test_a_file_without_any_valid_event_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path / "bad.jsonl", ["not json", '{"customer": {}}'])
    result = run(env, "ingest", "history", str(path))
    assert result.exit_code == 2
    assert f"{path}:1:" in result.stderr and f"{path}:2:" in result.stderr
    nothing = run(env, "ingest", "history", str(tmp_path / "missing.jsonl"))
    assert nothing.exit_code == 2 and "no such file" in nothing.stderr


def test_a_commitment_the_customer_made_is_not_one_of_our_promises(
    env: dict[str, str], tmp_path: Path
) -> None:
    lines = [
        {"customer": {"id": "c2", "name": "Ola Berg", "language": "en"}},
        say("c2", "chat-1", "chat", "The screen is cracked.", "2026-02-01T10:00:00Z", id="m1"),
        say(
            "c2",
            "chat-1",
            "chat",
            "We will send you a return label within 2 days. The old one you send back within 14 days.",
            "2026-02-01T10:05:00Z",
            role="agent",
            id="m2",
        ),
        say(
            "c2",
            "phone-1",
            "phone",
            "Called about the screen. Customer: I will send the photos tomorrow.",
            "2026-02-01T11:00:00Z",
            role="note",
            id="m3",
        ),
        say("c2", "chat-1", "chat", "Here are the photos, thanks!", "2026-02-02T09:00:00Z", id="m4"),
    ]
    assert run(env, "ingest", "history", str(write(tmp_path / "h.jsonl", lines))).exit_code == 0
    card = json.loads(run(env, "customer", "show", "c2", "--json").stdout)
    assert [p["value"] for p in card["promised"]] == ["We will send you a return label within 2 days"]
    assert sorted(p["value"] for p in card["customer_commitments"]) == [
        "I will send the photos tomorrow",
        "The old one you send back within 14 days",
    ]
    for args in ((), ("--all",)):
        shown = run(env, "customer", "show", "c2", *args)
        assert shown.exit_code == 0, shown.output
        assert "return label" in shown.stdout and "The customer said they would" in shown.stdout
        lines_ = shown.stdout.splitlines()
        assert not any(("photos" in x or "send back" in x) and "promise" in x.lower() for x in lines_), args
