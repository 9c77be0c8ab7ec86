"""A bounded memo for the fact extractor: a stored message is read again on every request about its customer
(the situation, the privacy guard, the drafter's known values), and what it states does not change.

Extraction is a pure function of the text, the language, the writer's role and the product names, and its
facts are frozen, so a result can be handed out again. Only texts up to ``MAX_TEXT_CHARS`` are kept and at
most ``MAX_ENTRIES`` of them (least recently used first out), so the memo's size is bounded.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

MAX_ENTRIES = 8192
MAX_TEXT_CHARS = 16_000

Extract = Callable[..., list[T]]


def memoized(fn: Extract[T]) -> Extract[T]:
    """``fn(text, *, language, role, products)`` with its results kept (see the module docstring)."""
    memo: OrderedDict[tuple[object, ...], tuple[T, ...]] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(
        text: str, *, language: str | None = None, role: str = "customer", products: Iterable[str] = ()
    ) -> list[T]:
        names = (products,) if isinstance(products, str) else tuple(products)
        if len(text) > MAX_TEXT_CHARS:
            return fn(text, language=language, role=role, products=names)
        key = (text, language, role, names)
        with lock:
            found = memo.get(key)
            if found is not None:
                memo.move_to_end(key)
                return list(found)
        result = fn(text, language=language, role=role, products=names)
        with lock:
            memo[key] = tuple(result)
            if len(memo) > MAX_ENTRIES:
                memo.popitem(last=False)
        return result

    wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]
    return wrapper
