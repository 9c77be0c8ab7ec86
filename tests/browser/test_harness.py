"""The browser harness itself: Chromium reaches the served app, and nothing outside loopback."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import LiveApp


def test_the_browser_reaches_the_served_app_and_nothing_else(live_app: LiveApp, page: Any) -> None:
    response = page.goto(f"{live_app.url}/healthz")
    assert response is not None and response.status == 200
    assert json.loads(page.inner_text("body")) == {"status": "ok"}
    assert live_app.app.state.demo == {"agent_key": live_app.agent_key, "widget_key": live_app.widget_key}
    page.evaluate("() => fetch('http://192.0.2.1/x').catch(() => null)")
    assert page.svar_blocked == ["http://192.0.2.1/x"]
