"""situation.recall, situation.violation_rate and answer.reference_recall (pure functions)."""

from __future__ import annotations

from evals.metrics import mentions, reference_recall, situation_scores
from evals.runner import situation_metrics


def test_mentions_folds_case_spaces_and_punctuation() -> None:
    assert mentions("Saken din er sak 30112.", "SAK-30112")
    assert mentions("Hentestedet er REMA 1000 Grünerløkka", "Rema 1000 Grünerløkka")
    assert not mentions("Saken din er SAK-30113", "SAK-30112")


def test_digit_strings_are_compared_by_digits() -> None:
    assert mentions("Beløpet er 2 490 kr.", "2490")
    assert mentions("sporing 370 722 150 051 002 311", "370722150051002311")
    assert not mentions("Beløpet er 12 490 kr.", "2490")  # a short number must be the whole number
    assert not mentions("Ordre 1490x", "14900")


def test_situation_scores_count_groups_and_violations() -> None:
    text = "Ordre 51002311 er sendt med Bring. Start ruteren på nytt."
    scores = situation_scores(
        text, [["51002311"], ["11. mars", "11.03"]], ["Start ruteren på nytt", "449 kr"]
    )
    assert scores["recall"] == 0.5 and scores["missed"] == ["11. mars"]
    assert scores["violations"] == ["Start ruteren på nytt"] and scores["violation"]
    assert situation_scores("", [], [])["recall"] == 1.0


def test_situation_metrics_aggregate_per_language() -> None:
    cases = [
        {"situation": {**situation_scores("a 1 b", [["1"], ["2"]], ["b"]), "language": "nb"}},
        {"situation": {**situation_scores("c 3", [["3"]], []), "language": "sv"}},
    ]
    metrics = situation_metrics(cases)
    assert metrics["situation.recall"] == round(2 / 3, 4)
    assert metrics["situation.violation_rate"] == 0.5
    assert metrics["situation.recall.nb"] == 0.5 and metrics["situation.violation_rate.sv"] == 0.0


def test_reference_recall_is_the_share_of_gold_words_present() -> None:
    assert reference_recall("Det kostet 1 490 kroner i Oslo.", "1490 kroner") == 1.0
    assert reference_recall("Det skjedde i Bergen.", "i Oslo") == 0.5
    assert reference_recall("anything", "") == 0.0
