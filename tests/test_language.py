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
