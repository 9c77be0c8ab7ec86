import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import Settings
from evals.metrics import percentile, precision_recall_f1, retrieval_scores
from evals.runner import check_thresholds, run_suite
from evals.suite import Threshold, load_suite
from knowledge.errors import InputError
from tests.conftest import REPO, SHARED_SUITES, write

runner = CliRunner()

KNOWLEDGE = [
    {"id": "ret", "title": "Retur", "text": "Du kan returnere varer innen 30 dager. Returen er gratis."},
    {"id": "lev", "title": "Levering", "text": "Leveringstiden er 2-5 virkedager med Bring."},
    {"id": "gar", "title": "Garanti", "text": "Reklamasjonsretten er to år på alle produkter."},
]
CASES = [
    {
        "id": "c1",
        "message": {"channel": "chat", "text": "Hvor lang er leveringstiden?"},
        "expected": {"kb_ids": ["lev"]},
    },
    {
        "id": "c2",
        "message": {"channel": "email", "text": "Kan jeg returnere varen?"},
        "expected": {"kb_ids": ["ret"]},
    },
    {
        "id": "c3",
        "history": [
            {
                "role": "customer",
                "channel": "chat",
                "text": "Skjermen min er ødelagt etter ett år, reklamasjon?",
            }
        ],
        "message": {"channel": "chat", "text": "ok, og hva nå?"},
        "expected": {"kb_ids": ["gar"]},
    },
]


def _suite(root: Path, thresholds: str = "") -> Path:
    write(root / "knowledge.jsonl", "\n".join(json.dumps(k, ensure_ascii=False) for k in KNOWLEDGE))
    write(root / "cases.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in CASES))
    write(
        root / "suite.yaml",
        f"name: tiny\nlanguage: nb\nknowledge: [knowledge.jsonl]\ncases: cases.jsonl\n{thresholds}",
    )
    return root


def test_retrieval_scores_count_distinct_documents() -> None:
    assert retrieval_scores(["b"], ["a", "a", "b"]) == {"hit_at_1": 0.0, "hit_at_5": 1.0, "mrr_at_10": 0.5}
    assert retrieval_scores(["z"], ["a", "b"]) == {"hit_at_1": 0.0, "hit_at_5": 0.0, "mrr_at_10": 0.0}
    assert retrieval_scores(["a", "b"], ["b"])["hit_at_1"] == 1.0


def test_percentile_and_prf() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert precision_recall_f1(tp=8, fp=2, fn=0) == {
        "precision": 0.8,
        "recall": 1.0,
        "f1": pytest.approx(0.8889, 1e-3),
    }


def test_run_suite_measures_retrieval_in_a_fresh_workspace(settings: Settings, tmp_path: Path) -> None:
    suite = load_suite(_suite(tmp_path / "suite"))
    results = run_suite(suite, settings, retrieval_only=True)
    assert results["suite"] == "tiny" and results["cases"] == 3
    metrics = results["metrics"]
    assert set(metrics) >= {
        "retrieval.hit_at_1",
        "retrieval.hit_at_5",
        "retrieval.mrr_at_10",
        "latency_ms.p50",
    }
    assert metrics["retrieval.hit_at_1"] == 1.0
    assert [c["retrieved"][0] for c in results["per_case"]] == ["lev", "ret", "gar"]
    assert not (settings.home / "svar.sqlite3").exists()  # the run did not touch the real workspace


def test_thresholds() -> None:
    th = {"retrieval.hit_at_1": Threshold(min=0.9), "latency_ms.p95": Threshold(max=100)}
    assert check_thresholds({"retrieval.hit_at_1": 0.95, "latency_ms.p95": 50}, th) == []
    failures = check_thresholds({"retrieval.hit_at_1": 0.5}, th)
    assert failures == ["retrieval.hit_at_1 = 0.5000 < min 0.9", "latency_ms.p95: not measured by this run"]


def test_bad_case_line_is_reported_with_its_number(tmp_path: Path) -> None:
    root = _suite(tmp_path / "s")
    with (root / "cases.jsonl").open("a") as f:
        f.write('\n{"id": "broken", "message": {"channel": "chat"}}\n')
    with pytest.raises(InputError, match=r"cases.jsonl:4: invalid case: message.text"):
        load_suite(root)


def test_duplicate_case_ids_are_kept_and_renamed(tmp_path: Path) -> None:
    root = _suite(tmp_path / "s")
    with (root / "cases.jsonl").open("a") as f:
        f.write("\n" + json.dumps({**CASES[0], "message": {"text": "Leveringstid til Tromsø?"}}))
    suite = load_suite(root)
    assert [c.id for c in suite.cases][-1] == "c1#2"
    assert "renamed" in suite.warnings[0]


def test_cli_eval_run_writes_results_and_fails_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    ok = _suite(tmp_path / "ok", "thresholds:\n  retrieval.hit_at_5: {min: 0.5}\n")
    res = runner.invoke(app, ["eval", "run", str(ok), "--retrieval-only", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert data["metrics"]["retrieval.hit_at_5"] == 1.0
    bad = _suite(tmp_path / "bad", "thresholds:\n  retrieval.hit_at_1: {min: 1.01}\n")
    res = runner.invoke(app, ["eval", "run", str(bad), "--retrieval-only", "--out", str(tmp_path / "out2")])
    assert res.exit_code == 1
    assert "threshold failed" in res.output
    res = runner.invoke(app, ["eval", "compare", str(tmp_path / "out"), str(tmp_path / "out2")])
    assert res.exit_code == 0 and "retrieval.hit_at_1" in res.output


def test_cli_eval_run_bad_input_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["eval", "run", str(tmp_path)])
    assert res.exit_code == 2
    assert "suite.yaml is missing" in res.output


FULL_CASES = [
    {
        "id": "rep-true",
        "history": [{"role": "customer", "channel": "email", "text": "Hei, ordrenummeret mitt er 48213977."}],
        "message": {"channel": "chat", "text": "Hei igjen, har dere sett på saken?"},
        "draft": "Hei! Hva er ordrenummeret ditt?",
        "expected": {"repeat_ask": True, "known": [{"slot": "order_number", "value": "48213977"}]},
    },
    {
        "id": "rep-false",
        "history": [{"role": "customer", "channel": "email", "text": "Hei, pakken min har ikke kommet."}],
        "message": {"channel": "chat", "text": "Hei igjen?"},
        "draft": "Hei! Hva er ordrenummeret ditt?",
        "expected": {"repeat_ask": False},
    },
    {
        "id": "reply",
        "message": {"channel": "chat", "text": "Hvor lang tid tar leveringen med Bring, og hva koster det?"},
        "expected": {"kb_ids": ["lev"], "language": "nb", "reference": "Leveringstiden er 2-5 virkedager."},
    },
]


def test_full_run_measures_guards_facts_and_replies(settings: Settings, tmp_path: Path) -> None:
    root = _suite(tmp_path / "full")
    write(root / "cases.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in FULL_CASES))
    results = run_suite(load_suite(root), settings.model_copy(update={"abstain_threshold": 0.0}))
    m = results["metrics"]
    assert m["repeat_ask.precision"] == 1.0 and m["repeat_ask.recall"] == 1.0
    assert m["known_facts.recall"] == 1.0
    assert m["language_match_rate"] == 1.0
    assert m["retrieval.hit_at_1"] == 1.0
    assert 0.0 < m["reference_similarity"] <= 1.0
    reply = next(c for c in results["per_case"] if c["id"] == "reply")
    assert reply["suggest"]["citations"] == ["lev"] and not reply["suggest"]["abstain"]


def test_per_case_keeps_what_rescoring_needs(settings: Settings, tmp_path: Path) -> None:
    root = _suite(tmp_path / "full")
    write(root / "cases.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in FULL_CASES))
    results = run_suite(load_suite(root), settings.model_copy(update={"abstain_threshold": 0.0}))
    by_id = {c["id"]: c for c in json.loads(json.dumps(results))["per_case"]}  # what results.json holds
    guard = by_id["rep-true"]["guard"]
    assert guard["language"] == "nb"  # the language the service decided, not a guess from the draft
    assert guard["repeated"][0]["answered_by"] == "48213977"
    assert guard["asks"] and "ordrenummer" in guard["asks"][0]["ask"]
    facts = by_id["rep-true"]["known_facts"]
    assert {"kind": "order_number", "value": "48213977"} in facts["extracted"]
    assert facts["expected"] == [{"slot": "order_number", "value": "48213977"}]
    assert not by_id["rep-false"]["guard"]["repeated"]
    reply = by_id["reply"]["suggest"]
    assert reply["language"] == "nb"
    assert reply["retrieved"][0] == "lev"
    first = reply["suggestions"][0]
    assert first["text"] == reply["text"] and first["citations"] == ["lev"]
    assert isinstance(reply["facts"], list)
    assert results["config"]["assistant"]["retrieval_k"] == settings.retrieval_k
    assert results["config"]["assistant"]["guards"][0] == "citations"


def test_suite_fields_are_loaded_and_imported_into_the_suite_workspace(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _suite(tmp_path / "f")
    write(root / "fields.yaml", "fields:\n  - name: membership_level\n    values: [gold, silver]\n")
    with (root / "suite.yaml").open("a") as f:
        f.write("fields: fields.yaml\n")
    suite = load_suite(root)
    assert suite.fields is not None and suite.fields.get("membership_level") is not None
    seen = []
    from assistant.service import Assistant

    original = Assistant._guard

    def spy(self: Assistant, *args: object, **kwargs: object) -> object:
        out = original(self, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(self._workspace_config("eval").fields)
        return out

    monkeypatch.setattr(Assistant, "_guard", spy)
    write(root / "cases.jsonl", json.dumps(FULL_CASES[0], ensure_ascii=False))
    results = run_suite(load_suite(root), settings)
    assert results["config"]["fields"] == 1
    assert seen and [f.name for f in seen[0]] == ["membership_level"]


def test_suite_with_a_missing_or_bad_fields_file_is_an_input_error(tmp_path: Path) -> None:
    root = _suite(tmp_path / "f")
    with (root / "suite.yaml").open("a") as f:
        f.write("fields: fields.yaml\n")
    with pytest.raises(InputError, match="fields file 'fields.yaml' does not exist"):
        load_suite(root)
    write(root / "fields.yaml", "fields:\n  - name: Bad Name\n")
    with pytest.raises(InputError, match="invalid field name"):
        load_suite(root)


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "evals" / "suites").iterdir() if p.is_dir()))
def test_every_shipped_suite_has_thresholds(name: str) -> None:
    root = REPO / "evals" / "suites" / name
    if name != "nordic-demo" and not SHARED_SUITES.is_dir():
        pytest.skip("the public suites are not beside the repository")
    suite = load_suite(root)
    assert suite.thresholds, f"{name}: add thresholds just under what it reaches"
    assert all(t.min is not None or t.max is not None for t in suite.thresholds.values())
    assert not any(k.startswith("latency") for k in suite.thresholds)  # machine-dependent: not gated


SITUATION_CASES = [
    {
        "id": "sit-1",
        "now": "2026-03-10T10:00:00+01:00",
        "customer": {"id": "eval-c1", "language": "nb"},
        "events": [
            {"customer": {"id": "eval-c1", "name": "Ola Test", "language": "nb"}},
            {
                "customer": {"id": "eval-c1"},
                "order": {
                    "id": "7700123",
                    "status": "shipped",
                    "items": [{"name": "Ruter", "price": 990}],
                    "placed_at": "2026-03-05T10:00:00+01:00",
                    "carrier": "Bring",
                    "tracking": "370722150051002311",
                    "eta": "2026-03-12",
                },
            },
        ],
        "message": {"channel": "chat", "text": "Hei, når kommer pakken min?"},
        "expected": {
            "language": "nb",
            "request_type": "where_is_order",
            "situation": {
                "must_mention": [["7700123"], ["370722150051002311"], ["12. mars"]],
                "must_not_mention": ["99 kr"],
            },
        },
    },
    {
        "id": "sit-2",
        "now": "2026-03-10T10:00:00+01:00",
        "customer": {"id": "eval-c2", "language": "nb"},
        "events": [{"customer": {"id": "eval-c2", "language": "nb"}}],
        "message": {"channel": "chat", "text": "Hei, når kommer pakken min?"},
        "expected": {"situation": {"must_mention": [["7700123"]]}},  # another customer's order: not known
    },
]


def test_case_events_are_imported_and_the_situation_is_scored(settings: Settings, tmp_path: Path) -> None:
    root = _suite(tmp_path / "sit")
    write(root / "cases.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in SITUATION_CASES))
    results = run_suite(load_suite(root), settings)
    by_id = {c["id"]: c["suggest"] for c in results["per_case"]}
    assert by_id["sit-1"]["situation"]["recall"] == 1.0, by_id["sit-1"]["text"]
    assert not by_id["sit-1"]["situation"]["violation"]
    assert by_id["sit-1"]["used_situation"] == ["order:7700123"]
    assert by_id["sit-2"]["situation"]["recall"] == 0.0  # cases do not leak into each other
    m = results["metrics"]
    assert m["situation.recall"] == 0.75 and m["situation.violation_rate"] == 0.0
    assert m["request_type.accuracy"] == 1.0


def test_a_case_with_events_needs_a_customer_id(tmp_path: Path) -> None:
    root = _suite(tmp_path / "bad")
    case = {"id": "x", "events": [{"customer": {"id": "a"}}], "message": {"text": "hei"}}
    write(root / "cases.jsonl", json.dumps(case))
    with pytest.raises(InputError, match="needs customer.id"):
        load_suite(root)


@pytest.mark.parametrize(("language", "expected"), [("nb", "nb"), ("multi", None)])
def test_a_one_language_suite_sets_the_workspace_language(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, expected: str | None
) -> None:
    root = _suite(tmp_path / language)
    (root / "suite.yaml").write_text(
        (root / "suite.yaml").read_text().replace("language: nb", f"language: {language}")
    )
    write(root / "cases.jsonl", json.dumps(CASES[0], ensure_ascii=False))
    seen: list[str | None] = []
    from assistant.service import Assistant

    original = Assistant._workspace_config

    def spy(self: Assistant, workspace: str) -> object:
        config = original(self, workspace)
        seen.append(config.language)
        return config

    monkeypatch.setattr(Assistant, "_workspace_config", spy)
    run_suite(load_suite(root), settings)
    assert seen and set(seen) == {expected}
