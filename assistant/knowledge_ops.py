"""Workspace operations the API offers beyond suggesting: knowledge documents (upsert, upload, list,
delete, re-index), history events, customer lookup and erasure.

Documents sent as JSON are kept as files in the data directory (one JSONL file per document under
``api_sources/<workspace>/docs``), and that folder is ingested as one source with the same indexer the CLI
uses: re-sending an unchanged document embeds nothing, and deleting one removes its file and re-ingests
the folder, which drops its rows and vectors. Uploaded files are kept under ``api_sources/<workspace>/files``
and each is ingested as its own source, so uploading a new version replaces the old one.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.runtime import Runtime
from knowledge.db.api_models import SuggestionLog, WidgetSession
from knowledge.db.models import KBDocument, KBSource
from knowledge.documents import Rejection
from knowledge.errors import InputError
from knowledge.history import ErasureReport, HistoryImporter, HistoryReport, erase_customer, lookup_customer
from knowledge.indexer import IngestReport
from knowledge.loaders import SUPPORTED
from knowledge.progress import Progress
from knowledge.workspaces import get_workspace, validate_workspace_name, vector_index

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _docs_dir(runtime: Runtime, workspace: str) -> Path:
    return runtime.settings.home / "api_sources" / validate_workspace_name(workspace) / "docs"


def files_dir(runtime: Runtime, workspace: str) -> Path:
    """Where uploaded knowledge files of ``workspace`` are kept."""
    return runtime.settings.home / "api_sources" / validate_workspace_name(workspace) / "files"


def _doc_file(folder: Path, doc_id: str) -> Path:
    return folder / f"{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:32]}.jsonl"


def upsert_documents(
    runtime: Runtime, workspace: str, documents: Sequence[dict[str, Any]], progress: Progress | None = None
) -> IngestReport:
    """Add or replace documents (``{"id", "text", "title"?, "language"?, "url"?, "metadata"?}``).

    Returns:
        The indexer's report (added, updated, unchanged; rejected with the document's position).
    """
    folder = _docs_dir(runtime, workspace)
    folder.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        _doc_file(folder, str(doc["id"])).write_text(json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")
    report = runtime.indexer.ingest(folder, workspace, progress)
    report.rejected = [_relabel(r, folder, "document") for r in report.rejected]
    return report


def save_upload(runtime: Runtime, workspace: str, filename: str, data: bytes) -> Path:
    """Keep an uploaded knowledge file; returns its path.

    Raises:
        InputError: the file type is not one the loaders read, or the name is empty.
    """
    name = _SAFE_NAME.sub("_", Path(filename or "").name).strip("._")
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED:
        raise InputError(f"unsupported file {filename!r}; upload one of {', '.join(sorted(SUPPORTED))}")
    folder = files_dir(runtime, workspace)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _relabel(r: Rejection, folder: Path, what: str) -> Rejection:
    return Rejection(r.location.replace(str(folder) + "/", f"{what} file "), r.reason)


@dataclass
class DocumentInfo:
    id: str
    title: str
    language: str | None
    url: str | None
    chunks: int
    source: str
    flags: list[str]


def list_documents(
    session: Session, workspace: str, *, offset: int = 0, limit: int = 100
) -> tuple[int, list[DocumentInfo]]:
    """The workspace's knowledge documents (total and one page), ordered by id."""
    ws = get_workspace(session, workspace, create=False)
    if ws is None:
        return 0, []
    total = session.scalar(
        select(func.count()).select_from(KBDocument).where(KBDocument.workspace_id == ws.id)
    )
    rows = session.execute(
        select(KBDocument, KBSource.path)
        .join(KBSource, KBSource.id == KBDocument.source_id)
        .where(KBDocument.workspace_id == ws.id)
        .order_by(KBDocument.doc_id)
        .offset(offset)
        .limit(limit)
    ).all()
    out = [
        DocumentInfo(
            id=d.doc_id,
            title=d.title,
            language=d.language,
            url=d.url,
            chunks=len(d.chunks),
            source="api" if "/api_sources/" in path else Path(path).name,
            flags=list(d.flags or []),
        )
        for d, path in rows
    ]
    return int(total or 0), out


def delete_document(runtime: Runtime, workspace: str, doc_id: str) -> bool:
    """Delete one document, its chunks and vectors; ``False`` when the workspace has no such document.

    A document from a folder the CLI ingests comes back when that folder is ingested again.
    """
    folder = _docs_dir(runtime, workspace)
    file = _doc_file(folder, doc_id)
    if file.exists():
        file.unlink()
        report = runtime.indexer.ingest(folder, workspace) if any(folder.iterdir()) else None
        if report is not None and doc_id in report.removed:
            return True
    with runtime.sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        row = (
            session.scalar(
                select(KBDocument).where(KBDocument.workspace_id == ws.id, KBDocument.doc_id == doc_id)
            )
            if ws is not None
            else None
        )
        if ws is None or row is None:
            return False
        index = vector_index(session, runtime.chroma, ws, "knowledge", runtime.embedder.identity)
        index.delete([c.chunk_id for c in row.chunks])
        session.delete(row)
        ws.kb_version += 1
    return True


def append_events(
    runtime: Runtime, workspace: str, events: Sequence[dict[str, Any]], *, strict: bool = False
) -> HistoryReport:
    """Import history events (the JSONL event format, as objects) with the importer the CLI uses.

    Rejected events are reported as ``events[i]`` (0-based); with ``strict`` any bad event imports nothing.
    """
    importer = HistoryImporter(runtime.sessions, runtime.chroma, runtime.embedder)
    with tempfile.TemporaryDirectory(prefix="svar-events-") as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")
        try:
            report = importer.ingest(path, workspace, strict=strict)
        except InputError as exc:
            raise InputError(_event_locations(str(exc), path)) from None
    report.source = "request"
    report.rejected = [Rejection(_event_locations(r.location, path), r.reason) for r in report.rejected]
    report.warnings = [Rejection(_event_locations(r.location, path), r.reason) for r in report.warnings]
    return report


def _event_locations(text: str, path: Path) -> str:
    return re.sub(re.escape(str(path)) + r":(\d+)", lambda m: f"events[{int(m.group(1)) - 1}]", text)


def customer_exists(session: Session, workspace: str, customer: str) -> bool:
    """Whether ``customer`` names exactly one customer of ``workspace``."""
    try:
        lookup_customer(session, workspace, customer)
    except InputError:
        return False
    return True


def erase(runtime: Runtime, workspace: str, customer: str) -> ErasureReport:
    """Erase a customer: history rows, vectors and cached embeddings, and the API's rows about them."""
    with runtime.sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        refs: set[str] = {customer}
        try:
            found = lookup_customer(session, workspace, customer)
            refs.add(found.external_id)
        except InputError:
            pass
        if ws is not None:
            session.execute(
                delete(SuggestionLog).where(
                    SuggestionLog.workspace_id == ws.id, SuggestionLog.customer_ref.in_(refs)
                )
            )
            session.execute(
                delete(WidgetSession).where(
                    WidgetSession.workspace_id == ws.id, WidgetSession.customer_ref.in_(refs)
                )
            )
    return erase_customer(
        runtime.sessions,
        runtime.chroma,
        workspace,
        customer,
        embedding_cache=runtime.settings.cache_dir / "embeddings.sqlite3",
    )
