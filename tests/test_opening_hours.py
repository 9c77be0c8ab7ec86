"""Opening hours: declared per weekday, validated with clear errors, and a widget handoff outside them says
when a person will answer (the next opening plus the goal). Fixed clocks throughout."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

import api.routes.widget as widget_route
from assistant.opening_hours import parse_opening_hours
from knowledge.errors import InputError
from tests.api_support import api_client, key, load_demo

WS = "hours"
OSLO = {
    "timezone": "Europe/Oslo",
    "mon": "08:00-16:00",
    "tue": "08:00-16:00",
    "wed": "08:00-16:00",
    "thu": "08:00-16:00",
    "fri": "08:00-16:00",
    "sat": "10:00-14:00",
}
# 2026-03-06 is a Friday; Oslo is UTC+1 in March (summer time starts 2026-03-29)
FRIDAY_NOON = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)  # 12:00 in Oslo: open
FRIDAY_EVENING = datetime(2026, 3, 6, 19, 30, tzinfo=UTC)  # 20:30: closed, opens Saturday 10:00
SATURDAY_LATE = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)  # 16:00 Saturday: closed, Sunday closed too


def test_open_and_the_next_opening() -> None:
    hours = parse_opening_hours(OSLO)
    assert hours.is_open(FRIDAY_NOON) and hours.next_opening(FRIDAY_NOON) is None
    assert not hours.is_open(FRIDAY_EVENING)
    assert hours.next_opening(FRIDAY_EVENING) == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # Sat 10:00 Oslo
    assert hours.next_opening(SATURDAY_LATE) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # Mon 08:00 Oslo
    early = datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # Monday 07:30: opens later the same day
    assert hours.next_opening(early) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    at_close = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # Friday 16:00 sharp: closed
    assert not hours.is_open(at_close)
    summer = datetime(2026, 4, 3, 18, 0, tzinfo=UTC)  # Friday 20:00 in summer time (UTC+2)
    assert hours.next_opening(summer) == datetime(2026, 4, 4, 8, 0, tzinfo=UTC)


def test_all_day_and_never() -> None:
    always = parse_opening_hours({"timezone": "UTC", **{d: "00:00-24:00" for d in OSLO if d != "timezone"}})
    assert always.is_open(datetime(2026, 3, 6, 23, 59, tzinfo=UTC))
    never = parse_opening_hours({"timezone": "UTC"})
    assert never.next_opening(FRIDAY_NOON) is None, "nothing declared: no opening to wait for"


def test_the_declaration_reads_back_as_written() -> None:
    written = parse_opening_hours(OSLO).as_dict()
    assert written["fri"] == "08:00-16:00" and written["sun"] is None
    assert parse_opening_hours(written) == parse_opening_hours(OSLO)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"mon": "08:00-16:00"}, "timezone"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "UTC", "monday": "08:00-16:00"}, "unknown key"),
        ({"timezone": "UTC", "mon": "8-16"}, "not HH:MM-HH:MM"),
        ({"timezone": "UTC", "mon": "16:00-08:00"}, "open before it closes"),
        ({"timezone": "UTC", "mon": "08:00-24:30"}, "at most 24:00"),
    ],
)
def test_bad_opening_hours_say_what_to_write(data: dict, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        parse_opening_hours(data)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tmp_path_factory.mktemp("hours"), widget_per_ip_per_minute=10_000) as c:
        load_demo(c, WS)
        yield c


def _handoff(client: TestClient, monkeypatch: pytest.MonkeyPatch, now: datetime) -> dict:
    monkeypatch.setattr(widget_route, "utcnow", lambda: now)
    token = client.post("/v1/widget/sessions", json={}, headers=key(client, WS, "widget")).json()["token"]
    visitor = {"Authorization": f"Bearer {token}"}
    r = client.post("/v1/widget/handoff", json={"reason": "vil snakke med noen"}, headers=visitor)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_an_admin_declares_them_and_a_bad_declaration_is_a_400(client: TestClient) -> None:
    admin = key(client, WS, "admin")
    r = client.put(
        "/v1/workspace/settings", json={"opening_hours": {"timezone": "UTC", "mon": "9-5"}}, headers=admin
    )
    assert r.status_code == 400 and "not HH:MM-HH:MM" in r.json()["error"]["message"]
    r = client.put("/v1/workspace/settings", json={"opening_hours": OSLO}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["opening_hours"]["sat"] == "10:00-14:00" and r.json()["opening_hours"]["sun"] is None
    assert client.get("/v1/workspace", headers=admin).json()["opening_hours"]["timezone"] == "Europe/Oslo"


def test_a_handoff_outside_the_hours_is_due_at_the_next_opening_plus_the_goal(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = key(client, WS, "admin")
    client.put("/v1/workspace/settings", json={"opening_hours": OSLO}, headers=admin)
    closed = _handoff(client, monkeypatch, FRIDAY_EVENING)
    opens = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert datetime.fromisoformat(closed["opens_at"]) == opens
    assert datetime.fromisoformat(closed["due_at"]) == opens + timedelta(minutes=5)
    inbox = client.get("/v1/desk/inbox", headers=key(client, WS, "agent")).json()
    (waiting,) = [w for w in inbox["waiting"] if w["conversation"] == closed["conversation_id"]]
    assert datetime.fromisoformat(waiting["due_at"]) == opens + timedelta(minutes=5), "the desk agrees"
    open_ = _handoff(client, monkeypatch, FRIDAY_NOON)
    assert open_["opens_at"] is None
    assert datetime.fromisoformat(open_["due_at"]) == FRIDAY_NOON + timedelta(minutes=5)
    r = client.put("/v1/workspace/settings", json={"clear_opening_hours": True}, headers=admin)
    assert r.json()["opening_hours"] is None
    always = _handoff(client, monkeypatch, FRIDAY_EVENING)
    assert always["opens_at"] is None, "no opening hours: people are always there"
    assert datetime.fromisoformat(always["due_at"]) == FRIDAY_EVENING + timedelta(minutes=5)
