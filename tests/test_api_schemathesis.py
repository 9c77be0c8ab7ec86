"""schemathesis against the served openapi.json, with an admin key and with none: no server errors, and
status codes, content types and bodies as documented. Bounded (a few examples per operation) so CI runs it
within a couple of minutes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api import ApiLimits, create_app
from tests.api_support import api_settings, key, served

EXAMPLES = 4


class _Client:
    def __init__(self, app: Any) -> None:
        self.app = app


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = create_app(
        api_settings(tmp_path_factory.mktemp("fuzz")),
        limits=ApiLimits(widget_per_ip_per_minute=100_000, widget_per_key_per_minute=100_000),
    )
    with served(app) as url:
        admin = key(_Client(app), "fuzz", "admin")
        # warm up (language models, indexes load on first use) so no example meets a cold start
        warm = httpx.post(
            url + "/v1/suggestions", json={"message": "Hei, hvor er pakken?"}, headers=admin, timeout=300
        )
        assert warm.status_code == 200, warm.text
        yield {"url": url, "admin": admin}


# Events can be well-formed and still conflict with what is stored (a conversation of another customer)
# or fail ?strict=true, and an upload's file name must have a type the loaders read: documented 400s that a
# JSON schema cannot express, so those two operations skip the "schema-valid data is accepted" check.
SEMANTIC = {"/v1/customers/events", "/v1/knowledge/files"}


def _runner(operation: Any, mode: GenerationMode, headers: dict[str, str], check: Any) -> Any:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        excluded = [positive_data_acceptance] if case.path in SEMANTIC else []
        sent = dict(headers)
        given_headers = {k.lower() for k in case.headers or {}}
        if mode is GenerationMode.NEGATIVE and "authorization" not in given_headers:
            sent = {}  # the case leaves the credentials out on purpose
        response = case.call_and_validate(headers=sent, excluded_checks=excluded, timeout=120)
        if check is not None:
            check(case, response)

    return run


def _fuzz(url: str, headers: dict[str, str], check: Any = None) -> list[str]:
    """Every operation with a few generated (positive and negative) requests; returns the failures."""
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, headers, check)()
            except Unsatisfiable:  # no parameters to make invalid (GET /healthz in negative mode)
                continue
            except Exception as exc:  # collect them all, then report
                inner = "; ".join(str(e)[:1500] for e in getattr(exc, "exceptions", []))
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]} {inner}")
    return failures


def test_with_an_admin_key(server: dict[str, Any]) -> None:
    failures = _fuzz(server["url"], server["admin"])
    assert not failures, "\n\n".join(failures)


def test_without_a_key(server: dict[str, Any]) -> None:
    def refused(case: Any, response: Any) -> None:
        if not case.path.startswith(("/healthz", "/readyz", "/metrics")):
            assert response.status_code in {400, 401, 404, 405, 413, 422}, (case.path, response.status_code)

    failures = _fuzz(server["url"], {}, refused)
    assert not failures, "\n\n".join(failures)
