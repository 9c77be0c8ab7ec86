"""Prometheus metrics on a registry owned by the app (no global registry): request latency, suggestions,
abstains, tokens, feedback."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The app's metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "svar_http_request_seconds",
            "HTTP request latency by route, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.service = Histogram(
            "svar_service_seconds",
            "Time the service took per call.",
            ["mode"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.suggestions = Counter(
            "svar_suggestions", "Suggestions returned.", ["mode"], registry=self.registry
        )
        self.abstains = Counter(
            "svar_abstains", "Suggestions that abstained.", ["mode"], registry=self.registry
        )
        self.tokens = Counter(
            "svar_tokens", "Tokens counted against budgets.", ["mode"], registry=self.registry
        )
        self.feedback = Counter("svar_feedback", "Feedback recorded.", ["action"], registry=self.registry)


class MetricsMiddleware:
    """Times every HTTP request under its route template (not the raw path: ids stay out of labels)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(path, scope["method"], str(status)).observe(
                time.perf_counter() - started
            )
