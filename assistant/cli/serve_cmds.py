"""`svar serve`: the HTTP API (agents, the widget, OpenAI-compatible clients) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli._common import err, esc, handle_errors, settings_for


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8080,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve the API (one process: the embedded Chroma store may be held by one process only)."""
    import uvicorn

    from api import create_app

    settings = settings_for()
    err().print(
        f"Svar API on http://{host}:{port}  (docs: http://{host}:{port}/docs, data: {esc(settings.home)})"
    )
    # The first requests would load the knowledge, intent data, lexicons and detectors: loaded at start.
    uvicorn.run(create_app(settings, warm_up=True), host=host, port=port, log_level=log_level, workers=1)
