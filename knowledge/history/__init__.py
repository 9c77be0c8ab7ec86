"""Customer memory: history events → the relational store → identities, known facts, history vectors.

- :class:`HistoryImporter` imports a JSONL file of history events (``svar ingest history``), idempotently.
- :func:`find_customer` / :func:`resolve_customer` — one customer per e-mail, phone or social handle.
- :func:`search_history` — one customer's messages nearest to a query (customer scope required).
- :func:`customer_card` / :func:`customer_timeline` — the context card and the cross-channel timeline
  (:func:`customer_context`: both in one session; :class:`ContextCache`: kept per history version).
- :func:`erase_customer` — rows, vectors and caches, verified down to the bytes of the embedded stores.
- :func:`reindex_history` — rebuild the history collection from the relational store.
"""

from knowledge.history.card import (
    ContextCache,
    ConversationOut,
    CustomerCard,
    FactOut,
    IdentityOut,
    KeptContext,
    MessageOut,
    OrderOut,
    customer_card,
    customer_context,
    customer_timeline,
    lookup_customer,
)
from knowledge.history.erasure import ErasureReport, erase_customer
from knowledge.history.events import CHANNELS, Event, parse_event, read_events
from knowledge.history.identity import find_customer, resolve_customer
from knowledge.history.importer import HistoryImporter, HistoryReport
from knowledge.history.vectors import HistoryIndex, reindex_history, search_history

__all__ = [
    "CHANNELS",
    "ContextCache",
    "ConversationOut",
    "CustomerCard",
    "ErasureReport",
    "Event",
    "FactOut",
    "HistoryImporter",
    "HistoryIndex",
    "HistoryReport",
    "IdentityOut",
    "KeptContext",
    "MessageOut",
    "OrderOut",
    "customer_card",
    "customer_context",
    "customer_timeline",
    "erase_customer",
    "find_customer",
    "lookup_customer",
    "parse_event",
    "read_events",
    "reindex_history",
    "resolve_customer",
    "search_history",
]
