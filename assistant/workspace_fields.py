"""A workspace's own fields for the API: read and replace them in the one store the CLI and the service use.

Storage is :mod:`knowledge.workspace_fields` (the ``workspace_fields`` table); ``svar fields import`` writes
the same rows, and the service reads them for every request (its guards type asks by them).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from knowledge.fields import FieldSet, parse_fields
from knowledge.workspace_fields import import_fields, workspace_fields


def get_fields(sessions: sessionmaker[Session], workspace: str) -> FieldSet:
    """The workspace's fields (none when it declared none)."""
    with sessions() as session:
        return workspace_fields(session, workspace)


def set_fields(sessions: sessionmaker[Session], workspace: str, data: object) -> FieldSet:
    """Validate and store the workspace's fields, replacing the old set.

    Raises:
        InputError: not a valid list of fields; the message names the field and the problem.
    """
    fields = parse_fields(data, source="request")
    with sessions.begin() as session:
        import_fields(session, workspace, fields, replace=True)
    return fields
