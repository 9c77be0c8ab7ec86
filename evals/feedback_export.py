"""Agents' edited, sent and inserted suggestions become eval cases, so a suite grows from real use.

For every logged suggestion of the workspace that an agent **edited** (the text they sent is the gold
reply), **sent** unchanged, or **inserted** into their reply and did not dismiss afterwards (the suggestion is
the gold reply), one case::

    {"id": "fb-<suggestion id>", "history": [earlier turns], "message": {"channel", "text"},
     "customer": {"language"}, "expected": {"reference": "...", "language": "...", "kb_ids": [...]},
     "feedback": {"suggestion": "...", "action": "edited", "at": "..."}}

``kb_ids`` are the knowledge documents the suggestion cited (stored with each logged suggestion): the agent
kept the reply built on them, so retrieval is measured against them. An agent who **replaced** the source
(edited the reply into another document's answer) says which document was right instead: when the edited
text draws on one document (at least ``REPLACED_MIN_SHARE`` of its content words, IDF-weighted:
:func:`evals.tune.drawn_on`) clearly more than on any cited one (by ``REPLACED_MARGIN``), ``kb_ids`` is that
document and ``feedback.replaced`` lists the sources the suggestion had cited; it must also lead every other
document by ``REPLACED_LEAD`` (sibling pages that share the reply's words equally cannot tell which one the
agent used: on the tune halves of the public suites, 20 of 21 edits traced with that lead were right, 3 of 14
without it). A suggestion that cited nothing (a holding reply, one from the customer's own history), or one
logged before the store kept its sources, gets no ``kb_ids``. A suggestion that was only dismissed is not
exported.

The conversation comes from what the store keeps: for a widget answer, the session's transcript (the
customer turn the answer replied to, and the turns before it); for a suggestion about a stored customer, that
customer's messages up to the moment the suggestion was made (the last customer message is the one answered).
A suggestion with neither (an API call with an inline history) is skipped and counted.

Cases are appended to ``cases.jsonl`` of the suite folder; a case whose id, or whose message and gold reply,
is already there is not added again. A suite folder without ``suite.yaml`` gets a minimal one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.types import CHANNELS
from knowledge.db.api_models import Feedback, SuggestionLog, WidgetSession
from knowledge.db.models import KBDocument
from knowledge.errors import InputError
from knowledge.progress import NoProgress, Progress
from knowledge.workspaces import require_workspace

__all__ = ["ExportReport", "export_feedback", "feedback_cases"]

EXPORTED_ACTIONS = ("inserted", "edited", "sent")  # an agent kept the suggestion (dismissed: not kept)
READ_ACTIONS = (*EXPORTED_ACTIONS, "dismissed")
MAX_TURNS = 20  # earlier turns kept with a case
REPLACED_MIN_SHARE = 0.5  # an edited reply draws on a document: this share of its content words is in it
REPLACED_MARGIN = 0.2  # ... and on it clearly more than on every document the suggestion cited
REPLACED_LEAD = 0.1  # ... and more than on any other document (a tie cannot tell which page was used)


@dataclass
class ExportReport:
    """What an export did."""

    added: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    cases_path: Path | None = None
    created_suite: bool = False

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def summary(self) -> str:
        parts = [f"{self.added} case(s) added", f"{self.duplicates} already in the suite"]
        parts += [f"{n} skipped: {reason}" for reason, n in sorted(self.skipped.items())]
        return "; ".join(parts)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _gold(log: SuggestionLog, feedback: Sequence[Feedback]) -> tuple[str, str, datetime] | str:
    """The text the agent kept (the last edit, or the suggestion as it was) and how: action and time; or
    why there is none. ``feedback`` is in the order it was given."""
    edits = [f for f in feedback if f.action == "edited" and (f.final_text or "").strip()]
    if edits:
        last = edits[-1]
        return str(last.final_text).strip(), "edited", last.created_at
    sent = [f for f in feedback if f.action == "sent"]
    if sent:
        text = (sent[-1].final_text or "").strip() or log.text.strip()
        return text, "sent", sent[-1].created_at
    inserted = [i for i, f in enumerate(feedback) if f.action == "inserted"]
    dismissed = [i for i, f in enumerate(feedback) if f.action == "dismissed"]
    if inserted and not (dismissed and dismissed[-1] > inserted[-1]):
        return log.text.strip(), "inserted", feedback[inserted[-1]].created_at
    if inserted:
        return "dismissed after it was inserted"
    return "edited with no final text"


def _cited(log: SuggestionLog) -> list[str]:
    """The documents the suggestion cited, when the store kept any."""
    return [str(c) for c in (log.cited or []) if str(c).strip()]


def _replacement(
    text: str, cited: list[str], documents: dict[str, tuple[str, str | None]], language: str | None
) -> str | None:
    """The document an edited reply draws on instead of the cited ones, or None (it kept their source)."""
    from evals.tune import drawn_on

    shares = drawn_on(text, documents, language)
    if not shares:
        return None
    best, share = shares[0]
    on_cited = max((x for d, x in shares if d in cited), default=0.0)
    runner_up = shares[1][1] if len(shares) > 1 else 0.0
    if best in cited or share < REPLACED_MIN_SHARE or share - on_cited < REPLACED_MARGIN:
        return None
    return best if share - runner_up >= REPLACED_LEAD else None


def _documents(session: Session, workspace_id: int) -> dict[str, tuple[str, str | None]]:
    """The workspace's knowledge documents: id → (title and text, language)."""
    rows = session.execute(
        select(KBDocument.doc_id, KBDocument.title, KBDocument.text, KBDocument.language).where(
            KBDocument.workspace_id == workspace_id
        )
    ).all()
    return {r[0]: (f"{r[1]}\n{r[2]}", r[3]) for r in rows}


def _widget_turns(session: Session, log: SuggestionLog) -> list[dict[str, Any]] | None:
    """The widget transcript up to the customer turn this answer replied to."""
    row = session.get(WidgetSession, log.session_id) if log.session_id else None
    if row is None:
        return None
    turns = list(row.transcript or [])
    answer = next(
        (i for i, t in enumerate(turns) if t.get("role") != "customer" and t.get("text") == log.text), None
    )
    end = answer if answer is not None else len(turns)
    before = [t for t in turns[:end]]
    while before and before[-1].get("role") != "customer":
        before.pop()
    if not before:
        return None
    return [
        {"role": t.get("role", "customer"), "channel": "widget", "text": t.get("text", "")} for t in before
    ]


def _customer_turns(
    sessions: sessionmaker[Session], workspace: str, log: SuggestionLog
) -> list[dict[str, Any]] | None:
    """The customer's stored messages up to the moment the suggestion was made."""
    from knowledge.history import customer_timeline

    if not log.customer_ref:
        return None
    try:
        timeline = customer_timeline(sessions, workspace, log.customer_ref, limit=200)
    except InputError:
        return None  # the customer was erased since, or the reference is ambiguous now
    made = _aware(log.created_at)
    before = [m for m in timeline if _aware(m.at) <= made]
    while before and before[-1].role != "customer":
        before.pop()
    if not before:
        return None
    return [{"role": m.role, "channel": m.channel, "text": m.text, "at": m.at.isoformat()} for m in before]


def feedback_cases(
    sessions: sessionmaker[Session], workspace: str, report: ExportReport | None = None
) -> list[dict[str, Any]]:
    """The eval cases of a workspace's edited, sent and inserted suggestions, oldest first (format: module
    docstring), each with the documents it cited as ``kb_ids``.

    Args:
        sessions: the store's session factory.
        workspace: the workspace's name.
        report: counts the suggestions skipped, and why.

    Raises:
        InputError: no such workspace.
    """
    report = report or ExportReport()
    with sessions() as session:
        ws = require_workspace(session, workspace)
        rows = session.execute(
            select(Feedback, SuggestionLog)
            .join(SuggestionLog, Feedback.suggestion_id == SuggestionLog.id)
            .where(Feedback.workspace_id == ws.id, Feedback.action.in_(READ_ACTIONS))
            .order_by(Feedback.created_at, Feedback.id)
        ).all()
        grouped: dict[str, tuple[SuggestionLog, list[Feedback]]] = {}
        for fb, log in rows:
            grouped.setdefault(log.id, (log, []))[1].append(fb)
        cases = []
        documents: dict[str, tuple[str, str | None]] | None = None  # read once, when an edit needs them
        for log, feedback in grouped.values():
            if not any(f.action in EXPORTED_ACTIONS for f in feedback):
                continue  # only dismissed: nothing an agent kept
            gold = _gold(log, feedback)
            if isinstance(gold, str):
                report.skip(gold)
                continue
            turns = (
                _widget_turns(session, log) if log.session_id else _customer_turns(sessions, workspace, log)
            )
            if not turns:
                report.skip("no conversation kept for it")
                continue
            text, action, at = gold
            *history, message = turns[-(MAX_TURNS + 1) :]
            channel = log.channel if log.channel in CHANNELS else message["channel"]
            cited = _cited(log)
            replacement = None
            if action == "edited" and cited:
                if documents is None:
                    documents = _documents(session, ws.id)
                replacement = _replacement(text, cited, documents, log.language)
            docs = [replacement] if replacement else cited
            case: dict[str, Any] = {
                "id": f"fb-{log.id}",
                "history": history,
                "message": {"channel": channel, "text": message["text"]},
                "customer": {"language": log.language},
                "expected": {
                    "reference": text,
                    "language": log.language,
                    **({"kb_ids": docs} if docs else {}),
                },
                "feedback": {"suggestion": log.id, "action": action, "at": _aware(at).isoformat()},
            }
            if replacement:
                case["feedback"]["replaced"] = cited
            if not history:
                del case["history"]
            cases.append(case)
    return cases


def _existing(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    ids: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    if not path.is_file():
        return ids, pairs
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON: {exc.msg}; fix it before exporting into it", source=str(path), line=n
            ) from exc
        ids.add(str(case.get("id")))
        reference = (case.get("expected") or {}).get("reference") or ""
        pairs.add(((case.get("message") or {}).get("text", ""), reference))
    return ids, pairs


def export_feedback(
    sessions: sessionmaker[Session], workspace: str, suite_dir: Path, progress: Progress | None = None
) -> ExportReport:
    """Append the workspace's edited and sent suggestions to the suite folder as cases, without duplicates.

    Args:
        sessions: the store's session factory.
        workspace: the workspace's name.
        suite_dir: the suite folder; created with a minimal ``suite.yaml`` when it has none.
        progress: one step per case considered.

    Returns:
        What was added, what was already there and what was skipped (with reasons).

    Raises:
        InputError: no such workspace, an unreadable ``suite.yaml`` or an invalid line in ``cases.jsonl``.
    """
    import yaml

    progress = progress or NoProgress()
    report = ExportReport()
    suite_dir.mkdir(parents=True, exist_ok=True)
    spec_path = suite_dir / "suite.yaml"
    cases_name = "cases.jsonl"
    if spec_path.is_file():
        try:
            spec = yaml.safe_load(spec_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"invalid YAML: {exc}", source=str(spec_path)) from exc
        names = spec.get("cases", cases_name) if isinstance(spec, dict) else cases_name
        cases_name = str(names[0] if isinstance(names, list) else names)
    cases = feedback_cases(sessions, workspace, report)
    path = suite_dir / cases_name
    ids, pairs = _existing(path)
    new_lines = []
    progress.start(f"Exporting feedback of {workspace}", len(cases))
    for case in cases:
        pair = (case["message"]["text"], case["expected"]["reference"])
        if case["id"] in ids or pair in pairs:
            report.duplicates += 1
        else:
            ids.add(case["id"])
            pairs.add(pair)
            new_lines.append(json.dumps(case, ensure_ascii=False))
            report.added += 1
        progress.advance()
    progress.finish()
    if new_lines:
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        sep = "" if not existing or existing.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as f:
            f.write(sep + "\n".join(new_lines) + "\n")
    if not spec_path.is_file():
        spec_path.write_text(
            yaml.safe_dump(
                {
                    "name": suite_dir.name,
                    "description": f"Replies agents of workspace {workspace} edited or sent, exported by "
                    "svar eval export-feedback",
                    "source": f"svar eval export-feedback -w {workspace}",
                    "knowledge": [],
                    "cases": cases_name,
                },
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        report.created_suite = True
    report.cases_path = path
    return report
