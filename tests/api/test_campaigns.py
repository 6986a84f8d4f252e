"""/api/v1/campaigns: define, list, edit, delete, every lifecycle call and its 409s, the
review, and a campaign sent to the SendGrid simulator whose numbers /stats then shows."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.campaigns import runs
from app.core.campaigns.tick import tick
from app.models import AuditLog, Notification, Segment
from app.models.campaigns import Campaign, CampaignRun
from app.models.types import utcnow
from app.queues import queue
from tests import factories
from tests.campaigns.conftest import EVERYONE, STATIC, add_contacts
from tests.e2e.conftest import drain  # noqa: F401  (a fixture)
from tests.helpers.api import assert_problem

URL = "/api/v1/campaigns"


def later(days=3) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


@pytest.fixture()
def world(in_db):
    """A marketing category "promo", a segment of everyone, templates sale-a and sale-b,
    three contacts; returns the segment's id."""

    def build(session):
        factories.category("promo", marketing=True, quiet_hours=False)
        factories.template("sale-a", content=STATIC, category="promo")
        factories.template("sale-b", content={"en": {**STATIC["en"], "email": {
            "subject": "Sale B", "html": "<p>B</p>"}}}, category="promo")
        segment = Segment(name="Everyone", rules=EVERYONE)
        session.add(segment)
        session.commit()
        add_contacts(3)
        return segment.id

    return in_db(build)


@pytest.fixture()
def spec(world):
    return {"name": "Winter sale", "category": "promo", "segment_id": world,
            "channels": ["email"], "variants": [{"template": "sale-a"}]}


@pytest.fixture()
def create(client, auth, spec):
    def make(**fields):
        response = client.post(URL, json={**spec, **fields}, headers=auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return make


@pytest.fixture()
def act(client, auth):
    """POST a lifecycle call; return (status, body)."""
    def call(campaign_id, action, **kw):
        response = client.post(f"{URL}/{campaign_id}/{action}", headers=auth, **kw)
        return response.status_code, response.get_json()
    return call


@pytest.fixture()
def started(app, redis, config, in_db, act):
    """Schedule a campaign now, let the tick open its run and fan it out in process."""
    def go(campaign_id, now=None):
        assert act(campaign_id, "schedule")[0] == 200
        now = (now or utcnow()) + timedelta(seconds=1)
        in_db(lambda s: tick(s, redis, config, now=now))
        run_id = in_db(lambda s: s.scalar(sa.select(CampaignRun.id).where(
            CampaignRun.campaign_id == campaign_id)))
        in_db(lambda s: runs.fan_out(s, redis, config, run_id, now=now))
        return run_id
    return go


def test_create_read_list_update_delete(client, auth, create, spec, in_db):
    made = create(schedule={"kind": "at", "send_at": "2030-01-31T09:00:00+01:00",
                            "timezone": "Europe/Paris"},
                  window={"start": "09:00", "end": "20:00", "days": [4, 0, 0]})
    assert made["status"] == "draft" and made["last_run"] is None
    definition = made["definition"]
    assert definition["schedule"]["send_at"] == "2030-01-31T08:00:00Z"
    assert definition["window"] == {"start": "09:00", "end": "20:00", "days": [0, 4]}
    assert definition["variants"] == [{"template": "sale-a", "version": 1, "share": 100}]
    got = client.get(f"{URL}/{made['id']}", headers=auth).get_json()
    assert got == made

    replaced = client.put(f"{URL}/{made['id']}", json={**definition, "name": "Spring sale",
                                                        "window": None}, headers=auth)
    assert replaced.status_code == 200
    assert replaced.get_json()["definition"]["window"] is None
    assert replaced.get_json()["name"] == "Spring sale"

    ids = [made["id"], create(name="Two")["id"], create(name="Three")["id"]]
    first = client.get(f"{URL}?limit=2", headers=auth)
    assert [c["id"] for c in first.get_json()["data"]] == ids[:0:-1]
    cursor = first.get_json()["next_cursor"]
    assert f"cursor={cursor}" in first.headers["Link"]
    second = client.get(f"{URL}?limit=2&cursor={cursor}", headers=auth).get_json()
    assert [c["id"] for c in second["data"]] == ids[:1] and second["next_cursor"] is None
    assert client.get(f"{URL}?status=scheduled", headers=auth).get_json()["data"] == []

    assert client.delete(f"{URL}/{ids[1]}", headers=auth).status_code == 204
    assert in_db(lambda s: s.get(Campaign, ids[1])) is None
    assert_problem(client.get(f"{URL}/{ids[1]}", headers=auth), 404)
    actions = in_db(lambda s: s.execute(sa.select(AuditLog.action, AuditLog.actor_kind).where(
        AuditLog.entity_type == "campaign", AuditLog.entity_id == str(ids[1]))).all())
    assert sorted(actions) == [("campaign.create", "api_key"), ("campaign.delete", "api_key")]


def test_names_that_do_not_exist_are_field_errors(client, auth, spec):
    body = {**spec, "category": "nope", "segment_id": 999,
            "variants": [{"template": "sale-a", "version": 7, "share": 50},
                         {"template": "missing", "share": 50}]}
    problem = assert_problem(client.post(URL, json=body, headers=auth), 422)
    assert {e["field"] for e in problem["errors"]} == {
        "/category", "/segment_id", "/variants/0/version", "/variants/1/template"}


def test_schedule_unschedule_and_editing_a_scheduled_campaign(client, auth, create, act):
    made = create(schedule={"kind": "at", "send_at": later()})
    status, body = act(made["id"], "schedule")
    assert status == 200 and body["status"] == "scheduled"
    assert body["next_run_at"] == body["definition"]["schedule"]["send_at"]
    assert_problem(client.post(f"{URL}/{made['id']}/schedule", headers=auth), 409)
    status, body = act(made["id"], "unschedule")
    assert (status, body["status"], body["next_run_at"]) == (200, "draft", None)
    assert_problem(client.post(f"{URL}/{made['id']}/unschedule", headers=auth), 409)
    act(made["id"], "schedule")
    edited = client.put(f"{URL}/{made['id']}", json=body["definition"], headers=auth)
    assert edited.get_json()["status"] == "draft"  # to be reviewed and scheduled again


def test_schedule_says_what_is_missing(client, auth, create):
    made = create(segment_id=None, variants=[],
                  schedule={"kind": "at", "send_at": "2020-01-01T00:00:00Z"})
    problem = assert_problem(client.post(f"{URL}/{made['id']}/schedule", headers=auth), 422)
    assert {e["field"] for e in problem["errors"]} == {
        "/segment_id", "/variants", "/schedule/send_at"}
    assert client.get(f"{URL}/{made['id']}", headers=auth).get_json()["status"] == "draft"


def test_pause_resume_cancel_and_what_a_started_campaign_refuses(
        client, auth, create, act, started, spec, in_db):
    made = create(throttle_per_minute=1)  # one message a minute: it stays live
    run_id = started(made["id"])
    cid = made["id"]
    assert act(cid, "resume")[0] == 409
    status, body = act(cid, "pause")
    assert (status, body["status"], body["last_run"]["status"]) == (200, "paused", "paused")
    assert act(cid, "pause")[0] == 409
    assert_problem(client.put(f"{URL}/{cid}", json=spec, headers=auth), 409)
    assert_problem(client.delete(f"{URL}/{cid}", headers=auth), 409)
    assert_problem(client.post(f"{URL}/{cid}/archive", headers=auth), 409)
    status, body = act(cid, "resume")
    assert (status, body["status"], body["last_run"]["status"]) == (200, "sending", "sending")
    status, body = act(cid, "cancel")
    assert (status, body["status"], body["last_run"]["status"]) == (200, "cancelled",
                                                                    "cancelled")
    unsent = in_db(lambda s: s.scalar(sa.select(sa.func.count()).where(
        Notification.campaign_run_id == run_id, Notification.reason == "cancelled")))
    assert body["stopped"] == unsent == 3
    assert act(cid, "cancel")[0] == 409
    assert_problem(client.delete(f"{URL}/{cid}", headers=auth), 409)  # it ran
    audited = in_db(lambda s: s.execute(sa.select(AuditLog.action, AuditLog.actor_kind).where(
        AuditLog.entity_type == "campaign", AuditLog.entity_id == str(cid))
        .order_by(AuditLog.id)).all())
    assert audited == [(f"campaign.{a}", "api_key") for a in (
        "create", "schedule", "pause", "resume", "cancel")]

    status, body = act(cid, "archive")
    assert status == 200 and body["archived_at"] is not None
    assert client.get(URL, headers=auth).get_json()["data"] == []
    archived = client.get(f"{URL}?archived=true", headers=auth).get_json()["data"]
    assert [c["id"] for c in archived] == [cid]
    assert act(cid, "unarchive")[1]["archived_at"] is None
    status, copy = act(cid, "clone")
    assert (status, copy["status"], copy["name"]) == (201, "draft", "Copy of Winter sale")
    assert copy["definition"] == body["definition"] | {"name": "Copy of Winter sale"}


def test_the_winner_of_an_ab_test(client, auth, create, act, started, redis, in_db):
    made = create(variants=[{"template": "sale-a"}, {"template": "sale-b"}], ab_mode="test",
                  test_percent=50, winner_metric="manual")
    cid = made["id"]
    assert act(cid, "winner", json={"variant": "B"})[0] == 409  # no test yet
    run_id = started(cid)
    assert client.get(f"{URL}/{cid}", headers=auth).get_json()["last_run"]["status"] == \
        "testing"
    problem = assert_problem(client.post(f"{URL}/{cid}/winner", json={"variant": "C"},
                                         headers=auth), 422)
    assert [e["field"] for e in problem["errors"]] == ["/variant"]
    problem = assert_problem(client.post(f"{URL}/{cid}/winner", json={"variant": "b"},
                                         headers=auth), 422)
    assert [e["field"] for e in problem["errors"]] == ["/variant"]
    redis.delete(queue(redis, "campaigns").key)
    status, body = act(cid, "winner", json={"variant": "B"})
    assert status == 200
    assert body["last_run"]["winner"] == "B" and body["last_run"]["phase"] == "final"
    assert [job.args for job in queue(redis, "campaigns").get_jobs()] == [(run_id,)]
    assert "picked by tests" in in_db(lambda s: s.get(CampaignRun, run_id)).winner_reason
    assert act(cid, "winner", json={"variant": "A"})[0] == 409  # the test is over


def test_review_counts_the_audience_and_says_what_is_missing(client, auth, create):
    made = create(channels=["email", "sms"], throttle_per_minute=2,
                  schedule={"kind": "recurring", "cron": "0 9 * * 1", "timezone": "Asia/Tokyo"})
    review = client.get(f"{URL}/{made['id']}/review", headers=auth).get_json()
    assert review["audience"]["channels"] == {"email": {"send": 3}, "sms": {"send": 3}}
    assert review["audience"]["contacts"] == 3 and review["audience"]["send"] == 6
    assert review["estimated_seconds"] == 180 and review["errors"] == []
    assert len(review["next_runs"]) == 5 and review["first_run_at"] == review["next_runs"][0]
    assert review["next_runs"][0].endswith("T00:00:00Z")  # 09:00 in Tokyo
    scheduled = client.post(f"{URL}/{made['id']}/schedule", headers=auth).get_json()
    again = client.get(f"{URL}/{made['id']}/review", headers=auth).get_json()
    assert again["first_run_at"] == scheduled["next_run_at"] == review["next_runs"][0]
    bare = create(segment_id=None)
    review = client.get(f"{URL}/{bare['id']}/review", headers=auth).get_json()
    assert review["errors"] == [{"field": "/segment_id", "message": "choose the audience segment"}]
    assert review["audience"]["send"] == 0 and review["first_run_at"] is None


def test_sent_now_through_the_simulator_then_stats_show_it(
        app, client, auth, create, started, drain, sandbox, redis, config, in_db):  # noqa: F811
    made = create()
    run_id = started(made["id"])
    with app.app_context():
        drain()
    received = sandbox.received("sendgrid")
    to = sorted(p["to"][0]["email"] for r in received for p in r["payload"]["personalizations"])
    assert to == ["c0@example.com", "c1@example.com", "c2@example.com"]
    in_db(lambda s: tick(s, redis, config, now=utcnow() + timedelta(seconds=10)))

    stats = client.get(f"{URL}/{made['id']}/stats", headers=auth).get_json()
    assert stats["run"]["status"] == "completed" and stats["run"]["finished_at"]
    total = stats["run"]["stats"]["total"]
    assert (total["rows"], total["sent"], total["failed"], total["suppressed"]) == (3, 3, 0, 0)
    assert stats["run"]["stats"]["channels"]["email"]["sent"] == 3
    assert stats["run"]["stats"]["variants"]["A"]["rows"] == 3
    assert stats["progress"] | {"per_second": 0} == {
        "percent": 100, "rows": 3, "done": 3, "remaining": 0, "per_second": 0, "eta": None}
    listed = client.get(f"{URL}/{made['id']}/runs", headers=auth).get_json()["data"]
    assert [(r["number"], r["status"]) for r in listed] == [(1, "completed")]
    assert listed[0] == stats["run"]
    got = client.get(f"{URL}/{made['id']}", headers=auth).get_json()
    assert got["status"] == "completed" and got["last_run"] == stats["run"]
    assert in_db(lambda s: s.get(CampaignRun, run_id)).stats["total"]["sent"] == 3


def test_stats_before_the_first_run(client, auth, create):
    made = create()
    body = client.get(f"{URL}/{made['id']}/stats", headers=auth).get_json()
    assert body == {"run": None, "progress": None}
    runs = client.get(f"{URL}/{made['id']}/runs", headers=auth).get_json()
    assert runs == {"data": [], "next_cursor": None}

