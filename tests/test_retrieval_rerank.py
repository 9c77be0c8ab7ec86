"""The two-half protocol, the offline reranking stage and the learned fusion."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import build_query
from assistant.runtime import Runtime, build_runtime
from assistant.settings import Settings
from evals.suite import EvalCase, split_cases
from evals.tune import collect, evaluate, fit_workspace
from knowledge.db.models import KBChunk
from knowledge.fusion import FEATURES, FusionModel, LabelledQuery, fit, load_model
from knowledge.rerank import (
    DocUnits,
    pack_vectors,
    rerank_features,
    sentence_units,
    unpack_vectors,
    zscore_columns,
)
from knowledge.search import SearchQuery
from knowledge.vectorstore import InMemoryVectorStore
from knowledge.workspaces import get_workspace
from tests.conftest import write


def _case(i: int, *kb: str) -> EvalCase:
    return EvalCase.model_validate(
        {"id": f"c{i}", "message": {"channel": "chat", "text": f"q {i}"}, "expected": {"kb_ids": list(kb)}}
    )


def test_split_is_by_document_deterministic_and_complete() -> None:
    cases = [_case(i, f"doc{i % 40}") for i in range(200)]
    cases += [_case(300, "doc1", "doc2"), _case(301, "doc2", "doc77"), _case(302)]  # groups chain A-B-C
    tune, check = split_cases(cases, "tune"), split_cases(cases, "check")
    assert sorted(c.id for c in tune + check) == sorted(c.id for c in cases)
    docs = [{d for c in half for d in c.expected.kb_ids or []} for half in (tune, check)]
    assert not docs[0] & docs[1]  # no answer in both halves, also through the chained group
    assert 0.3 < len(tune) / len(cases) < 0.7
    assert [c.id for c in split_cases(list(reversed(cases)), "tune")] == [c.id for c in reversed(tune)]


def test_split_rejects_an_unknown_half() -> None:
    from knowledge.errors import InputError

    with pytest.raises(InputError, match="tune"):
        split_cases([_case(1, "a")], "train")  # type: ignore[arg-type]


def test_sentence_units_heading_lines_first_short_sentences_joined() -> None:
    text = "Ja. Du kan returnere varer innen 30 dager. Hvordan returnerer jeg en vare? Bruk skjemaet."
    units = sentence_units(f"Retur\nAngrerett\n{text}", text)
    assert [u.text for u in units[:2]] == ["Retur", "Angrerett"]
    assert all(u.question for u in units[:2])
    assert units[2].text == "Ja. Du kan returnere varer innen 30 dager."  # "Ja." alone is too short
    assert units[3].question and not units[2].question
    assert sentence_units(f"Retur\n{text}", text) == sentence_units(f"Retur\n{text}", text)


def test_vectors_round_trip_and_a_wrong_size_is_ignored() -> None:
    m = np.eye(3, 4, dtype=np.float32)
    back = unpack_vectors(pack_vectors(m), 4)
    assert back is not None and np.allclose(back, m)
    assert unpack_vectors(pack_vectors(m), 5) is None
    assert unpack_vectors(None, 4) is None


def test_late_interaction_finds_the_one_matching_sentence() -> None:
    q = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    no, yes = np.array([False, False]), np.array([False, True])
    diluted = DocUnits(np.array([[0.6, 0.8, 0], [0.6, 0, 0.8]], np.float32), no, frozenset())
    sharp = DocUnits(np.array([[0, 1.0, 0], [1.0, 0, 0]], np.float32), yes, frozenset())
    raw = rerank_features([diluted, sharp], q, None, {}, {}, 1.0)
    assert raw[1, 0] > raw[0, 0]  # maxsim
    assert raw[1, 1] == raw[1, 0]  # no conversation: the message's
    assert np.isnan(raw[0, 2]) and raw[1, 2] == pytest.approx(1.0)  # question-shaped unit


def test_unique_prefers_the_candidate_covering_what_the_others_lack() -> None:
    terms = {"refund": 1.0, "gift": 1.0}
    common = frozenset({"refund"})
    docs = [DocUnits(None, np.array([], bool), t) for t in (common, common, common | {"gift"})]
    raw = rerank_features(docs, None, None, terms, {"refund": 1.0, "gift": 3.0}, 5.0)
    cover, unique = raw[:, 3], raw[:, 4]
    assert cover[2] == pytest.approx(1.0) and cover[0] == pytest.approx(0.25)
    assert unique[2] > unique[0] > 0 or unique[2] > unique[0]
    assert np.argmax(unique) == 2


def test_zscore_fills_missing_with_the_lowest_and_zeroes_constant_columns() -> None:
    z = zscore_columns(np.array([[1.0, 5.0], [3.0, 5.0], [np.nan, 5.0]], dtype=np.float32))
    assert z[2, 0] == z[0, 0] < z[1, 0]
    assert not z[:, 1].any()


def _synthetic(n: int, seed: int) -> list[LabelledQuery]:
    """Queries where the right candidate is the one with the highest 'unique' feature, not 'fused'."""
    rng = np.random.default_rng(seed)
    out = []
    j = FEATURES.index("unique")
    for _ in range(n):
        x = rng.normal(size=(10, len(FEATURES))).astype(np.float32)
        out.append(LabelledQuery(x, (int(np.argmax(x[:, j] + 0.3 * x[:, 0])),)))
    return out


def test_fit_learns_the_feature_that_decides_and_l2_keeps_it_near_the_prior() -> None:
    train, held_out = _synthetic(200, 1), _synthetic(200, 2)
    model = fit(train, l2=1.0)
    assert model.weights["unique"] > model.weights["cover"] + 1.0
    assert model.meta["loss_after"] < model.meta["loss_before"]

    def hit1(m: FusionModel) -> float:
        return float(np.mean([int(np.argmax(m.score(q.features))) in q.positives for q in held_out]))

    assert hit1(model) > hit1(FusionModel()) + 0.3
    stiff = fit(train, l2=1e6)
    assert all(abs(stiff.weights[f] - FusionModel().weights[f]) < 0.01 for f in FEATURES)


ARTICLES = {
    "gavekort.md": "---\nid: gavekort\ntitle: Betaling\nlanguage: nb\n---\n"
    "Du kan betale med kort eller Vipps. Gavekort kan brukes i nettbutikken og gjelder i tre år.",
    "kort.md": "---\nid: kort\ntitle: Betaling\nlanguage: nb\n---\n"
    "Du kan betale med kort eller Vipps. Kortet belastes når pakken sendes fra lageret.",
    "faktura.md": "---\nid: faktura\ntitle: Betaling\nlanguage: nb\n---\n"
    "Du kan betale med kort eller Vipps. Faktura har 14 dagers betalingsfrist fra Klarna.",
    "levering.md": "---\nid: levering\ntitle: Levering\nlanguage: nb\n---\n"
    "Vi sender pakker med Posten og Bring. Leveringstiden er 2-5 virkedager i hele Norge.",
}


@pytest.fixture
def mem_rt(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(
        settings.model_copy(update={"sentence_vectors": True}), vectors=InMemoryVectorStore()
    )
    yield runtime
    runtime.close()


def _kb(root: Path) -> Path:
    for name, text in ARTICLES.items():
        write(root / name, text)
    return root


def test_ingest_stores_sentence_vectors_and_an_unchanged_reingest_embeds_nothing(
    mem_rt: Runtime, tmp_path: Path
) -> None:
    kb = _kb(tmp_path / "kb")
    mem_rt.indexer.ingest(kb, "default")
    with mem_rt.sessions() as s:
        chunks = s.query(KBChunk).all()
        for c in chunks:
            vectors = unpack_vectors(c.sentence_vectors, mem_rt.embedder.dim)
            assert vectors is not None and len(vectors) == len(sentence_units(c.embed_text, c.text))
    calls = mem_rt.embedder.calls
    report = mem_rt.indexer.ingest(kb, "default")
    assert len(report.unchanged) == len(ARTICLES) and mem_rt.embedder.calls == calls
    write(kb / "levering.md", ARTICLES["levering.md"] + " Hjemlevering koster 99 kroner.")
    mem_rt.indexer.ingest(kb, "default")
    new = mem_rt.embedder.calls - calls
    assert 0 < new <= 3  # the changed chunk and its new sentence; nothing of the unchanged documents


def test_reranked_search_has_features_and_a_stored_model_changes_the_order(
    mem_rt: Runtime, tmp_path: Path
) -> None:
    mem_rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
    query = build_query("Hvor lenge gjelder gavekortet?", language="nb")
    cands = mem_rt.searcher.candidates("default", query)
    assert cands.features is not None and cands.features.shape == (len(cands.doc_ids), len(FEATURES))
    hits = mem_rt.searcher.search("default", query, k=4)
    assert hits[0].doc_id == "gavekort"
    # a model that trusts only the least covering candidate puts another document first
    upside_down = FusionModel(weights={"cover": -1.0, "unique": -1.0}, source="fitted")
    assert mem_rt.searcher.rank(cands, 4, upside_down)[0].doc_id != "gavekort"


def test_sentence_vectors_are_off_by_default_and_the_reranker_works_without(
    settings: Settings, tmp_path: Path
) -> None:
    rt = build_runtime(settings, vectors=InMemoryVectorStore())
    try:
        rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
        with rt.sessions() as s:
            assert all(c.sentence_vectors is None for c in s.query(KBChunk).all())
        cands = rt.searcher.candidates(
            "default", build_query("Hvor lenge gjelder gavekortet?", language="nb")
        )
        assert cands.features is not None and not cands.features[:, FEATURES.index("maxsim")].any()
        assert rt.searcher.rank(cands, 1)[0].doc_id == "gavekort"
    finally:
        rt.close()


def test_dense_mode_uses_no_lexical_signal(settings: Settings, tmp_path: Path) -> None:
    rt = build_runtime(settings.model_copy(update={"retrieval_mode": "dense"}), vectors=InMemoryVectorStore())
    try:
        rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
        hits = rt.searcher.search("default", SearchQuery.simple("gavekort tre år", "nb"), k=3)
        assert hits and all(set(h.signals) <= {"dense0"} for h in hits)
        assert rt.searcher.candidates("default", SearchQuery.simple("gavekort", "nb")).features is None
    finally:
        rt.close()


def test_tune_retrieval_fits_stores_and_is_used(mem_rt: Runtime, tmp_path: Path) -> None:
    mem_rt.indexer.ingest(_kb(tmp_path / "kb"), "default")
    texts = {
        "gavekort": ["Hvor lenge gjelder et gavekort?", "Kan jeg bruke gavekort på nett?"],
        "kort": ["Når belastes kortet mitt?", "Trekkes pengene når pakken sendes?"],
        "faktura": ["Hva er betalingsfristen på faktura?", "Hvor lang frist har Klarna?"],
        "levering": ["Hvor lang er leveringstiden?", "Sender dere med Bring?"],
    }
    cases = [
        EvalCase.model_validate(
            {"id": f"{d}{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        )
        for d, ts in texts.items()
        for i, t in enumerate(ts)
    ]
    model, figures = fit_workspace(mem_rt.searcher, "default", cases, l2=1.0)
    assert model.source == "fitted" and figures["fitted"]["cases"] == len(cases)
    with mem_rt.sessions() as s:
        ws = get_workspace(s, "default")
        assert ws is not None
        stored = load_model(s, ws)
    assert stored is not None and stored.weights == model.weights
    cands = mem_rt.searcher.candidates("default", build_query("Hvor lenge gjelder et gavekort?"))
    assert cands.model is not None and cands.model.weights == model.weights
    labelled = collect(mem_rt.searcher, "default", cases)
    assert evaluate(labelled, model)["hit_at_1"] >= evaluate(labelled, FusionModel())["hit_at_1"]


def test_cli_split_runs_one_half_records_it_and_refuses_a_bad_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    root = _kb(tmp_path / "suite" / "kb").parent
    cases = [
        {"id": f"{d}-{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        for i, (d, t) in enumerate(
            [("gavekort", "Hvor lenge gjelder gavekort?"), ("levering", "Hvor lang er leveringstiden?")] * 3
        )
    ]
    write(root / "cases.jsonl", "\n".join(json.dumps(c) for c in cases))
    write(root / "suite.yaml", "name: tiny\nknowledge: [kb]\ncases: cases.jsonl\n")
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "run", str(root), "--retrieval-only", "--split", "train"])
    assert res.exit_code == 2 and "tune" in res.output
    out = tmp_path / "out"
    res = runner.invoke(
        app, ["eval", "run", str(root), "--retrieval-only", "--split", "check", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    results = json.loads((out / "results.json").read_text())
    expected = [c.id for c in split_cases([EvalCase.model_validate(c) for c in cases], "check")]
    assert expected and [c["id"] for c in results["per_case"]] == expected  # levering's 3 cases
    assert results["config"]["split"] == {
        "half": "check",
        "by": "expected document",
        "cases": len(expected),
        "of": 6,
    }


def test_cli_tune_retrieval_fits_and_resets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli import app

    home = tmp_path / "home"
    monkeypatch.setenv("SVAR_HOME", str(home))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "knowledge", str(_kb(tmp_path / "kb"))]).exit_code == 0
    res = runner.invoke(app, ["knowledge", "tune-retrieval"])
    assert res.exit_code == 2 and "--cases" in res.output
    cases = tmp_path / "cases.jsonl"
    lines = [
        {"id": f"{d}{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        for i, (d, t) in enumerate(
            [("gavekort", "Gjelder gavekort lenge?"), ("faktura", "Frist på faktura?")]
        )
    ]
    write(cases, "\n".join(json.dumps(x) for x in lines))
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--cases", str(cases), "--l2", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)["weights"]) == set(FEATURES)
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--reset"])
    assert res.exit_code == 0 and "Dropped" in res.output


def test_conversation_vector_counts_a_turn_that_is_the_message_itself() -> None:
    from knowledge.embedders import HashEmbedder
    from knowledge.search import conversation_vector

    emb = HashEmbedder()
    message = "Hvor lenge gjelder gavekortet?"
    vector = conversation_vector(emb, message, emb.embed_query(message), [message, "Jeg har et gavekort."])
    assert vector.shape == (emb.dim,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_stages_names_the_cases_the_reranker_won_and_lost() -> None:
    from evals.tune import Labelled, stages

    # features: fused, then the rest zero except "unique" (index of FEATURES)
    u = FEATURES.index("unique")

    def rows(fused: list[float], unique: list[float]) -> np.ndarray:
        x = np.zeros((len(fused), len(FEATURES)), dtype=np.float32)
        x[:, 0], x[:, u] = fused, unique
        return x

    items = [
        Labelled("won", ("a", "b"), LabelledQuery(rows([1.0, 0.9], [0.0, 5.0]), (1,))),  # unique lifts b
        Labelled("lost", ("a", "b"), LabelledQuery(rows([1.0, 0.9], [0.0, 5.0]), (0,))),
        Labelled("kept", ("a", "b"), LabelledQuery(rows([1.0, 0.0], [0.0, 0.0]), (0,))),
        Labelled("absent", ("a", "b"), LabelledQuery(rows([1.0, 0.0], [0.0, 0.0]), ())),
    ]
    report = stages(items, FusionModel(weights={"fused": 1.0, "unique": 1.0}))
    assert report["won"] == ["won"] and report["lost"] == ["lost"] and report["not_found"] == ["absent"]
    assert report["fused"]["hit_at_1"] == 0.5 and report["reranked"]["hit_at_1"] == 0.5
    same = stages(items, FusionModel(weights={"fused": 1.0}))
    assert same["won"] == same["lost"] == []


def test_cli_tune_retrieval_dry_run_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "knowledge", str(_kb(tmp_path / "kb"))]).exit_code == 0
    cases = tmp_path / "cases.jsonl"
    lines = [
        {"id": f"{d}{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        for i, (d, t) in enumerate(
            [("gavekort", "Gjelder gavekort lenge?"), ("faktura", "Frist på faktura?")]
        )
    ]
    write(cases, "\n".join(json.dumps(x) for x in lines))
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--cases", str(cases), "--dry-run", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["fused"]["cases"] == 2 and set(report) >= {"won", "lost", "not_found", "reranked"}
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--cases", str(cases), "--dry-run"])
    assert res.exit_code == 0 and "lost at rank 1" in res.output
    res = runner.invoke(
        app, ["knowledge", "tune-retrieval", "--cases", str(cases), "--held-out", "--dry-run"]
    )
    assert res.exit_code == 2 and "--held-out" in res.output
    both = [
        {"id": f"{d}{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        for d, ts in {
            "gavekort": ["Gjelder gavekort lenge?", "Gavekort på nett?"],
            "faktura": ["Frist på faktura?", "Betalingsfrist faktura?"],
            "levering": ["Hvor lang er leveringstiden?", "Sender dere med Bring?"],
            "kort": ["Når belastes kortet?", "Trekkes pengene fra kortet?"],
        }.items()
        for i, t in enumerate(ts)
    ]
    write(cases, "\n".join(json.dumps(x) for x in both))
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--cases", str(cases), "--held-out", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.stdout)
    tune = split_cases([EvalCase.model_validate(c) for c in both], "tune")
    assert 0 < len(tune) < len(both)
    assert figures["default"]["cases"] == len(both) - len(tune)  # scored on the check half only
    assert {"fused", "fitted l2=1", "fitted l2=10", "fitted l2=100"} <= set(figures)
    res = runner.invoke(app, ["knowledge", "tune-retrieval", "--reset"])
    assert "No fitted weights" in res.output  # neither the dry run nor --held-out stored anything


def test_held_out_fits_on_tune_and_scores_only_the_other_cases() -> None:
    from evals.tune import Labelled, held_out
    from knowledge.errors import InputError

    u = FEATURES.index("unique")

    def item(case_id: str, right: int) -> Labelled:
        x = np.zeros((2, len(FEATURES)), dtype=np.float32)
        x[:, 0] = [1.0, 0.9]  # the fused order puts candidate 0 first
        x[right, u] = 3.0  # "unique" marks the right one
        return Labelled(case_id, ("a", "b"), LabelledQuery(x, (right,)))

    labelled = [item(f"t{i}", 1) for i in range(6)] + [item("c1", 1), item("c2", 1)]
    figures = held_out(labelled, {f"t{i}" for i in range(6)}, l2s=(0.01,))
    assert figures["fused"]["cases"] == 2 and figures["fused"]["hit_at_1"] == 0.0
    assert figures["fitted l2=0.01"]["hit_at_1"] == 1.0  # learned on tune, holds on the two held-out cases
    with pytest.raises(InputError, match="both halves"):
        held_out(labelled, set())


def test_fit_defaults_pools_the_tune_halves_and_scores_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from evals.fit_defaults import collect_suite, fit_pooled

    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    root = _kb(tmp_path / "suite" / "kb").parent
    cases = [
        {"id": f"{d}{i}", "message": {"channel": "chat", "text": t}, "expected": {"kb_ids": [d]}}
        for d, ts in {
            "gavekort": ["Gjelder gavekort lenge?", "Gavekort på nett?"],
            "faktura": ["Frist på faktura?", "Betalingsfrist faktura?"],
            "levering": ["Hvor lang er leveringstiden?", "Sender dere med Bring?"],
            "kort": ["Når belastes kortet?", "Trekkes pengene fra kortet?"],
        }.items()
        for i, t in enumerate(ts)
    ]
    write(root / "cases.jsonl", "\n".join(json.dumps(c) for c in cases))
    write(root / "suite.yaml", "name: tiny\nknowledge: [kb]\ncases: cases.jsonl\n")
    labelled, tune = collect_suite(root, Settings())
    assert len(labelled) == len(cases) and 0 < len(tune) < len(cases)
    rows = fit_pooled({"tiny": (labelled, tune)}, l2s=(1.0, 100.0))
    assert [r["l2"] for r in rows] == [None, 1.0, 100.0]
    assert rows[0]["weights"] == FusionModel().weights  # the first row is the defaults
    halves = rows[1]["suites"]["tiny"]
    assert halves["tune"]["cases"] == len(tune) and halves["check"]["cases"] == len(cases) - len(tune)
    assert rows[1]["weights"] != rows[2]["weights"]  # the pull towards the defaults matters
