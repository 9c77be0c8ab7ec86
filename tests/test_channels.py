"""Channel styles, stock phrases and holding replies (assistant/channels.py)."""

from __future__ import annotations

import pytest

from assistant.channels import (
    CHANNEL_STYLES,
    ChannelStyles,
    ResponseTime,
    first_name,
    get_style,
    greeting,
    has_greeting,
    has_sign_off,
    holding_text,
    is_public_url,
    is_stock_sentence,
    read_more,
    response_time_promise,
    sign_off,
)
from assistant.guards.grounding import groundedness
from assistant.guards.language import check_language
from assistant.types import CHANNELS

LANGS = ("nb", "nn", "sv", "da", "en")


def test_every_channel_has_a_style() -> None:
    assert set(CHANNEL_STYLES) == set(CHANNELS)
    for channel in CHANNELS:
        assert get_style(channel).channel == channel


def test_channel_limits_and_shape() -> None:
    sms, x, email = get_style("sms"), get_style("x"), get_style("email")
    assert (sms.segment_chars, sms.max_chars) == (160, 306)
    assert x.max_chars == 280
    assert email.greeting and email.sign_off and email.paragraphs
    assert sms.links == "none" and not sms.markdown and not sms.paragraphs
    for social in ("facebook", "instagram", "x"):
        assert get_style(social).social and get_style(social).links == "public"
    assert not get_style("chat").sign_off
    assert get_style("phone").links == "none"
    for style in CHANNEL_STYLES.values():
        low, high = style.target_sentences
        assert 1 <= low <= high


def test_unknown_channel_falls_back_to_chat_style() -> None:
    style = get_style("telegram")
    assert style.channel == "telegram"
    assert style.max_chars == get_style("chat").max_chars


@pytest.mark.parametrize(
    ("language", "name", "channel", "expected"),
    [
        ("nb", "Kari Nordmann", "email", "Hei Kari,"),
        ("nn", "Olav Aasen", "email", "Hei Olav,"),
        ("sv", "Anna Svensson", "email", "Hej Anna,"),
        ("da", "Mette Frederiksen", "email", "Hej Mette,"),
        ("en", "John Smith", "email", "Hi John,"),
        ("nb", "Kari Nordmann", "chat", "Hei Kari!"),
        ("en", None, "email", "Hi,"),
        ("sv", None, "sms", "Hej!"),
        ("de", "Hans", "email", "Hi Hans,"),  # unknown language: English
    ],
)
def test_greeting_uses_first_name_and_language(
    language: str, name: str | None, channel: str, expected: str
) -> None:
    assert greeting(language, name, channel=channel) == expected


def test_first_name() -> None:
    assert first_name("Kari Nordmann") == "Kari"
    assert first_name("Nordmann, Kari") == "Kari"
    assert first_name("kari@example.com") is None
    assert first_name("user12345") is None
    assert first_name("  ") is None


@pytest.mark.parametrize(
    ("language", "closing"),
    [
        ("nb", "Vennlig hilsen"),
        ("nn", "Helsing"),
        ("sv", "Vänliga hälsningar"),
        ("da", "Venlig hilsen"),
        ("en", "Kind regards"),
    ],
)
def test_sign_off_per_language_with_team_name(language: str, closing: str) -> None:
    assert sign_off(language, "Nordlys Elektronikk") == f"{closing}\nNordlys Elektronikk"
    default = sign_off(language)
    assert default.startswith(closing + "\n")
    assert default.split("\n")[1] in {"Kundeservice", "Kundservice", "Customer service"}
    assert has_sign_off(f"Hei\n\nTekst.\n\n{default}")


@pytest.mark.parametrize(
    ("channel", "language", "needle"),
    [
        ("email", "nb", "innen 24 timer"),
        ("email", "en", "within 24 hours"),
        ("phone", "sv", "inom 24 timmar"),
        ("sms", "nb", "innen 4 timer"),
        ("sms", "da", "inden for 4 timer"),
        ("facebook", "nn", "innan 1 time."),
        ("instagram", "sv", "inom 1 timme."),
        ("x", "en", "within 1 hour."),
        ("chat", "nb", "En kollega tar over"),
        ("chat", "nn", "Ein kollega tek over"),
        ("widget", "sv", "En kollega tar över"),
        ("widget", "da", "En kollega overtager"),
        ("chat", "en", "A colleague will take over"),
    ],
)
def test_default_response_time_promises(channel: str, language: str, needle: str) -> None:
    promise = response_time_promise(language, ChannelStyles().response_time(channel))
    assert needle in promise


def test_response_times_are_configurable() -> None:
    styles = ChannelStyles(response_times={"email": ResponseTime(hours=48), "chat": ResponseTime(hours=2)})
    assert "48 timer" in response_time_promise("nb", styles.response_time("email"))
    assert "2 hours" in response_time_promise("en", styles.response_time("chat"))
    assert "kollega" not in holding_text("nb", "chat", styles=styles)
    # the others keep their defaults
    assert "4 timer" in response_time_promise("nb", styles.response_time("sms"))


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_holding_text_fits_channel_and_language(language: str, channel: str) -> None:
    styles = ChannelStyles()
    style = styles.style(channel)
    text = holding_text(language, channel, name="Kari Nordmann", styles=styles)
    assert response_time_promise(language, styles.response_time(channel)) in text
    if style.max_chars is not None:
        assert len(text) <= style.max_chars
    if channel == "email":
        assert has_greeting(text) and has_sign_off(text)
        assert "Kari" in text
    # in the customer's language (nb and nn told apart), and it claims nothing that needs a source
    assert check_language(text, language) == []
    assert groundedness(text, [], [], language) == 1.0


def test_holding_text_signs_with_configured_team() -> None:
    text = holding_text("nb", "email", styles=ChannelStyles(team_name="Nordlys kundeservice"))
    assert text.endswith("Vennlig hilsen\nNordlys kundeservice")


def test_public_urls() -> None:
    domains = ("hjelp.nordlys.example",)
    known = ("https://docs.nordlys.example/nb/levering",)
    assert is_public_url("https://hjelp.nordlys.example/nb/retur", domains, known)
    assert is_public_url("https://www.hjelp.nordlys.example/x", domains, known)
    assert is_public_url("https://docs.nordlys.example/nb/levering#frakt", domains, known)
    assert is_public_url("docs.nordlys.example/nb/levering/", domains, known)
    assert not is_public_url("https://docs.nordlys.example/nb/internt", domains, known)
    assert not is_public_url("https://intranet.nordlys.example/wiki", domains, known)
    assert not is_public_url("https://evil-hjelp.nordlys.example.com/", domains, known)
    assert ChannelStyles(public_domains=domains).is_public_url("https://hjelp.nordlys.example/")


def test_stock_sentences() -> None:
    assert is_stock_sentence("Hei Kari,")
    assert is_stock_sentence("Vennlig hilsen")
    assert is_stock_sentence("Kundservice")
    assert is_stock_sentence("Takk for meldinga di.", "nn")
    assert is_stock_sentence("Du hører fra oss innen 24 timer.", "nb")
    assert is_stock_sentence(read_more("da", "https://hjelp.nordlys.example/da/levering"))
    assert not is_stock_sentence("Pakken ligger klar i 14 dager.", "nb")
    assert not is_stock_sentence("Hei Kari, pakken er sendt i dag og kommer i morgen.", "nb")
