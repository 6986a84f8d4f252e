"""The campaign editor's steps and the review: each step saves the whole draft, bad input
comes back with field messages and writes nothing, the review counts what the fan-out
sends, and the confirm schedules."""
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, store
from app.extensions import db
from app.models import AuditLog, Notification, Preference, Suppression
from app.models.campaigns import Campaign, CampaignRun
from app.models.types import utcnow
from tests import factories
from tests.campaigns import conftest as campaigns
from tests.campaigns.conftest import add_contacts

# The campaign fixtures, shared with tests/campaigns.
launch, make_campaign, marketing = campaigns.launch, campaigns.make_campaign, campaigns.marketing
segment, templates, ticking = campaigns.segment, campaigns.templates, campaigns.ticking

FUTURE = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def step_url(campaign, step):
    return f"/campaigns/{campaign.id}/edit/{step}"


def spec_of(campaign_id):
    db.session.expire_all()
    return store.to_spec(db.session.get(Campaign, campaign_id))


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_first_step_creates_the_draft(editor_client, templates, marketing):
    response = editor_client.post("/campaigns/new", data={
        "name": "Winter sale", "mode": "single", "variant-0": "sale-a:1"})
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert response.headers["Location"].endswith(step_url(campaign, "audience"))
    assert (campaign.name, campaign.status, campaign.category) == ("Winter sale", "draft", "promo")
    assert [v.template_version.template.key for v in campaign.variants] == ["sale-a"]
    assert campaign.channels == ["push", "sms", "email"]  # what the template has content for
    assert db.session.scalar(sa.select(AuditLog.action)) == "campaign.create"


def test_variants_split_and_ab_test(editor_client, make_campaign):
    campaign = make_campaign()
    response = editor_client.post(step_url(campaign, "content"), data={
        "name": "Winter sale", "mode": "split", "variant-0": "sale-a:1", "share-0": "70",
        "variant-1": "sale-b:1", "share-1": "30", "variant-2": "", "share-2": "",
        "action": "stay"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(step_url(campaign, "content"))
    assert [(v["template"], v["share"]) for v in spec_of(campaign.id)["variants"]] == \
        [("sale-a", 70), ("sale-b", 30)]
    editor_client.post(step_url(campaign, "content"), data={
        "name": "Winter sale", "mode": "test", "variant-0": "sale-a:1", "variant-1": "sale-b:1",
        "test_percent": "10", "test_wait_minutes": "120", "winner_metric": "manual"})
    saved = spec_of(campaign.id)
    assert (saved["ab_mode"], saved["test_percent"], saved["test_wait_minutes"],
            saved["winner_metric"]) == ("test", 10, 120, "manual")


def test_the_audience_step_saves(editor_client, make_campaign, segment):
    campaign = make_campaign()
    other = factories.category("news", marketing=True)
    response = editor_client.post(step_url(campaign, "audience"), data={
        "segment_id": segment.id, "exclusion_segment_id": "", "channel_mode": "fallback",
        "order": ["email", "push", "sms"], "channels": ["push", "email"],
        "category": other.key, "holdout_percent": "10"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(step_url(campaign, "schedule"))
    saved = spec_of(campaign.id)
    assert (saved["channels"], saved["channel_mode"], saved["category"],
            saved["holdout_percent"]) == (["email", "push"], "fallback", "news", 10)


def test_moving_a_channel_rerenders_in_order_and_saves_nothing(editor_client, make_campaign):
    campaign = make_campaign()
    response = editor_client.post(step_url(campaign, "audience"), data={
        "order": ["push", "sms", "email"], "channels": ["push", "email"],
        "action": "up:email"})
    assert response.status_code == 200
    order = re.findall(r'name="order" value="(\w+)"', page(response))
    assert order == ["push", "email", "sms"]
    assert spec_of(campaign.id)["channels"] == ["email"]


def test_the_schedule_step_reads_times_in_the_operators_zone(editor_client, editor,
                                                             make_campaign):
    editor.timezone = "Europe/Paris"
    db.session.commit()
    campaign = make_campaign()
    editor_client.post(step_url(campaign, "schedule"), data={
        "kind": "at", "send_at": "2030-03-01T10:00"})
    assert spec_of(campaign.id)["schedule"]["send_at"] == FUTURE  # 10:00 in Paris
    shown = page(editor_client.get(step_url(campaign, "schedule")))
    assert 'value="2030-03-01T10:00"' in shown and "Europe/Paris" in shown

    editor_client.post(step_url(campaign, "schedule"), data={
        "kind": "recurring", "repeat": "weekly", "repeat_time": "08:30",
        "repeat_days": ["0", "2"], "timezone": "America/New_York"})
    schedule = spec_of(campaign.id)["schedule"]
    assert (schedule["cron"], schedule["timezone"]) == ("30 8 * * 1,3", "America/New_York")

    editor_client.post(step_url(campaign, "schedule"), data={
        "kind": "local", "local_date": "2030-03-01", "local_time": "09:00",
        "default_timezone": "Asia/Tokyo"})
    schedule = spec_of(campaign.id)["schedule"]
    assert (str(schedule["local_date"]), schedule["local_time"],
            schedule["default_timezone"]) == ("2030-03-01", "09:00", "Asia/Tokyo")


def test_the_delivery_step_saves(editor_client, make_campaign):
    campaign = make_campaign()
    response = editor_client.post(step_url(campaign, "delivery"), data={
        "window": "on", "window_start": "09:00", "window_end": "20:00",
        "window_days": ["0", "1", "2", "3", "4"], "expires_at": "2030-03-02T09:00",
        "throttle_per_minute": "600"})
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}/review")
    saved = spec_of(campaign.id)
    assert saved["window"] == {"start": "09:00", "end": "20:00", "days": [0, 1, 2, 3, 4]}
    assert saved["expires_at"] == FUTURE + timedelta(days=1)
    assert saved["throttle_per_minute"] == 600


def test_schedule_preview_reads_cron_and_lists_the_next_runs(editor_client, editor):
    editor.timezone = "Asia/Tokyo"
    db.session.commit()
    response = editor_client.post("/campaigns/schedule-preview", data={
        "kind": "recurring", "repeat": "cron", "cron": "0 9 * * 1", "timezone": "UTC"})
    shown = page(response)
    assert "At 09:00, only on Monday" in shown
    runs = re.findall(r"<li><span>(\w{3}) [^<]*</span><strong>(\d\d:\d\d)</strong></li>", shown)
    assert len(runs) == 5 and set(runs) == {("Mon", "18:00")}  # 09:00 UTC is 18:00 in Tokyo
    past = editor_client.post("/campaigns/schedule-preview", data={
        "kind": "at", "send_at": "2001-01-01T10:00"})
    assert 'data-testid="schedule-past"' in page(past) and "2001-01-01 01:00 UTC" in page(past)
    bad = editor_client.post("/campaigns/schedule-preview", data={
        "kind": "recurring", "repeat": "cron", "cron": "every monday"})
    assert "not a cron expression" in page(bad)


BAD_INPUT = [
    ("content", {"name": "", "mode": "single", "variant-0": "sale-a:1"}, "name", "required"),
    ("content", {"name": "N" * 10_000, "mode": "single", "variant-0": "sale-a:1"}, "name",
     "at most 255 characters"),
    ("content", {"name": "Sale", "mode": "split", "variant-0": "sale-a:1", "share-0": "60",
                 "variant-1": "sale-b:1", "share-1": "30"}, "variants",
     "shares must add up to 100"),
    ("content", {"name": "Sale", "mode": "single", "variant-0": "nope:abc"}, "variant-0",
     "Variant A: a whole number"),
    ("content", {"name": "Sale", "mode": "single", "variant-0": ""}, "variant-0",
     "choose a template"),
    ("audience", {"channels": ["sms"], "order": ["sms"], "category": "promo",
                  "segment_id": "1 OR 1=1", "holdout_percent": "99999999999999999999999"},
     "segment_id", "choose a segment"),
    ("audience", {"channels": ["sms"], "category": "promo", "holdout_percent": "80"},
     "holdout_percent", "at most 50"),
    ("audience", {"channels": [], "category": "promo"}, "channels", "pick at least one"),
    ("schedule", {"kind": "recurring", "repeat": "cron", "cron": "61 * * * *"}, "cron",
     "not a cron expression"),
    ("schedule", {"kind": "recurring", "repeat": "cron", "cron": "*/5 * * * *"}, "cron",
     "more often than once an hour"),
    ("schedule", {"kind": "recurring", "repeat": "daily", "repeat_time": "09:00",
                  "timezone": "Mars/Olympus_Mons"}, "timezone", "not a known time zone"),
    ("schedule", {"kind": "local", "local_date": "2030-02-30", "local_time": "9 am",
                  "default_timezone": "UTC"}, "local_time", "a time, e.g. 09:00"),
    ("schedule", {"kind": "at", "send_at": "<script>alert(1)</script>"}, "send_at",
     "a date and time"),
    ("delivery", {"window": "on", "window_start": "09:00", "window_end": "09:00",
                  "window_days": ["0"]}, "window_end", "start and end must differ"),
    ("delivery", {"throttle_per_minute": "-5"}, "throttle_per_minute", "at least 1"),
    ("delivery", {"throttle_per_minute": "1e9"}, "throttle_per_minute", "a whole number"),
]


@pytest.mark.parametrize(("step", "data", "slot", "message"), BAD_INPUT,
                         ids=[f"{s}-{slot}-{i}" for i, (s, _, slot, _m) in enumerate(BAD_INPUT)])
def test_bad_input_rerenders_with_messages_and_writes_nothing(editor_client, make_campaign,
                                                              step, data, slot, message):
    campaign = make_campaign()
    before = spec_of(campaign.id)
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    response = editor_client.post(step_url(campaign, step), data=data)
    assert response.status_code == 422
    shown = page(response)
    error = re.search(rf'id="{slot}-error"><svg.*?</svg><span>(.*?)</span>', shown, re.S)
    assert error and message in error.group(1), shown[shown.find('class="ce-form"'):][:3000]
    assert "<script>alert" not in shown
    assert spec_of(campaign.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == audits


def test_a_bad_new_campaign_writes_no_row(editor_client, templates, marketing):
    response = editor_client.post("/campaigns/new", data={"name": " ", "mode": "single",
                                                          "variant-0": "sale-a:1"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_a_channel_the_template_lacks_is_named_at_the_channels(editor_client, make_campaign):
    factories.template("push-only", content={"en": {"push": {"title": "Hi", "body": "Sale"}}},
                       category="promo")
    campaign = make_campaign(variants=[{"template": "push-only"}], channels=["push"])
    response = editor_client.post(step_url(campaign, "audience"), data={
        "channels": ["push", "email"], "order": ["push", "email", "sms"], "category": "promo"})
    assert response.status_code == 422
    assert re.search(r'id="channels-error">.*Variant A: has no email content', page(response),
                     re.S)
    assert spec_of(campaign.id)["channels"] == ["push"]


def review_numbers(shown: str) -> dict:
    """{(channel, reason): n} from the review's audience table."""
    numbers = {}
    for channel, row in re.findall(r'<tr data-channel="(\w+)">(.*?)</tr>', shown, re.S):
        for reason, n in re.findall(r'data-reason="(\w+)">([\d,]+)<', row):
            numbers[channel, reason] = int(n.replace(",", ""))
    return numbers


def test_review_counts_match_the_fixture_and_the_fan_out(editor_client, make_campaign,
                                                         marketing, launch):
    ids = add_contacts(40)
    db.session.execute(sa.update(sa.table("contacts", sa.column("id"), sa.column("email")))
                       .where(sa.column("id") == ids[0]).values(email=None))
    db.session.add(Suppression(channel="email", address="c1@example.com", reason="bounce"))
    db.session.add(Preference(contact_id=ids[2], category_id=marketing.id, channel="email",
                              opted_in=False, source="api"))
    db.session.commit()
    campaign = make_campaign(holdout_percent=25)
    shown = page(editor_client.get(f"/campaigns/{campaign.id}/review"))
    numbers = review_numbers(shown)
    assert numbers["email", "no_address"] == 1
    assert numbers["email", "suppressed_address"] == 1
    assert numbers["email", "opted_out"] == 1
    assert 0 < numbers["email", "holdout"] < 37
    assert numbers["email", "send"] + numbers["email", "holdout"] == 37
    assert 'data-testid="contacts">40<' in shown
    for reason in ("No address or device", "Suppressed address", "Opted out of the category",
                   "Holdout (kept back to measure lift)"):
        assert reason in shown
    assert 'data-testid="variant-preview"' in shown and "Everything <b>20%</b> off" not in shown

    run = launch(campaign)  # what the send writes is what the review counted
    written = db.session.execute(
        sa.select(Notification.reason, sa.func.count())
        .where(Notification.campaign_run_id == run.id).group_by(Notification.reason)).all()
    assert {reason or "send": n for reason, n in written} == \
        {reason: n for (_, reason), n in numbers.items() if n}


def test_review_estimates_the_duration_from_throttle_and_window(editor_client, make_campaign):
    add_contacts(30)
    campaign = make_campaign(throttle_per_minute=1, window={"start": "09:00", "end": "09:10",
                                                            "days": [0, 1, 2, 3, 4]})
    shown = page(editor_client.get(f"/campaigns/{campaign.id}/review"))
    assert 'data-testid="duration">30 min<' in shown
    assert "over about 3 days of windows (10 min open a day)" in shown


def test_confirm_schedules_and_the_next_tick_starts_it(editor_client, make_campaign, ticking):
    add_contacts(3)
    campaign = make_campaign()
    response = editor_client.post(f"/campaigns/{campaign.id}/review")
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "scheduled" and campaign.next_run_at is not None
    assert "campaign.schedule" in db.session.scalars(sa.select(AuditLog.action)).all()
    ticking(utcnow() + timedelta(seconds=1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignRun)
                             .where(CampaignRun.campaign_id == campaign.id)) == 1


def test_confirm_refuses_a_campaign_that_is_not_ready(editor_client, make_campaign):
    campaign = make_campaign(segment_id=None)
    shown = page(editor_client.get(f"/campaigns/{campaign.id}/review"))
    assert "choose the audience segment" in shown and 'data-testid="confirm" disabled' in shown
    response = editor_client.post(f"/campaigns/{campaign.id}/review")
    assert response.status_code == 422
    assert "choose the audience segment" in page(response)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "draft"


def test_editing_a_scheduled_campaign_unschedules_it(editor_client, make_campaign):
    campaign = make_campaign(schedule={"kind": "at", "send_at": utcnow() + timedelta(days=3)})
    lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=utcnow())
    db.session.commit()
    shown = page(editor_client.get(step_url(campaign, "delivery")))
    assert 'data-testid="unschedule-notice"' in shown
    response = editor_client.post(step_url(campaign, "delivery"),
                                  data={"throttle_per_minute": "100"}, follow_redirects=True)
    assert "is no longer scheduled" in page(response)
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.status, campaign.next_run_at, campaign.throttle_per_minute) == \
        ("draft", None, 100)


def test_a_sending_campaign_cannot_be_edited(editor_client, make_campaign, launch):
    add_contacts(2)
    campaign = make_campaign()
    launch(campaign)
    before = spec_of(campaign.id)
    response = editor_client.get(step_url(campaign, "content"))
    assert response.status_code == 302
    response = editor_client.post(step_url(campaign, "content"), data={
        "name": "Renamed", "mode": "single", "variant-0": "sale-a:1"})
    assert response.status_code == 302
    assert spec_of(campaign.id) == before


def test_viewers_read_the_review_but_cannot_edit_or_confirm(viewer_client, make_campaign):
    campaign = make_campaign()
    assert viewer_client.get("/campaigns/new").status_code == 403
    assert viewer_client.get(step_url(campaign, "content")).status_code == 403
    assert viewer_client.post(step_url(campaign, "content"), data={
        "name": "Hijacked", "mode": "single", "variant-0": "sale-a:1"}).status_code == 403
    assert viewer_client.post(f"/campaigns/{campaign.id}/review").status_code == 403
    shown = viewer_client.get(f"/campaigns/{campaign.id}/review")
    assert shown.status_code == 200 and 'data-testid="confirm"' not in page(shown)
    assert spec_of(campaign.id)["name"] == "Winter sale"
    assert db.session.get(Campaign, campaign.id).status == "draft"


def test_unknown_steps_and_campaigns_are_404(editor_client, make_campaign):
    campaign = make_campaign()
    assert editor_client.get(step_url(campaign, "nope")).status_code == 404
    assert editor_client.get("/campaigns/999999/edit/content").status_code == 404
    assert editor_client.get(f"/campaigns/{2**63}/review").status_code == 404


def test_an_error_about_another_step_is_named_with_its_step(editor_client, templates):
    """Without any category the draft cannot be created; the content step says why."""
    response = editor_client.post("/campaigns/new", data={
        "name": "Sale", "mode": "single", "variant-0": "sale-a:1"})
    assert response.status_code == 422
    assert re.search(r'data-testid="form-errors".*<strong>Audience:</strong> Category: ',
                     page(response), re.S)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0
