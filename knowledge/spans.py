"""A set of text spans with an overlap test whose cost does not grow with the number of spans held.

Extractors keep the spans they have taken and skip a candidate that overlaps one; with a plain list that
test scans every span taken so far, which makes a long text with many matches quadratic (a 125 KB
message took minutes). :class:`SpanSet` files each span under the fixed-size buckets of text it covers, so
a test looks only at the buckets its own span covers.
"""

from __future__ import annotations

from collections.abc import Iterator

BUCKET = 64  # characters of text per bucket


class SpanSet:
    """Half-open spans ``(start, end)``; ``overlaps`` is ``any(s < end and start < e for s, e in spans)``."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []
        self._grid: dict[int, list[tuple[int, int]]] = {}

    def append(self, span: tuple[int, int]) -> None:
        """Add a span."""
        start, end = span
        self._spans.append((start, end))
        for key in range(start // BUCKET, max(start, end - 1) // BUCKET + 1):
            self._grid.setdefault(key, []).append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span of the set."""
        for key in range(start // BUCKET, max(start, end - 1) // BUCKET + 1):
            for s, e in self._grid.get(key, ()):
                if s < end and start < e:
                    return True
        return False

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)
