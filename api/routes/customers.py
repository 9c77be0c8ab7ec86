"""Customers: append history events, the context card, erasure."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import AgentDep, IngestLockDep, LimitsDep, RuntimeDep
from api.errors import ApiError
from api.schemas import ROUTE_ERRORS, ErasureOut, EventsIn, EventsOut, RejectionOut, errors
from assistant.feedback import NotFound
from assistant.knowledge_ops import append_events, customer_exists, erase
from knowledge.history import CustomerCard, customer_card

router = APIRouter(prefix="/v1/customers", tags=["customers"], responses=ROUTE_ERRORS)


@router.post("/events", response_model=EventsOut, responses=errors(400))
def add_events(
    body: EventsIn,
    principal: AgentDep,
    rt: RuntimeDep,
    limits: LimitsDep,
    lock: IngestLockDep,
    strict: bool = Query(False, description="Import nothing when any event is invalid."),
) -> EventsOut:
    """Append history events (one or many); the next suggestion uses them."""
    if len(body.events) > limits.max_events:
        raise ApiError(
            400, f"at most {limits.max_events} events per request; send the rest in another request"
        )
    with lock:
        events = [e.model_dump(mode="json", exclude_none=True) for e in body.events]
        report = append_events(rt, principal.workspace, events, strict=strict)
    if report.events == 0 and report.rejected:
        raise ApiError(400, f"no valid events; first problem: {report.rejected[0]}")
    return EventsOut(
        summary=report.summary(),
        rejected=[RejectionOut(location=r.location, reason=r.reason) for r in report.rejected],
        warnings=[RejectionOut(location=r.location, reason=r.reason) for r in report.warnings],
    )


@router.get("/{customer}/card", response_model=CustomerCard, responses=errors(404))
def card(customer: str, principal: AgentDep, rt: RuntimeDep) -> CustomerCard:
    """The customer's context card: identities, conversations, orders, known facts, tried and promised."""
    with rt.sessions() as session:
        if not customer_exists(session, principal.workspace, customer):
            raise NotFound(f"no customer {customer!r}")
    return customer_card(rt.sessions, principal.workspace, customer)


@router.delete("/{customer}", response_model=ErasureOut, responses=errors(404))
def erase_customer(customer: str, principal: AgentDep, rt: RuntimeDep, lock: IngestLockDep) -> ErasureOut:
    """Erase the customer: rows, history vectors, cached embeddings, suggestions and widget sessions."""
    with rt.sessions() as session:
        if not customer_exists(session, principal.workspace, customer):
            raise NotFound(f"no customer {customer!r}")
    with lock:
        report = erase(rt, principal.workspace, customer)
    if report.nothing_to_erase:
        raise NotFound(f"no customer {customer!r}")
    return ErasureOut(
        customer=customer, rows=report.rows, vectors=report.vectors, cache_entries=report.cache_entries
    )
