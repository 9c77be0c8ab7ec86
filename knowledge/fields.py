"""Workspace-defined fields: the details a company tracks beside Svar's built-in kinds.

Svar knows general kinds of detail by itself (order id, e-mail, phone, address, name, product and model,
serial number, dates, amounts, what was tried, promises). A company declares its own on top, the way it
would declare custom fields in a helpdesk: each with a name, a description, optional possible values and
optional words per language that an agent uses when asking for it. The vocabulary of a company (its
fields, products and the values they take) is configuration, never code.

The file format (YAML; the same shape in an eval suite's ``fields.yaml``)::

    fields:
      - name: membership_level              # lower-case letters, digits and '_'
        description: "The customer's membership level"
        values: ["bronze", "silver", "gold"] # optional: the values it can take
        ask:                                 # optional: words used when asking for it, per language
          en: ["membership", "member level"]
          nb: ["medlemskap", "medlemsnivå"]

This module is the contract: the types and the loader. Storage per workspace, ``svar fields import`` and
the guards that read fields build on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from knowledge.errors import InputError

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_FIELDS = 500
MAX_VALUES = 1000


class FieldSpec(BaseModel):
    """One field a workspace tracks."""

    name: str
    description: str = ""
    values: list[str] = Field(default_factory=list)
    ask: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _valid_name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                f"invalid field name {v!r}: use lower-case letters, digits and '_', starting with a letter"
            )
        return v

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            if len(v) > MAX_VALUES:
                raise ValueError(f"at most {MAX_VALUES} values per field")
            return [str(x) for x in v if x is not None and str(x).strip()]
        return v

    @field_validator("ask", mode="before")
    @classmethod
    def _ask_as_lists(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): [str(x) for x in (w if isinstance(w, list) else [w])] for k, w in v.items()}
        return v


class FieldSet(BaseModel):
    """The fields of one workspace, by name."""

    fields: list[FieldSpec] = Field(default_factory=list)

    def __iter__(self) -> Iterator[FieldSpec]:  # type: ignore[override]
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def get(self, name: str) -> FieldSpec | None:
        """The field called ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)

    def merged(self, others: Iterable[FieldSpec]) -> FieldSet:
        """A new set with ``others`` added; a field of the same name is replaced."""
        by_name = {f.name: f for f in self.fields}
        for f in others:
            by_name[f.name] = f
        return FieldSet(fields=list(by_name.values()))


EMPTY_FIELDS = FieldSet()


def parse_fields(data: Any, *, source: str = "fields") -> FieldSet:
    """Validate a parsed ``{"fields": [...]}`` document (or a bare list of fields).

    Raises:
        InputError: the document is not a list of valid fields; the message names the field and problem.
    """
    items = data.get("fields") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError("expected a mapping with a 'fields:' list", source=source)
    if len(items) > MAX_FIELDS:
        raise InputError(f"at most {MAX_FIELDS} fields per workspace (got {len(items)})", source=source)
    out: list[FieldSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"field {i} must be a mapping with at least 'name'", source=source)
        try:
            spec = FieldSpec.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'field'}: {e['msg']}" for e in exc.errors()
            )
            raise InputError(f"field {i} ({item.get('name', '?')}): {problems}", source=source) from None
        if spec.name in seen:
            raise InputError(f"field {spec.name!r} is declared twice", source=source)
        seen.add(spec.name)
        out.append(spec)
    return FieldSet(fields=out)


def load_fields(path: str | Path) -> FieldSet:
    """Read a fields YAML file.

    Raises:
        InputError: the file is missing, not YAML, or not a valid list of fields.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("fields file not found", source=str(p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid YAML: {exc}", source=str(p)) from None
    return parse_fields(data, source=str(p))
