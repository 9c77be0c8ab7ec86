"""Liveness, readiness (each backend checked and named) and Prometheus metrics."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import MetricsDep, RuntimeDep
from api.schemas import ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    """Alive."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Database, vector store and models reachable",
    responses={503: {"model": ReadyOut, "description": "A backend is down; its check names the problem."}},
)
def readyz(rt: RuntimeDep) -> JSONResponse:
    """Check each backend; 503 with the failing ones named."""
    checks: dict[str, str] = {}
    try:
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report any failure by name
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        rt.chroma.heartbeat()
        checks["vector_store"] = "ok"
    except Exception as exc:
        checks["vector_store"] = f"down: {type(exc).__name__}"
    try:
        rt.embedder.embed_query("ready")
        checks["embedder"] = "ok"
    except Exception as exc:
        checks["embedder"] = f"down: {type(exc).__name__}"
    checks["drafter"] = _drafter(rt) if rt.settings.llm_model else "offline"
    down = any(v.startswith("down") for v in checks.values())
    body = ReadyOut(status="degraded" if down else "ok", checks=checks)
    return JSONResponse(body.model_dump(), status_code=503 if down else 200)


def _drafter(rt: RuntimeDep) -> str:
    """Whether the chat model's endpoint answers (its model list), within a few seconds."""
    base = (rt.settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {rt.settings.llm_api_key}"} if rt.settings.llm_api_key else {}
    try:
        r = httpx.get(base + "/models", headers=headers, timeout=3.0)
    except httpx.HTTPError as exc:
        return f"down: {type(exc).__name__}"
    if r.status_code >= 400:
        return f"down: HTTP {r.status_code} from the model endpoint"
    return "ok"


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Metrics."}},
)
def metrics(m: MetricsDep) -> Response:
    """Latency histograms, suggestions, abstains, tokens and feedback, in Prometheus' text format."""
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
