"""Guards run on every draft, whatever wrote it."""

from assistant.guards.repeat_ask import (
    Ask,
    RepeatAskReport,
    check_repeat_asks,
    find_asks,
    findings,
    remove_repeat_asks,
)

__all__ = ["Ask", "RepeatAskReport", "check_repeat_asks", "find_asks", "findings", "remove_repeat_asks"]
