"""Errors raised by Svar.

SvarError
├── UserError              a mistake the user can fix: bad input, bad configuration
│   ├── InputError         a file, line or argument that cannot be used (says where and why)
│   │   └── LimitError     an input over a configured size limit (says which setting; HTTP 413)
│   ├── ConfigError        a setting is missing or wrong (says which one to set)
│   └── EmbedderMismatchError  a collection was built with another embedder (says to re-index)
├── ScopeError             a query without workspace/customer scope, or a hit outside it
└── BackendError           a backend (model endpoint, Chroma server, database) failed at run time
"""

from __future__ import annotations


class SvarError(Exception):
    """Base class of every error Svar raises on purpose."""


class UserError(SvarError):
    """Something the user can fix; the message says what."""


class InputError(UserError):
    """An input (file, line, argument) that cannot be used."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")


class LimitError(InputError):
    """An input over a configured size limit (``SVAR_MAX_*``); the message names the setting."""


class ConfigError(UserError):
    """A setting is missing or invalid."""


class EmbedderMismatchError(UserError):
    """A collection holds vectors of another embedder than the configured one."""


class ScopeError(SvarError):
    """A vector query without its required scope, or a hit from outside it."""


class BackendError(SvarError):
    """A backend failed at run time (network, server, database)."""
