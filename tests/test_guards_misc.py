"""The language, channel, citations, grounding and secrets guards, on realistic help-center passages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from assistant.channels import ChannelStyles, has_greeting, has_sign_off
from assistant.guards.channel import check_channel, find_redirects, fit_channel, strip_markdown
from assistant.guards.citations import check_citations, drop_unknown_citations
from assistant.guards.grounding import check_grounding, groundedness, sentence_support, split_sentences
from assistant.guards.language import check_language, language_matches, reply_language
from assistant.guards.secrets import REDACTED, check_secrets, find_secrets, redact_secrets
from assistant.types import Citation, KnownFact, Passage
from knowledge.documents import Document
from knowledge.loaders import load_path

KB = Path(__file__).resolve().parents[1] / "assistant" / "demo_data" / "knowledge"
ORDER = KnownFact(kind="order_number", value="48213977", source="m1")


@lru_cache(maxsize=1)
def _docs() -> dict[str, Document]:
    return {d.id: d for d in load_path(KB).documents}


def passage(doc_id: str, rank: int = 1) -> Passage:
    doc = _docs()[doc_id]
    return Passage(
        doc_id=doc.id,
        chunk_id=f"{doc.id}:0",
        title=doc.title,
        text=doc.text,
        url=doc.url,
        language=doc.language,
        rank=rank,
    )


# --------------------------------------------------------------------------------------------------------
# language

GOOD = {
    "nb": "Hei Kari! Pakken ligger klar på hentestedet i 14 dager, og du får varsel på SMS når den er "
    "kommet.",
    "nn": "Hei Olav! Pakken ligg klar på hentestaden i 14 dagar, og du får varsel på SMS når han er komen.",
    "sv": "Hej Anna! Paketet ligger kvar på utlämningsstället i 14 dagar, och du får ett sms när det har "
    "kommit fram.",
    "da": "Hej Mette! Pakken ligger i pakkeshoppen i 14 dage, og du får en sms, når den er kommet frem.",
    "en": "Hi John! Your parcel stays at the pickup point for 14 days, and you get a text message when it "
    "arrives.",
}


@pytest.mark.parametrize("language", sorted(GOOD))
def test_language_guard_accepts_reply_in_customers_language(language: str) -> None:
    assert check_language(GOOD[language], language) == []
    assert language_matches(GOOD[language], language) is True
    assert reply_language(GOOD[language]) == language


@pytest.mark.parametrize(
    ("customer", "written"),
    [("nn", "nb"), ("nb", "nn"), ("da", "sv"), ("sv", "da"), ("nb", "en"), ("en", "nb")],
)
def test_language_guard_flags_other_language(customer: str, written: str) -> None:
    findings = check_language(GOOD[written], customer)
    assert len(findings) == 1
    assert findings[0].guard == "language" and findings[0].severity == "warn"
    assert language_matches(GOOD[written], customer) is False


def test_language_guard_tells_bokmal_from_nynorsk_in_an_email() -> None:
    bokmal = (
        "Hei Kari,\n\nTakk for meldingen din. Alle pakker i Norge sendes med Bring fra lageret vårt på "
        "Alnabru i Oslo. Bestiller du før kl. 15 på en hverdag, sender vi pakken samme dag.\n\n"
        "Vennlig hilsen\nKundeservice"
    )
    assert check_language(bokmal, "nb") == []
    assert "nynorsk" in check_language(bokmal, "nn")[0].message


def test_language_guard_flags_a_pasted_foreign_paragraph() -> None:
    text = (
        "Hei Kari,\n\nTakk for meldingen din. Jeg ser at dette gjelder ordre 48213977, og vi har sjekket "
        "status hos Bring i dag.\n\nWe refund within 14 days of receiving your return, usually within 3–5 "
        "working days. If you return the whole order, we also refund standard shipping costs.\n\n"
        "Vennlig hilsen\nKundeservice"
    )
    findings = check_language(text, "nb")
    assert findings and findings[0].span is not None and findings[0].span.startswith("We refund")


@pytest.mark.parametrize(
    ("text", "language"),
    [("Hei Kari! Ok, takk.", "nn"), ("Hej Anna, tack!", "da"), ("Hi! 48213977", "nb"), ("", "sv")],
)
def test_language_guard_is_quiet_on_short_texts(text: str, language: str) -> None:
    assert check_language(text, language) == []
    assert language_matches(text, language) is None


def test_language_guard_ignores_languages_it_cannot_detect() -> None:
    assert check_language(GOOD["nb"], "de") == []
    assert language_matches(GOOD["nb"], "fi") is None


# --------------------------------------------------------------------------------------------------------
# channel

LONG_NB = (
    "Hei Kari! Pakker til hentested ligger klare i 14 dager. Du får varsel på SMS og i Bring-appen når "
    "pakken er kommet. Blir pakken ikke hentet, går den i retur til oss. Røde dager og travle perioder som "
    "Black Friday og desember kan gi 1–2 dager ekstra. Har pakken ikke kommet 3 virkedager etter forventet "
    "leveringsdato, undersøker vi saken med Bring."
)


@pytest.mark.parametrize(("channel", "limit"), [("sms", 306), ("x", 280)])
def test_channel_guard_flags_and_fits_length(channel: str, limit: int) -> None:
    assert len(LONG_NB) > limit
    findings = check_channel(LONG_NB, channel, "nb")
    assert any(str(limit) in f.message for f in findings)
    fitted = fit_channel(LONG_NB, channel, "nb")
    assert len(fitted) <= limit
    assert LONG_NB.startswith(fitted) and fitted.endswith(".")  # whole sentences, cut at a boundary
    assert check_channel(fitted, channel, "nb") == []
    assert check_channel(LONG_NB, "chat", "nb") == []  # chat takes it


def test_fit_channel_cuts_a_single_long_sentence_at_a_word() -> None:
    text = "Hei! " + "Dette er en veldig lang setning uten punktum " * 10
    fitted = fit_channel(text, "sms", "nb")
    assert len(fitted) <= 306 and fitted.endswith("…") and " setning" in fitted


def test_channel_guard_email_needs_greeting_and_sign_off() -> None:
    bare = "Pakker til hentested ligger klare i 14 dager."
    messages = " ".join(f.message for f in check_channel(bare, "email", "nb"))
    assert "greeting" in messages and "sign-off" in messages
    fitted = fit_channel(bare, "email", "nb", customer_name="Kari Nordmann")
    assert fitted.startswith("Hei Kari,") and fitted.endswith("Vennlig hilsen\nKundeservice")
    assert has_greeting(fitted) and has_sign_off(fitted)
    assert check_channel(fitted, "email", "nb") == []
    assert not any("greeting" in f.message for f in check_channel(bare, "chat", "nb"))


def test_channel_guard_no_links_or_markdown_in_sms() -> None:
    text = "Hei Kari! Se **returskjemaet** på [hjelpesiden](https://hjelp.nordlys.example/nb/retur)."
    findings = check_channel(text, "sms", "nb")
    assert any("no links" in f.message for f in findings)
    assert any("markup" in f.message for f in findings)
    fitted = fit_channel(text, "sms", "nb")
    assert fitted == "Hei Kari! Se returskjemaet på hjelpesiden."
    assert check_channel(fitted, "sms", "nb") == []
    # e-mail takes the link but shows markdown raw; the widget renders markdown
    assert not any("no links" in f.message for f in check_channel(text, "email", "nb"))
    assert check_channel(text, "widget", "nb") == []


def test_sms_drops_sentences_that_only_carry_a_link() -> None:
    text = "Hei Kari! Returen er gratis. Les mer her: https://hjelp.nordlys.example/nb/retur"
    assert fit_channel(text, "sms", "nb") == "Hei Kari! Returen er gratis."


def test_channel_guard_internal_links_in_social_dms() -> None:
    styles = ChannelStyles(public_domains=("hjelp.nordlys.example",))
    public = "https://hjelp.nordlys.example/nb/levering"
    internal = "https://wiki.nordlys.example/kundeservice/rutiner"
    text = f"Hei Kari! Se {public} for frakt. Rutinen står på {internal}."
    for channel in ("facebook", "instagram", "x"):
        spans = [f.span for f in check_channel(text, channel, "nb", styles=styles)]
        assert spans == [internal]
    fitted = fit_channel(text, "facebook", "nb", styles=styles)
    assert public in fitted and internal not in fitted
    # a knowledge document's own URL is public even without configured domains
    cited = passage("nb-levering-leveringstid")
    assert check_channel(f"Les mer: {cited.url}", "instagram", "nb", cited=[cited]) == []
    assert check_channel(f"Les mer: {cited.url}", "instagram", "nb") != []
    # e-mail and chat may link anywhere public
    assert check_channel(text, "email", "nb", styles=styles) != []  # (greeting/sign-off only)
    assert all(f.span != internal for f in check_channel(text, "email", "nb", styles=styles))


def test_channel_guard_flags_intranet_links_everywhere() -> None:
    text = "Hei! Se http://intranet.nordlys.local/retur og http://192.168.10.5/skjema."
    spans = [f.span for f in check_channel(text, "chat", "nb")]
    assert spans == ["http://intranet.nordlys.local/retur", "http://192.168.10.5/skjema"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nb", "Hei Kari! Ring oss på 21 98 76 00, så hjelper vi deg."),
        ("nn", "Hei Olav! Ring oss, så hjelper vi deg."),
        ("da", "Hej Mette! Ring til os, så hjælper vi dig."),
        ("sv", "Hej Anna! Ring oss så hjälper vi dig."),
        ("en", "Hi John! Please call us and we will sort it out."),
        ("en", "Hi John! Please send us an email with the details."),
        ("nb", "Hei Kari! Send oss en e-post med bilder av skaden."),
        ("sv", "Hej Anna! Skicka ett mejl till oss med bilder."),
        ("da", "Hej Mette! Send os en e-mail med billeder."),
    ],
)
def test_channel_guard_flags_sending_customer_elsewhere(language: str, text: str) -> None:
    findings = check_channel(text, "chat", language)
    assert any("sends the customer" in f.message for f in findings)


def test_channel_redirect_allowed_when_cited_passage_says_so() -> None:
    contact = passage("en-contact-hours")
    text = "Hi John! Please call us on 21 98 76 00 between 09:00 and 17:00."
    assert find_redirects(text, [contact], "chat") == []
    assert find_redirects(text, [passage("en-returns-refunds")], "chat") != []
    # "send us an email" on the e-mail channel is not another channel
    assert find_redirects("Please send us an email with the photos.", [], "email") == []
    # a word that only looks like it ("Ringen på ruteren") is not a redirect
    assert find_redirects("Ringen på ruteren lyser oransje.", [], "chat") == []


def test_strip_markdown() -> None:
    text = (
        "## Slik gjør du\n\n**Viktig:** se [siden](https://x.example/a).\n\n| A | B |\n|---|---|\n| 1 | 2 |"
    )
    assert strip_markdown(text) == "Slik gjør du\n\nViktig: se siden (https://x.example/a).\n\nA: B\n1: 2"
    assert strip_markdown("Se [siden](https://x.example/a).", keep_links=False) == "Se siden."


# --------------------------------------------------------------------------------------------------------
# citations


def test_citations_guard_blocks_unknown_ids_and_drops_them() -> None:
    retrieved = [passage("nb-levering-leveringstid"), passage("nb-sporing-pakke", 2)]
    cites = [
        Citation(id="nb-levering-leveringstid", chunk_id="nb-levering-leveringstid:0"),
        Citation(id="nb-prisgaranti"),  # exists in the KB but was not retrieved
        Citation(id="made-up-doc"),
        Citation(id="nb-levering-leveringstid"),
    ]
    findings = check_citations(cites, retrieved)
    blocked = [f.span for f in findings if f.severity == "block"]
    assert blocked == ["nb-prisgaranti", "made-up-doc"]
    assert [f.severity for f in findings if f.span == "nb-levering-leveringstid"] == ["info"]
    kept = drop_unknown_citations(cites, retrieved)
    assert [c.id for c in kept] == ["nb-levering-leveringstid"]
    assert kept[0].url == retrieved[0].url and kept[0].title == retrieved[0].title
    assert check_citations(kept, retrieved) == []


def test_citations_guard_repairs_a_stray_chunk_id() -> None:
    retrieved = [passage("en-returns-refunds")]
    cites = [Citation(id="en-returns-refunds", chunk_id="other-chunk")]
    assert [f.severity for f in check_citations(cites, retrieved)] == ["info"]
    assert drop_unknown_citations(cites, retrieved)[0].chunk_id == "en-returns-refunds:0"


# --------------------------------------------------------------------------------------------------------
# grounding

GROUNDING_CASES = [
    # (language, doc, supported sentence, unsupported sentence)
    (
        "nb",
        "nb-levering-leveringstid",
        "Pakker til hentested ligger klare i 14 dager.",
        "Frakt til hentested koster 59 kr.",
    ),
    (
        "nn",
        "nn-levering-sporing",
        "Pakken ligg klar på hentestaden i 14 dagar.",
        "Vi sender pakken med flyfrakt til Svalbard.",
    ),
    (
        "sv",
        "sv-angerratt-retur",
        "Hos oss har du 30 dagars ångerrätt från dagen du tog emot varan.",
        "Returen kostar 99 kronor.",
    ),
    (
        "da",
        "da-levering-sporing",
        "DHL levering til døren koster 79 kr.",
        "Vi leverer gratis med drone i hele Jylland.",
    ),
    (
        "en",
        "en-returns-refunds",
        "We refund within 14 days of receiving your return.",
        "Refunds are paid in cash at our stores.",
    ),
]


@pytest.mark.parametrize(("language", "doc", "good", "bad"), GROUNDING_CASES)
def test_grounding_flags_unsupported_sentences(language: str, doc: str, good: str, bad: str) -> None:
    passages = [passage(doc)]
    assert check_grounding(good, passages, [], language) == []
    findings = check_grounding(f"{good} {bad}", passages, [], language)
    assert [f.span for f in findings] == [bad]
    assert findings[0].guard == "grounding"
    assert groundedness(f"{good} {bad}", passages, [], language) == 0.5
    assert groundedness(good, passages, [], language) == 1.0
    # the same sentence with no passage at all is unsupported
    assert groundedness(good, [], [], language) == 0.0


def test_grounding_exempts_framing_questions_and_holding_phrases() -> None:
    text = (
        "Hei Kari,\n\nTakk for meldingen din. Kan du sende oss et bilde av skaden? Vi sjekker dette nærmere "
        "og kommer tilbake til deg.\n\nVennlig hilsen\nKundeservice"
    )
    supports = sentence_support(text, [passage("nb-skadet-feil-vare")], [], "nb")
    assert supports and not any(s.substantive for s in supports)
    assert groundedness(text, [], [], "nb") == 1.0


def test_grounding_uses_known_facts() -> None:
    text = "Jeg ser at dette gjelder ordre 48213977."
    assert groundedness(text, [], [ORDER], "nb") == 1.0
    assert groundedness("Jeg ser at dette gjelder ordre 11112222.", [], [ORDER], "nb") == 0.0


def test_grounding_numbers_must_match() -> None:
    passages = [passage("nb-levering-leveringstid")]
    assert groundedness("Bring Ekspress neste dag koster 249 kr.", passages, [], "nb") == 1.0
    assert groundedness("Bring Ekspress neste dag koster 199 kr.", passages, [], "nb") == 0.0


def test_split_sentences_keeps_abbreviations_and_lists() -> None:
    text = (
        "Bestiller du før kl. 15, sender vi samme dag. Se f.eks. Mi side.\n\n- Østlandet: 1–2 dager\n- Nord"
    )
    assert split_sentences(text) == [
        "Bestiller du før kl. 15, sender vi samme dag.",
        "Se f.eks. Mi side.",
        "Østlandet: 1–2 dager",
        "Nord",
    ]


# --------------------------------------------------------------------------------------------------------
# secrets


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Bruk nøkkelen sk-proj-abcdefghijklmnopqrstuvwxyz123456 i oppsettet.", "API key"),
        ("Använd AKIAIOSFODNN7EXAMPLE för S3.", "AWS access key id"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS secret key"),
        ("Token: ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", "GitHub token"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "private key"),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789", "bearer token"),
        ("Your temporary password: Sommer2024!", "password"),
        ("Passordet ditt er midlertidig. Passord: Hemmelig#42", "password"),
        ("Lösenordet är Kalle123", "password"),
        ("Fødselsnummeret ditt 01017012345 er registrert.", "national identity number"),
        ("Mitt personnummer är 19811218-9876.", "national identity number"),
        ("CPR-nummer 010203-1234.", "national identity number"),
        ("Kortet 4111 1111 1111 1111 er belastet.", "payment card number"),
    ],
)
def test_secrets_guard_blocks_and_redacts(text: str, kind: str) -> None:
    findings = check_secrets(text)
    assert findings and all(f.severity == "block" and f.guard == "secrets" for f in findings)
    assert kind in {m.kind for m in find_secrets(text)}
    redacted = redact_secrets(text)
    assert check_secrets(redacted) == []
    secret = next(m.value for m in find_secrets(text) if m.kind == kind)
    assert secret not in redacted
    assert all(secret not in (f.span or "") for f in findings)  # findings never show the secret


@pytest.mark.parametrize(
    "text",
    [
        "Ordrenummeret ditt er 48213977, og sporingsnummeret er 370123456789012345.",
        "Ring oss på 21 98 76 00 eller +45 70 20 30 40.",
        "Tilbakestill passordet ditt på Mi side.",
        "Passord: minst 8 tegn.",
        "The password is not stored anywhere.",
        "The network name and password are on the label under the router.",
        "Fødselsnummer *******2345 er allerede maskert.",
        "Bring-nummer har 18 siffer og begynner med 370.",
    ],
)
def test_secrets_guard_leaves_ordinary_text_alone(text: str) -> None:
    assert check_secrets(text) == []
    assert redact_secrets(text) == text


def test_redact_keeps_the_rest_of_the_text() -> None:
    text = "Hei! Nøkkelen er sk-abcdefghijklmnopqrstuvwxyz0123 og ordren 48213977."
    assert redact_secrets(text) == f"Hei! Nøkkelen er {REDACTED} og ordren 48213977."
