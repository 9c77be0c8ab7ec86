"""Request types offline, by patterns per language (phrasings not in the eval suites)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.intent import (
    REQUEST_TYPES,
    EmbeddingClassifier,
    ExampleModel,
    Intent,
    IntentClassifier,
    PatternClassifier,
    fit_to_situation,
    intent_classifier,
    load_examples_file,
    load_intent_data,
    prefer_topic,
    situation_holds,
)
from assistant.types import Passage
from knowledge.errors import ConfigError


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Når får jeg pengene mine tilbake for returen?", "refund"),
        ("nb", "Hvor er bestillingen min? Den skulle kommet i går", "where_is_order"),
        ("nn", "Kan eg endre adressa på tinginga mi?", "cancel_change"),
        ("sv", "Jag vill skicka tillbaka skorna, hur gör jag?", "return_exchange"),
        ("sv", "Routern blinkar rött och inget internet", "troubleshooting"),
        ("da", "Jeg mangler en kvittering på mit køb", "invoice"),
        ("da", "Hvornår kommer montøren?", "appointment"),
        ("en", "How long does delivery to Tromsø take?", "delivery_time"),
        ("en", "Do you sell gift cards?", "other"),
        ("nb", "Har dere mottatt stolen tilbake nå?", "return_exchange"),
        ("en", "did the lamp I sent back reach you?", "return_exchange"),
        ("da", "Jeg har ikke fået pengene tilbage endnu", "refund"),
        ("sv", "Jag beställde fel färg, kan ni ändra?", "cancel_change"),
        ("da", "Har I betalt mig tilbage for billetten?", "refund"),
        ("sv", "Har ni betalat tillbaka avgiften?", "refund"),
        ("en", "The parcel still hasn't arrived", "where_is_order"),
        ("nb", "Kan dere stoppe sendingen? Jeg trenger den ikke.", "cancel_change"),
        ("da", "Det larmer stadig. Hvad gør jeg?", "troubleshooting"),
        ("nn", "Kor lang tid tek det før ein sofa kjem?", "delivery_time"),
        ("sv", "Inte imponerad av er hantering.", "complaint"),
        ("nn", "Termostaten viser berre Err", "troubleshooting"),
    ],
)
def test_pattern_classifier(language: str, text: str, expected: str) -> None:
    assert PatternClassifier().classify(text, language).type == expected


def test_a_broken_promise_is_a_complaint_and_flags_other_types() -> None:
    c = PatternClassifier()
    assert c.classify("You promised to call me and nobody did.", "en").type == "complaint"
    refund = c.classify("Dere lovet pengene innen fredag, men ingenting har kommet", "nb")
    assert refund.type == "refund" and refund.complaint


def test_every_language_has_data_for_known_types_only() -> None:
    for language in ("nb", "nn", "sv", "da", "en"):
        data = load_intent_data(language)
        assert set(data.patterns) <= set(REQUEST_TYPES) and set(data.examples) <= set(REQUEST_TYPES)
        assert data.patterns and data.examples
    with pytest.raises(ValueError, match="no intent data"):
        load_intent_data("de")


class _Letters:
    """A tiny embedder: letter counts, enough to make near-identical phrases nearest."""

    def _vec(self, text: str) -> list[float]:
        return [float(text.lower().count(ch)) for ch in "abcdefghijklmnopqrstuvwxyzæøå"]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def test_embedding_classifier_takes_the_type_of_the_nearest_example() -> None:
    clf = EmbeddingClassifier(_Letters())
    assert clf.classify("Hvor er pakken min?", "nb").type == "where_is_order"
    assert EmbeddingClassifier(_Letters(), min_similarity=1.01).classify("x", "nb").type == "other"


def test_embedding_classifier_k_nearest_vote() -> None:
    one = EmbeddingClassifier(_Letters(), k=1).classify("Hvor er pakken min?", "nb")
    three = EmbeddingClassifier(_Letters(), k=3).classify("Hvor er pakken min?", "nb")
    assert one.type == three.type == "where_is_order" and one.method == "embeddings"


def test_combined_classifier_uses_examples_where_patterns_find_nothing() -> None:
    text = "Noe nytt om leveringen?"  # a colloquial turn without a pattern's words
    assert PatternClassifier().classify(text, "nb").type == "other"
    combined = IntentClassifier(_Letters(), min_similarity=0.0)
    near = combined.classify(text, "nb")
    assert (near.type, near.method) == ("where_is_order", "embeddings")
    # a pattern match is kept as it is
    assert combined.classify("Når får jeg pengene tilbake?", "nb").method == "patterns"
    # without an embedder, or below the floor, only the patterns speak
    assert IntentClassifier(None).classify(text, "nb").type == "other"
    assert IntentClassifier(_Letters(), min_similarity=1.01).classify(text, "nb").type == "other"


def test_combined_classifier_follow_up_takes_the_earlier_matter() -> None:
    combined = IntentClassifier(_Letters(), min_similarity=1.01)  # the examples never decide here
    got = combined.classify_follow_up("Hva nå?", "nb", ["Ruteren blinker oransje"])
    assert (got.type, got.method) == ("troubleshooting", "follow_up")


def _passage(doc: str, title: str, rank: int) -> Passage:
    return Passage(doc_id=doc, chunk_id=f"{doc}#0", title=title, text="...", rank=rank)


def test_prefer_topic_puts_a_passage_of_the_request_type_first() -> None:
    guide = _passage("guide", "Aura ANC: pairing and reset", 1)
    returns = _passage("returns", "Angrerett og retur", 2)
    assert [p.doc_id for p in prefer_topic([guide, returns], "return_exchange")] == ["returns", "guide"]
    assert [p.rank for p in prefer_topic([guide, returns], "return_exchange")] == [1, 2]
    assert prefer_topic([guide, returns], "other") == [guide, returns]  # no topic: order kept
    assert prefer_topic([returns, guide], "return_exchange") == [returns, guide]  # the top one fits


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # a question about a thing the customer owns, with no shipping word: the product is any noun
        ("nb", "Når kommer kommoden min?", "where_is_order"),
        ("nn", "Kvar er hagestolane mine?", "where_is_order"),
        ("sv", "Var är mina gardiner?", "where_is_order"),
        ("da", "Hvornår kommer min reol?", "where_is_order"),
        ("en", "Where is my rug?", "where_is_order"),
        ("en", "Has my kettle shipped yet?", "where_is_order"),
        # a device that does not work, named by what it does, not by a product word
        ("nb", "Maskinen starter fortsatt ikke", "troubleshooting"),
        ("sv", "Skärmen visar felkod F12", "troubleshooting"),
        ("da", "Printeren virker stadig ikke", "troubleshooting"),
        ("en", "The kettle won't turn on", "troubleshooting"),
        # a question about when something is assembled or serviced is about the appointment
        ("sv", "När kommer ni och monterar hyllan?", "appointment"),
        ("nb", "Når skal jeg levere bilen på verkstedet?", "appointment"),
    ],
)
def test_pattern_classifier_reads_questions_without_product_words(
    language: str, text: str, expected: str
) -> None:
    assert PatternClassifier().classify(text, language).type == expected


def test_a_complaint_about_a_missed_call_is_not_troubleshooting() -> None:
    assert PatternClassifier().classify("Jeg har fortsatt ikke hørt noe. Skuffet.", "nb").type == "complaint"


def test_a_follow_up_that_names_no_topic_continues_the_customers_earlier_request() -> None:
    c = PatternClassifier()
    earlier = ["Hei, jeg har en annen sak.", "Vaskemaskinen virker ikke, jeg har prøvd å slå den av og på."]
    follow = c.classify_follow_up("Hva gjør jeg nå?", "nb", earlier)
    assert follow.type == "troubleshooting" and follow.method == "follow_up"
    # a message with its own request type keeps it; with no earlier request it stays "other"
    assert c.classify_follow_up("Hvor er pakken min?", "nb", earlier).type == "where_is_order"
    assert c.classify_follow_up("Hva gjør jeg nå?", "nb", ["Hei!"]).type == "other"
    # a complaint stays a complaint, the earlier request does not replace it
    assert c.classify_follow_up("Dere lovet å ringe, men ingen ringte.", "nb", earlier).type == "complaint"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "När kommer ni och bär in soffan?"),
        ("nb", "Når kommer dere for å sette opp hylla?"),
        ("en", "When are you coming to fit the blinds?"),
    ],
)
def test_when_are_you_coming_is_an_appointment_not_a_parcel(language: str, text: str) -> None:
    assert PatternClassifier().classify(text, language).type == "appointment"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # "what should I do to ..." asks how to do something of its own type
        ("nb", "Hva skal jeg gjøre for å returnere jakken?", "return_exchange"),
        # giving or handing something back is a return
        ("sv", "Kan jag lämna tillbaka jackan?", "return_exchange"),
        ("da", "Må jeg aflevere jakken tilbage i butikken?", "return_exchange"),
        ("nn", "Kan eg sende jakka attende?", "return_exchange"),
        ("en", "Can I bring the jacket back to the shop?", "return_exchange"),
        # a complaint without a promise word
        ("en", "Nobody has told me anything. This is not good enough.", "complaint"),
        ("nb", "Ingen har sagt noe til meg, og det er ikke godt nok.", "complaint"),
        ("nn", "Ingen har svart meg. Det er ikkje godt nok.", "complaint"),
        ("sv", "Ingen har hört av sig och det är inte bra nog.", "complaint"),
        ("da", "Ingen har kontaktet mig, det er ikke godt nok.", "complaint"),
    ],
)
def test_handing_back_is_a_return_and_plain_complaints_are_complaints(
    language: str, text: str, expected: str
) -> None:
    assert PatternClassifier().classify(text, language).type == expected


def test_a_where_question_from_a_customer_with_only_an_appointment_is_about_the_appointment() -> None:
    from datetime import UTC, datetime

    from knowledge.history.situation import AppointmentState, OrderState, Situation

    now = datetime(2026, 5, 30, tzinfo=UTC)
    visit = AppointmentState(id="S-1", at=now, status="done")
    where = Intent("where_is_order", 0.8, "embeddings")
    got = fit_to_situation(where, Situation(now=now, appointments=[visit]))
    assert (got.type, got.method) == ("appointment", "situation")
    with_order = Situation(now=now, appointments=[visit], orders=[OrderState(id="1", status="shipped")])
    assert fit_to_situation(where, with_order) is where
    assert fit_to_situation(where, None) is where
    refund = Intent("refund", 0.8, "patterns")
    assert fit_to_situation(refund, Situation(now=now, appointments=[visit])) is refund


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # the main request decides, not the one asked for besides it ("also send the receipt")
        (
            "en",
            "The boots are too big, can I swap them? Also, can you email me the invoice?",
            "return_exchange",
        ),
        ("nb", "Jeg vil bytte genseren. Kan dere også sende kvitteringen?", "return_exchange"),
        ("nn", "Eg vil byte genseren. Kan de òg sende kvitteringa?", "return_exchange"),
        ("sv", "Jag vill returnera väskan. Skickar ni också fakturan?", "return_exchange"),
        ("da", "Jeg vil gerne bytte skoene. Kan I også sende en kvittering?", "return_exchange"),
        # alone, the sentence asked besides is the request
        ("en", "Also, could you send me the invoice?", "invoice"),
        # a wrong colour or size is not a fault
        ("nb", "Jeg fikk feil farge på putetrekkene, kan jeg bytte?", "return_exchange"),
        ("sv", "Jag fick fel storlek på täcket, kan jag byta?", "return_exchange"),
    ],
)
def test_a_message_with_two_requests_is_typed_by_its_main_one(
    language: str, text: str, expected: str
) -> None:
    assert PatternClassifier().classify(text, language).type == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # damage on arrival is a complaint, not a fault; asking for an exchange of it is the exchange
        ("en", "The mirror came cracked down the middle", "complaint"),
        ("nb", "Vasen kom knust i posten", "complaint"),
        ("nn", "Koppen kom knust", "complaint"),
        ("sv", "Skålen anlände med en stor repa", "complaint"),
        ("da", "Kanden kom med en revne", "complaint"),
        ("en", "The frame arrived cracked, can I swap it?", "return_exchange"),
    ],
)
def test_damage_on_arrival_is_a_complaint(language: str, text: str, expected: str) -> None:
    assert PatternClassifier().classify(text, language).type == expected


def _sure_of_refund(text: str) -> dict[str, float]:
    """A stand-in for the logistic model, sure that any message is about a refund."""
    return {"refund": 0.9, "where_is_order": 0.03, "other": 0.07}


def test_a_model_sure_of_another_type_decides_and_an_overruled_type_is_kept_as_a_candidate() -> None:
    text = "Noe nytt om leveringen?"  # nearest example: where_is_order (see above)
    trusting = IntentClassifier(_Letters(), min_similarity=0.0, trust=0.8)
    trusting._probabilities = _sure_of_refund  # type: ignore[method-assign]
    got = trusting.classify(text, "nb")
    assert (got.type, got.method) == ("refund", "logistic")
    # not trusted: the model's low probability for the nearest example's type vetoes it; both types are
    # kept as candidates, nearest first, for the situation to confirm
    wary = IntentClassifier(_Letters(), min_similarity=0.0, trust=1.1)
    wary._probabilities = _sure_of_refund  # type: ignore[method-assign]
    got = wary.classify(text, "nb")
    assert (got.type, got.candidates) == ("other", ("where_is_order", "refund"))
    follow = wary.classify_follow_up(text, "nb", [])
    assert (follow.type, follow.candidates) == ("other", ("where_is_order", "refund"))


def test_the_situation_confirms_a_candidate_type_it_holds_a_matter_of() -> None:
    from datetime import UTC, datetime

    from knowledge.history.situation import AppointmentState, OrderState, RefundState, Situation

    now = datetime(2026, 5, 30, tzinfo=UTC)
    unsure = Intent("other", 0.88, "embeddings", candidates=("return_exchange", "appointment"))
    returned = Situation(now=now, orders=[OrderState(id="7", status="returned")])
    got = fit_to_situation(unsure, returned)
    assert (got.type, got.method) == ("return_exchange", "situation")
    delivered = Situation(now=now, orders=[OrderState(id="7", status="delivered")])
    assert fit_to_situation(unsure, delivered).type == "return_exchange"  # something to send back
    on_its_way = Situation(now=now, orders=[OrderState(id="7", status="shipped")])
    assert fit_to_situation(unsure, on_its_way) is unsure  # nothing to return, no visit: stays other
    assert fit_to_situation(unsure, None) is unsure
    visit = AppointmentState(id="A", at=now, upcoming=True)
    assert fit_to_situation(unsure, Situation(now=now, appointments=[visit])).type == "appointment"
    # the drafts' reading of a status is the request type's: "received" is an order received, not a return
    just_placed = Situation(now=now, orders=[OrderState(id="8", status="received")])
    assert situation_holds(just_placed, "cancel_change")
    assert not situation_holds(just_placed, "return_exchange")
    assert not situation_holds(just_placed, "refund")
    # a complaint needs no matter of its own: proposed beside a type the situation does not hold, it is taken
    angry = Intent("other", 0.88, "embeddings", candidates=("invoice", "complaint"))
    assert fit_to_situation(angry, delivered).type == "complaint"
    assert fit_to_situation(angry, Situation(now=now)) is angry  # nothing with us to complain about
    # an intent without candidates is never typed by the situation
    plain = Intent("other", 0.0, "patterns")
    assert fit_to_situation(plain, returned) is plain
    shipped = Situation(now=now, orders=[OrderState(id="8", status="shipped")])
    assert situation_holds(shipped, "where_is_order") and not situation_holds(shipped, "cancel_change")
    pending = Situation(now=now, refunds=[RefundState(order_id="8", status="initiated")])
    assert situation_holds(pending, "refund") and not situation_holds(pending, "invoice")
    processing = Situation(now=now, orders=[OrderState(id="9", status="processing")])
    assert situation_holds(processing, "cancel_change")
    for kind in ("delivery_time", "troubleshooting", "complaint", "other"):
        assert not situation_holds(processing, kind)


def test_shipped_examples_add_to_each_languages_examples() -> None:
    # prompts/intents/examples/<lang>.yaml extends the examples of prompts/intents/<lang>.yaml
    for language in ("nb", "nn", "sv", "da", "en"):
        examples = load_intent_data(language).examples
        assert set(examples) == set(REQUEST_TYPES)
        assert sum(len(v) for v in examples.values()) >= 100


def test_example_model_learns_separable_types() -> None:
    vectors = [[1.0, 0.1, 0.0], [0.9, 0.0, 0.1], [0.0, 1.0, 0.1], [0.1, 0.9, 0.0], [0.0, 0.1, 1.0]]
    model = ExampleModel(vectors, ["refund", "refund", "invoice", "invoice", "other"])
    probs = model.probabilities([0.95, 0.05, 0.05])
    assert max(probs, key=probs.__getitem__) == "refund"
    assert abs(sum(probs.values()) - 1.0) < 1e-6
    got = model.probabilities([0.05, 0.95, 0.05])
    assert max(got, key=got.__getitem__) == "invoice"
    with pytest.raises(ValueError, match="one label per example"):
        ExampleModel(vectors, ["refund"])


def test_a_company_example_teaches_a_new_type(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text("warranty:\n  - 'xqzxqz warranty claim xqzxqz'\n", "utf-8")
    extra = load_examples_file(path)
    assert extra == {"warranty": ("xqzxqz warranty claim xqzxqz",)}
    clf = intent_classifier(_Letters(), path)  # type: ignore[arg-type]
    clf.embeddings.min_similarity = 0.0  # type: ignore[union-attr]
    assert clf.classify("xqzxqz warranty xqzxqz claim", "en").type == "warranty"
    # without the company's file the same message is a shipped type
    assert intent_classifier(_Letters()).classify("xqzxqz warranty xqzxqz claim", "en").type != "warranty"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- just a list\n", "mapping of request type"),
        ("refund: []\n", "no example messages"),
        ("a: [\n", "cannot read"),
    ],
)
def test_a_bad_company_examples_file_says_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match=message):
        intent_classifier(None, path)
    with pytest.raises(ConfigError, match="cannot read"):
        intent_classifier(None, tmp_path / "missing.yaml")


def test_the_logistic_learner_decides_where_patterns_find_nothing() -> None:
    clf = IntentClassifier(_Letters(), learner="logistic", floor=0.0)
    got = clf.classify("Hvor er pakken min?", "nb")
    assert got.type == "where_is_order"  # the pattern decides
    near = clf.classify("zzzz qqqq", "nb")
    assert near.method == "logistic" and near.type in REQUEST_TYPES
    assert IntentClassifier(_Letters(), learner="logistic", floor=1.01).classify("zzzz", "nb").type == "other"
    with pytest.raises(ValueError, match="unknown learner"):
        IntentClassifier(None, learner="svm")


def test_danish_all_the_time_is_no_appointment() -> None:
    assert PatternClassifier().classify("Lampen blinker hele tiden", "da").type == "troubleshooting"
    assert PatternClassifier().classify("Hvornår er tiden hos montøren?", "da").type == "appointment"


def test_the_held_out_set_is_labelled_and_balanced() -> None:
    from evals.bench_intent import _labelled

    rows = _labelled("holdout")
    assert len(rows) >= 150
    for language in ("nb", "nn", "sv", "da", "en"):
        mine = [r for r in rows if r[2] == language]
        assert len(mine) >= 30 and {r[4] for r in mine} == set(REQUEST_TYPES)
    assert len({r[0] for r in rows}) == len(rows)
