"""`svar bench --quick`: the benchmark runs end to end and reports every figure it promises. No timing is
asserted (figures depend on the machine); only the document's shape and its internal consistency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from evals.bench import BenchConfig, long_history


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")  # inherited by the commands the bench runs
    return tmp_path / "home"


def _positive(*values: object) -> bool:
    return all(isinstance(v, int | float) and v > 0 for v in values)


def _bench(tmp_path: Path, *parts: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / "bench.json"
    only = [arg for part in parts for arg in ("--only", part)]
    result = CliRunner().invoke(app, ["bench", "--quick", "--out", str(out), *only])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert doc["config"]["parts"] == list(parts) and doc["machine"]["cpus"]
    assert set(doc) == {"machine", "config", *parts}
    return doc, result.output


def test_bench_quick_suggest_and_retrieval(home: Path, tmp_path: Path) -> None:
    doc, output = _bench(tmp_path, "suggest", "retrieval")
    quick = BenchConfig.quick()
    s = doc["suggest"]
    assert _positive(s["cold_command_ms"])
    for key in ("warm_demo", "warm_long_history"):
        warm = s[key]
        assert warm["requests"] == quick.requests and 0 < warm["p50_ms"] <= warm["p95_ms"]
    assert s["warm_long_history"]["stored_messages"] == quick.long_messages
    (suite,) = doc["retrieval"]
    assert suite["suite"] == "nordic-demo" and suite["cases"] == quick.limit and _positive(suite["mean_ms"])
    assert "svar bench --quick" in output and "warm suggestion" in output  # the table on stdout
    assert not (home / "svar.sqlite3").exists()  # the workspaces were temporary: only the cache is shared


def test_bench_quick_help_and_ingest(home: Path, tmp_path: Path) -> None:
    doc, output = _bench(tmp_path, "help", "ingest")
    h = doc["help"]
    assert _positive(h["python_ms"], h["svar_help_ms"])
    assert h["ratio"] == pytest.approx(h["svar_help_ms"] / h["python_ms"], rel=0.01)
    i = doc["ingest"]
    assert _positive(i["first_s"], i["again_s"], i["chunks"], i["chunks_per_second"])
    assert i["unchanged_again"] == i["documents"] > 0  # the second run found every document unchanged
    assert i["ratio"] == pytest.approx(i["again_s"] / i["first_s"], rel=0.01)
    assert "svar bench --quick" in output and "ingest knowledge" in output


def test_bench_refuses_an_unknown_part(home: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--only", "everything"])
    assert result.exit_code == 2 and "unknown part everything" in result.output


def test_long_history_is_one_customer_over_several_conversations(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_history(path, "bench_long", 45)
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(events) == 45 and {e["customer"]["id"] for e in events} == {"bench_long"}
    assert len({e["conversation"]["id"] for e in events}) == 3
    assert len({e["message"]["text"] for e in events}) == 45  # each text new: embedded once, at import
    assert [e["message"]["at"] for e in events] == sorted(e["message"]["at"] for e in events)


def test_summary_of_a_suite_where_no_case_retrieves_says_so() -> None:
    from evals.bench import summary_rows

    row = {"suite": "sgd-repeat-en", "cases": 4, "mean_ms": None, "p50_ms": None, "p95_ms": None}
    machine = {"cpus": 2, "load_average_before": None, "load_average_after": None, "bytecode_cache": True}
    rows = summary_rows(
        {"machine": machine, "retrieval": [{**row, "whole_run_ms_per_case": 8.0, "ingest_s": 0.1}]}
    )
    (name, value), _machine = rows
    assert "sgd-repeat-en" in name and "no case retrieves" in value
