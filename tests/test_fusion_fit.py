"""Fitting a workspace's fusion: the fitted scores keep the defaults' scale (the drafter's confidence reads
it), cross-validation stores a fit only when it beats the defaults on held-out labels, and an agent's
replacing reply is traced to the document it draws on."""

from __future__ import annotations

import numpy as np

from evals.tune import Labelled, cross_validate, drawn_on
from knowledge.fusion import FEATURES, FusionModel, LabelledQuery, fit


def _queries(n: int, seed: int, decide: str | None = "unique") -> list[Labelled]:
    """Queries of 10 candidates whose right one is decided by ``decide`` (None: the defaults' first)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x = rng.normal(size=(10, len(FEATURES))).astype(np.float32)
        if decide is None:
            right = int(np.argmax(FusionModel().score(x)))
        else:
            right = int(np.argmax(x[:, FEATURES.index(decide)] + 0.3 * x[:, 0]))
        ids = tuple(f"q{i}-d{j}" for j in range(10))
        out.append(Labelled(f"q{i}", ids, LabelledQuery(x, (right,))))
    return out


def _spread(model: FusionModel, queries: list[Labelled]) -> float:
    return float(np.mean([np.std(model.score(q.query.features)) for q in queries]))


def test_a_fit_keeps_the_default_score_spread_and_its_order() -> None:
    train = _queries(120, 1)
    model = fit([q.query for q in train], l2=1.0)
    assert model.meta["scale"] != 1.0
    assert abs(_spread(model, train) - _spread(FusionModel(), train)) < 1e-3 * _spread(FusionModel(), train)
    other = fit([q.query for q in train], l2=1.0, scale_to=FusionModel(weights={"fused": 3.0}))
    ratio = np.array(list(other.weights.values())) / np.array([model.weights[f] for f in other.weights])
    finite = ratio[np.isfinite(ratio)]
    assert np.allclose(finite, finite[0], rtol=1e-3), "the same fit, only scaled: the same order"


def test_cross_validation_chooses_a_fit_only_when_it_beats_the_defaults_held_out() -> None:
    teaching = cross_validate(_queries(150, 2))
    assert teaching["folds"] == 5 and teaching["l2"] is not None
    assert teaching["fitted"][f"l2={teaching['l2']:g}"] > teaching["default"]
    confirming = cross_validate(_queries(150, 3, decide=None))  # labels that only confirm the defaults
    assert confirming["default"] == confirming["queries"] and confirming["l2"] is None
    assert cross_validate(_queries(1, 4))["l2"] is None, "one fold: nothing to validate on"


def test_drawn_on_finds_the_document_a_reply_was_written_from() -> None:
    docs = {
        "gavekort": ("Gavekort\nEt gavekort gjelder i tre år fra kjøpsdatoen.", "nb"),
        "garanti": ("Reklamasjon\nReklamasjonsfristen er fem år på varer som skal vare lenge.", "nb"),
        "retur": ("Retur\nDu har 30 dagers åpent kjøp og gratis retur.", "nb"),
    }
    shares = drawn_on("Hei! Reklamasjonsfristen er fem år for varer som skal vare lenge.", docs, "nb")
    assert shares[0][0] == "garanti" and shares[0][1] >= 0.5
    assert all(x < shares[0][1] - 0.2 for _, x in shares[1:])
    assert all(d != "retur" for d, _ in shares), "a document sharing no word is left out"
    assert drawn_on("", docs, "nb") == [] and drawn_on("fem år", {}, "nb") == []


def test_the_loop_simulation_labels_kept_and_replaced_sources_as_the_export_does() -> None:
    from evals.feedback_loop import simulate
    from evals.suite import EvalCase

    docs = {
        "gavekort": ("Gavekort\nEt gavekort gjelder i tre år fra kjøpsdatoen.", "nb"),
        "garanti": ("Reklamasjon\nReklamasjonsfristen er fem år på varer som skal vare lenge.", "nb"),
    }
    first = np.zeros((2, len(FEATURES)), dtype=np.float32)
    first[0, 0] = 1.0  # the defaults rank the first candidate first
    ids = ("gavekort", "garanti")
    labelled = [
        Labelled("kept", ids, LabelledQuery(first, (0,))),
        Labelled("wrong", ids, LabelledQuery(first, (1,))),
        Labelled("free", ids, LabelledQuery(first, (1,))),
    ]

    def case(cid: str, right: str, reference: str) -> EvalCase:
        return EvalCase.model_validate(
            {
                "id": cid,
                "message": {"channel": "email", "text": "?"},
                "expected": {"kb_ids": [right], "reference": reference, "language": "nb"},
            }
        )

    cases = {
        "kept": case("kept", "gavekort", "Et gavekort gjelder i tre år."),
        "wrong": case("wrong", "garanti", "Reklamasjonsfristen er fem år på varer som skal vare lenge."),
        "free": case("free", "garanti", "Vi ringer deg i morgen."),
    }
    out, counts = simulate(labelled, cases, docs)
    assert counts == {"kept": 1, "replaced": 1, "edited_untraced": 1, "right": 2}
    assert [x.query.positives for x in out] == [(0,), (1,), (0,)], "an untraced edit keeps the cited label"


def test_a_replaced_source_is_traced_only_when_one_document_clearly_leads() -> None:
    from evals.feedback_export import _replacement

    docs = {
        "gavekort": ("Gavekort\nEt gavekort gjelder i tre år fra kjøpsdatoen.", "nb"),
        "garanti": ("Reklamasjon\nReklamasjonsfristen er fem år på varer som skal vare lenge.", "nb"),
        "garanti-kopi": ("Reklamasjon\nReklamasjonsfristen er fem år på varer som skal vare lenge.", "nb"),
        "retur": ("Retur\nDu har 30 dagers åpent kjøp og gratis retur.", "nb"),
    }
    reply = "Reklamasjonsfristen er fem år på varer som skal vare lenge."
    assert _replacement(reply, ["gavekort"], docs, "nb") is None, "two pages tie: which one is unknown"
    del docs["garanti-kopi"]
    assert _replacement(reply, ["gavekort"], docs, "nb") == "garanti"
    assert _replacement(reply, ["garanti"], docs, "nb") is None, "the cited source was kept"
    assert _replacement("Et gavekort gjelder i tre år.", ["gavekort"], docs, "nb") is None
