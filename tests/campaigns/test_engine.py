"""The engine over time: recipient time zones (DST included), pause and resume, expiry,
frequency caps, holdout and variant shares, the A/B winner, recurring runs."""
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import audience, lifecycle, runs, stats
from app.extensions import db
from app.models import Notification
from app.models.campaigns import CampaignRun, CampaignStatus, RunStatus
from app.models.notifications import Status
from app.models.types import utcnow
from tests.campaigns.conftest import add_contacts


def statuses(run):
    return Counter(db.session.scalars(sa.select(Notification.status).where(
        Notification.campaign_run_id == run.id)))


def test_recipient_local_time_across_zones_and_a_dst_day(make_campaign, launch, ticking):
    zones = ["America/New_York", "Europe/Paris", "Asia/Tokyo", None, "Not/AZone"]
    ids = add_contacts(5, timezone=lambda i: zones[i])
    # 8 March 2026: New York springs forward at 02:00, so 02:30 does not exist there.
    campaign = make_campaign(schedule={"kind": "local", "local_date": "2026-03-08",
                                       "local_time": "02:30",
                                       "default_timezone": "Europe/London"})
    run = launch(campaign, now=datetime(2026, 3, 7, 10, tzinfo=UTC))
    send_at = dict(db.session.execute(sa.select(Notification.contact_id, Notification.send_at)
                                      .where(Notification.campaign_run_id == run.id)).all())
    assert send_at == {
        ids[0]: datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT, just after the gap
        ids[1]: datetime(2026, 3, 8, 1, 30, tzinfo=UTC),  # 02:30 CET
        ids[2]: datetime(2026, 3, 7, 17, 30, tzinfo=UTC),  # 02:30 JST, the day before in UTC
        ids[3]: datetime(2026, 3, 8, 2, 30, tzinfo=UTC),  # no zone: London (GMT)
        ids[4]: datetime(2026, 3, 8, 2, 30, tzinfo=UTC),  # unknown zone: the default too
    }
    assert statuses(run) == {"accepted": 5}
    released = []
    for hour in (17, 25, 26, 31):  # hours after 7 March 00:00 UTC
        ticking(datetime(2026, 3, 7, tzinfo=UTC) + timedelta(hours=hour, minutes=45))
        released.append(statuses(run)["queued"])
    assert released == [1, 2, 4, 5]


def test_a_window_moves_rows_to_its_next_opening(make_campaign, launch):
    add_contacts(2, timezone=lambda i: ["Europe/Paris", "America/Los_Angeles"][i])
    campaign = make_campaign(window={"start": "09:00", "end": "20:00", "days": [0, 1, 2, 3, 4]})
    # Friday 4 Dec 2026 18:00 UTC: 19:00 in Paris (open), 10:00 in Los Angeles (open).
    run = launch(campaign, now=datetime(2026, 12, 4, 18, tzinfo=UTC))
    assert statuses(run) == {"queued": 2}
    # Saturday 12:00 UTC: closed for both until Monday 09:00 local.
    run2 = launch(make_campaign(name="Later", window={"start": "09:00", "end": "20:00",
                                                      "days": [0, 1, 2, 3, 4]}),
                  now=datetime(2026, 12, 5, 12, tzinfo=UTC))
    assert sorted(db.session.scalars(sa.select(Notification.send_at).where(
        Notification.campaign_run_id == run2.id))) == [
        datetime(2026, 12, 7, 8, tzinfo=UTC), datetime(2026, 12, 7, 17, tzinfo=UTC)]


def test_pause_holds_queued_rows_and_resume_sends_them(make_campaign, launch, ticking, redis,
                                                       config, drain_email):
    add_contacts(40)
    campaign = make_campaign()
    run = launch(campaign)
    lifecycle.pause(db.session, campaign, actor=SYSTEM)
    db.session.commit()
    drain_email()  # the queued batch is claimed: it goes back to held, nothing is sent
    assert statuses(run) == {"accepted": 40}
    ticking()
    assert statuses(run) == {"accepted": 40}  # a paused run releases nothing
    assert lifecycle.resume(db.session, campaign, actor=SYSTEM) == []
    db.session.commit()
    ticking()
    drain_email()
    assert statuses(run) == {"sent": 40}
    ticking()
    db.session.refresh(run)
    assert run.status == RunStatus.COMPLETED and campaign.status == CampaignStatus.COMPLETED
    assert run.stats["total"]["sent"] == 40


def test_a_paused_fan_out_stops_after_its_chunk_and_resumes_from_its_cursor(
        make_campaign, redis, config, monkeypatch):
    monkeypatch.setattr(config, "CAMPAIGN_CHUNK", 10)
    ids = add_contacts(35)
    campaign = make_campaign()
    lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=datetime.now(UTC))
    run = runs.start_run(db.session, campaign, datetime.now(UTC))
    db.session.commit()
    from app.core.campaigns import fanout
    times = fanout.send_times(db.session, campaign, config, run.scheduled_for)
    fanout.write_chunk(db.session, config, runs.lock(db.session, run.id), times)
    db.session.commit()
    lifecycle.pause(db.session, campaign, actor=SYSTEM)
    db.session.commit()
    assert runs.fan_out(db.session, redis, config, run.id) == {"chunks": 0, "rows": 0}
    assert lifecycle.resume(db.session, campaign, actor=SYSTEM) == [run.id]
    db.session.commit()
    assert runs.fan_out(db.session, redis, config, run.id)["rows"] == 25
    written = db.session.scalars(sa.select(Notification.contact_id).where(
        Notification.campaign_run_id == run.id)).all()
    assert sorted(written) == ids


def test_cancel_ends_every_unsent_row(make_campaign, launch):
    add_contacts(10, timezone="Asia/Tokyo")
    campaign = make_campaign(window={"start": "03:00", "end": "04:00"})
    run = launch(campaign, now=datetime(2026, 12, 4, 12, tzinfo=UTC))
    assert lifecycle.cancel(db.session, campaign, actor=SYSTEM,
                            now=datetime(2026, 12, 4, 12, 1, tzinfo=UTC)) == 10
    db.session.commit()
    assert set(db.session.scalars(sa.select(Notification.reason).where(
        Notification.campaign_run_id == run.id))) == {"cancelled"}
    assert run.status == RunStatus.CANCELLED and campaign.status == CampaignStatus.CANCELLED


def test_expiry_marks_unsent_rows_and_workers_drop_expired_ones(make_campaign, launch,
                                                                 ticking, drain_email):
    add_contacts(6, timezone=lambda i: "Asia/Tokyo" if i < 3 else "UTC")
    now = datetime.now(UTC)
    campaign = make_campaign(expires_at=(now + timedelta(minutes=30)).isoformat(),
                             window={"start": "00:00", "end": "23:59"})
    run = launch(campaign, now=now)
    db.session.execute(sa.update(Notification).where(  # three already past their expiry
        Notification.campaign_run_id == run.id, Notification.status == Status.QUEUED,
        Notification.contact_id.in_(sa.select(Notification.contact_id).where(
            Notification.campaign_run_id == run.id).order_by(Notification.contact_id)
            .limit(3).scalar_subquery())).values(expires_at=now - timedelta(seconds=1)))
    db.session.commit()
    drain_email()
    ticking(now + timedelta(hours=1))
    reasons = Counter(db.session.scalars(sa.select(Notification.reason).where(
        Notification.campaign_run_id == run.id)))
    assert reasons["expired"] >= 3
    assert run.status == RunStatus.COMPLETED


def test_frequency_cap_suppresses_or_defers(make_campaign, launch, marketing):
    marketing.frequency_cap, marketing.frequency_window_seconds = 2, 7 * 86400
    db.session.commit()
    add_contacts(4)
    for name in ("One", "Two"):
        launch(make_campaign(name=name))
    third = launch(make_campaign(name="Three"))
    assert Counter(db.session.scalars(sa.select(Notification.reason).where(
        Notification.campaign_run_id == third.id))) == {"frequency_cap": 4}
    marketing.frequency_action = "defer"
    db.session.commit()
    fourth = launch(make_campaign(name="Four"))
    rows = db.session.execute(sa.select(Notification.status, Notification.send_at).where(
        Notification.campaign_run_id == fourth.id)).all()
    assert {r.status for r in rows} == {"accepted"}
    assert min(r.send_at for r in rows) > datetime.now(UTC) + timedelta(days=6)


def test_transactional_and_critical_categories_are_never_capped(make_campaign, launch):
    from tests import factories
    factories.category("alerts", critical=True, frequency_cap=1)
    add_contacts(3)
    for name in ("One", "Two", "Three"):
        run = launch(make_campaign(name=name, category="alerts"))
    assert statuses(run) == {"queued": 3}


def test_holdout_and_variant_shares_hold_on_100k_contacts(make_campaign, launch, templates):
    add_contacts(100_000)
    campaign = make_campaign(holdout_percent=10, variants=[
        {"template": "sale-a", "share": 70}, {"template": "sale-b", "share": 30}])
    run = launch(campaign)
    got = db.session.execute(sa.select(Notification.variant, Notification.reason, sa.func.count())
                             .where(Notification.campaign_run_id == run.id)
                             .group_by(Notification.variant, Notification.reason)).all()
    held = sum(n for _v, reason, n in got if reason == "holdout")
    sent = Counter({v: n for v, reason, n in got if reason is None})
    assert abs(held / 100_000 - 0.10) < 0.01
    assert abs(sent[0] / sum(sent.values()) - 0.70) < 0.01
    # Independent decisions: the holdout takes the same share of each variant.
    held_by_variant = Counter({v: n for v, reason, n in got if reason == "holdout"})
    assert abs(held_by_variant[0] / held - 0.70) < 0.02
    # Deterministic: the Python bucket agrees with the SQL one.
    contact, variant = db.session.execute(sa.select(Notification.contact_id, Notification.variant)
                                          .where(Notification.campaign_run_id == run.id,
                                                 Notification.reason.is_(None)).limit(1)).one()
    assert (audience.bucket(contact, campaign.id, "variant") >= 7000) == (variant == 1)


def test_the_ab_test_phase_then_the_winner_to_the_rest(make_campaign, launch, ticking,
                                                       drain_email):
    ids = add_contacts(400)
    campaign = make_campaign(ab_mode="test", test_percent=20, test_wait_minutes=60,
                             variants=[{"template": "sale-a"}, {"template": "sale-b"}])
    now = datetime.now(UTC)
    run = launch(campaign, now=now)
    assert run.status == RunStatus.TESTING and run.phase == "test"
    tested = db.session.scalars(sa.select(Notification.contact_id).where(
        Notification.campaign_run_id == run.id)).all()
    assert 60 <= len(tested) <= 100  # about 20% of 400
    drain_email()
    # B "delivers" better in the test: its rows are marked delivered.
    db.session.execute(sa.update(Notification).where(
        Notification.campaign_run_id == run.id, Notification.variant == 1)
        .values(status=Status.DELIVERED))
    db.session.commit()
    ticking(now + timedelta(minutes=30))
    db.session.refresh(run)
    assert run.status == RunStatus.TESTING  # still waiting
    ticking(now + timedelta(minutes=61))
    db.session.refresh(run)
    assert run.winner == 1 and run.phase == "final" and "delivered" in run.winner_reason
    runs.fan_out(db.session, db.session.info.get("redis") or _redis(), _config(), run.id)
    final = db.session.execute(sa.select(Notification.contact_id, Notification.variant).where(
        Notification.campaign_run_id == run.id)).all()
    assert sorted(c for c, _ in final) == ids  # everyone exactly once
    assert {v for c, v in final if c not in set(tested)} == {1}


def test_a_recurring_campaign_runs_again_with_its_own_numbers(make_campaign, ticking,
                                                              drain_email):
    # Today's run and tomorrow's: the worker sends on the real clock, and a run's rows
    # expire when the next run starts, so the first run's day is today (UTC).
    add_contacts(5)
    paris = ZoneInfo("Europe/Paris")
    today = utcnow().date()

    def nine_in_paris(day: date) -> datetime:
        return datetime.combine(day, time(9), paris).astimezone(UTC)

    campaign = make_campaign(schedule={"kind": "recurring", "cron": "0 9 * * *",
                                       "timezone": "Europe/Paris"})
    lifecycle.schedule(db.session, campaign, actor=SYSTEM,
                       now=nine_in_paris(today) - timedelta(hours=1))
    db.session.commit()
    assert campaign.next_run_at == nine_in_paris(today)
    for day in (today, today + timedelta(days=1)):
        at = nine_in_paris(day) + timedelta(seconds=5)
        ticking(at)  # starts the run
        run = db.session.scalars(sa.select(CampaignRun).order_by(CampaignRun.id.desc())).first()
        runs.fan_out(db.session, _redis(), _config(), run.id, now=at)
        drain_email()
        ticking(nine_in_paris(day) + timedelta(minutes=5))
        db.session.refresh(run)
        assert run.status == RunStatus.COMPLETED and run.stats["total"]["sent"] == 5
        assert campaign.status == CampaignStatus.SCHEDULED
    assert [r.number for r in campaign.runs] == [1, 2]
    assert campaign.next_run_at == nine_in_paris(today + timedelta(days=2))


def test_progress_and_eta_from_the_counted_stats(make_campaign, launch):
    add_contacts(10)
    campaign = make_campaign(throttle_per_minute=60)
    run = launch(campaign)
    stats.refresh(db.session, run, datetime.now(UTC), force=True)
    progress = stats.progress(run, campaign)
    assert progress["rows"] == 10 and progress["remaining"] == 10
    assert progress["per_second"] == 1.0 and progress["eta"] is not None


def _redis():
    from flask import current_app
    return current_app.extensions["redis"]


def _config():
    from flask import current_app
    return current_app.extensions["herald_config"]


def test_the_winner_by_clicks_counts_people_only(make_campaign, launch, drain_email):
    from app.core.campaigns import winner
    from app.models import Event
    add_contacts(200)
    campaign = make_campaign(ab_mode="test", test_percent=50, winner_metric="clicked",
                             variants=[{"template": "sale-a"}, {"template": "sale-b"}])
    run = launch(campaign)
    drain_email()
    rows = db.session.execute(sa.select(Notification.id, Notification.contact_id,
                                        Notification.variant).where(
        Notification.campaign_run_id == run.id)).all()
    a = [r for r in rows if r.variant == 0]
    b = [r for r in rows if r.variant == 1]
    # A: every row clicked by a scanner; B: a fifth clicked by people.
    db.session.add_all([Event(notification_id=r.id, contact_id=r.contact_id, kind="clicked",
                              machine=True, reason="scanner_agent") for r in a])
    db.session.add_all([Event(notification_id=r.id, contact_id=r.contact_id, kind="clicked")
                        for r in b[: len(b) // 5]])
    db.session.commit()
    position, why = winner.choose(db.session, run)
    assert position == 1 and "clicked" in why
