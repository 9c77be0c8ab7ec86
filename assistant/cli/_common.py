"""Shared CLI plumbing: settings, the runtime, rich progress bars and error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.runtime import Runtime, build_runtime
from assistant.settings import Settings
from knowledge.errors import BackendError, UserError

console = Console()
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def settings_for(workspace: str | None = None, home: Path | None = None) -> Settings:
    """Settings from the environment with the CLI's overrides; a bad value exits 2."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        err.print(
            f"[red]error:[/] invalid setting SVAR_{str(first['loc'][0]).upper()}: {escape(str(first['msg']))}"
        )
        raise typer.Exit(2) from exc
    updates: dict[str, Any] = {}
    if workspace:
        updates["workspace"] = workspace
    if home:
        updates["home"] = home
    return settings.model_copy(update=updates) if updates else settings


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a one-line message and exit code 2 (bad input) or 1 (backend failure)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        except BackendError as exc:
            err.print(f"[red]backend error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc

    return wrapper


@contextmanager
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = build_runtime(settings)
    try:
        yield rt
    finally:
        rt.close()


class RichProgress:
    """A rich progress bar per phase (on stderr, so --json output stays clean)."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: Any = None

    def start(self, description: str, total: int) -> None:
        self.finish()
        if total <= 0:
            return
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=not sys.stderr.isatty(),
            disable=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
