"""The repeat-ask guard: a reply must not ask the customer for something the conversation already gave.

* :mod:`~assistant.guards.repeat_ask.asks` — the questions and requests in a draft.
* :mod:`~assistant.guards.repeat_ask.slots` — what each ask asks for (kinds of :mod:`knowledge.text.kinds`),
  troubleshooting actions, qualifiers ("another e-mail").
* :mod:`~assistant.guards.repeat_ask.evidence` — where the conversation already answers: facts, values,
  answers, steps already taken.
* :mod:`~assistant.guards.repeat_ask.engine` — :func:`check_repeat_asks` and :func:`remove_repeat_asks`.
"""

from assistant.guards.repeat_ask.asks import Ask, find_asks
from assistant.guards.repeat_ask.engine import (
    RepeatAskReport,
    check_repeat_asks,
    findings,
    remove_repeat_asks,
)

__all__ = ["Ask", "RepeatAskReport", "check_repeat_asks", "find_asks", "findings", "remove_repeat_asks"]
