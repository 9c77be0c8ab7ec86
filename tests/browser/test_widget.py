"""The self-service widget in real headless Chromium, on the demo shop page: a customer asks, the answer
streams in with a linked source, the customer rates it and asks for a person, and the handoff is an open
widget conversation with the transcript. Also: hostile text is shown as text and never runs, the page's
Content-Security-Policy holds, the widget works by keyboard and at phone widths, and speaks the page's
language.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from knowledge.db.api_models import Feedback
from knowledge.db.history_models import Conversation, Customer, Message
from tests.browser.conftest import LiveApp, screenshot

QUESTION = "Hvor lang er angreretten?"
HELP_HOST = "https://hjelp.nordlys.example/"
WIDGET = "#svar-widget"

# Records, inside the widget's shadow root, whether streamed text was shown before the final answer.
WATCH_STREAM = """() => {
  const root = document.querySelector('#svar-widget').shadowRoot;
  window.__svarOrder = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const streamed = target && target.classList.contains('streamed');
      if (n.nodeType === 3 && streamed) window.__svarOrder.push('delta');
      if (n.nodeType === 1 && n.classList.contains('answer')) window.__svarOrder.push('answer');
    }
  }).observe(root, {childList: true, subtree: true});
}"""


def _open_shop(page: Any, live_app: LiveApp, query: str = "") -> Any:
    response = page.goto(f"{live_app.url}/demo/shop{query}")
    assert response is not None and response.status == 200
    page.wait_for_selector(f"{WIDGET} .launcher")
    return response


def _runtime(live_app: LiveApp) -> Any:
    return live_app.app.state.runtime


def test_a_customer_asks_rates_and_is_handed_to_a_person(live_app: LiveApp, page: Any) -> None:
    response = _open_shop(page, live_app)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp

    page.get_by_role("button", name="Åpne kundeservice-chatten").click()
    dialog = page.get_by_role("dialog", name="Kundeservice-chat")
    assert dialog.is_visible()
    page.evaluate(WATCH_STREAM)
    box = page.get_by_label("Spørsmålet ditt")
    box.fill(QUESTION)
    with page.expect_response("**/v1/widget/messages/stream") as streamed:
        box.press("Enter")
    assert streamed.value.headers["content-type"].startswith("text/event-stream")
    answer = page.locator(f"{WIDGET} .msg-bot .answer").last
    answer.wait_for()
    assert "30 dager" in answer.inner_text()
    order = page.evaluate("window.__svarOrder")
    assert order and order[0] == "delta" and "answer" in order, order

    source = page.locator(f"{WIDGET} .sources a").first
    assert source.get_attribute("href").startswith(HELP_HOST)
    assert source.get_attribute("rel") == "noopener noreferrer nofollow"
    live = page.locator(f"{WIDGET} [aria-live=polite]")
    assert "30 dager" in live.inner_text()

    page.get_by_role("button", name="Nyttig svar", exact=True).last.click()
    page.get_by_text("Takk for tilbakemeldingen!").wait_for()
    screenshot(page, "widget.png")

    page.get_by_role("button", name="Snakk med en person").click()
    notice = page.locator(f"{WIDGET} .notice-handoff")
    notice.wait_for()
    assert "5 minutter" in notice.inner_text()
    assert page.svar_errors == [] and page.svar_blocked == []

    with _runtime(live_app).sessions() as s:
        rated = s.scalars(select(Feedback).where(Feedback.action == "rated")).all()
        assert [f.rating for f in rated][-1] == 5
        conv = s.scalars(
            select(Conversation)
            .where(Conversation.channel == "widget", Conversation.status == "open")
            .order_by(Conversation.id.desc())
        ).first()
        assert conv is not None and conv.sla_due_at is not None
        texts = [m.text for m in s.scalars(select(Message).where(Message.conversation_id == conv.id))]
    assert texts[0] == QUESTION and "30 dager" in texts[1], "the transcript reached the agents"
    assert QUESTION in texts[-1], "the summary note names what the customer asked"

    # an agent answers in the desk (the desk appends the agent's message to the conversation)
    from assistant.knowledge_ops import append_events

    with _runtime(live_app).sessions() as s:
        customer = s.get(Customer, conv.customer_id)
        assert customer is not None
        who, conv_id = customer.external_id, conv.external_id
    words = "Hei, dette er Maria i kundeservice. Returskjemaet finner du på **Min side**."
    append_events(
        _runtime(live_app),
        "demo",
        [
            {
                "customer": {"id": who},
                "conversation": {"id": conv_id, "channel": "widget"},
                "message": {
                    "id": f"{conv_id}-agent-1",
                    "role": "agent",
                    "text": words,
                    "at": "2026-11-30T10:00:00Z",
                },
            }
        ],
    )
    agent = page.locator(f"{WIDGET} .msg-agent .bubble")
    agent.wait_for()
    assert "Maria i kundeservice" in agent.inner_text() and agent.locator("strong").inner_text() == "Min side"
    assert page.svar_errors == []


def test_when_the_bot_cannot_answer_it_says_so_and_hands_over(live_app: LiveApp, page: Any) -> None:
    _open_shop(page, live_app, "?lang=en")
    page.get_by_role("button", name="Open customer service chat").click()
    box = page.get_by_label("Your question")
    box.fill("Do you sell bicycles?")
    box.press("Enter")
    notice = page.locator(f"{WIDGET} .notice-handoff")
    notice.wait_for()
    assert page.get_by_text("I can't answer this reliably").is_visible()
    assert "within about 5 minutes" in notice.inner_text()
    with _runtime(live_app).sessions() as s:
        conv = s.scalars(
            select(Conversation).where(Conversation.channel == "widget").order_by(Conversation.id.desc())
        ).first()
        assert conv is not None and conv.status == "open" and conv.sla_due_at is not None
        texts = [m.text for m in s.scalars(select(Message).where(Message.conversation_id == conv.id))]
    assert "bicycles" in texts[0] and "could not answer" in texts[-1]


HOSTILE = (
    'Check this: <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> '
    "**bold** *it* [phish](https://evil.example/login) [js](javascript:window.__xss=3) "
    "[ok](https://hjelp.nordlys.example/nb/angrerett-og-retur)\n\n- one\n- <b>two</b>"
)


def _sse(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def test_hostile_answer_text_is_shown_as_text_and_never_runs(live_app: LiveApp, page: Any) -> None:
    answer = {
        "id": "sug_x",
        "text": HOSTILE,
        "language": "nb",
        "abstain": False,
        "handoff_suggested": False,
        "citations": [
            {"id": "a", "title": "<img src=x onerror=window.__xss=4>", "url": "https://evil.example/a"},
            {"id": "b", "title": "Angrerett <i>og</i> retur", "url": HELP_HOST + "nb/angrerett-og-retur"},
        ],
    }
    body = _sse(
        [
            ("start", {}),
            ("delta", {"text": HOSTILE[:60]}),
            ("delta", {"text": HOSTILE[60:]}),
            ("answer", answer),
            ("done", {}),
        ]
    )
    page.route(
        "**/v1/widget/messages/stream",
        lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body),
    )
    _open_shop(page, live_app)
    page.get_by_role("button", name="Åpne kundeservice-chatten").click()
    box = page.get_by_label("Spørsmålet ditt")
    box.fill("hei")
    box.press("Enter")
    shown = page.locator(f"{WIDGET} .msg-bot .answer").last
    shown.wait_for()
    text = shown.inner_text()
    assert '<img src=x onerror="window.__xss=1">' in text and "<script>window.__xss=2</script>" in text
    assert "<b>two</b>" in text
    assert page.evaluate("window.__xss") is None
    bubble = page.locator(f"{WIDGET} .msg-bot").last
    assert bubble.locator("img, script, b, i, iframe").count() == 0
    assert bubble.locator("strong").inner_text() == "bold" and bubble.locator("em").inner_text() == "it"
    assert bubble.locator(".answer li").count() == 2
    hrefs = [a.get_attribute("href") for a in bubble.locator("a").all()]
    assert hrefs == [HELP_HOST + "nb/angrerett-og-retur"] * 2, "only allowed links: the text's and a source"
    assert "phish" in text and "js" in text, "a link that is not allowed keeps its label as plain text"
    assert page.svar_errors == []


def test_a_hostile_knowledge_passage_reaches_the_customer_as_text(live_app: LiveApp, page: Any) -> None:
    from assistant.keys import create_key

    rt = _runtime(live_app)
    article = live_app.home / "xss-kb" / "gavekort.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(
        "---\nid: gavekort\ntitle: Gavekort\nlanguage: nb\nurl: https://hjelp.nordlys.example/nb/gavekort\n---\n"
        '# Gavekort\n\nEt gavekort gjelder i tre år fra kjøpsdato. <img src=x onerror="window.__xss=1"> '
        "<script>window.__xss=2</script> Gavekortet kan brukes i alle butikker og på nett.\n",
        encoding="utf-8",
    )
    rt.indexer.ingest(article.parent, "xss")
    key = create_key(rt.sessions, "xss", "widget", "xss test").key
    shop = f"{live_app.url}/xss-shop"
    page.route(
        shop,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'"},
            body=f'<!doctype html><html lang="nb"><body><h1>Test</h1>'
            f'<script src="/widget.js" data-key="{key}" async></script></body></html>',
        ),
    )
    page.goto(shop)
    page.get_by_role("button", name="Åpne kundeservice-chatten").click()
    box = page.get_by_label("Spørsmålet ditt")
    box.fill("Hvor lenge gjelder et gavekort?")
    box.press("Enter")
    shown = page.locator(f"{WIDGET} .msg-bot .answer").last
    shown.wait_for()
    assert page.evaluate("window.__xss") is None
    assert page.locator(f"{WIDGET} .msg-bot").last.locator("img, script").count() == 0
    assert page.svar_errors == []


def test_the_widget_works_by_keyboard_and_screen_reader_labels(live_app: LiveApp, page: Any) -> None:
    _open_shop(page, live_app, "?lang=sv")
    launcher = page.get_by_role("button", name="Öppna kundtjänstchatten")
    launcher.focus()
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    focused = "() => document.querySelector('#svar-widget').shadowRoot.activeElement?.className || ''"
    inside = (
        "() => document.querySelector('#svar-widget').shadowRoot.querySelector('.panel')"
        ".contains(document.querySelector('#svar-widget').shadowRoot.activeElement)"
    )
    assert page.evaluate(focused) == "input"
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate(inside), "Tab stays in the open panel"
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside), "Shift+Tab stays in the open panel"
    for name in ("Stäng chatten", "Prata med en person", "Skicka"):
        assert page.get_by_role("button", name=name).is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate(focused).startswith("launcher"), "focus returns to the chat button"


@pytest.mark.parametrize("width", [360, 390])
def test_the_widget_fits_a_phone(live_app: LiveApp, page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    _open_shop(page, live_app)
    page.get_by_role("button", name="Åpne kundeservice-chatten").click()
    box = page.get_by_label("Spørsmålet ditt")
    box.fill(QUESTION)
    box.press("Enter")
    page.locator(f"{WIDGET} .sources a").first.wait_for()
    panel = page.locator(f"{WIDGET} .panel").bounding_box()
    assert panel is not None and panel["x"] == 0 and panel["width"] == width
    overflow = page.evaluate(
        "() => { const l = document.querySelector('#svar-widget').shadowRoot.querySelector('.log');"
        " return l.scrollWidth - l.clientWidth; }"
    )
    assert overflow <= 0, "nothing in the conversation scrolls sideways"
    assert page.get_by_role("button", name="Lukk chatten").is_visible()
    if width == 390:
        screenshot(page, "widget-mobile.png")


def test_a_signed_identity_makes_the_handoff_speak_for_that_customer(live_app: LiveApp, page: Any) -> None:
    import time

    import jwt

    from assistant.keys import create_key
    from assistant.tenancy import rotate_widget_secret
    from knowledge.db.history_models import Customer
    from knowledge.workspaces import get_workspace

    rt = _runtime(live_app)
    key = create_key(rt.sessions, "signed", "widget", "signed identity test").key
    with rt.sessions.begin() as s:
        ws = get_workspace(s, "signed")
        assert ws is not None
        secret = rotate_widget_secret(s, ws.id)
    identity = jwt.encode({"sub": "cus_signed_7", "exp": int(time.time()) + 600}, secret, algorithm="HS256")
    shop = f"{live_app.url}/signed-shop"
    page.route(
        shop,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'"},
            body=f'<!doctype html><html lang="da"><body><h1>Test</h1><script src="/widget.js" '
            f'data-key="{key}" data-identity="{identity}" async></script></body></html>',
        ),
    )
    with page.expect_response("**/v1/widget/sessions") as started:
        page.goto(shop)
        page.get_by_role("button", name="Åbn kundeservice-chatten").click()
    assert started.value.json()["verified"] is True
    assert secret not in page.content(), "the page holds the signed identity, never the secret"
    page.get_by_role("button", name="Tal med en person").click()
    page.locator(f"{WIDGET} .notice-handoff").wait_for()
    with rt.sessions() as s:
        conv = s.scalars(
            select(Conversation).where(Conversation.workspace_id == ws.id).order_by(Conversation.id.desc())
        ).first()
        assert conv is not None and conv.channel == "widget" and conv.status == "open"
        customer = s.get(Customer, conv.customer_id)
        assert customer is not None and customer.external_id == "cus_signed_7"


def test_outside_the_opening_hours_the_handoff_says_when_a_person_answers(
    live_app: LiveApp, page: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from assistant.opening_hours import DAYS
    from assistant.tenancy import update_tenant_settings
    from knowledge.workspaces import get_workspace

    later = DAYS[(datetime.now(UTC) + timedelta(days=2)).weekday()]  # open only the day after tomorrow
    rt = _runtime(live_app)
    with rt.sessions.begin() as s:
        ws = get_workspace(s, "demo", create=False)
        assert ws is not None
        update_tenant_settings(s, ws.id, opening_hours={"timezone": "UTC", later: "09:00-17:00"})
    try:
        _open_shop(page, live_app, "?lang=en")
        page.get_by_role("button", name="Open customer service chat").click()
        page.get_by_role("button", name="Talk to a person").click()
        notice = page.locator(f"{WIDGET} .notice-handoff")
        notice.wait_for()
        text = notice.inner_text()
        assert "closed right now" in text and "within about" not in text
        weekday = (datetime.now(UTC) + timedelta(days=2)).strftime("%A")
        assert weekday in text, "it names the day a person answers"
    finally:
        with rt.sessions.begin() as s:
            ws = get_workspace(s, "demo", create=False)
            assert ws is not None
            update_tenant_settings(s, ws.id, clear_opening_hours=True)
