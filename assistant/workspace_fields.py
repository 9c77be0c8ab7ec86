"""A workspace's own fields, kept as a JSON file in the data directory.

A small stand-in until the fields storage of the workspace-fields work lands: the API routes call only
:func:`get_fields` and :func:`set_fields`, so switching the storage changes this module alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.settings import Settings
from knowledge.fields import EMPTY_FIELDS, FieldSet, parse_fields
from knowledge.workspaces import validate_workspace_name


def _path(settings: Settings, workspace: str) -> Path:
    return settings.home / "api_sources" / validate_workspace_name(workspace) / "fields.json"


def get_fields(settings: Settings, workspace: str) -> FieldSet:
    """The workspace's fields (none when it declared none)."""
    path = _path(settings, workspace)
    if not path.is_file():
        return EMPTY_FIELDS
    return parse_fields(json.loads(path.read_text("utf-8")), source=str(path))


def set_fields(settings: Settings, workspace: str, data: object) -> FieldSet:
    """Validate and store the workspace's fields (replacing the old set).

    Raises:
        InputError: not a valid list of fields; the message names the field and the problem.
    """
    fields = parse_fields(data, source="request")
    path = _path(settings, workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(fields.model_dump_json(), "utf-8")
    tmp.replace(path)
    return fields
