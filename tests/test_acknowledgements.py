"""A draft that thanks the customer for a step they took, or says they took it, does not propose it again.

Found on a held-out suite (lead-holdout-4): "Takk for at du har bytt filter og reinsa apparatet." was read
as proposing the step the customer reported. The sentences here are not that suite's.
"""

from __future__ import annotations

import pytest

from assistant.guards import check_repeat_asks
from assistant.types import Turn


def _same(a: str, b: str) -> float:
    return 0.95  # the worst case: the embedder finds every sentence close to every step


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        (
            "nb",
            "Jeg har tømt støvbeholderen og rengjort børsten.",
            "Takk for at du har tømt støvbeholderen og rengjort børsten. Vi sender en ny robot.",
        ),
        (
            "nn",
            "Eg har skifta batteri i fjernkontrollen.",
            "Takk for at du har skifta batteri. Vi ser på saka.",
        ),
        (
            "sv",
            "Jag har rensat avloppet och spolat med varmt vatten.",
            "Tack för att du redan har rensat avloppet. En rörmokare kommer på fredag.",
        ),
        (
            "da",
            "Jeg har nulstillet alarmpanelet.",
            "Godt at du har nulstillet alarmpanelet. Vi sender en tekniker.",
        ),
        (
            "en",
            "I already reset the thermostat to factory settings.",
            "Thanks for resetting the thermostat already. We'll send an engineer.",
        ),
        (
            "en",
            "I already reset the thermostat to factory settings.",
            "You have already reset the thermostat, so the next step is an engineer visit.",
        ),
    ],
)
def test_thanking_for_a_step_taken_is_no_repeat(language: str, said: str, draft: str) -> None:
    report = check_repeat_asks(
        draft, history=[Turn(role="customer", text=said)], language=language, similar=_same
    )
    assert not report.flagged, report.repeated


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("nb", "Jeg har tømt støvbeholderen.", "Takk for at du tok kontakt! Prøv å tømme støvbeholderen."),
        ("en", "I already reset the thermostat.", "Thanks for your message. Please reset the thermostat."),
    ],
)
def test_a_proposal_after_a_thanks_is_still_a_repeat(language: str, said: str, draft: str) -> None:
    report = check_repeat_asks(
        draft, history=[Turn(role="customer", text=said)], language=language, similar=_same
    )
    assert report.flagged
