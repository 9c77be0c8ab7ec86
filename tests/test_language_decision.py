"""The reply language decision (assistant/language.py) and the honest outcome for unsupported languages."""

from __future__ import annotations

import pytest

from assistant.language import LanguageDecision, decide_language, flag_unsupported
from assistant.types import Suggestion


def test_english_customer_saying_me_gets_english() -> None:
    d = decide_language("Can you call me tomorrow?")
    assert (d.code, d.supported) == ("en", True)


def test_a_default_breaks_a_tie_but_never_overrides_a_clear_message() -> None:
    assert decide_language("Can you call me tomorrow?", workspace_default="nb").code == "en"
    assert decide_language("Hej, jag har inte fått mitt paket än.", workspace_default="da").code == "sv"
    # "Hvor ligger Waterloo?" is bokmål and Danish alike: the workspace decides
    assert decide_language("Hvor ligger Waterloo?", workspace_default="nb").code == "nb"
    assert decide_language("Hvor ligger Waterloo?", workspace_default="da").code == "da"


def test_short_message_reads_the_earlier_messages() -> None:
    earlier = "Hei, eg har ikkje fått pakken min enno. Kva skal eg gjere no?"
    d = decide_language("ok, takk", earlier)
    assert d.code == "nn"


def test_no_words_falls_back_to_profile_then_default() -> None:
    assert decide_language("48355871", profile_language="sv").code == "sv"
    assert decide_language("48355871", workspace_default="da").code == "da"
    d = decide_language("48355871")
    assert d.code == "en" and "fallback" in d.reason


@pytest.mark.parametrize(
    ("text", "profile", "default", "code"),
    [
        ("Milloin saan rahani takaisin? Tilaus ei ole vieläkään tullut.", "sv", "nb", "sv"),
        ("Können Sie mich morgen anrufen? Der Router funktioniert nicht.", None, "nb", "nb"),
        ("Können Sie mich morgen anrufen? Der Router funktioniert nicht.", None, None, "en"),
    ],
)
def test_unsupported_language_replies_in_profile_or_workspace_language(
    text: str, profile: str | None, default: str | None, code: str
) -> None:
    d = decide_language(text, "", profile, default)
    assert d.code == code
    assert d.supported is False
    assert d.detected in {"fi", "de"}
    assert d.detected in d.reason and code in d.reason


def test_flag_unsupported_marks_every_suggestion_and_leaves_supported_alone() -> None:
    s = [
        Suggestion(text="Hei!", language="nb", channel="chat"),
        Suggestion(text="Hei", language="nb", channel="chat"),
    ]
    same = flag_unsupported(s, LanguageDecision("nb", 0.9))
    assert all(not x.guard_findings for x in same)
    flagged = flag_unsupported(
        s, LanguageDecision("nb", 0.99, supported=False, reason="the message is in de")
    )
    assert all(
        [f.guard for f in x.guard_findings] == ["language"] and "de" in x.guard_findings[0].message
        for x in flagged
    )


def test_workspace_country_breaks_a_tie_last_and_the_decision_says_it_is_unsure() -> None:
    # bokmål and Danish alike: with no prior, the detector's lean decides and says it is unsure
    guess = decide_language("Hvor ligger Waterloo?")
    assert guess.unsure is True
    assert decide_language("Hvor ligger Waterloo?", country="DK").code == "da"
    assert decide_language("Hvor ligger Waterloo?", country="NO").code == "nb"
    d = decide_language("Hvor ligger Waterloo?", workspace_default="da", country="NO")
    assert d.code == "da" and "workspace default" in d.reason
    # the country never overrides what the message says
    clear = decide_language("Can you call me tomorrow?", country="NO")
    assert (clear.code, clear.unsure) == ("en", False)
    assert decide_language("Hvornår kommer min pakke?", country="NO").code == "da"


# Short messages in languages Svar does not serve, each through every path that picks the reply language.
SHORT_FOREIGN = [
    "wo ist meine Bestellung?",
    "tilaus on myöhässä",
    "Kiedy przyjdzie paczka?",
    "Hvenær kemur pakkinn minn?",
]


@pytest.mark.parametrize("text", SHORT_FOREIGN)
@pytest.mark.parametrize(
    ("earlier", "profile", "default", "country", "code", "why"),
    [
        ("", "sv", "nb", "NO", "sv", "profile"),
        ("Hei, eg har ikkje fått pakken min enno. Kva skal eg gjere no?", None, "nb", "NO", "nn", "earlier"),
        ("", None, "da", "NO", "da", "workspace default"),
        ("", None, None, "SE", "sv", "country"),
        ("", None, None, None, "en", "fallback"),
    ],
)
def test_an_unsupported_language_is_answered_wholly_in_one_supported_language(
    text: str,
    earlier: str,
    profile: str | None,
    default: str | None,
    country: str | None,
    code: str,
    why: str,
) -> None:
    d = decide_language(text, earlier, profile, default, country=country)
    assert (d.supported, d.code) == (False, code)
    assert why in d.reason and d.detected not in {"nb", "nn", "sv", "da", "en"}
    flagged = flag_unsupported([Suggestion(text="Hei!", language=d.code, channel="chat")], d)
    assert [f.guard for f in flagged[0].guard_findings] == ["language"]
    assert {s.language for s in flagged} == {code}


def test_earlier_messages_that_are_themselves_a_near_tie_do_not_flip_the_message() -> None:
    # "dere" is bokmål; the earlier message leans nynorsk only by Lingua's guess on six words
    d = decide_language("Hei igjen, har dere sett på saken?", "Hei, ordrenummeret mitt er 48213977.")
    assert d.code == "nb"
    # a clear earlier message still decides a near tie
    clear = "Hei, eg har ikkje fått pakken min enno. Kva skal eg gjere no?"
    assert decide_language("ok, takk", clear).code == "nn"


def test_a_one_or_two_word_norwegian_message_nothing_else_decides_is_bokmaal() -> None:
    # "Hei igjen?" is written alike in bokmål and nynorsk; with no earlier messages, profile or workspace
    # language the guess is the written standard of most Norwegians, and it says it is unsure
    decision = decide_language("Hei igjen?")
    assert decision.code == "nb" and decision.unsure
    # a clear nynorsk message is not touched by that guess
    assert decide_language("Kor er pakka?").code == "nn"
