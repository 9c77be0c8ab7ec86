"""A workspace's language and country: national phone numbers read in its country; its language decides
the reply language when the customer's own signals do not; bad values are clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from knowledge.db.history_models import Customer, Identity
from knowledge.errors import InputError
from knowledge.history.identity import find_customer
from knowledge.locale import set_workspace_locale, workspace_locale
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, open_stores, say


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


def _set(st: Stores, **kw: str) -> None:
    with st.sessions.begin() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        set_workspace_locale(s, ws.id, **kw)


def _two_events(first_phone: str, second_phone: str) -> list[dict[str, object]]:
    return [
        say(
            {"id": "sms:1", "phone": first_phone},
            "m-1",
            "sms",
            "Hej, hvor er min pakke?",
            "2026-02-09T08:00:00+01:00",
        ),
        say(
            {"id": "crm-9", "name": "Jens Holm", "phone": second_phone},
            "m-2",
            "email",
            "Hej igen, pakken er ikke kommet.",
            "2026-02-10T08:00:00+01:00",
        ),
    ]


def test_a_national_number_is_read_in_the_workspace_country(st: Stores) -> None:
    _set(st, country="dk")
    st.ingest(_two_events("20123456", "+45 20 12 34 56"))
    assert st.count(Customer) == 1  # one person, whichever way the number was written
    with st.sessions() as s:
        phones = sorted(i.value for i in s.scalars(select(Identity).where(Identity.kind == "phone")))
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        found = find_customer(s, ws.id, "20 12 34 56", workspace_locale(s, ws.id).country)
    assert phones == ["+4520123456"]
    assert found is not None


def test_without_a_country_the_number_is_read_in_another_nordic_country_first(st: Stores) -> None:
    st.ingest(_two_events("20123456", "+45 20 12 34 56")[:1])
    with st.sessions() as s:
        phones = [i.value for i in s.scalars(select(Identity).where(Identity.kind == "phone"))]
    assert phones and phones != ["+4520123456"]  # not valid in Norway, so Sweden's reading comes first


def test_bad_language_or_country_is_a_clear_error(st: Stores) -> None:
    with pytest.raises(InputError, match="unsupported language 'de'"):
        _set(st, language="de")
    with pytest.raises(InputError, match="ISO 3166"):
        _set(st, country="Danmark")
    _set(st, language="swe", country="se")
    with st.sessions() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        assert workspace_locale(s, ws.id) == type(workspace_locale(s, ws.id))("sv", "SE")


def test_the_workspace_language_decides_a_short_message_nothing_else_decides(tmp_path: Path) -> None:
    from assistant.drafting.fake import FakeDrafter
    from assistant.runtime import build_runtime
    from assistant.service import build_assistant
    from assistant.settings import Settings

    rt = build_runtime(Settings(home=tmp_path, embedder="hash"))
    try:
        assistant = build_assistant(rt, drafter=FakeDrafter())
        with rt.sessions.begin() as s:
            ws = get_workspace(s, "default")
            assert ws is not None
            set_workspace_locale(s, ws.id, language="da")
        result = assistant.suggest(workspace="default", message="ok", channel="chat", history=[])
        assert result.language == "da"
        with rt.sessions.begin() as s:
            ws = get_workspace(s, "default")
            assert ws is not None
            set_workspace_locale(s, ws.id, language="sv")
        assert (
            assistant.suggest(workspace="default", message="ok", channel="chat", history=[]).language == "sv"
        )
    finally:
        rt.close()


def test_cli_sets_and_shows_the_workspace_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli import app

    monkeypatch.setenv("SVAR_HOME", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(app, ["workspace", "set", "--language", "da", "--country", "DK"]).exit_code == 0
    shown = runner.invoke(app, ["workspace", "show", "--json"])
    assert shown.exit_code == 0 and '"country": "DK"' in shown.output and '"language": "da"' in shown.output
    bad = runner.invoke(app, ["workspace", "set", "--country", "XX"])
    assert bad.exit_code == 2 and "ISO 3166" in bad.output
