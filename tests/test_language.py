import pytest

from knowledge.language import detect_language, normalize_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hei, jeg har ikke fått pakken min ennå. Hva skal jeg gjøre?", "nb"),
        ("Hei, eg har ikkje fått pakken min enno. Kva skal eg gjere?", "nn"),
        ("Hej, jag har inte fått mitt paket än. Vad ska jag göra?", "sv"),
        ("Hej, jeg har ikke modtaget min pakke endnu. Hvad skal jeg gøre?", "da"),
        ("Hi, I still have not received my parcel. What should I do?", "en"),
    ],
)
def test_detects_the_five_languages(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_no_words_gives_default() -> None:
    assert detect_language("12345 !!", default="nb") == "nb"


def test_normalize_language_aliases() -> None:
    assert normalize_language("no") == "nb"
    assert normalize_language("sv-SE") == "sv"
    assert normalize_language("NNO") == "nn"
    assert normalize_language(None) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hvor lang tid tar leveringen, og hva koster det?", "nb"),
        ("Hvor lang tid tager leveringen, og hvad koster det?", "da"),
        ("Kor lang tid tek det å få pengane tilbake?", "nn"),
    ],
)
def test_short_norwegian_and_danish_are_told_apart(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "Can you call me tomorrow?",
        "Tell me more about it, please.",
        "That is perfect for me.",
        "Please send me the invoice again",
        "Is there someone who can help me get my former job?",
    ],
)
def test_english_with_me_is_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kan me kome litt seinare?", "nn"),
        ("eg får ikkje logga inn", "nn"),
        ("har ikke fått noe svar", "nb"),
        ("hva skjer nå?", "nb"),
        ("jeg har stadig ikke fået pakken", "da"),
        ("hvad sker der nu?", "da"),
        ("jag har inte fått något svar", "sv"),
        ("vad händer nu?", "sv"),
    ],
)
def test_short_nordic_messages(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_markers_are_data_per_language_and_shared_words_split() -> None:
    from knowledge.language import SUPPORTED, markers

    table = markers()
    for code in SUPPORTED:
        assert any(code in owners for owners in table.values()), code
    assert table["me"] == {"nn": 0.5, "en": 0.5}  # English and nynorsk: evidence for neither over the other
    assert table["hvor"] == {"nb": 0.5, "da": 0.5}  # not nynorsk ("kor"), not Swedish ("var")
    assert table["hva"] == {"nb": 1.0}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hei, tilaukseni ei ole vieläkään saapunut. Voitteko tarkistaa missä se on?", "fi"),
        ("Milloin saan rahani takaisin?", "fi"),
        ("Hallo, meine Bestellung ist immer noch nicht angekommen. Können Sie bitte nachsehen?", "de"),
        ("Können Sie mich morgen anrufen?", "de"),
    ],
)
def test_unsupported_languages_are_recognised(text: str, code: str) -> None:
    from knowledge.language import unsupported_language

    found = unsupported_language(text)
    assert found is not None and found.code == code and found.confidence >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Hvor ble Bach født?",  # the broad detector alone says German
        "Hvem er Guillaume Poupard?",
        "I am in Vancouver, BC.",
        "Vad är LVU?",
        "kiitos",  # one word is never enough
        "Hva er en galakse?",
    ],
)
def test_our_languages_are_not_called_unsupported(text: str) -> None:
    from knowledge.language import unsupported_language

    assert unsupported_language(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hvem fik pakken?", "da"),  # "fik": bokmål writes "fikk"
        ("Hvor mange gange har I ringet?", "da"),  # "gange": bokmål "ganger"
        ("Hvem vant kampen i går?", "nb"),
        ("Kor mange gonger har de ringt?", "nn"),
    ],
)
def test_bokmal_and_danish_spellings_decide_short_questions(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_spelling_patterns_and_question_openers_are_evidence() -> None:
    from knowledge.language import marker_evidence

    # "-sjon" is Norwegian, "-tion" Danish, Swedish or English: no marker list names either word
    assert set(marker_evidence("stasjonen")) == {"nb", "nn"}
    assert set(marker_evidence("stationen")) == {"da", "sv"}
    # a question opening with "Når" is Norwegian (Danish asks "Hvornår"); elsewhere "når" is shared
    assert set(marker_evidence("Når kommer den?")) == {"nb", "nn"}
    assert "da" in marker_evidence("den kommer når den kommer")
    assert marker_evidence("e-post") == {"nb": 0.5, "nn": 0.5}  # a hyphened word is one word


def test_written_short_messages_of_the_close_languages() -> None:
    from evals.bench_language import _score_written

    scores = _score_written()
    assert {"written-da", "written-nb", "written-nn"} <= scores.keys()
    for name, result in scores.items():
        assert result["cases"] >= 20 and result["decided_correct"] >= 0.95, (name, result["misses"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hej, var ar min order", "sv"),  # "ar" is "är" typed without the letter
        ("hvornaar kommer varerne", "da"),  # "aa" for "å"
    ],
)
def test_marker_words_typed_without_nordic_letters_count(text: str, code: str) -> None:
    from knowledge.language import detect_language, folded_markers, markers

    assert detect_language(text) == code
    folded = folded_markers()
    assert "ar" in folded and folded["ar"] == {"sv": 1.0}
    # a folded form that is itself a marker word keeps its own owners
    assert not set(folded) & set(markers())


def test_double_definiteness_counts_against_danish() -> None:
    from knowledge.language import marker_evidence

    with_double = marker_evidence("Hvem har den kulturelle kapitalen?")
    danish = marker_evidence("Hvem har den kulturelle kapital?")
    assert with_double["nb"] > danish["nb"] and with_double.get("sv", 0.0) > 0
    assert with_double["da"] == danish["da"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kundennummer vergessen, bitte helfen", "de"),  # under 0.8 against ours, but far ahead
        ("ég get ekki skráð mig inn", "is"),  # "mig", "inn" are ours too; "ð" is not
        ("zamówienie jest opóźnione", "pl"),
        ("lasku on väärin", "fi"),  # the broad detector gives Finnish under 0.5 on three words
    ],
)
def test_short_unsupported_messages_are_recognised(text: str, code: str) -> None:
    from knowledge.language import unsupported_language

    found = unsupported_language(text)
    assert found is not None and found.code == code


def test_country_language_is_a_prior_for_nordic_and_english_countries_only() -> None:
    from knowledge.language import country_language

    assert [country_language(c) for c in ("NO", "se", " DK ", "GB", "FI", "IS", None)] == [
        "nb",
        "sv",
        "da",
        "en",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hvor er pakken min?", "nb"),  # a possessive after its noun: Danish says "min pakke"
        ("glömt mitt lösenord", "sv"),  # "ö" is Swedish only; "mitt" is Swedish too
    ],
)
def test_possessive_after_the_noun_and_swedish_letters_are_evidence(text: str, code: str) -> None:
    from knowledge.language import detect_language, marker_evidence

    assert detect_language(text) == code
    assert "da" not in marker_evidence("pakken min") and marker_evidence("lösenord") == {"sv": 1.0}


def test_a_finnish_word_with_a_swedish_letter_does_not_make_the_message_ours() -> None:
    from knowledge.language import unsupported_language

    found = unsupported_language("missä on pakettini?")
    assert found is not None and found.code == "fi"
