"""Knowledge: upsert documents, upload files, list, delete, re-index; long work as background jobs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from api.deps import AdminDep, IngestLockDep, JobsDep, LimitsDep, RuntimeDep
from api.errors import ApiError
from api.schemas import (
    ROUTE_ERRORS,
    DocumentListOut,
    DocumentOut,
    DocumentsIn,
    IngestOut,
    JobOut,
    RejectionOut,
    errors,
)
from assistant.feedback import NotFound
from assistant.jobs import JobProgress, JobRunner, get_job
from assistant.knowledge_ops import delete_document, list_documents, save_upload, upsert_documents
from assistant.runtime import Runtime
from knowledge.db.api_models import Job
from knowledge.indexer import IngestReport

router = APIRouter(prefix="/v1", tags=["knowledge"], responses=ROUTE_ERRORS)


def ingest_out(report: IngestReport) -> IngestOut:
    return IngestOut(
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        removed=report.removed,
        rejected=[RejectionOut(location=r.location, reason=r.reason) for r in report.rejected],
        chunks_written=report.chunks_written,
        seconds=round(report.seconds, 3),
    )


def job_out(job: Job, live: tuple[str, int, int] | None = None) -> JobOut:
    if live is not None:
        job.phase, job.done, job.total = live
    progress = job.done / job.total if job.total else (1.0 if job.status == "done" else 0.0)
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        phase=job.phase,
        done=job.done,
        total=job.total,
        progress=min(1.0, progress),
        result=job.result or {},
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


@router.post("/knowledge/documents", response_model=IngestOut, responses=errors(400))
def upsert(
    body: DocumentsIn, principal: AdminDep, rt: RuntimeDep, limits: LimitsDep, lock: IngestLockDep
) -> IngestOut:
    """Add or replace documents (unchanged ones are not embedded again)."""
    if len(body.documents) > limits.max_documents:
        raise ApiError(
            400, f"at most {limits.max_documents} documents per request; send the rest in another request"
        )
    ids = [d.id for d in body.documents]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ApiError(400, f"duplicate document ids in the request: {', '.join(dupes[:5])}")
    docs = [d.model_dump(exclude_none=True) for d in body.documents]
    with lock:
        report = upsert_documents(rt, principal.workspace, docs)
    return ingest_out(report)


@router.post(
    "/knowledge/files",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(400),
)
def upload(
    files: Annotated[
        list[UploadFile], File(description="Markdown, HTML, text, CSV or JSONL files.", min_length=1)
    ],
    principal: AdminDep,
    rt: RuntimeDep,
    jobs: JobsDep,
    lock: IngestLockDep,
) -> JobOut:
    """Upload knowledge files; they are ingested by a background job (poll its status)."""
    if not files:
        raise ApiError(400, "no files: send one or more files in the 'files' field")
    paths = [save_upload(rt, principal.workspace, f.filename or "", f.file.read()) for f in files]

    def work(progress: JobProgress) -> dict[str, Any]:
        totals: dict[str, Any] = {
            "files": len(paths),
            "added": 0,
            "updated": 0,
            "unchanged": 0,
            "rejected": [],
        }
        with lock:
            for path in paths:
                report = rt.indexer.ingest(path, principal.workspace, progress)
                for key in ("added", "updated", "unchanged"):
                    totals[key] += len(getattr(report, key))
                totals["rejected"] += [f"{path.name}: {r.reason}" for r in report.rejected]
        return totals

    job_id = jobs.submit(principal.workspace_id, "ingest", work)
    return _job(rt, jobs, principal.workspace_id, job_id)


def _job(rt: Runtime, jobs: JobRunner, workspace_id: int, job_id: str) -> JobOut:
    with rt.sessions() as session:
        job = get_job(session, workspace_id, job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job_out(job, jobs.progress(job_id) if job.status == "running" else None)


@router.get("/knowledge/documents", response_model=DocumentListOut)
def list_docs(
    principal: AdminDep,
    rt: RuntimeDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DocumentListOut:
    """The workspace's documents, a page at a time."""
    with rt.sessions() as session:
        total, docs = list_documents(session, principal.workspace, offset=offset, limit=limit)
    return DocumentListOut(total=total, offset=offset, documents=[DocumentOut(**d.__dict__) for d in docs])


@router.delete(
    "/knowledge/documents/{doc_id:path}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404)
)
def delete_doc(doc_id: str, principal: AdminDep, rt: RuntimeDep, lock: IngestLockDep) -> Response:
    """Delete a document with its chunks and vectors."""
    with lock:
        found = delete_document(rt, principal.workspace, doc_id)
    if not found:
        raise NotFound(f"no document {doc_id!r}")
    return Response(status_code=204)


@router.post("/knowledge/reindex", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def reindex(principal: AdminDep, rt: RuntimeDep, jobs: JobsDep, lock: IngestLockDep) -> JobOut:
    """Rebuild the workspace's knowledge index from the relational store, as a background job."""

    def work(progress: JobProgress) -> dict[str, Any]:
        with lock:
            return {"chunks": rt.indexer.reindex(principal.workspace, progress)}

    job_id = jobs.submit(principal.workspace_id, "reindex", work)
    return _job(rt, jobs, principal.workspace_id, job_id)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=errors(404))
def job_status(job_id: str, principal: AdminDep, rt: RuntimeDep, jobs: JobsDep) -> JobOut:
    """A background job's status and progress."""
    return _job(rt, jobs, principal.workspace_id, job_id)
