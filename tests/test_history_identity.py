"""Identity resolution: one person across e-mail, phone and social handles; merges; customer references."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.db.history_models import Customer, Fact, Identity, Message
from knowledge.errors import InputError
from knowledge.history import customer_card, customer_timeline, search_history
from knowledge.history.identity import find_customer
from knowledge.history.vectors import stored_history_index
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, open_stores, say


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


KARI_EMAIL = {"id": "crm-17", "name": "Kari Hansen", "email": "Kari.Hansen@Example.com", "language": "nb"}


def test_facebook_dm_email_and_phone_note_are_one_timeline(st: Stores) -> None:
    report = st.ingest(
        [
            say(
                KARI_EMAIL | {"phone": "+47 912 34 567"},
                "mail-1",
                "email",
                "Ruteren min er død.",
                "2026-02-09T08:00:00+01:00",
            ),
            # a Facebook DM: another system's id, the handle, the phone as she typed it
            say(
                {"id": "fb:6421093385", "handles": {"facebook": "@Kari.Hansen.Oslo"}, "phone": "912 34 567"},
                "fb-1",
                "facebook",
                "Testet med PC rett i boksen, da virker det.",
                "2026-02-09T21:00:00+01:00",
            ),
            # later the handle alone is enough
            say(
                {"id": "fb:6421093385", "handles": {"facebook": "kari.hansen.oslo"}},
                "fb-1",
                "facebook",
                "Takk!",
                "2026-02-09T21:30:00+01:00",
            ),
            # a phone note from the switchboard: only a phone number, in another format
            say(
                {"id": "tel:004791234567", "phone": "0047 91234567"},
                "call-1",
                "phone",
                "Ringte kunden, ny ruter sendt.",
                "2026-02-10T09:00:00+01:00",
                role="note",
            ),
        ]
    )
    assert report.rejected == [] and report.customers_added == 1 and report.merged == []
    assert st.count(Customer) == 1
    timeline = customer_timeline(st.sessions, st.workspace, "kari.hansen@example.com")
    assert [m.channel for m in timeline] == ["email", "facebook", "facebook", "phone"]
    with st.sessions() as session:
        idents = {(i.kind, i.value) for i in session.scalars(select(Identity))}
    assert idents == {
        ("external_id", "crm-17"),
        ("external_id", "fb:6421093385"),
        ("external_id", "tel:004791234567"),
        ("email", "kari.hansen@example.com"),
        ("phone", "+4791234567"),
        ("facebook", "kari.hansen.oslo"),
    }


def test_an_event_that_links_two_customers_merges_them(st: Stores) -> None:
    st.ingest(
        [
            say(KARI_EMAIL, "mail-1", "email", "Ordre 48213977 har ikke kommet.", "2026-02-01T10:00:00Z"),
            say(
                {"id": "ig:555", "handles": {"instagram": "kari_h"}},
                "ig-1",
                "instagram",
                "Hei! Ordre 48213977, hvor er pakken?",
                "2026-02-02T10:00:00Z",
            ),
            say("someone-else", "chat-9", "chat", "Ordre 48213977?", "2026-02-02T10:00:00Z"),
        ]
    )
    assert st.count(Customer) == 3
    with st.sessions() as session:
        ig_pk = session.scalars(select(Customer.id).where(Customer.external_id == "ig:555")).one()
    # a profile event that names both the e-mail and the Instagram handle: one person
    report = st.ingest([{"customer": {"id": "ig:555", "email": "kari.hansen@example.com"}}])
    assert report.merged == ["ig:555 -> crm-17"]
    assert st.count(Customer) == 2
    with st.sessions() as session:
        kari = session.scalars(select(Customer).where(Customer.external_id == "crm-17")).one()
        assert session.get(Customer, ig_pk) is None
        assert {m.customer_id for m in session.scalars(select(Message).where(Message.channel != "chat"))} == {
            kari.id
        }
        # the same order number from both: one fact, provenance of the earliest message
        orders = list(
            session.scalars(select(Fact).where(Fact.customer_id == kari.id, Fact.kind == "order_number"))
        )
        assert [(f.value, f.channel) for f in orders] == [("48213977", "email")]
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
        assert index is not None
        moved = index.get(
            [f"msg-{pk}" for pk in session.scalars(select(Message.id).where(Message.channel == "instagram"))]
        )
    assert [m["customer_id"] for m in moved["metadatas"]] == [str(kari.id)]
    hits = search_history(
        st.sessions, st.chroma, st.embedder, st.workspace, str(kari.id), "hvor er pakken", 5
    )
    assert {h.metadata["channel"] for h in hits} == {"email", "instagram"}
    assert customer_card(st.sessions, st.workspace, "ig:555").external_id == "crm-17"
    # importing everything again changes nothing
    again = st.ingest([{"customer": {"id": "ig:555", "email": "kari.hansen@example.com"}}])
    assert again.merged == [] and again.identities_added == 0


def test_merge_is_deterministic_whatever_the_order(st: Stores) -> None:
    st.ingest(
        [
            {"customer": {"id": "b", "phone": "+4798765432"}},
            {"customer": {"id": "a", "email": "a@example.com"}},
        ]
    )
    st.ingest([{"customer": {"id": "z", "phone": "98765432", "email": "A@example.com"}}])
    with st.sessions() as session:
        assert list(session.scalars(select(Customer.external_id))) == ["b"]  # the oldest survives


def test_find_customer_by_any_reference(st: Stores) -> None:
    st.ingest(
        [
            {
                "customer": KARI_EMAIL
                | {"phone": "+47 912 34 567", "handles": {"x": "@KariH", "instagram": "kari_h"}}
            },
            {"customer": {"id": "other", "handles": {"facebook": "karih"}}},
        ]
    )
    with st.sessions() as session:
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        kari = find_customer(session, ws.id, "crm-17")
        assert kari is not None
        for ref in (
            "KARI.HANSEN@example.com",
            "+4791234567",
            "912 34 567",
            "x:KariH",
            "@kari_h",
            f"#{kari.id}",
        ):
            found = find_customer(session, ws.id, ref)
            assert found is not None and found.id == kari.id, ref
        assert find_customer(session, ws.id, "nobody@example.com") is None
        assert find_customer(session, ws.id, "facebook:karih").external_id == "other"  # type: ignore[union-attr]
        with pytest.raises(InputError, match="say which"):
            find_customer(session, ws.id, "@karih")  # Kari on X, someone else on Facebook


def test_an_ambiguous_handle_must_name_its_network(st: Stores) -> None:
    st.ingest(
        [
            {"customer": {"id": "a", "handles": {"x": "sam"}}},
            {"customer": {"id": "b", "handles": {"instagram": "sam"}}},
        ]
    )
    with st.sessions() as session:
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        with pytest.raises(InputError, match="matches 2 customers"):
            find_customer(session, ws.id, "@sam")
        assert find_customer(session, ws.id, "instagram:sam").external_id == "b"  # type: ignore[union-attr]


def test_invalid_contact_details_are_warnings_not_matches(st: Stores) -> None:
    report = st.ingest([{"customer": {"id": "a", "email": "not-an-email", "phone": "12"}}])
    assert report.rejected == [] and report.customers_added == 1
    assert len(report.warnings) == 2 and all(":1" in w.location for w in report.warnings)
    assert st.count(Identity) == 1  # only the external id


def test_danish_national_number_matches_the_profiles_plus_45(st: Stores) -> None:
    # read in Norway first, 31456789 is a valid Norwegian number too; the reading a customer already has wins
    st.ingest(
        [
            say(
                {"id": "cus_da", "name": "Mette Kjær", "phone": "+45 31 45 67 89", "language": "da"},
                "m-1",
                "email",
                "Hej, lyden er kun i den ene side.",
                "2026-02-09T08:00:00+01:00",
            ),
            say(
                {"id": "fb:55", "handles": {"facebook": "mette.k"}, "phone": "31456789"},
                "fb-1",
                "facebook",
                "Hej igen, har I fået min mail?",
                "2026-02-10T08:00:00+01:00",
            ),
        ]
    )
    assert st.count(Customer) == 1
    with st.sessions() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        found = find_customer(s, ws.id, "31456789")
        assert found is not None and found.external_id == "cus_da"
        phones = [i.value for i in s.scalars(select(Identity).where(Identity.kind == "phone"))]
    assert phones == ["+4531456789"]


def test_unknown_national_number_is_read_in_the_workspace_country() -> None:
    from knowledge.history.identity import normalize_customer_phone, phone_readings

    assert phone_readings("31456789", None, "DK")[0] == "+4531456789"
    assert phone_readings("31456789", None, None)[0] == "+4731456789"  # Norway by default
    assert "+4531456789" in phone_readings("31456789", None, None)
    assert phone_readings("31456789", "da")[0] == "+4531456789"  # the customer's country first
    assert normalize_customer_phone("070-123 45 67", "sv") == "+46701234567"
    assert normalize_customer_phone("070-123 45 67", None) == "+46701234567"  # valid only in Sweden
    assert phone_readings("+44 7911 123456", "nb") == ["+447911123456"]  # international as written
    assert phone_readings("0047 912 34 567", "da") == ["+4791234567"]
    assert phone_readings("12", None) == []


def test_demo_history_holds_its_twelve_customers(st: Stores) -> None:
    demo = Path(__file__).resolve().parents[1] / "assistant" / "demo_data" / "history.jsonl"
    st.ingest(demo)
    assert st.count(Customer, Customer.verified.is_(True)) == 12  # + one anonymous widget session
    with st.sessions() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        for ref, owner in [
            ("20123456", "cus_da_01"),
            ("31456789", "cus_da_02"),
            ("28 91 04 55", "cus_en_02"),
        ]:
            found = find_customer(s, ws.id, ref)
            assert found is not None and found.external_id == owner, ref
