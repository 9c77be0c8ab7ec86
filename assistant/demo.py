"""The sample company (Nordlys Elektronikk): its help center and its customers' multi-channel history,
loaded into a workspace, and the live queue the desk demo starts with.

The history is a snapshot of the past; :func:`open_demo_queue` closes its conversations and lets five of its
customers write in again (the five demo questions, on their channels), having waited a few minutes each, so
the desk shows a queue with real answer times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the stores load only when the demo is loaded: the CLI imports this module at start
    from assistant.runtime import Runtime
    from knowledge.history import HistoryReport
    from knowledge.indexer import IngestReport
    from knowledge.progress import Progress

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_WORKSPACE = "demo"


@dataclass(frozen=True)
class DemoMessage:
    """A customer's message of the demo: who, on which channel, what; ``waited`` before the demo starts."""

    customer: str
    channel: str
    text: str
    waited: timedelta


DEMO_MESSAGES = (
    DemoMessage(
        "cus_nb_01",
        "chat",
        "Hei igjen, ruteren blinker fortsatt oransje. Hva gjør jeg nå?",
        timedelta(minutes=3),
    ),
    DemoMessage(
        "cus_sv_01", "email", "Hej! Hur lång tid tar det innan jag får den nya tv:n?", timedelta(hours=2)
    ),
    DemoMessage(
        "cus_da_02", "instagram", "Hej, hvornår får jeg min erstatningspakke?", timedelta(minutes=35)
    ),
    DemoMessage("cus_nn_01", "sms", "Kor lang tid tek det å få pengane tilbake?", timedelta(minutes=50)),
    DemoMessage(
        "cus_en_02",
        "chat",
        "Hi, how long does a refund take after cancelling an order?",
        timedelta(minutes=6),
    ),
)


def load_demo(
    rt: Runtime, workspace: str = DEMO_WORKSPACE, progress: Progress | None = None
) -> tuple[IngestReport, HistoryReport]:
    """Load the sample help center and history into ``workspace`` (nothing unchanged is embedded again).

    Args:
        rt: the runtime (stores, embedder).
        workspace: the workspace to load into.
        progress: progress of the two imports.

    Returns:
        The help center's and the history's import reports.
    """
    from knowledge.history import HistoryImporter

    knowledge = rt.indexer.ingest(DEMO_DATA / "knowledge", workspace, progress)
    history = HistoryImporter(rt.sessions, rt.chroma, rt.embedder, limits=rt.settings.limits()).ingest(
        DEMO_DATA / "history.jsonl", workspace, progress
    )
    return knowledge, history


def open_demo_queue(rt: Runtime, now: datetime, workspace: str = DEMO_WORKSPACE) -> list[str]:
    """Close the workspace's open conversations and open one new conversation per demo message, arrived
    ``waited`` before ``now``.

    Args:
        rt: the runtime.
        now: the time the demo starts (timezone-aware).
        workspace: the demo's workspace (loaded with :func:`load_demo`).

    Returns:
        The ids of the new conversations.
    """
    from sqlalchemy import update

    from assistant.knowledge_ops import append_events
    from knowledge.db.history_models import Conversation
    from knowledge.workspaces import get_workspace

    with rt.sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        if ws is not None:
            session.execute(
                update(Conversation)
                .where(Conversation.workspace_id == ws.id, Conversation.status == "open")
                .values(status="closed")
            )
    stamp = now.strftime("%Y%m%d%H%M%S")
    events: list[dict[str, Any]] = []
    ids = []
    for m in DEMO_MESSAGES:
        conversation = f"live-{m.customer}-{m.channel}-{stamp}"
        ids.append(conversation)
        events.append(
            {
                "customer": {"id": m.customer},
                "conversation": {"id": conversation, "channel": m.channel, "status": "open"},
                "message": {
                    "id": f"{conversation}-1",
                    "role": "customer",
                    "text": m.text,
                    "at": (now - m.waited).isoformat(),
                },
            }
        )
    append_events(rt, workspace, events, strict=True)
    return ids
