"""Eval suites: a folder with ``suite.yaml``, knowledge files and ``cases.jsonl`` (format in DESIGN.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.types import Turn
from knowledge.errors import InputError
from knowledge.fields import FieldSet, load_fields


class CaseMessage(BaseModel):
    channel: str = "chat"
    text: str


class CaseCustomer(BaseModel):
    id: str | None = None
    name: str | None = None
    language: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)


class KnownSlot(BaseModel):
    slot: str
    description: str = ""
    value: str


class SituationExpected(BaseModel):
    """What the first suggestion must state from the customer's history, and what it must not say."""

    must_mention: list[list[str]] = Field(default_factory=list)  # groups of alternatives
    must_not_mention: list[str] = Field(default_factory=list)


class Expected(BaseModel):
    kb_ids: list[str] | None = None
    reference: str | None = None
    language: str | None = None
    repeat_ask: bool | None = None
    asks: list[str] | None = None
    known: list[KnownSlot] | None = None
    abstain: bool | None = None
    situation: SituationExpected | None = None
    request_type: str | None = None  # what the message asks (assistant.intent's labels)


class EvalCase(BaseModel):
    """One case. ``events`` (history events in the format of ``knowledge.history.events``) are imported into
    the suite's workspace before the case runs, and the case then runs for ``customer.id`` with its stored
    history; ``now`` is the time the message arrives (promises are due or overdue relative to it)."""

    id: str
    customer: CaseCustomer | None = None
    now: datetime | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)
    message: CaseMessage
    draft: str | None = None
    expected: Expected = Field(default_factory=Expected)


class Threshold(BaseModel):
    min: float | None = None
    max: float | None = None


class Suite(BaseModel):
    name: str
    description: str = ""
    language: str | None = None
    source: str | None = None
    license: str | None = None
    knowledge: list[Path] = Field(default_factory=list)
    cases_path: Path
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    fields: FieldSet | None = None  # the workspace's own fields (``fields:`` in suite.yaml)
    cases: list[EvalCase] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def load_suite(folder: str | Path) -> Suite:
    """Load and validate a suite folder.

    Raises:
        InputError: a missing or invalid ``suite.yaml``, a missing knowledge path, or an invalid case
            line (with its line number).
    """
    root = Path(folder)
    spec_path = root / "suite.yaml"
    if not spec_path.is_file():
        raise InputError("not an eval suite: suite.yaml is missing", source=str(root))
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", source=str(spec_path)) from exc
    if not isinstance(spec, dict) or "name" not in spec:
        raise InputError("suite.yaml must be a mapping with at least 'name'", source=str(spec_path))
    knowledge = []
    for item in spec.get("knowledge") or []:
        path = (root / str(item)).resolve()
        if not path.exists():
            raise InputError(f"knowledge path {item!r} does not exist", source=str(spec_path))
        if path.is_file() and path.stat().st_size == 0:
            continue
        knowledge.append(path)
    fields = None
    if spec.get("fields"):
        fields_path = root / str(spec["fields"])
        if not fields_path.is_file():
            raise InputError(f"fields file {spec['fields']!r} does not exist", source=str(spec_path))
        fields = load_fields(fields_path)
    names = spec.get("cases", "cases.jsonl")
    cases: list[EvalCase] = []
    warnings: list[str] = []
    paths = [root / str(n) for n in (names if isinstance(names, list) else [names])]
    for cases_path in paths:
        if not cases_path.is_file():
            raise InputError(f"cases file {str(cases_path)!r} does not exist", source=str(spec_path))
        more, more_warnings = load_cases(cases_path, taken={c.id for c in cases})
        cases.extend(more)
        warnings.extend(more_warnings)
    try:
        thresholds = {str(k): Threshold.model_validate(v) for k, v in (spec.get("thresholds") or {}).items()}
    except ValidationError as exc:
        raise InputError(f"invalid thresholds: {exc}", source=str(spec_path)) from exc
    return Suite(
        name=str(spec["name"]),
        description=str(spec.get("description", "")),
        language=spec.get("language"),
        source=spec.get("source"),
        license=spec.get("license"),
        knowledge=knowledge,
        cases_path=paths[0],
        thresholds=thresholds,
        fields=fields,
        cases=cases,
        warnings=warnings,
    )


def load_cases(path: Path, taken: set[str] | None = None) -> tuple[list[EvalCase], list[str]]:
    """Parse ``cases.jsonl``; an invalid line raises :class:`InputError` with its number.

    Two different cases with the same id (public data sets have them) are both kept: the later one gets
    ``#2`` (``#3``...) appended, and a warning says so.
    """
    cases = []
    warnings = []
    ids: set[str] = set(taken or ())
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = EvalCase.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", source=str(path), line=n) from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"invalid case: {where}: {first['msg']}", source=str(path), line=n) from exc
        if case.id in ids:
            suffix = 2
            while f"{case.id}#{suffix}" in ids:
                suffix += 1
            warnings.append(f"{path.name}:{n}: duplicate case id {case.id!r} renamed to {case.id}#{suffix}")
            case.id = f"{case.id}#{suffix}"
        if case.events and not (case.customer and case.customer.id):
            raise InputError(
                "a case with events needs customer.id (the customer the events are about)",
                source=str(path),
                line=n,
            )
        ids.add(case.id)
        cases.append(case)
    return cases, warnings


Half = Literal["tune", "check"]
HALVES: tuple[Half, ...] = ("tune", "check")


def split_cases(cases: Sequence[EvalCase], half: Half) -> list[EvalCase]:
    """The cases of one half of a suite, split by document so that no answer is in both halves.

    Cases that share an expected document are grouped (transitively: a case expecting documents A and B
    joins A's group and B's); a group goes to the ``tune`` or the ``check`` half by the SHA-256 of its
    smallest document id, so the split is deterministic, the same on every machine and for every suite
    that holds those documents (the mixed suite splits like its three parts). A case without expected
    documents goes by the hash of its own id. Choose methods and weights on ``tune``; report ``check``.

    Args:
        cases: the suite's cases.
        half: ``"tune"`` or ``"check"``.

    Returns:
        The cases of that half, in their original order.

    Raises:
        InputError: ``half`` is neither.
    """
    if half not in HALVES:
        raise InputError(f"split must be 'tune' or 'check', not {half!r}")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for case in cases:
        ids = sorted(set(case.expected.kb_ids or ()))
        for other in ids[1:]:
            a, b = find(ids[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the root of a group is its smallest id
    out = []
    for case in cases:
        expected = case.expected.kb_ids
        key = "doc:" + find(min(expected)) if expected else "case:" + case.id
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        if HALVES[digest[0] & 1] == half:
            out.append(case)
    return out
