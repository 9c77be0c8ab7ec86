"""A tiny progress interface so long jobs can report to a rich bar, a log, or nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Reports progress of one phase at a time."""

    def start(self, description: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """Reports nothing."""

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass
