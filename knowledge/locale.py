"""A workspace's language and country: what decides when a customer's own signals do not.

* **language** (nb, nn, sv, da, en): the reply language when a message is too short or too close between
  neighbouring languages and neither the customer's earlier messages nor their profile decide, and the
  language of the reply to a customer who writes in a language Svar does not serve
  (:func:`assistant.language.decide_language`).
* **country** (ISO 3166 alpha-2, ``NO``, ``SE``, ``DK``, ``FI``, ``IS``, ``GB``, ...): how a national phone
  number written without its country code is read, at import and at lookup, after the customer's own
  country (their language's) and before the other Nordic countries
  (:func:`knowledge.history.identity.phone_readings`): in a Danish workspace ``20123456`` is ``+4520123456``.

Both are stored with the workspace's settings and set with ``svar workspace set --language da --country DK``.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from sqlalchemy.orm import Session

from knowledge.db.api_models import WorkspaceSettings
from knowledge.errors import InputError
from knowledge.language import SUPPORTED, normalize_language
from knowledge.workspaces import bump_kb_version

__all__ = ["WorkspaceLocale", "set_workspace_locale", "workspace_locale", "validate_country"]


@dataclass(frozen=True)
class WorkspaceLocale:
    """A workspace's language and country (None: not set)."""

    language: str | None = None
    country: str | None = None


def workspace_locale(session: Session, workspace_id: int) -> WorkspaceLocale:
    """The workspace's language and country (both None when it set none)."""
    row = session.get(WorkspaceSettings, workspace_id)
    return WorkspaceLocale(row.language, row.country) if row is not None else WorkspaceLocale()


def validate_country(country: str) -> str:
    """``country`` as an upper-case ISO 3166 alpha-2 code that has a phone numbering plan.

    Raises:
        InputError: not such a code (the message says what to give).
    """
    code = country.strip().upper()
    if len(code) != 2 or phonenumbers.country_code_for_region(code) == 0:
        raise InputError(
            f"unknown country {country!r}: give an ISO 3166 alpha-2 code such as NO, SE, DK, FI, IS or GB"
        )
    return code


def set_workspace_locale(
    session: Session,
    workspace_id: int,
    *,
    language: str | None = None,
    country: str | None = None,
    clear: bool = False,
) -> WorkspaceLocale:
    """Set the workspace's language and/or country (``clear`` unsets both first).

    Args:
        session: an open session (the caller commits).
        workspace_id: the workspace's id.
        language: nb, nn, sv, da or en (also "no", "nob", "swe", "en-GB" and such).
        country: an ISO 3166 alpha-2 code.
        clear: unset both before setting what is given.

    Returns:
        The workspace's locale after the change.

    Raises:
        InputError: a language Svar does not serve, or an unknown country.
    """
    code = None
    if language is not None:
        code = normalize_language(language)
        if code not in SUPPORTED:
            raise InputError(f"unsupported language {language!r}: use one of {', '.join(sorted(SUPPORTED))}")
    region = validate_country(country) if country is not None else None
    row = session.get(WorkspaceSettings, workspace_id)
    if row is None:
        row = WorkspaceSettings(workspace_id=workspace_id, cors_origins=[], widget_secret=None)
        session.add(row)
    before = (row.language, row.country)
    if clear:
        row.language = row.country = None
    if code is not None:
        row.language = code
    if region is not None:
        row.country = region
    if (row.language, row.country) != before:
        bump_kb_version(session, workspace_id)  # what a process keeps of the configuration is read again
    session.flush()
    return WorkspaceLocale(row.language, row.country)
