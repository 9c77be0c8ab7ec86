"""Svar's HTTP API: agents' suggestions, the widget, OpenAI-compatible clients. Build it with
:func:`create_app`."""

from api.app import create_app
from api.config import ApiLimits

__all__ = ["ApiLimits", "create_app"]
