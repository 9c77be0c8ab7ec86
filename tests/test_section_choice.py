"""Which section of a retrieved document a draft quotes, and when a language finding turns a draft into a
holding reply (assistant.service)."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.channels import ChannelStyles
from assistant.guards.grounding import content_words
from assistant.intent import answer_pattern, topic_pattern
from assistant.service import Assistant, _section_fit
from assistant.types import Citation, DraftRequest, GuardFinding, Suggestion, Turn

DELIVERY = (
    "Levering og oppsett › Levering med innbæring",
    "TV-er på 55 tommer og større leveres med innbæring (399 kr). To sjåfører bærer TV-en inn til rommet.",
)
REMOTE = (
    "Levering og oppsett › Fjernkontrollen virker ikke",
    "Bytt batterier. Hold så Hjem og Tilbake inne i 5 sekunder for å koble den til på nytt.",
)


def test_a_section_is_chosen_by_the_message_words_not_a_topic_word_in_its_body() -> None:
    # "bytt" is a word of the exchange topic; the message was (wrongly) read as an exchange question
    topic = topic_pattern("return_exchange")
    assert topic is not None and topic.search(REMOTE[1])
    message = "Hva koster det å få levert en 65 tommer tv hjem, og bærer dere den inn i stua?"
    words = content_words(message, "nb")
    answer = answer_pattern("return_exchange")
    delivery = _section_fit(topic, *DELIVERY, answer, words, "nb")
    remote = _section_fit(topic, *REMOTE, answer, words, "nb")
    assert delivery > remote
    assert _section_fit(topic, *REMOTE, answer) == 0  # the body's topic word alone counts for nothing


def test_a_section_whose_own_heading_names_the_topic_still_wins() -> None:
    topic = topic_pattern("return_exchange")
    assert topic is not None
    returns = ("Hjelp › Retur og bytte", "Du har 30 dagers åpent kjøp.")
    words = content_words("Kan jeg sende den tilbake?", "nb")
    assert _section_fit(topic, *returns, None, words, "nb") > _section_fit(topic, *REMOTE, None, words, "nb")


def _draft(text: str, *, situated: bool) -> Suggestion:
    return Suggestion(
        kind="full",
        text=text,
        language="nn",
        channel="chat",
        citations=[] if situated else [Citation(id="nb-a", title="A")],
        used_situation=["refund:1"] if situated else [],
        guard_findings=[GuardFinding(guard="language", message="reads as Norwegian bokmål")],
    )


def test_a_reply_written_only_from_the_customers_language_macros_is_not_made_a_holding_reply() -> None:
    request = DraftRequest(
        message=Turn(role="customer", text="Har de betalt?", channel="chat"), language="nn", channel="chat"
    )
    service = SimpleNamespace(styles=ChannelStyles())
    situated = _draft("Hei! Vi betalte tilbake 3 990 kr for ordre 1 den 8. oktober.", situated=True)
    kept = Assistant._in_customer_language(service, [situated], request)  # type: ignore[arg-type]
    assert kept == [situated]
    quoted = _draft("Hei! Pengene betales tilbake innen 14 dager.", situated=False)
    out = Assistant._in_customer_language(service, [quoted], request)  # type: ignore[arg-type]
    assert out[0].kind == "holding" and out[1] == quoted
