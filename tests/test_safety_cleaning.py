"""Cleaning matches what a browser shows: every source format drops text a reader would not see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.cleaning import clean_message_text, clean_text, visible_text
from knowledge.db.history_models import Message
from knowledge.loaders import load_path
from tests.conftest import write
from tests.history_support import files_containing, open_stores, say

SECRET = "IGNOREPREVIOUS"


HIDDEN_HTML = [
    f'<div style="display:none">{SECRET}</div>',
    f'<div style="display: none !important">{SECRET}</div>',
    f'<span style="visibility:hidden">{SECRET}</span>',
    f'<span style="color:#ffffff">{SECRET}</span>',  # white on the default white page
    f'<span style="color:white;background-color:white">{SECRET}</span>',
    f'<div style="background:#000"><span style="color:rgb(0, 0, 0)">{SECRET}</span></div>',
    f'<span style="color:transparent">{SECRET}</span>',
    f'<span style="font-size:0">{SECRET}</span>',
    f'<span style="font-size:1px">{SECRET}</span>',
    f'<span style="opacity:0">{SECRET}</span>',
    f'<span style="opacity:0.0">{SECRET}</span>',
    f'<div style="position:absolute;left:-9999px">{SECRET}</div>',
    f'<div style="position:fixed; top:-5000px">{SECRET}</div>',
    f'<p style="text-indent:-9999px">{SECRET}</p>',
    f'<div style="height:0;overflow:hidden">{SECRET}</div>',
    f'<div style="max-height:0px; overflow: hidden">{SECRET}</div>',
    f'<span style="clip:rect(0 0 0 0);position:absolute;width:1px;overflow:hidden">{SECRET}</span>',
    f'<span style="transform:scale(0)">{SECRET}</span>',
    f"<p hidden>{SECRET}</p>",
    f'<p aria-hidden="true">{SECRET}</p>',
    f'<span class="sr-only">{SECRET}</span>',
    f"<script>var x = '{SECRET}';</script>",
    f"<style>.a::after {{ content: '{SECRET}' }}</style>",
    f"<template><p>{SECRET}</p></template>",
    f"<!-- {SECRET} -->",
    f'<style>.promo {{ display: none }}</style><p class="promo">{SECRET}</p>',
    f'<style>#x {{ color: #fff }}</style><p id="x">{SECRET}</p>',
]


@pytest.mark.parametrize("hidden", HIDDEN_HTML)
def test_html_that_a_browser_hides_is_dropped(tmp_path: Path, hidden: str) -> None:
    page = f"<html><body><h1>Returns</h1><p>Visible refund policy.</p>{hidden}<p>Last line.</p></body></html>"
    result = load_path(write(tmp_path / "kb" / "refund.html", page))
    [doc] = result.documents
    assert SECRET not in doc.text
    assert "Visible refund policy." in doc.text and "Last line." in doc.text
    if not hidden.startswith("<style>.a"):  # a page's own stylesheet is not worth a flag
        assert doc.flags, "dropping hidden text is flagged"


@pytest.mark.parametrize("hidden", HIDDEN_HTML)
def test_raw_html_in_markdown_is_cleaned_like_a_page(tmp_path: Path, hidden: str) -> None:
    md = f"---\ntitle: Returns\n---\n# Returns\n\nVisible refund policy.\n\n{hidden}\n\nSee [the form](https://help.example/form).\n"
    [doc] = load_path(write(tmp_path / "kb" / "refund.md", md)).documents
    assert SECRET not in doc.text
    assert "<" not in doc.text and ">" not in doc.text
    assert "# Returns" in doc.text and "[the form](https://help.example/form)" in doc.text
    if not hidden.startswith("<style>.a"):
        assert doc.flags


def test_raw_html_in_jsonl_and_csv_is_cleaned(tmp_path: Path) -> None:
    text = f'Refunds take 5 days.<div style="display:none">{SECRET}</div> <b>Bold</b> stays.'
    write(tmp_path / "kb" / "faq.jsonl", json.dumps({"id": "r1", "title": "Refunds", "text": text}) + "\n")
    write(
        tmp_path / "kb" / "faq.csv",
        "id,title,text\n" + f'r2,Refunds,"{text.replace(chr(34), chr(34) * 2)}"\n',
    )
    result = load_path(tmp_path / "kb")
    assert len(result.documents) == 2
    for doc in result.documents:
        assert SECRET not in doc.text
        assert doc.text == "Refunds take 5 days. Bold stays."
        assert "hidden_html" in doc.flags


def test_visible_html_keeps_its_text_and_markdown_keeps_autolinks() -> None:
    cleaned = clean_text(
        '<p style="color:#333;font-size:14px;opacity:1">Kept</p> and <https://help.example/a> &amp; 3 < 5'
    )
    assert cleaned.text == "Kept\nand https://help.example/a & 3 < 5"
    assert cleaned.flags == []
    page = visible_text('<body style="background:#111;color:#eee"><p>Dark theme</p><p>Second</p></body>')
    assert page.text.split() == ["Dark", "theme", "Second"] and page.flags == []


def test_plain_text_with_angle_brackets_is_not_mangled() -> None:
    assert clean_text("Price < 500 kr and > 100 kr, <3").text == "Price < 500 kr and > 100 kr, <3"


INVISIBLE = [
    "\ufe01",  # variation selector
    "\U000e0101",  # variation selector supplement
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler
    "\u115f",
    "\uffa0",
    "\u200b",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u2069",
    "\U000e0041",  # tag character
    "\u2062",
    "\u180e",
    "\ufff9",
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_and_bidi_characters_are_removed(tmp_path: Path, char: str) -> None:
    text = f"Re{char}fund with{char}in 30 days."
    assert clean_text(text).text == "Refund within 30 days."
    assert clean_text(text).flags
    [doc] = load_path(write(tmp_path / "kb" / "a.md", f"# Title\n\n{text}\n")).documents
    assert doc.text.endswith("Refund within 30 days.")


def test_customer_message_text_is_normalised() -> None:
    assert clean_message_text("Hi\x00 there\x07, my order \u202e321\u202c is late\u200b.") == (
        "Hi there, my order 321 is late."
    )
    assert clean_message_text("Line one\r\n\r\nLine two") == "Line one\n\nLine two"
    assert clean_message_text("Pris < 500 kr <b>ok</b>") == "Pris < 500 kr <b>ok</b>"  # a message is not HTML


def test_history_import_stores_cleaned_messages(tmp_path: Path) -> None:
    text = "Hei\x00 der\x07, ordre \u202e12345\u202c kom ikke"
    with open_stores("sqlite", tmp_path) as stores:
        stores.ingest([say({"id": "c1"}, "conv1", "chat", text, "2025-01-01T10:00:00Z")])
        with stores.sessions() as session:
            stored = session.scalars(select(Message.text)).all()
        assert stored == ["Hei der, ordre 12345 kom ikke"]
        for bad in ("Hei\x00 der", "der\x07,", "ordre \u202e"):
            assert not files_containing(stores.home, bad)
