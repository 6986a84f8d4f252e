"""POST /api/v1/events: push opens, conversions and custom events, each recorded once."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.models import Event, Notification
from app.models.types import new_uuid, utcnow
from tests import factories
from tests.helpers.api import assert_problem

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture()
def sent(db):
    """Ada's notifications: an old one (outside the window) and the last one."""
    ada = factories.contact()
    rows = [Notification(id=new_uuid(), contact_id=ada.id, channel="push", category="orders",
                         status="sent", sent_at=utcnow() - timedelta(hours=hours),
                         campaign_run_id=run, variant=1, provider="apns")
            for hours, run in ((100, None), (3, 7))]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def post(client, headers, **body):
    return client.post("/api/v1/events", json=body, headers=headers)


def count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_push_open_is_recorded_once_per_notification(client, api_headers, sent, db):
    nid = str(sent[1].id)
    first = post(client, api_headers, kind="opened", notification_id=nid)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert (body["kind"], body["notification_id"], body["contact"], body["duplicate"]) == (
        "opened", nid, "user-1", False)
    again = post(client, api_headers, kind="opened", notification_id=nid, id="other-id")
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True and again.get_json()["id"] == body["id"]
    assert count(db) == 1
    event = db.session.scalars(select(Event)).one()
    assert (event.machine, str(event.notification_id)) == (False, nid)


def test_a_conversion_counts_for_the_last_notification_in_the_window(client, api_headers, sent,
                                                                      db):
    response = post(client, api_headers, id="order-A-1", kind="converted", contact="user-1",
                    value=49.9, currency="EUR")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["notification_id"], body["value"], body["currency"]) == (
        str(sent[1].id), 49.9, "EUR")
    assert post(client, api_headers, id="order-A-1", kind="converted", contact="user-1",
                value=49.9, currency="EUR").get_json()["duplicate"] is True
    assert count(db) == 1
    event = db.session.scalars(select(Event)).one()  # the notification's, for its reports
    assert (event.campaign_run_id, event.variant, event.channel, event.provider) == (
        7, 1, "push", "apns")


def test_outside_the_window_an_event_is_the_contacts_alone(client, api_headers, sent, db,
                                                           config, monkeypatch):
    monkeypatch.setattr(config, "ATTRIBUTION_WINDOW_HOURS", 1)
    body = post(client, api_headers, id="e-1", kind="custom", name="trial_started",
                contact="user-1", data={"plan": "pro"}).get_json()
    assert (body["notification_id"], body["contact"], body["name"]) == (
        None, "user-1", "trial_started")
    event = db.session.get(Event, uuid.UUID(body["id"]))
    assert event.data == {"name": "trial_started", "data": {"plan": "pro"}}


def test_events_without_an_id_are_each_recorded(client, api_headers, sent, db):
    for _ in range(2):
        assert post(client, api_headers, kind="custom", name="viewed",
                    contact="user-1").status_code == 201
    assert count(db) == 2


BAD = {
    "no kind": ({"contact": "user-1"}, "/kind"),
    "unknown kind": ({"kind": "clicked", "contact": "user-1"}, "/kind"),
    "open without notification": ({"kind": "opened", "contact": "user-1"}, ""),
    "custom without name": ({"kind": "custom", "contact": "user-1"}, ""),
    "nobody": ({"kind": "converted", "value": 1, "currency": "EUR"}, ""),
    "value without currency": ({"kind": "converted", "contact": "user-1", "value": 3}, ""),
    "lowercase currency": ({"kind": "converted", "contact": "user-1", "value": 3,
                            "currency": "eur"}, "/currency"),
    "negative value": ({"kind": "converted", "contact": "user-1", "value": -1,
                        "currency": "EUR"}, "/value"),
    "bad notification id": ({"kind": "opened", "notification_id": "nope"}, "/notification_id"),
    "unknown field": ({"kind": "custom", "name": "x", "contact": "user-1", "extra": 1},
                      "/extra"),
    "unknown contact": ({"kind": "custom", "name": "x", "contact": "nobody"}, "/contact"),
    "unknown notification": ({"kind": "opened", "notification_id": str(uuid.uuid4())},
                             "/notification_id"),
}


@pytest.mark.parametrize("body, field", BAD.values(), ids=BAD.keys())
def test_bad_input_is_a_problem_naming_the_field(client, api_headers, sent, db, body, field):
    problem = assert_problem(post(client, api_headers, **body), 422)
    assert problem["errors"] and problem["errors"][0]["field"] == field
    assert count(db) == 0


def test_the_send_scope_is_needed(client, db, sent):
    _, plaintext = create_api_key(db.session, "reader", ["manage"], actor=SYSTEM)
    db.session.commit()
    response = post(client, {"Authorization": f"Bearer {plaintext}"}, kind="opened",
                    notification_id=str(sent[1].id))
    assert_problem(response, 403)
    assert_problem(client.post("/api/v1/events", json={}), 401)


def test_the_openapi_document_has_the_operation_with_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/events"]["post"]
    assert {"201", "200", "422"} <= set(operation["responses"])
    schema = spec["components"]["schemas"]["EventIn"]
    assert [e["kind"] for e in schema["examples"]] == ["opened", "converted", "custom"]
