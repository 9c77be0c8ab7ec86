"""The repeat-ask guard: finding and typing asks, evidence, removal; in nb, nn, sv, da and en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.guards import check_repeat_asks, find_asks, findings, remove_repeat_asks
from assistant.types import KnownFact, Turn

SGD = Path(__file__).resolve().parents[2] / "shared" / "data" / "suites" / "sgd-repeat-en"


def customer(text: str, channel: str = "chat") -> Turn:
    return Turn(role="customer", text=text, channel=channel)


def agent(text: str, channel: str = "chat") -> Turn:
    return Turn(role="agent", text=text, channel=channel)


# --- finding asks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "draft", "expected"),
    [
        (
            "en",
            "Thanks for waiting. What is your order number? Could you send me your address",
            ["What is your order number?", "Could you send me your address"],
        ),
        ("en", "I have checked it. Please confirm the time.", ["Please confirm the time."]),
        (
            "nb",
            "Hvilken dato gjelder det? Send oss bilde av kvitteringen.",
            ["Hvilken dato gjelder det?", "Send oss bilde av kvitteringen."],
        ),
        ("nb", "Takk! Kan du oppgi ordrenummeret", ["Kan du oppgi ordrenummeret"]),
        ("nb", "Vi trenger telefonnummeret ditt. Pakken er sendt.", ["Vi trenger telefonnummeret ditt."]),
        ("nn", "Hei! Kva er adressa di", ["Kva er adressa di"]),
        (
            "sv",
            "Vilket datum vill du boka? Ange ditt ordernummer.",
            ["Vilket datum vill du boka?", "Ange ditt ordernummer."],
        ),
        (
            "da",
            "Hvad er dit telefonnummer? Oplys venligst dit ordrenummer.",
            ["Hvad er dit telefonnummer?", "Oplys venligst dit ordrenummer."],
        ),
    ],
)
def test_find_asks_questions_and_requests(language: str, draft: str, expected: list[str]) -> None:
    asks = find_asks(draft, language)
    assert [a.text for a in asks] == expected
    for ask in asks:
        assert draft[ask.start : ask.end] == ask.text


@pytest.mark.parametrize(
    ("language", "statement"),
    [
        ("en", "Your parcel left our warehouse yesterday."),
        ("en", "When you receive the parcel, check the contents."),
        ("nb", "Når du har sendt pakken, refunderer vi beløpet."),
        ("sv", "Vi har skickat paketet till dig."),
        ("da", "Hvis du har spørgsmål, er du velkommen til at skrive."),
    ],
)
def test_statements_are_not_asks(language: str, statement: str) -> None:
    assert find_asks(statement, language) == []


def test_two_questions_in_one_sentence_are_two_asks() -> None:
    asks = find_asks("What is the arrival date and how many nights do you want to stay?", "en")
    assert [a.slots for a in asks] == [("date",), ("duration",)]


@pytest.mark.parametrize(
    ("language", "question", "slot"),
    [
        ("en", "What is your order number?", "order_number"),
        ("en", "Could you send me your address?", "address"),
        ("en", "What's your email address?", "email"),
        ("en", "How many tickets do you need?", "party_size"),
        ("en", "Where are you departing from?", "origin"),
        ("en", "Where are you headed?", "destination"),
        ("en", "Which city should I search in?", "place"),
        ("en", "Till what date do you need the car?", "end_date"),
        ("en", "At what time of day?", "time"),
        ("en", "How much would you like to transfer?", "amount"),
        ("en", "Who are you sending the money to?", "recipient"),
        ("en", "What kind of food do you like?", "category_food"),
        ("en", "What is the tracking number?", "tracking_number"),
        ("nb", "Hvilken dato gjelder det?", "date"),
        ("nb", "Kan du oppgi ordrenummeret?", "order_number"),
        ("nb", "Hvor skal du reise fra?", "origin"),
        ("nb", "Hvor mange personer blir dere?", "party_size"),
        ("nb", "Send oss bilde av kvitteringen.", "attachment"),
        ("nn", "Kva er adressa di?", "address"),
        ("nn", "Kor mange personar gjeld det?", "party_size"),
        ("sv", "Vilket datum vill du boka?", "date"),
        ("sv", "Vad är ditt telefonnummer?", "phone"),
        ("sv", "Vart ska du åka?", "destination"),
        ("da", "Hvad er dit telefonnummer?", "phone"),
        ("da", "Hvad er serienummeret?", "serial_number"),
        ("da", "Hvornår passer det dig?", "date"),
    ],
)
def test_slot_typing(language: str, question: str, slot: str) -> None:
    (ask,) = find_asks(question, language)
    assert slot in ask.slots


def test_signature_lines_are_not_asks() -> None:
    assert find_asks("Takk for meldingen!\nMvh\nSvar", "nb") == []


def test_email_address_is_not_a_postal_address() -> None:
    (ask,) = find_asks("Hva er e-postadressen din?", "nb")
    assert ask.slots == ("email",)


# --- repeated or not ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "history", "draft", "repeated"),
    [
        ("en", ["My order number is 558812 and it never arrived."], "What is your order number?", True),
        ("en", ["My parcel never arrived."], "What is your order number?", False),
        ("en", ["I need a table for 4 people on Friday."], "How many people will be joining?", True),
        ("en", ["I need a table on Friday."], "How many people will be joining?", False),
        ("nb", ["Hei, jeg vil hente pakken i morgen."], "Når vil du hente pakken?", True),
        ("nb", ["Hei, jeg vil hente pakken."], "Når vil du hente pakken?", False),
        ("nn", ["Eg bur i Storgata 5, 0155 Oslo."], "Kva er adressa di?", True),
        ("nn", ["Pakken kom aldri fram."], "Kva er adressa di?", False),
        ("sv", ["Jag vill boka ett bord den 12 mars."], "Vilket datum vill du boka?", True),
        ("sv", ["Jag vill boka ett bord."], "Vilket datum vill du boka?", False),
        ("da", ["I kan ringe til mig på 20 45 67 89."], "Hvad er dit telefonnummer?", True),
        ("da", ["I kan skrive til mig her."], "Hvad er dit telefonnummer?", False),
    ],
)
def test_repeat_or_not_in_each_language(
    language: str, history: list[str], draft: str, repeated: bool
) -> None:
    report = check_repeat_asks(draft, history=[customer(t) for t in history], language=language)
    assert report.asks, "the draft's question must be found"
    assert report.flagged is repeated


def test_cross_channel_evidence_email_then_chat() -> None:
    history = [
        customer("Hei! Eg har ikkje fått pakken min. Ordrenummeret er 4587123.\n\nHelsing Kari", "email"),
        agent("Takk, vi ser på saka og kjem tilbake til deg.", "email"),
    ]
    message = customer("Hei igjen, har de funne ut noko?", "chat")
    report = check_repeat_asks("Kva er ordrenummeret ditt?", history=history, message=message, language="nn")
    assert report.flagged
    (ask,) = report.repeated
    assert ask.slots == ("order_number",)
    assert ask.answered_by is not None and "4587123" in ask.answered_by


def test_language_is_detected_when_not_given() -> None:
    history = [customer("Hej, min beställning 55-8812 har inte kommit.", "email")]
    report = check_repeat_asks(
        "Hej! Vad är ditt ordernummer?", history=history, message=customer("Något nytt?")
    )
    assert report.flagged


def test_known_fact_is_evidence() -> None:
    message = customer("Where is my parcel?")
    draft = "Could you give me your order number?"
    fact = KnownFact(kind="order_number", value="A-99812", source="order:A-99812")
    assert not check_repeat_asks(draft, history=[], message=message, language="en").flagged
    report = check_repeat_asks(draft, history=[], message=message, facts=[fact], language="en")
    assert report.flagged
    assert report.repeated[0].answered_by == "A-99812"


def test_answer_to_an_earlier_agent_question_is_evidence() -> None:
    history = [agent("Hvilken by reiser du fra?"), customer("Bergen")]
    assert check_repeat_asks("Hvor reiser du fra?", history=history, language="nb").flagged
    unanswered = [agent("Hvilken by reiser du fra?"), customer("Det vet jeg ikke ennå")]
    assert not check_repeat_asks("Hvor reiser du fra?", history=unanswered, language="nb").flagged


def test_an_agent_proposal_is_not_evidence_until_confirmed() -> None:
    asked = [customer("I need a cab."), agent("Is it for 2 people?"), customer("Not sure yet.")]
    assert not check_repeat_asks("How many people are riding?", history=asked, language="en").flagged
    confirmed = [customer("I need a cab."), agent("Is it for 2 people?"), customer("Yes, that's right.")]
    assert check_repeat_asks("How many people are riding?", history=confirmed, language="en").flagged


def test_agent_statement_counts_only_when_about_the_customer() -> None:
    venue = [agent("The restaurant's phone number is 415-543-5100.")]
    assert not check_repeat_asks("What is your phone number?", history=venue, language="en").flagged
    own = [agent("I have your phone number as 415-543-5100.")]
    assert check_repeat_asks("What is your phone number?", history=own, language="en").flagged


def test_details_of_an_earlier_request_do_not_answer_a_new_one() -> None:
    history = [
        customer("Find me a bus to Boston on March 3rd."),
        agent("I booked the 9 am bus on March 3rd."),
        customer("Thanks. Now I need a hotel there."),
    ]
    assert not check_repeat_asks("When do you want to check in?", history=history, language="en").flagged
    assert check_repeat_asks("Which city should I search in?", history=history, language="en").flagged


@pytest.mark.parametrize(
    ("language", "history", "draft"),
    [
        ("en", "Can you book a table for 4 people on Friday?", "Shall I book it for 4 people?"),
        ("en", "I need a rental car from the 12th of this month.", "On March 12th or March 3rd?"),
        ("nb", "Vi er fire personer og kommer på fredag.", "Skal jeg booke bord til 4 personer på fredag?"),
        ("sv", "Jag vill boka ett bord.", "Vilket datum vill du boka? Den 12 mars eller den 13 mars?"),
        ("da", "Jeg vil gerne hente pakken i morgen.", "Skal vi sige i morgen kl. 14?"),
    ],
)
def test_confirmation_with_a_value_is_not_a_repeat(language: str, history: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    assert report.asks
    assert not report.flagged


# --- removal and findings -------------------------------------------------------------------------------


def test_remove_keeps_the_rest_intact() -> None:
    draft = "Hei! Kan du oppgi ordrenummeret? Hvilken størrelse gjelder det? Vi svarer innen en dag."
    history = [customer("Jeg vil bytte jakken fra ordre 778812.", "email")]
    report = check_repeat_asks(draft, history=history, language="nb")
    assert [a.text for a in report.repeated] == ["Kan du oppgi ordrenummeret?"]
    assert (
        remove_repeat_asks(draft, report, "nb")
        == "Hei! Hvilken størrelse gjelder det? Vi svarer innen en dag."
    )


def test_remove_keeps_paragraphs_and_greeting() -> None:
    draft = "Hi Kari,\n\nThanks for your message. What is your order number?\n\nBest regards\nSvar"
    report = check_repeat_asks(draft, history=[customer("Order 558812 never arrived")], language="en")
    assert (
        remove_repeat_asks(draft, report, "en")
        == "Hi Kari,\n\nThanks for your message.\n\nBest regards\nSvar"
    )


def test_remove_one_clause_of_a_two_part_question() -> None:
    draft = "What is your email address and which size do you need?"
    report = check_repeat_asks(draft, history=[customer("Reach me at ola@example.com")], language="en")
    assert remove_repeat_asks(draft, report, "en") == "Which size do you need?"


def test_remove_drops_a_dangling_connective() -> None:
    draft = "What's your email address? And what is your order number?"
    report = check_repeat_asks(draft, history=[customer("My email is ola@example.com")], language="en")
    assert remove_repeat_asks(draft, report, "en") == "What is your order number?"


def test_remove_says_what_we_know_when_nothing_else_is_left() -> None:
    report = check_repeat_asks("Vad är ditt ordernummer?", history=[customer("Order 55-8812")], language="sv")
    text = remove_repeat_asks("Vad är ditt ordernummer?", report, "sv")
    assert "?" not in text and "55-8812" in text


def test_remove_without_repeats_returns_the_draft() -> None:
    draft = "What is your order number?"
    report = check_repeat_asks(draft, history=[customer("Where is my parcel?")], language="en")
    assert remove_repeat_asks(draft, report, "en") == draft


def test_findings() -> None:
    report = check_repeat_asks(
        "What is your order number?", history=[customer("Order 558812")], language="en"
    )
    (finding,) = findings(report)
    assert finding.guard == "repeat_ask"
    assert finding.span == "What is your order number?"
    assert "558812" in finding.message
    assert findings(check_repeat_asks("Anything else?", history=[], language="en")) == []


# --- real data ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not (SGD / "cases.jsonl").exists(), reason="shared sgd-repeat-en suite not present")
def test_sgd_repeat_en_f1() -> None:
    tp = fp = fn = 0
    for line in (SGD / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        history = [
            Turn(role=t["role"], text=t["text"], channel=t.get("channel", "chat")) for t in case["history"]
        ]
        message = Turn(
            role="customer", text=case["message"]["text"], channel=case["message"].get("channel", "chat")
        )
        flagged = check_repeat_asks(case["draft"], history=history, message=message, language="en").flagged
        expected = bool(case["expected"]["repeat_ask"])
        tp += flagged and expected
        fp += flagged and not expected
        fn += expected and not flagged
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"
