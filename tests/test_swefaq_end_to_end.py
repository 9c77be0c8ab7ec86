"""Issue 4's "done means": a Swedish question on the SweFAQ knowledge gets a Swedish draft citing the right
entry, offline; and the same request through a configured OpenAI-compatible model (a real HTTP server on
loopback) runs the same guards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.drafting.llm import LLMDrafter
from assistant.drafting.offline import OfflineDrafter
from assistant.llm import build_chat_model
from assistant.runtime import Runtime, build_runtime
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.types import Turn
from evals.suite import EvalCase, load_suite
from knowledge.language import detect_language
from tests.conftest import SHARED_SUITES
from tests.openai_server import OpenAIServer, openai_server_fixture, structured  # noqa: F401

SUITE = SHARED_SUITES / "swefaq-sv"
pytestmark = pytest.mark.skipif(not SUITE.exists(), reason="shared data not present")


@pytest.fixture(scope="module")
def swefaq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, list[EvalCase]]]:
    suite = load_suite(SUITE)
    rt = build_runtime(Settings(home=tmp_path_factory.mktemp("swefaq"), embedder="hash"))
    for path in suite.knowledge:
        rt.indexer.ingest(path, "sv")
    yield rt, suite.cases[:20]
    rt.close()


def test_swedish_questions_get_swedish_drafts_citing_the_right_entry(
    swefaq: tuple[Runtime, list[EvalCase]],
) -> None:
    rt, cases = swefaq
    assistant = Assistant(rt, OfflineDrafter(threshold=0.0))
    cited_right = 0
    for case in cases:
        result = assistant.suggest(workspace="sv", message=case.message.text, channel="email")
        first = result.suggestions[0]
        assert result.language == "sv"
        assert detect_language(first.text) == "sv", first.text
        assert first.citations, "an answer cites its source"
        assert {c.id for c in first.citations} <= {p.doc_id for p in result.passages}
        cited_right += bool(set(case.expected.kb_ids or []) & {c.id for c in first.citations})
    # hybrid retrieval with the test embedder (lexical) finds the right entry first for most questions
    assert cited_right >= 12, cited_right


def test_the_llm_path_runs_the_same_guards(
    swefaq: tuple[Runtime, list[EvalCase]], openai_server: OpenAIServer
) -> None:
    rt, cases = swefaq
    case = cases[0]
    settings = Settings(
        home=rt.settings.home,
        llm_model="test-model",
        llm_base_url=openai_server.url,
        llm_api_key="test",
        llm_max_retries=0,
    )
    expected = (case.expected.kb_ids or [""])[0]
    reply: dict[str, Any] = {
        "suggestions": [
            {
                "kind": "full",
                "text": "Hej! Ja, flyktingar från Ukraina får vaccin mot covid-19 kostnadsfritt. "
                "Vad är ditt telefonnummer?",
                "citations": [expected, "made-up-id"],
                "used_facts": [],
                "asks": [],
                "confidence": 0.9,
                "abstain": False,
                "abstain_reason": None,
            }
        ]
    }
    openai_server.enqueue(structured(reply))
    assistant = Assistant(rt, LLMDrafter(build_chat_model(settings), context_tokens=settings.context_tokens))
    result = assistant.suggest(
        workspace="sv",
        message=case.message.text,
        channel="chat",
        history=[Turn(role="customer", channel="email", text="Hej, mitt telefonnummer är 070-123 45 67.")],
    )
    first = result.suggestions[0]
    assert (
        [c.id for c in first.citations] == [expected]
        if expected in {p.doc_id for p in result.passages}
        else []
    )
    # the model asked for a phone number the customer gave by e-mail: the repeat-ask guard removed it
    assert "telefonnummer" not in first.text
    assert any(f.guard == "repeat_ask" and f.fixed for f in first.guard_findings)
    assert detect_language(first.text) == "sv"
    assert result.prompt_version and "draft-system@" in result.prompt_version
    sent = openai_server.chat_requests[0]
    assert sent.model == "test-model"
    assert case.message.text in sent.message_text()
