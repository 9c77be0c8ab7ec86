"""Background jobs (large ingests, re-index) run one at a time on a worker thread; their phase and
progress are written to the relational store, so a status request (from any worker) can read them."""

from __future__ import annotations

import logging
import secrets
import threading
import time
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
    """A :class:`~knowledge.progress.Progress` that records the phase and count on the job's row."""

    def __init__(self, sessions: sessionmaker[Session], job_id: str, *, every: float = 0.5) -> None:
        self.sessions = sessions
        self.job_id = job_id
        self.every = every
        self._phase = ""
        self._done = 0
        self._total = 0
        self._saved = 0.0

    def start(self, description: str, total: int) -> None:
        self._phase, self._done, self._total = description, 0, total
        self._save(force=True)

    def advance(self, n: int = 1) -> None:
        self._done += n
        self._save()

    def finish(self) -> None:
        self._done = self._total
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._saved < self.every:
            return
        self._saved = now
        with self.sessions.begin() as session:
            job = session.get(Job, self.job_id)
            if job is not None:
                job.phase, job.done, job.total = self._phase, self._done, self._total


class JobRunner:
    """Runs jobs on one worker thread (ingests are serialised: one writer per store)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svar-job")
        self._futures: dict[str, Future[None]] = {}
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

    def _run(self, job_id: str, work: Work) -> None:
        self._set(job_id, status="running")
        try:
            result = work(JobProgress(self.sessions, job_id))
        except SvarError as exc:
            kind = "input" if isinstance(exc, UserError) else "backend"
            self._set(job_id, status="failed", error=f"{kind}: {exc}", finished_at=utcnow())
            return
        except Exception:  # a job must end in a state, never vanish
            log.exception("job %s failed", job_id)
            self._set(
                job_id, status="failed", error="internal error (see the server log)", finished_at=utcnow()
            )
            return
        self._set(job_id, status="done", result=result, finished_at=utcnow())

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
