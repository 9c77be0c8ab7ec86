"""The widget's static files (its script, style sheet and texts) and the demo shop page that embeds it.

The files live in ``api/web/widget/`` (shipped in the wheel). Every page we serve carries a strict
Content-Security-Policy (``default-src 'self'``: no inline script or style, nothing from elsewhere). The
script is embedded by other sites, so it, its style sheet and its texts may be loaded from any origin; they
hold nothing secret. The shop page shows the public widget key that ``svar demo`` puts in
``app.state.demo``, and does not exist without it.
"""

from __future__ import annotations

import html
from importlib.resources import files
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.errors import ApiError

router = APIRouter(tags=["widget"], include_in_schema=False)

#: The policy of the pages we serve: our own origin only, no inline script or style, not framable.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
#: The embeddable assets: cached briefly, loadable from any site (they are public by design).
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
SHOP_LANGUAGES = ("nb", "nn", "sv", "da", "en")


def _asset(name: str) -> str:
    return str(files("api").joinpath("web", "widget", name))


def _file(name: str, media_type: str) -> Response:
    return FileResponse(_asset(name), media_type=media_type, headers=ASSET_HEADERS)


@router.get("/widget.js")
def widget_script() -> Response:
    """The widget's script, embedded by one `<script>` tag."""
    return _file("widget.js", "text/javascript; charset=utf-8")


@router.get("/widget.css")
def widget_style() -> Response:
    """The widget's style sheet (loaded into its shadow root)."""
    return _file("widget.css", "text/css; charset=utf-8")


@router.get("/widget/texts.json")
def widget_texts() -> Response:
    """The widget's texts in nb, nn, sv, da and en."""
    return _file("texts.json", "application/json")


@router.get("/demo/shop.css")
def shop_style() -> Response:
    """The demo shop's style sheet."""
    return _file("shop.css", "text/css; charset=utf-8")


@router.get("/demo/shop", response_class=HTMLResponse)
def shop(request: Request, lang: str = "nb") -> HTMLResponse:
    """The demo shop page of the sample company, with the widget embedded (only under `svar demo`)."""
    demo = getattr(request.app.state, "demo", None)
    key = demo.get("widget_key") if isinstance(demo, dict) else None
    if not key:
        raise ApiError(404, "the demo shop runs under `svar demo` only", kind="not_found")
    if lang not in SHOP_LANGUAGES:
        raise ApiError(400, f"unknown language {lang!r}; use one of {', '.join(SHOP_LANGUAGES)}")
    with open(_asset("shop.html"), encoding="utf-8") as fh:
        page = Template(fh.read()).substitute(widget_key=html.escape(str(key)), lang=lang)
    return HTMLResponse(page, headers=PAGE_HEADERS)
