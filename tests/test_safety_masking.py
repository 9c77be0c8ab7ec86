"""Payment data and national ids are never stored or shown in clear: not in SQLite, Chroma or any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.guards.repeat_ask import check_repeat_asks
from assistant.guards.secrets import check_secrets, redact_secrets
from assistant.runtime import build_runtime
from assistant.service import build_assistant
from assistant.settings import Settings
from assistant.types import KnownFact, Turn
from knowledge.history import HistoryImporter, customer_card
from knowledge.masking import (
    find_sensitive,
    hetu_valid,
    iban_valid,
    mask_identifier,
    mask_sensitive,
)
from tests.conftest import write
from tests.history_support import event, files_containing, say

CARD = "4111 1111 1111 1111"
IBAN = "NO93 8601 1117 947"
FNR = "150385-10190"  # a valid fødselsnummer written with a separator
HETU = "131052-308T"
PERSONNUMMER = "19811218-9876"
CLEAR = [
    CARD,
    CARD.replace(" ", ""),
    "CVC 123",
    "CVV: 456",
    IBAN,
    IBAN.replace(" ", ""),
    FNR,
    FNR.replace("-", ""),
    HETU,
    PERSONNUMMER,
]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"My card is {CARD}, CVC 123.", "My card is **** **** **** 1111, CVC ***."),
        ("CVV: 456 please", "CVV: *** please"),
        ("sikkerhetskoden er 789", "sikkerhetskoden er ***"),
        (f"IBAN {IBAN} OK", "IBAN NO** **** ***7 947 OK"),
        ("IBAN: GB82WEST12345698765432", "IBAN: GB****************5432"),
        (f"Mitt fnr: {FNR}", "Mitt fnr: ******-*0190"),
        (FNR, "******-*0190"),
        ("15038510190", "*******0190"),
        (f"personnummer {PERSONNUMMER}", "personnummer ********-9876"),
        ("811218+9876", "******+9876"),
        ("CPR 150385-1234", "CPR ******-1234"),
        (f"HETU {HETU}", "HETU ******-308T"),
        ("131052A308T", "*******308T"),
    ],
)
def test_mask_sensitive_masks_every_written_form(text: str, masked: str) -> None:
    assert mask_sensitive(text) == masked
    assert len(mask_sensitive(text)) == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ordre 48201488 er sendt, sporing 370722150046290117.",  # an SSCC that passes Luhn is not a card
        "Ring oss på +47 41 23 45 67 eller 22 33 44 55.",
        "Org.nr 998 877 665, beløp 13 389 kr, dato 2026-02-04.",
        "Kode 1234 i butikken, rom 101.",
        "NO12 3456 7890 123 is not an IBAN",  # wrong check digits
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask_sensitive(text) == text


def test_checksums() -> None:
    assert iban_valid("NO9386011117947") and not iban_valid("NO9386011117948")
    assert hetu_valid("131052-308T") and not hetu_valid("131052-308U")
    assert [s.kind for s in find_sensitive(f"{CARD} CVC 123 {IBAN}")] == [
        "payment_card",
        "card_security_code",
        "iban",
    ]


def test_mask_identifier_keeps_ids_distinct_and_stable() -> None:
    a, b = mask_identifier("fb-15038510190"), mask_identifier("fb-15038510190")
    assert a == b and "15038510190" not in a
    other = mask_identifier("fb-01010150074")
    assert a != other
    assert mask_identifier("cus_nb_01") == "cus_nb_01"


def test_secrets_guard_blocks_cvc_and_iban_and_redacts_them() -> None:
    draft = f"Send CVC 123 and IBAN {IBAN} and {FNR}."
    kinds = {f.message for f in check_secrets(draft)}
    assert any("security code" in k for k in kinds) and any("IBAN" in k for k in kinds)
    redacted = redact_secrets(draft)
    for clear in ("123", IBAN, FNR):
        assert clear not in redacted


def _events(tmp: Path) -> Path:
    lines = [
        event(
            {"id": "cus-15038510190", "name": "Kari", "handles": {"facebook": f"kari.{FNR}"}},
            order={"id": "o-1", "items": [{"name": "Ruter", "note": f"betalt med {CARD}"}]},
        ),
        say(
            "cus-15038510190",
            "c1",
            "chat",
            f"Kortet mitt er {CARD}, CVC 123. Refunder til {IBAN}.",
            "2025-01-01T10:00:00Z",
        ),
        say(
            "cus-15038510190",
            "c1",
            "chat",
            f"Fødselsnummer {FNR}, HETU {HETU}, pnr {PERSONNUMMER}, CVV: 456",
            "2025-01-01T10:05:00Z",
        ),
    ]
    path = tmp / "events.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return path


def test_history_import_stores_no_payment_data_or_national_id_in_clear(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", embedder="hash")
    rt = build_runtime(settings)
    try:
        HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(_events(tmp_path), "default")
        card = customer_card(rt.sessions, "default", "cus-15038510190")  # found by its clear id
        shown = card.model_dump_json()
        facts = {f.kind: f.value for f in card.facts}
        assert facts.get("payment_card") == "**** **** **** 1111"
        assert facts.get("iban") == "NO** **** ***7 947"
        result = build_assistant(rt).suggest(
            workspace="default", message="Hvor er refusjonen min?", channel="chat", customer="cus-15038510190"
        )
        shown += result.model_dump_json()
        assert any(f.kind == "payment_card" for f in result.known_facts)
    finally:
        rt.close()
    for clear in CLEAR:
        assert clear not in shown, clear
        assert not files_containing(settings.home, clear), clear


def test_customer_show_prints_no_clear_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "history", str(_events(tmp_path))]).exit_code == 0
    out = runner.invoke(app, ["customer", "show", "cus-15038510190"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "**** **** **** 1111" in out.output
    for clear in CLEAR:
        assert clear not in out.output


def test_knowledge_ingest_masks_before_embedding(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", embedder="hash")
    write(tmp_path / "kb" / "pay.md", f"# Pay\n\nTest card {CARD} with CVC 123; refund to {IBAN}.\n")
    rt = build_runtime(settings)
    try:
        rt.indexer.ingest(tmp_path / "kb", "default")
    finally:
        rt.close()
    for clear in CLEAR:
        assert not files_containing(settings.home, clear), clear


def test_a_masked_card_is_still_known_to_the_repeat_ask_guard() -> None:
    fact = KnownFact(
        kind="payment_card", value="**** **** **** 1111", normalized="************1111", source="m1"
    )
    report = check_repeat_asks(
        "Kan du sende meg kortnummeret ditt?",
        history=[],
        message=Turn(role="customer", text="Jeg vil ha pengene tilbake på kortet.", channel="chat"),
        facts=[fact],
        language="nb",
    )
    assert report.flagged


def test_facts_from_the_latest_message_are_masked_in_the_suggestion(tmp_path: Path) -> None:
    rt = build_runtime(Settings(home=tmp_path / "home", embedder="hash"))
    try:
        result = build_assistant(rt).suggest(
            workspace="default",
            message=f"Refund to card {CARD}, CVC 123, or IBAN {IBAN}; my fnr is {FNR}.",
            channel="chat",
        )
    finally:
        rt.close()
    shown = result.model_dump_json()
    for clear in CLEAR:
        assert clear not in shown, clear
    assert {"payment_card", "iban", "national_id"} <= {f.kind for f in result.known_facts}
