"""Background jobs (large ingests, re-index) run one at a time on a worker thread. The job's row in the
relational store holds its state and outcome; the live progress of a running job is kept in memory by the
runner (the process serving the API; the embedded stores allow one such process)."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.api_models import Job
from knowledge.db.models import utcnow
from knowledge.errors import SvarError, UserError

log = logging.getLogger("svar.jobs")
Work = Callable[["JobProgress"], dict[str, Any]]


class JobProgress:
    """A :class:`~knowledge.progress.Progress` kept in memory for the job's status.

    It is not written to the database while the job runs: the job's own writes hold SQLite's write lock,
    so a second writer would wait on it. The row gets the outcome when the job ends.
    """

    def __init__(self) -> None:
        self.phase = ""
        self.done = 0
        self.total = 0
        self._lock = threading.Lock()

    def start(self, description: str, total: int) -> None:
        with self._lock:
            self.phase, self.done, self.total = description, 0, total

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n

    def finish(self) -> None:
        with self._lock:
            self.done = self.total

    def snapshot(self) -> tuple[str, int, int]:
        with self._lock:
            return self.phase, self.done, self.total


class JobRunner:
    """Runs jobs on one worker thread (ingests are serialised: one writer per store)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svar-job")
        self._futures: dict[str, Future[None]] = {}
        self._progress: dict[str, JobProgress] = {}
        self._lock = threading.Lock()

    def submit(self, workspace_id: int, kind: str, work: Work) -> str:
        """Queue ``work``; returns the job id."""
        job_id = "job_" + secrets.token_hex(10)
        with self.sessions.begin() as session:
            session.add(
                Job(id=job_id, workspace_id=workspace_id, kind=kind, status="queued", phase="", result={})
            )
        with self._lock:
            self._futures[job_id] = self._pool.submit(self._run, job_id, work)
        return job_id

    def progress(self, job_id: str) -> tuple[str, int, int] | None:
        """The phase, count done and total of a running job in this process."""
        with self._lock:
            progress = self._progress.get(job_id)
        return progress.snapshot() if progress is not None else None

    def _run(self, job_id: str, work: Work) -> None:
        self._set(job_id, status="running")
        progress = JobProgress()
        with self._lock:
            self._progress[job_id] = progress
        try:
            result = self._work(job_id, work, progress)
        finally:
            with self._lock:
                self._progress.pop(job_id, None)
        if result is not None:
            phase, _, total = progress.snapshot()
            self._set(
                job_id,
                status="done",
                result=result,
                phase=phase,
                done=total,
                total=total,
                finished_at=utcnow(),
            )

    def _work(self, job_id: str, work: Work, progress: JobProgress) -> dict[str, Any] | None:
        try:
            return work(progress)
        except SvarError as exc:
            kind = "input" if isinstance(exc, UserError) else "backend"
            self._set(job_id, status="failed", error=f"{kind}: {exc}", finished_at=utcnow())
        except Exception:  # a job must end in a state, never vanish
            log.exception("job %s failed", job_id)
            self._set(
                job_id, status="failed", error="internal error (see the server log)", finished_at=utcnow()
            )
        return None

    def _set(self, job_id: str, **values: Any) -> None:
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is not None:
                for key, value in values.items():
                    setattr(job, key, value)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until the job ends (tests, the CLI)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def get_job(session: Session, workspace_id: int, job_id: str) -> Job | None:
    """The job, if it belongs to the workspace."""
    return session.scalar(select(Job).where(Job.id == job_id, Job.workspace_id == workspace_id))
