"""The agent desk in headless Chromium against the served demo app: the most urgent conversation, a
suggestion inserted with the keyboard, edited and sent; a dismissal with its reason; a widget handoff in the
inbox with its transcript; a suggestion the repeat-ask guard changed, with the reason shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from assistant.drafting.fake import FakeDrafter
from assistant.service import build_assistant
from knowledge.db.api_models import Feedback
from knowledge.db.history_models import Conversation, Message
from tests.browser.conftest import LiveApp, screenshot

TIMEOUT_MS = 180_000  # bounds a wait on a machine busy with other work; no timing is asserted


def _agent(live: LiveApp) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.agent_key}"}


def _inbox(live: LiveApp) -> list[dict[str, Any]]:
    response = httpx.get(f"{live.url}/v1/desk/inbox", headers=_agent(live), timeout=120)
    response.raise_for_status()
    return response.json()["waiting"]  # type: ignore[no-any-return]


def _feedback(live: LiveApp, suggestion_id: str) -> list[Feedback]:
    with live.app.state.runtime.sessions() as session:
        return list(
            session.scalars(
                select(Feedback).where(Feedback.suggestion_id == suggestion_id).order_by(Feedback.id)
            )
        )


def _messages(live: LiveApp, conversation: str) -> list[Message]:
    with live.app.state.runtime.sessions() as session:
        return list(
            session.scalars(
                select(Message)
                .join(Conversation, Message.conversation_id == Conversation.id)
                .where(Conversation.external_id == conversation)
                .order_by(Message.at, Message.id)
            )
        )


@pytest.fixture
def desk(live_app: LiveApp, page: Any) -> Iterator[Any]:
    """The desk opened with the agent key in the URL fragment, as `svar demo` prints it."""
    page.set_default_timeout(TIMEOUT_MS)
    response = page.goto(f"{live_app.url}/desk#key={live_app.agent_key}")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    page.wait_for_selector(".inbox-item")
    assert "key=" not in page.url  # the key leaves the address bar (kept in sessionStorage)
    yield page
    assert page.svar_blocked == []  # nothing loaded from outside the app
    assert page.svar_errors == []  # no script error, no CSP violation


def _wait_suggestions(page: Any) -> list[str]:
    page.wait_for_selector(".suggestion[data-suggestion]")
    return [node.get_attribute("data-suggestion") for node in page.query_selector_all(".suggestion")]


def test_the_agent_answers_the_most_urgent_conversation_by_keyboard(live_app: LiveApp, desk: Any) -> None:
    page = desk
    urgent = _inbox(live_app)[0]
    first = page.locator(".inbox-item").first
    assert first.get_attribute("data-conversation") == urgent["conversation"]
    assert first.get_attribute("aria-current") == "true"  # opened at once
    page.wait_for_function(
        "name => document.getElementById('conv-title').textContent === name", arg=urgent["customer_name"]
    )
    suggestion_id = _wait_suggestions(page)[0]
    suggestion_text = page.locator(".suggestion .sug-text").first.inner_text()

    page.locator("body").focus()
    page.keyboard.press("1")  # insert suggestion 1
    composer = page.locator("#composer")
    assert composer.input_value() == suggestion_text
    assert page.evaluate("document.activeElement.id") == "composer"
    page.keyboard.press("End")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Have a nice day!")
    final = composer.input_value()
    assert final.endswith("Have a nice day!") and final != suggestion_text
    page.wait_for_function("() => document.getElementById('status').textContent === ''")  # the toast is gone
    screenshot(page, "desk.png")

    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f'.inbox-item[data-conversation="{urgent["conversation"]}"]', state="detached")
    page.wait_for_selector(".msg.agent >> text=Have a nice day!")

    sent = [m for m in _messages(live_app, urgent["conversation"]) if m.role == "agent"]
    assert [m.text for m in sent] == [final]
    actions = {f.action: f for f in _feedback(live_app, suggestion_id)}
    assert set(actions) == {"shown", "inserted", "edited", "sent"}
    assert actions["edited"].final_text == final and actions["sent"].final_text == final
    assert urgent["conversation"] not in {w["conversation"] for w in _inbox(live_app)}


def test_next_conversation_by_keyboard_and_a_dismissal_with_its_reason(live_app: LiveApp, desk: Any) -> None:
    page = desk
    items = page.locator(".inbox-item")
    assert items.count() >= 2
    _wait_suggestions(page)
    page.locator("body").focus()
    page.keyboard.press("j")
    second = items.nth(1)
    assert second.get_attribute("aria-current") == "true"
    page.keyboard.press("k")
    assert items.nth(0).get_attribute("aria-current") == "true"
    page.keyboard.press("ArrowDown")
    assert second.get_attribute("aria-current") == "true"
    page.wait_for_function(
        "c => document.querySelector('.inbox-item[aria-current=\"true\"]').dataset.conversation === c",
        arg=second.get_attribute("data-conversation"),
    )
    suggestion_id = _wait_suggestions(page)[0]

    card = page.locator(f'.suggestion[data-suggestion="{suggestion_id}"]')
    card.get_by_role("button", name="Dismiss").click()
    card.get_by_label("Why dismiss it?").select_option("does not answer the question")
    card.get_by_label("Note").fill("the customer asks about the delivery date")
    card.get_by_role("button", name="Dismiss suggestion").click()
    card.locator(".dismissed-note").wait_for()

    dismissed = [f for f in _feedback(live_app, suggestion_id) if f.action == "dismissed"]
    assert [f.reason for f in dismissed] == [
        "does not answer the question: the customer asks about the delivery date"
    ]


def test_a_widget_handoff_shows_in_the_desk_with_its_transcript(live_app: LiveApp, desk: Any) -> None:
    page = desk
    with httpx.Client(base_url=live_app.url, timeout=120) as client:
        started = client.post(
            "/v1/widget/sessions", json={}, headers={"Authorization": f"Bearer {live_app.widget_key}"}
        )
        assert started.status_code == 201, started.text
        session = {"Authorization": f"Bearer {started.json()['token']}"}
        question = {"text": "Hvor lang er angreretten?"}
        asked = client.post("/v1/widget/messages", json=question, headers=session)
        assert asked.status_code == 200, asked.text
        answer = asked.json()["text"]
        handed = client.post(
            "/v1/widget/handoff",
            json={"reason": "Jeg vil snakke med et menneske", "name": "Ola Nordmann"},
            headers=session,
        )
        assert handed.status_code in (200, 201), handed.text
        handoff = handed.json()

    page.reload()  # the inbox also refreshes by itself; a reload does not wait for it
    item = page.locator(f'.inbox-item[data-conversation="{handoff["conversation_id"]}"]')
    item.wait_for()
    assert "handoff" in item.inner_text()
    item.click()
    page.locator("#handoff").wait_for()
    assert page.locator("#handoff-summary").inner_text() == handoff["summary"]
    timeline = page.locator("#timeline")
    timeline.locator(".msg.customer >> text=Hvor lang er angreretten?").wait_for()
    assert answer.split("\n")[0][:40] in timeline.inner_text()
    assert "Jeg vil snakke med et menneske" in page.locator("#handoff-summary").inner_text()


def test_a_question_for_something_known_shows_why_it_was_changed(live_app: LiveApp, desk: Any) -> None:
    page = desk
    app = live_app.app
    conversation = f"desk-test-{datetime.now(UTC).strftime('%H%M%S%f')}"
    event = {
        "customer": {"id": "cus_nb_01"},
        "conversation": {"id": conversation, "channel": "chat"},
        "message": {
            "role": "customer",
            "text": "Hei, ruteren min virker fortsatt ikke.",
            "at": datetime.now(UTC).isoformat(),
        },
    }
    added = httpx.post(
        f"{live_app.url}/v1/customers/events", json={"events": [event]}, headers=_agent(live_app), timeout=120
    )
    assert added.status_code == 200, added.text
    asks_again = FakeDrafter.from_texts(
        "Hei Kari! Beklager at ruteren fortsatt ikke virker. Hva er ordrenummeret ditt?"
    )
    original = app.state.assistant
    app.state.assistant = build_assistant(app.state.runtime, drafter=asks_again)
    try:
        page.reload()
        item = page.locator(f'.inbox-item[data-conversation="{conversation}"]')
        item.click()
        page.wait_for_function(
            "c => document.querySelector('.inbox-item[aria-current=\"true\"]').dataset.conversation === c",
            arg=conversation,
        )
        change = page.locator(".suggestion .sug-change").first
        change.wait_for()
    finally:
        app.state.assistant = original
    assert change.inner_text().startswith("Changed: ")
    assert "Asks again for order_number, already given: " in change.inner_text()  # what, and from where
    assert "ordrenummer" not in page.locator(".suggestion .sug-text").first.inner_text()


def test_without_a_key_the_desk_asks_for_one(live_app: LiveApp, page: Any) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_app.url}/desk")
    page.evaluate("sessionStorage.clear()")
    page.reload()
    form = page.locator("#key-form")
    form.wait_for()
    assert page.locator("#desk").is_hidden()
    page.get_by_label("Agent key").fill(live_app.widget_key)  # a widget key may not use the desk
    page.get_by_role("button", name="Open the desk").click()
    page.wait_for_function("() => document.getElementById('key-error').textContent.length > 0")
    page.get_by_label("Agent key").fill(live_app.agent_key)
    page.get_by_role("button", name="Open the desk").click()
    page.wait_for_selector(".inbox-item")
    assert live_app.agent_key not in page.content()
