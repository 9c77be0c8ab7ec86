"""The service facade end to end on the demo company's data (hash embedder, offline drafter)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.drafting.fake import FakeDrafter
from assistant.drafting.offline import OfflineDrafter
from assistant.runtime import Runtime
from assistant.service import Assistant, build_assistant
from assistant.types import Citation, Suggestion, Turn
from knowledge.errors import InputError
from knowledge.history import HistoryImporter
from knowledge.language import detect_language

DEMO = Path(__file__).resolve().parents[1] / "assistant" / "demo_data"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    from assistant.runtime import build_runtime
    from assistant.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("demo"), embedder="hash")
    rt = build_runtime(settings)
    rt.indexer.ingest(DEMO / "knowledge", "demo")
    HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(DEMO / "history.jsonl", "demo")
    yield rt
    rt.close()


@pytest.mark.parametrize(
    ("customer", "channel", "message", "language"),
    [
        ("cus_nb_01", "chat", "Hvor lenge har jeg angrerett på varer jeg har kjøpt på nett?", "nb"),
        ("cus_sv_01", "email", "Hur lång är ångerrätten när jag har handlat på nätet?", "sv"),
        (
            "cus_da_01",
            "facebook",
            "Hvor lang tid har jeg fortrydelsesret når jeg har købt noget online?",
            "da",
        ),
        ("cus_en_01", "chat", "How long is the right of withdrawal when I buy online?", "en"),
    ],
)
def test_suggest_is_in_the_customers_language_and_cites_what_it_retrieved(
    demo_rt: Runtime, customer: str, channel: str, message: str, language: str
) -> None:
    result = build_assistant(demo_rt).suggest(
        workspace="demo", message=message, channel=channel, customer=customer
    )
    assert result.language == language
    assert 1 <= len(result.suggestions) <= 3
    retrieved = {p.doc_id for p in result.passages}
    for s in result.suggestions:
        assert {c.id for c in s.citations} <= retrieved
        assert s.language == language
    first = result.suggestions[0]
    assert detect_language(first.text) == language
    assert result.customer_id == customer
    assert result.known_facts, "the customer's stored facts are part of the context"


def test_a_draft_that_asks_again_is_fixed_by_the_guard(demo_rt: Runtime) -> None:
    draft = "Hei Kari! Jeg kan sjekke dette. Hva er ordrenummeret ditt?"
    fake = FakeDrafter.from_texts(draft)
    assistant = Assistant(demo_rt, fake)
    result = assistant.suggest(
        workspace="demo", message="Ruteren blinker fortsatt oransje.", channel="chat", customer="cus_nb_01"
    )
    (s,) = result.suggestions
    assert "ordrenummeret" not in s.text
    assert any(f.guard == "repeat_ask" and f.fixed for f in s.guard_findings)


def test_unknown_citations_are_dropped_and_secrets_redacted(demo_rt: Runtime) -> None:
    suggestion = Suggestion(
        text="Your key is sk-live-abcdefghijklmnopqrstuvwx1234 and returns take 30 days.",
        language="en",
        channel="chat",
        citations=[Citation(id="made-up-article")],
    )
    assistant = Assistant(demo_rt, FakeDrafter([suggestion]))
    result = assistant.suggest(
        workspace="demo", message="How long do I have to return an item?", channel="chat"
    )
    (s,) = result.suggestions
    assert s.citations == []
    assert "sk-live" not in s.text
    assert {"citations", "secrets"} <= {f.guard for f in s.guard_findings}


def test_sms_reply_fits_the_channel(demo_rt: Runtime) -> None:
    long_text = " ".join(["Du kan returnere varen innen 30 dager etter at du mottok den."] * 12)
    assistant = Assistant(demo_rt, FakeDrafter.from_texts(long_text))
    result = assistant.suggest(workspace="demo", message="Kan jeg returnere varen?", channel="sms")
    assert len(result.suggestions[0].text) <= 306


def test_answer_mode_never_sends_another_language(demo_rt: Runtime) -> None:
    bokmal = (
        "Du kan returnere varen innen 30 dager etter at du har mottatt den, og returen er gratis med Bring."
    )
    assistant = Assistant(demo_rt, FakeDrafter.from_texts(bokmal))
    result = assistant.answer(
        workspace="demo", message="Can I return the item I bought last week?", channel="widget"
    )
    (s,) = result.suggestions
    assert s.abstain and s.kind == "holding"
    assert detect_language(s.text) == "en"


def test_history_given_with_the_request_is_used(demo_rt: Runtime) -> None:
    history = [
        Turn(
            role="customer",
            channel="email",
            text="Ordrenummeret mitt er 48213977, og jeg bor i Storgata 12, 0155 Oslo.",
        )
    ]
    result = Assistant(demo_rt, OfflineDrafter()).suggest(
        workspace="demo", message="Når kommer pakken?", channel="chat", history=history
    )
    assert "48213977" in {f.normalized for f in result.known_facts}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"message": "  ", "channel": "chat"}, "empty"),
        ({"message": "Hei", "channel": "pigeon"}, "unknown channel"),
        ({"message": "Hei", "channel": "chat", "customer": "nobody@example.com"}, "no customer"),
    ],
)
def test_bad_requests_are_input_errors(demo_rt: Runtime, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        build_assistant(demo_rt).suggest(workspace="demo", **kwargs)  # type: ignore[arg-type]


def test_cli_suggest_json_contract_and_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    res = runner.invoke(app, ["demo", "--terminal"])
    assert res.exit_code == 0, res.output
    assert "Nordlys" in res.output and "cus_nb_01" in res.output
    res = runner.invoke(
        app,
        [
            "suggest",
            "-w",
            "demo",
            "--customer",
            "cus_sv_02",
            "--channel",
            "chat",
            "--json",
            "Hur byter jag lösenord?",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    first = data["suggestions"][0]
    assert {"text", "citations", "used_facts", "abstain", "confidence", "asks"} <= set(first)
    assert data["language"] == "sv"
    res = runner.invoke(app, ["suggest", "-w", "demo", "--channel", "fax", "Hei"])
    assert res.exit_code == 2 and "unknown channel" in res.output


def test_a_short_reply_is_read_with_the_customers_earlier_messages(demo_rt: Runtime) -> None:
    history = [
        Turn(
            role="customer",
            channel="chat",
            text="Hej, vi har intet internet derhjemme, og vi har jeres router",
        )
    ]
    result = Assistant(demo_rt, OfflineDrafter()).suggest(
        workspace="demo",
        message="ja, den lyser orange og har gjort det hele formiddagen",
        channel="chat",
        history=history,
    )
    assert result.language == "da"


def test_another_customers_identifiers_are_redacted(demo_rt: Runtime) -> None:
    draft = (
        "Hei Kari! Ordre 48213977 er sendt. Pakken til ola.nordmann@example.com med ordre 48999123 "
        "kommer i morgen."
    )
    assistant = Assistant(demo_rt, FakeDrafter.from_texts(draft))
    result = assistant.suggest(
        workspace="demo", message="Når kommer pakken?", channel="chat", customer="cus_nb_01"
    )
    (s,) = result.suggestions
    assert "48213977" in s.text  # her own order stays
    assert "ola.nordmann" not in s.text and "48999123" not in s.text
    assert [f.guard for f in s.guard_findings].count("privacy") == 2


def test_a_german_message_gets_one_language_and_a_flag(demo_rt: Runtime) -> None:
    result = build_assistant(demo_rt).suggest(
        workspace="demo",
        message="Hallo, meine Bestellung ist immer noch nicht angekommen. Können Sie bitte nachsehen?",
        channel="chat",
        customer="cus_nb_01",
    )
    assert result.language == "nb"  # her profile's language
    for s in result.suggestions:
        assert s.language == "nb"
        assert any(f.guard == "language" and "de" in f.message for f in s.guard_findings)


def test_a_request_reads_each_turn_once_and_hands_the_analysis_to_drafter_and_guards(
    demo_rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.facts
    import knowledge.masking

    knowledge.masking.masked_facts.cache_clear()  # type: ignore[attr-defined]  # facts kept per text
    calls: list[tuple[str, str]] = []
    real = knowledge.facts.extract_facts

    def counting(text: str, **kw: object) -> list[knowledge.facts.ExtractedFact]:
        calls.append((text, str(kw.get("role", "customer"))))
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(knowledge.facts, "extract_facts", counting)
    history = [
        Turn(role="customer", text="Ordrenummer 48213377. Jeg har restartet ruteren og byttet kabel."),
        Turn(role="agent", text="Takk! Hvilken adresse gjelder det?"),
        Turn(role="customer", text="Kirkeveien 61, 0364 Oslo. Kortet mitt er 4111 1111 1111 1111."),
    ]
    drafter = FakeDrafter.from_texts("Hei! Har du prøvd å restarte ruteren? Hva er ordrenummeret?")
    assistant = build_assistant(demo_rt, drafter=drafter)
    result = assistant.suggest(
        workspace="demo", message="Fortsatt ikke nett", channel="chat", history=history
    )
    request = drafter.requests[0]
    assert request.analysis is not None and request.analysis.covers([*history, request.message])
    turn_calls = [c for c in calls if c[0] in {t.text for t in [*history, request.message]}]
    assert sorted(turn_calls) == sorted(set(turn_calls)) and len(turn_calls) == 4  # each turn read once
    kinds = {(f.kind, f.value) for f in result.known_facts}
    assert ("order_number", "48213377") in kinds and ("address", "Kirkeveien 61, 0364 Oslo") in kinds
    assert not any("4111 1111 1111 1111" in f.value for f in result.known_facts)  # masked
    assert not any("ordrenummeret" in s.text or "restarte" in s.text for s in result.suggestions)
