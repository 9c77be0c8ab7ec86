"""The repeat-ask guard: finding and typing asks, evidence, removal; in nb, nn, sv, da and en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.guards import check_repeat_asks, find_asks, findings, remove_repeat_asks
from assistant.types import KnownFact, Turn
from knowledge.fields import load_fields

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
        ("nb", "Oppdateringen tar ca. 5 minutter."),
        ("nb", "Restart er ikke nødvendig."),
        ("sv", "Dra inte ur strömmen under uppdateringen."),
        ("da", "Genstarten tager et par minutter."),
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
        ("en", "What kind of food do you like?", "category:food"),
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


@pytest.mark.parametrize(
    ("language", "draft", "expected"),
    [
        ("nb", "Prøv gjerne en annen nettverkskabel. Takk!", ["Prøv gjerne en annen nettverkskabel."]),
        ("nn", "Start ruteren på nytt. Då sjekkar eg kontoen din.", ["Start ruteren på nytt."]),
        ("sv", "Vad tråkigt att du inte fått svar. Starta om routern.", ["Starta om routern."]),
        ("da", "Det kan hjælpe at genstarte routeren. Vi ses!", ["Det kan hjælpe at genstarte routeren."]),
        (
            "en",
            "Unplug both for 30 seconds. Do not unplug the router during the update.",
            ["Unplug both for 30 seconds."],
        ),
    ],
)
def test_proposed_steps_are_asks(language: str, draft: str, expected: list[str]) -> None:
    asks = find_asks(draft, language)
    assert [a.text for a in asks] == expected
    assert all(a.slots == ("tried",) for a in asks)


@pytest.mark.parametrize(
    ("language", "question", "slots"),
    [
        ("sv", "Vilket nummer når vi dig på?", ("phone",)),
        ("nn", "Kva farge vil du ha i staden?", ("color",)),
        ("sv", "Har routern firmware 3.2.1?", ()),
        ("nb", "Kan du sende ordrenummeret, så sjekker jeg hvor pakken er?", ("order_number",)),
        ("en", "Or we can email you the receipt – what's the order number?", ("order_number", "attachment")),
        ("en", "Check-in date and duration of stay?", ("duration", "date")),
        ("nb", "Kan du sende bildet til oss på e-post?", ("attachment",)),
        ("en", "Could you send the photo to us by email?", ("attachment",)),
    ],
)
def test_slot_typing_edge_cases(language: str, question: str, slots: tuple[str, ...]) -> None:
    (ask,) = find_asks(question, language)
    assert ask.slots == slots


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


# --- what the customer already tried ("tried" slot) -----------------------------------------------------


def note(text: str, channel: str = "phone") -> Turn:
    return Turn(role="note", text=text, channel=channel)


@pytest.mark.parametrize(
    ("language", "history", "draft"),
    [
        (
            "nb",
            "Ruteren lyser oransje. Jeg har restartet ruteren og fiberboksen og byttet kabel.",
            "Har du prøvd å trekke ut strømmen på både ruteren og fiberboksen i 30 sekunder?",
        ),
        ("nb", "Jeg har restartet ruteren og byttet kabel.", "Prøv gjerne en annen nettverkskabel også."),
        ("nb", "Jeg har allerede startet ruteren på nytt to ganger.", "Kan du starte ruteren på nytt?"),
        ("nb", "Har slått ruteren av og på flere ganger.", "Det kan hjelpe å starte ruteren på nytt."),
        ("nn", "Eg har starta ruteren på nytt og bytt kabel.", "Kan du prøve å starte ruteren på nytt?"),
        (
            "nn",
            "Eg har kopla PC-en direkte til fiberboksen, då fungerer nettet.",
            "Har du prøvd å kople ein PC rett i fiberboksen?",
        ),
        (
            "sv",
            "Har redan uppdaterat firmware till 3.2.1.",
            "Har du kollat att routern har den senaste firmwareversionen?",
        ),
        ("sv", "Jag har återställt hörlurarna men det hjälpte inte.", "Prova att återställa hörlurarna."),
        ("sv", "Har testat med en annan nätverkskabel, ingen skillnad.", "Byt gärna nätverkskabel."),
        (
            "da",
            "Har genstartet den og fiberboksen, og har også sat pc'en direkte i fiberboksen.",
            "Kan du prøve at sætte en computer direkte i fiberboksen med et kabel?",
        ),
        ("da", "Jeg har genstartet routeren og opdateret firmwaren.", "Har du prøvet at opdatere firmwaren?"),
        (
            "en",
            "My router is orange. I've already restarted it and the fibre box and swapped the cable.",
            "First, could you try restarting the router and the fibre box?",
        ),
        ("en", "I've cleared the cache and reinstalled the app.", "Could you try clearing the app cache?"),
        ("en", "Checked the spam folder, nothing there.", "Could you check your spam folder?"),
    ],
)
def test_a_step_the_customer_already_took_is_a_repeat(language: str, history: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    assert [a.slots for a in report.asks] == [("tried",)]
    assert report.flagged


@pytest.mark.parametrize(
    ("language", "history", "draft"),
    [
        ("nb", "Ruteren lyser oransje.", "Har du prøvd å starte ruteren på nytt?"),
        ("nb", "Jeg har restartet ruteren.", "Har du prøvd å oppdatere fastvaren?"),
        ("nb", "Jeg har ikke prøvd å starte den på nytt ennå.", "Kan du starte ruteren på nytt?"),
        ("nb", "Jeg har ikke restartet ruteren eller byttet kabel.", "Kan du prøve en annen nettverkskabel?"),
        ("nb", "Skal jeg tilbakestille ruteren?", "Prøv å tilbakestille ruteren."),
        (
            "nb",
            "har prøvd alt jeg kan komme på, vil bare starte helt på nytt med fabrikkoppsettet",
            "Tilbakestill ruteren: hold Reset-knappen inne i 10 sekunder.",
        ),
        ("nn", "Eg har starta PC-en på nytt.", "Har du prøvd å starte ruteren på nytt?"),
        ("sv", "Jag har bytt kabel.", "Har du provat att starta om routern?"),
        ("da", "Jeg har genstartet routeren.", "Har du prøvet at nulstille routeren?"),
        ("da", "Routeren genstarter hele tiden af sig selv.", "Kan du prøve at genstarte routeren?"),
        ("en", "I reset my password yesterday.", "Could you try restarting the router?"),
        (
            "en",
            "My TV remote stopped working, new batteries didn't help.",
            "Please try holding Home and Back.",
        ),
        (
            "en",
            "I want to restart the router but I'm afraid to lose my settings.",
            "Unplug the router for 30 seconds.",
        ),
    ],
)
def test_a_step_not_taken_or_another_step_is_not_a_repeat(language: str, history: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    assert [a.slots for a in report.asks] == [("tried",)]
    assert not report.flagged


def test_a_note_or_a_tried_fact_is_evidence_of_a_step() -> None:
    draft = "Har du prøvd å koble en PC med kabel rett i fiberboksen?"
    noted = [note("Liv ringte. Har koblet PC rett i fiberboksen – internett fungerer da.")]
    assert check_repeat_asks(draft, history=noted, language="nb").flagged
    fact = KnownFact(kind="tried", value="har koblet pc rett i fiberboksen")
    assert check_repeat_asks(draft, history=[customer("Hjelp!")], facts=[fact], language="nb").flagged
    assert not check_repeat_asks(draft, history=[customer("Hjelp!")], language="nb").flagged


@pytest.mark.parametrize(
    ("language", "history", "draft", "repeated"),
    [
        (
            "nb",
            [agent("Prøv å starte ruteren på nytt."), customer("Har gjort det, fortsatt oransje.")],
            "Kan du starte ruteren på nytt?",
            True,
        ),
        (
            "nb",
            [agent("Har du prøvd å starte ruteren på nytt?"), customer("Ja, flere ganger.")],
            "Start ruteren på nytt og se om lampen blir hvit.",
            True,
        ),
        (
            "sv",
            [agent("Har du provat att starta om routern?"), customer("Nej, inte än.")],
            "Starta om routern och vänta två minuter.",
            False,
        ),
        (
            "en",
            [agent("Try restarting the router."), customer("Did that, still orange.")],
            "Could you restart the router?",
            True,
        ),
    ],
)
def test_a_step_done_after_an_agent_proposed_it(
    language: str, history: list[Turn], draft: str, repeated: bool
) -> None:
    assert check_repeat_asks(draft, history=history, language=language).flagged is repeated


@pytest.mark.parametrize(
    ("language", "history", "draft", "repeated"),
    [
        (
            "da",
            "PostNord skriver at min pakke er leveret, men der er ingenting i min pakkeboks.",
            "Har du tjekket pakkeboksen?",
            True,
        ),
        (
            "da",
            "PostNord skriver at min pakke er leveret, men der er ingenting i min pakkeboks.",
            "1. Tjek postkassen, pakkeboksen og spørg naboerne.",
            False,
        ),
        ("nb", "Jeg har byttet kabel.", "Bytt kabel, og prøv en annen port på fiberboksen.", False),
        (
            "nb",
            "Pakken står som levert. Jeg skal sjekke postkassen i kveld.",
            "Har du sjekket postkassen?",
            False,
        ),
        (
            "nb",
            "Har koblet PC-en direkte i fiberboksen, da virker nettet.",
            "Får du nett hvis du kobler en PC rett i fiberboksen?",
            True,
        ),
        ("sv", "Mejlet har inte kommit, inget i skräpposten heller.", "Har du kollat skräpposten?", True),
    ],
)
def test_every_proposed_step_must_have_been_taken(
    language: str, history: str, draft: str, repeated: bool
) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    assert report.asks[-1].slots == ("tried",)
    assert report.flagged is repeated


@pytest.mark.parametrize(
    ("language", "draft"),
    [
        ("nb", "Siden du allerede har restartet ruteren, kan du prøve å oppdatere fastvaren?"),
        ("nn", "Du har allereie starta ruteren på nytt, så prøv å starte fiberboksen på nytt òg."),
        ("sv", "Om det inte hjälper, prova att återställa routern."),
        ("da", "Eftersom du allerede har genstartet routeren, så prøv at opdatere firmwaren."),
        ("en", "Since you've already restarted the router, could you try a factory reset?"),
    ],
)
def test_a_step_named_in_a_lead_in_is_not_what_is_proposed(language: str, draft: str) -> None:
    history = [customer("Jeg har restartet ruteren."), customer("I restarted the router.")]
    report = check_repeat_asks(draft, history=history, language=language)
    assert [a.slots for a in report.asks] == [("tried",)]
    assert not report.flagged


def test_remove_a_repeated_step_keeps_the_rest() -> None:
    draft = "Hei Liv! Har du prøvd å starte ruteren på nytt? Send oss gjerne serienummeret."
    history = [customer("Jeg har restartet ruteren.")]
    report = check_repeat_asks(draft, history=history, language="nb")
    assert remove_repeat_asks(draft, report, "nb") == "Hei Liv! Send oss gjerne serienummeret."


# --- anaphoric asks: the object is in the sentence before --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "history", "draft", "repeated"),
    [
        (
            "nb",
            "Jeg har lagt ved bilde av kvitteringen.",
            "Vi trenger et bilde av kvitteringen. Vil du sende det?",
            True,
        ),
        (
            "nb",
            "Jeg vil reklamere på hodetelefonene.",
            "Vi trenger et bilde av kvitteringen. Vil du sende det?",
            False,
        ),
        ("nn", "Serienummeret er AUA231109912.", "Vi treng serienummeret. Kan du sende det til oss?", True),
        (
            "sv",
            "Serienummer AX3K2411C0457, routern är död.",
            "För att registrera reklamationen behöver vi serienumret. Kan du skicka det?",
            True,
        ),
        (
            "sv",
            "Routern är död, order 48279930.",
            "För att registrera reklamationen behöver vi serienumret. Kan du skicka det?",
            False,
        ),
        (
            "da",
            "Serienummer AUA231109912, ordre 48294478.",
            "Vi skal bruge serienummeret, som står i venstre bøjle. Vil du sende det?",
            True,
        ),
        (
            "en",
            "The TV is dead. Serial number TVX99881234.",
            "We'll need the serial number from the back of the TV. Can you send it?",
            True,
        ),
        (
            "nn",
            "Eg har tilbakestilt hovudtelefonane.",
            "Prøv først å tilbakestille hovudtelefonane. Har du prøvd det?",
            True,
        ),
        ("da", "Har genstartet routeren.", "Prøv at opdatere firmwaren i appen. Har du prøvet det?", False),
        (
            "en",
            "Restarted the router, still no internet.",
            "Restarting the router often helps. Have you tried that?",
            True,
        ),
    ],
)
def test_anaphoric_ask_takes_its_slot_from_the_sentence_before(
    language: str, history: str, draft: str, repeated: bool
) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    last = report.asks[-1]
    assert last.slots and last.about is not None
    assert any(a.start == last.start for a in report.repeated) is repeated


# --- qualifiers: a different value than the known one -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "history", "draft"),
    [
        (
            "nb",
            "Jeg skal flytte fra Storgata 12, 0155 Oslo neste uke.",
            "Da trenger jeg bare den nye adressen din.",
        ),
        (
            "nb",
            "E-posten min er kari@example.com, lenken kommer aldri.",
            "Har du en annen e-postadresse vi kan bruke?",
        ),
        ("nn", "Eg har to ordrar. Ordre 48344410 kom i går.", "Kva er ordrenummeret på den andre ordren?"),
        (
            "sv",
            "Routern (order 48344410) kom i går men inte satelliten.",
            "Har du ordernumret för satelliten också?",
        ),
        ("sv", "Jag flyttar från Storgatan 3, 111 22 Stockholm.", "Vad är din nya adress?"),
        ("da", "Min e-mail er jens@example.com.", "Har du en anden e-mailadresse?"),
        ("da", "Ordre 48346620 er kommet, men ikke den anden.", "Hvad er ordrenummeret på den anden ordre?"),
        ("en", "I'm moving from 12 Main Street next week.", "What's your new address?"),
        ("en", "My email is ola@example.com and I never got the link.", "Do you have another email address?"),
        (
            "en",
            "Order 48344410 arrived but the other one did not.",
            "What is the order number of the other order?",
        ),
    ],
)
def test_asking_for_another_or_a_new_value_is_not_a_repeat(language: str, history: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(history)], language=language)
    assert report.asks and report.asks[0].slots
    assert not report.flagged


@pytest.mark.parametrize(
    ("language", "history", "draft"),
    [
        ("nb", "Ny adresse: Kirkeveien 3, 0368 Oslo.", "Hva er den nye adressen din?"),
        ("nn", "Ny adresse for ordre 48311290: Vangsvegen 22, 5700 Voss.", "Kva er den nye adressa di?"),
        ("sv", "Min nya adress är Drottninggatan 5, 111 51 Stockholm.", "Vad är din nya adress?"),
        ("en", "My new address is 14 Oak Road.", "What's your new address?"),
        ("da", "Min e-mail er jens@example.com.", "Hvad er din e-mailadresse?"),
    ],
)
def test_a_new_value_already_given_as_new_is_a_repeat(language: str, history: str, draft: str) -> None:
    assert check_repeat_asks(draft, history=[customer(history)], language=language).flagged


def test_the_answer_to_a_question_for_the_new_value_is_the_new_value() -> None:
    history = [agent("Hva er den nye adressen din?"), customer("Kirkeveien 3, 0368 Oslo")]
    assert check_repeat_asks("Hva er den nye adressen din?", history=history, language="nb").flagged


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
    """No SGD vocabulary in the code: the suite's own fields.yaml declares it, as a company would."""
    fields = load_fields(SGD / "fields.yaml")
    tp = fp = fn = 0
    for line in (SGD / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        history = [
            Turn(role=t["role"], text=t["text"], channel=t.get("channel", "chat")) for t in case["history"]
        ]
        message = Turn(
            role="customer", text=case["message"]["text"], channel=case["message"].get("channel", "chat")
        )
        flagged = check_repeat_asks(
            case["draft"], history=history, message=message, language="en", fields=fields
        ).flagged
        expected = bool(case["expected"]["repeat_ask"])
        tp += flagged and expected
        fp += flagged and not expected
        fn += expected and not flagged
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.93, f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"
