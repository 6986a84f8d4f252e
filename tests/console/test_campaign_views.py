"""Console → Campaigns: the list (filters, pages, numbers, speed), a campaign's page and
its buttons (each move audited, viewers refused, conflicts flashed), live progress,
and times in the operator's zone."""
import re
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event, select

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, stats
from app.extensions import db as _db
from app.models import AuditLog, Notification
from app.models.campaigns import Campaign, CampaignRun, CampaignStatus, RunStatus
from app.models.types import utcnow
from app.queues import queue
from tests.campaigns import conftest as campaigns
from tests.campaigns.conftest import add_contacts
from tests.e2e import conftest as e2e
from tests.helpers.console import PASSWORD, token_from

# The campaigns' and end-to-end fixtures, shared here.
marketing, segment, templates = campaigns.marketing, campaigns.segment, campaigns.templates
make_campaign, launch, drain = campaigns.make_campaign, campaigns.launch, e2e.drain

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def audit(action: str) -> list[AuditLog]:
    return list(_db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def flashed(client, response) -> str:
    """The page a redirect leads to (where its flash message shows)."""
    assert response.status_code == 302, text(response)
    return text(client.get(response.headers["Location"]))


def counted(run) -> CampaignRun:
    stats.refresh(_db.session, run, utcnow(), force=True)
    _db.session.commit()
    return run


# ---- the list ------------------------------------------------------------------------


def test_list_shows_status_audience_next_run_and_the_last_runs_numbers(
        editor_client, make_campaign, launch):
    add_contacts(4)
    add_contacts(1, start=4, email=None)  # suppressed: no address
    sent = make_campaign(name="Spring sale")
    counted(launch(sent))
    send_at = (utcnow() + timedelta(days=30)).replace(hour=9, minute=0, second=0,
                                                      microsecond=0)
    later = make_campaign(name="Summer sale", schedule={"kind": "at", "send_at": send_at})
    lifecycle.schedule(_db.session, later, actor=SYSTEM, now=utcnow())
    _db.session.commit()

    page = text(editor_client.get("/campaigns/"))
    rows = page.split('data-testid="campaign-row"')[1:]
    summer, spring = rows  # newest first
    assert "Summer sale" in summer and "scheduled" in summer and "Everyone" in summer
    assert f"{send_at:%Y-%m-%d} 09:00 UTC" in summer and "Not sent yet" in summer
    assert "Spring sale" in spring and "sending" in spring
    assert re.search(r'data-testid="sent">0<', spring)
    assert re.search(r'data-testid="suppressed">1<', spring)
    assert "New campaign" in page


def _bulk(n: int, **columns) -> list[int]:
    rows = [{"name": f"Campaign {i:04d}", "status": "draft", "category": "promo",
             "channels": ["email"], "window_days": [], **columns} for i in range(n)]
    _db.session.execute(sa.insert(Campaign), rows)
    _db.session.commit()
    return list(_db.session.scalars(select(Campaign.id).order_by(Campaign.id)))


def test_list_filters_by_status_and_archive_and_pages_by_keyset(editor_client, db):
    ids = _bulk(60)
    _db.session.execute(sa.update(Campaign).where(Campaign.id.in_(ids[:3]))
                        .values(status="completed"))
    _db.session.execute(sa.update(Campaign).where(Campaign.id == ids[3])
                        .values(archived_at=utcnow(), status="cancelled"))
    _db.session.commit()

    first = text(editor_client.get("/campaigns/"))
    assert first.count('data-testid="campaign-row"') == 50
    assert "Campaign 0059" in first and "Campaign 0009" not in first
    older = re.search(r'href="([^"]+before=\d+)"', first).group(1).replace("&amp;", "&")
    second = text(editor_client.get(older))
    assert second.count('data-testid="campaign-row"') == 9  # 60, less the archived one
    assert "Campaign 0000" in second and "Campaign 0003" not in second
    assert "after=" in second  # a link back to the newer page

    done = text(editor_client.get("/campaigns/?status=completed"))
    assert done.count('data-testid="campaign-row"') == 3
    archived = text(editor_client.get("/campaigns/?archived=1"))
    assert archived.count('data-testid="campaign-row"') == 1 and "Campaign 0003" in archived
    none = text(editor_client.get("/campaigns/?archived=1&status=sending"))
    assert "No campaigns here" in none
    assert editor_client.get("/campaigns/?status=bogus&before=x").status_code == 200


def test_list_of_a_thousand_is_three_queries_and_fast(editor_client, db, segment):
    ids = _bulk(1000, segment_id=segment.id)
    now = utcnow()
    total = {"rows": 10, "held": 0, "waiting": 0, "queued": 0, "sent": 2, "delivered": 7,
             "failed": 1, "suppressed": 0}
    _db.session.execute(sa.insert(CampaignRun), [
        {"campaign_id": i, "number": number, "status": "completed", "phase": "all",
         "cursor": 0, "scheduled_for": now, "started_at": now,
         "stats": {"total": total, "channels": {}, "variants": {}, "reasons": {}}}
        for i in ids for number in (1, 2)])
    _db.session.commit()
    editor_client.get("/campaigns/")  # warm up

    statements = []
    def count(*_args):
        statements.append(1)
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        page = text(editor_client.get("/campaigns/"))
        elapsed = time.perf_counter() - started
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert page.count('data-testid="campaign-row"') == 50
    assert re.search(r'data-testid="sent">9<', page)  # sent + delivered
    assert len(statements) <= 4, statements  # (operator,) list, last runs, segment names
    print(f"list of 1,000: {len(statements)} statements, {elapsed * 1000:.0f} ms")
    assert elapsed < 0.3, elapsed


# ---- the buttons ---------------------------------------------------------------------


def post(client, campaign, verb, **data):
    return client.post(f"/campaigns/{campaign.id}/{verb}", data=data)


def reloaded(campaign) -> Campaign:
    _db.session.expire_all()
    return _db.session.get(Campaign, campaign.id)


def test_unschedule_edit_and_review_buttons_of_a_scheduled_campaign(editor_client,
                                                                    make_campaign, editor):
    campaign = make_campaign(schedule={"kind": "at",
                                       "send_at": utcnow() + timedelta(days=2)})
    lifecycle.schedule(_db.session, campaign, actor=SYSTEM, now=utcnow())
    _db.session.commit()
    page = text(editor_client.get(f"/campaigns/{campaign.id}"))
    for testid in ("edit", "unschedule", "cancel", "clone"):
        assert f'data-testid="{testid}"' in page, testid
    for testid in ("pause", "resume", "archive", "delete", "review"):
        assert f'data-testid="{testid}"' not in page, testid
    assert f'href="/campaigns/{campaign.id}/edit/content"' in page

    landed = flashed(editor_client, post(editor_client, campaign, "unschedule"))
    assert "Unscheduled" in landed and 'data-testid="review"' in landed
    assert reloaded(campaign).status == CampaignStatus.DRAFT
    [entry] = audit("campaign.unschedule")
    assert entry.operator_email == editor.email and entry.after["status"] == "draft"


def test_pause_resume_and_cancel_a_sending_campaign(editor_client, make_campaign, launch,
                                                    editor):
    add_contacts(3)
    campaign = make_campaign()
    run = launch(campaign)
    assert 'data-testid="pause"' in text(editor_client.get(f"/campaigns/{campaign.id}"))

    assert "Paused" in flashed(editor_client, post(editor_client, campaign, "pause"))
    assert reloaded(campaign).status == "paused"
    assert _db.session.get(CampaignRun, run.id).status == RunStatus.PAUSED
    assert "Resumed" in flashed(editor_client, post(editor_client, campaign, "resume"))
    assert reloaded(campaign).status == "sending"

    landed = flashed(editor_client, post(editor_client, campaign, "cancel"))
    assert "3 unsent messages stopped" in landed
    assert reloaded(campaign).status == "cancelled"
    reasons = set(_db.session.scalars(select(Notification.reason).where(
        Notification.campaign_run_id == run.id)))
    assert reasons == {"cancelled"}
    for action in ("campaign.pause", "campaign.resume", "campaign.cancel"):
        [entry] = audit(action)
        assert entry.operator_email == editor.email, action
    assert audit("campaign.cancel")[0].after["unsent"] == 3


def test_clone_archive_unarchive_and_delete(editor_client, make_campaign):
    campaign = make_campaign(name="Black Friday")
    landed = flashed(editor_client, post(editor_client, campaign, "clone"))
    copy = _db.session.scalar(select(Campaign).where(Campaign.name == "Copy of Black Friday"))
    assert copy is not None and copy.status == "draft" and "Copy of Black Friday" in landed
    assert audit("campaign.clone")[0].after["cloned_from"] == campaign.id

    flashed(editor_client, post(editor_client, campaign, "archive"))
    assert reloaded(campaign).archived_at is not None
    assert "Black Friday" in text(editor_client.get("/campaigns/?archived=1"))
    flashed(editor_client, post(editor_client, campaign, "unarchive"))
    assert reloaded(campaign).archived_at is None
    assert [len(audit(a)) for a in ("campaign.archive", "campaign.unarchive")] == [1, 1]

    response = post(editor_client, copy, "delete")
    assert response.headers["Location"].endswith("/campaigns/")
    assert _db.session.get(Campaign, copy.id) is None
    assert audit("campaign.delete")[0].before["name"] == "Copy of Black Friday"


def test_pick_the_winner_while_the_test_waits(editor_client, make_campaign, launch, redis,
                                              drain, editor):
    add_contacts(40)
    campaign = make_campaign(
        variants=[{"template": "sale-a"}, {"template": "sale-b"}], ab_mode="test",
        test_percent=50, winner_metric="manual")
    run = launch(campaign)
    drain()
    assert run.status == RunStatus.TESTING
    page = text(editor_client.get(f"/campaigns/{campaign.id}"))
    assert 'data-testid="winner"' in page
    tested = _db.session.scalar(select(sa.func.count()).where(
        Notification.campaign_run_id == run.id, Notification.variant == 1,
        Notification.status.in_(["sent", "delivered"])))
    card = page.split('data-testid="variant-B"')[1].split("</form>")[0]
    assert f"of {tested}" in card and tested > 0

    landed = flashed(editor_client, post(editor_client, campaign, "winner", variant="1"))
    assert "Variant B is the winner" in landed
    _db.session.expire_all()
    run = _db.session.get(CampaignRun, run.id)
    assert (run.winner, run.status, run.phase) == (1, RunStatus.FANNING_OUT, "final")
    assert queue(redis, "campaigns").count == 1  # the final phase's fan-out
    assert audit("campaign.pick_winner")[0].after == {"run": 1, "winner": "B"}


def test_conflicts_and_bad_input_come_back_as_flash_messages(editor_client, make_campaign):
    campaign = make_campaign()
    landed = flashed(editor_client, post(editor_client, campaign, "pause"))
    assert "A draft campaign cannot be paused" in landed and "alert-error" in landed
    landed = flashed(editor_client, post(editor_client, campaign, "winner", variant="x"))
    assert "A winner can be picked only while the A/B test waits" in landed
    assert reloaded(campaign).status == "draft"
    assert _db.session.scalar(select(sa.func.count()).select_from(AuditLog)) == 1  # create
    assert editor_client.post("/campaigns/999999/pause").status_code == 404
    assert editor_client.post(f"/campaigns/{campaign.id}/explode").status_code in (404, 405)


def test_viewers_read_but_cannot_press_a_button(viewer_client, make_campaign):
    campaign = make_campaign()
    page = viewer_client.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200 and 'data-testid="actions"' not in text(page)
    assert "New campaign" not in text(viewer_client.get("/campaigns/"))
    for verb in ("unschedule", "pause", "resume", "cancel", "archive", "unarchive",
                 "winner", "clone", "delete"):
        assert post(viewer_client, campaign, verb).status_code == 403, verb
    assert reloaded(campaign).status == "draft"
    assert _db.session.scalar(select(sa.func.count()).select_from(Campaign)) == 1


def test_buttons_need_the_csrf_token(csrf_app, make_campaign, editor):
    campaign = make_campaign()
    client = csrf_app.test_client()
    token = token_from(text(client.get("/login")))
    client.post("/login", data={"email": editor.email, "password": PASSWORD,
                                "csrf_token": token})
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert client.post(f"/campaigns/{campaign.id}/archive").status_code == 400
    assert reloaded(campaign).archived_at is None
    with_token = client.post(f"/campaigns/{campaign.id}/archive",
                             data={"csrf_token": token_from(page)})
    assert with_token.status_code == 302 and reloaded(campaign).archived_at is not None


# ---- progress ------------------------------------------------------------------------


def by_status(run) -> dict[str, int]:
    return dict(_db.session.execute(select(Notification.status, sa.func.count()).where(
        Notification.campaign_run_id == run.id).group_by(Notification.status)).all())


def figure(page: str, name: str) -> int:
    found = re.search(rf'data-testid="{name}">([\d,]+)%?<', page)
    return int(found.group(1).replace(",", ""))


def test_progress_follows_the_run_to_its_end(editor_client, make_campaign, launch, drain,
                                             sandbox, config, redis):
    from app.core.campaigns.tick import tick

    add_contacts(6)
    add_contacts(2, start=6, email=None)
    campaign = make_campaign(channels=["email"])
    run = counted(launch(campaign))
    url = f"/campaigns/{campaign.id}/runs/1/progress"
    live = editor_client.get(url, headers=HX)
    page = text(live)
    assert 'hx-trigger="every 2s"' in page and "HX-Refresh" not in live.headers
    assert figure(page, "total-queued") == 6 and figure(page, "total-suppressed") == 2
    assert figure(page, "reason-no_address") == 2
    assert figure(page, "rows") == 8 and figure(page, "percent") == 25

    drain()
    tick(_db.session, redis, config, now=utcnow())
    _db.session.expire_all()
    run = _db.session.get(CampaignRun, run.id)
    assert run.status == RunStatus.COMPLETED
    emailed = {p["to"][0]["email"] for e in sandbox.received("sendgrid")
               for p in e["payload"]["personalizations"]}
    assert emailed == {f"c{i}@example.com" for i in range(6)}

    done = editor_client.get(url, headers=HX)
    page = text(done)
    assert done.headers["HX-Refresh"] == "true" and "every 2s" not in page
    rows = by_status(run)
    assert rows.get("suppressed") == 2 and sum(rows.values()) == 8
    for status in ("queued", "sent", "delivered", "failed", "suppressed"):
        assert figure(page, f"total-{status}") == rows.get(status, 0), status
    assert figure(page, "percent") == 100 and 'data-status="completed"' in page
    channel = page.split('data-testid="channel-email"')[1].split("</tr>")[0]
    assert re.findall(r'data-figure="suppressed">(\d+)<', channel) == ["2"]
    full = text(editor_client.get(f"/campaigns/{campaign.id}"))
    assert 'id="run-progress"' in full and "completed" in full


def test_progress_reads_the_stored_count_of_a_million(editor_client, make_campaign, db):
    campaign = make_campaign(throttle_per_minute=60_000)
    now = utcnow()
    total = {"rows": 1_000_000, "held": 100_000, "waiting": 50_000, "queued": 250_000,
             "sent": 200_000, "delivered": 350_000, "failed": 10_000, "suppressed": 40_000}
    run = CampaignRun(campaign_id=campaign.id, number=1, status="sending", phase="all",
                      cursor=0, scheduled_for=now, started_at=now - timedelta(minutes=5),
                      stats_at=now, stats={
                          "total": total, "channels": {"email": total},
                          "variants": {"A": total}, "reasons": {"opted_out": 40_000},
                          "targeted": 1_000_000, "history": [
                              [(now - timedelta(seconds=60)).isoformat(), 540_000],
                              [now.isoformat(), 600_000]]})
    _db.session.add(run)
    campaign.status = "sending"
    _db.session.commit()
    statements = []
    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        page = text(editor_client.get(f"/campaigns/{campaign.id}/runs/1/progress",
                                      headers=HX))
        elapsed = time.perf_counter() - started
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert figure(page, "targeted") == 1_000_000 and figure(page, "done") == 600_000
    assert figure(page, "percent") == 60 and figure(page, "total-waiting") == 50_000
    assert 'data-testid="eta"' in page and "1000.0 messages a second" in page
    assert not any("notifications" in s for s in statements), statements
    assert elapsed < 0.3, elapsed


def _run(campaign, number, sent, status="completed"):
    now = utcnow() - timedelta(days=3 - number)
    total = {"rows": sent, "held": 0, "waiting": 0, "queued": 0, "sent": 0,
             "delivered": sent, "failed": 0, "suppressed": 0}
    _db.session.add(CampaignRun(campaign_id=campaign.id, number=number, status=status,
                                phase="all", cursor=0, scheduled_for=now, started_at=now,
                                finished_at=now, stats={"total": total}, stats_at=now))


def test_a_recurring_campaign_lists_its_runs_each_with_its_numbers(editor_client,
                                                                   make_campaign):
    campaign = make_campaign(schedule={"kind": "recurring", "cron": "0 9 * * 1-5",
                                       "timezone": "Europe/Paris"})
    _run(campaign, 1, 120)
    _run(campaign, 2, 95)
    _db.session.commit()
    page = text(editor_client.get(f"/campaigns/{campaign.id}"))
    assert "At 09:00, Monday through Friday (Europe/Paris)" in page
    first = page.split('data-testid="run-1"')[1].split("</tr>")[0]
    second = page.split('data-testid="run-2"')[1].split("</tr>")[0]
    assert ">120<" in first and ">95<" in second
    assert "Run 2" in page  # the latest run's progress
    older = text(editor_client.get(f"/campaigns/{campaign.id}/runs/1"))
    assert "Run 1" in older and figure(older, "total-delivered") == 120
    assert editor_client.get(f"/campaigns/{campaign.id}/runs/3").status_code == 404
    assert editor_client.get(f"/campaigns/{campaign.id}/runs/3/progress").status_code == 404


# ---- the operator's time zone --------------------------------------------------------


def test_times_are_shown_in_the_operators_zone(editor_client, editor, make_campaign):
    send_at = (utcnow() + timedelta(days=20)).replace(hour=0, minute=30, second=0,
                                                      microsecond=0)
    campaign = make_campaign(
        schedule={"kind": "at", "send_at": send_at}, throttle_per_minute=500,
        window={"start": "09:00", "end": "20:00", "days": [0, 1, 2, 3, 4]},
        expires_at=send_at + timedelta(days=1), holdout_percent=10)
    lifecycle.schedule(_db.session, campaign, actor=SYSTEM, now=utcnow())
    _db.session.commit()
    editor.timezone = "Asia/Tokyo"
    _db.session.commit()

    tokyo = f"{send_at:%Y-%m-%d} 09:30 JST"
    assert tokyo in text(editor_client.get("/campaigns/"))
    page = text(editor_client.get(f"/campaigns/{campaign.id}"))
    assert f"Once, at {tokyo}" in page and f"starts {tokyo}" in page
    assert f"after {send_at + timedelta(days=1):%Y-%m-%d} 09:30 JST" in page
    assert "09:00–20:00 recipient-local, weekdays" in page
    assert "At most 500 messages a minute" in page and "10% of the audience" in page
    assert "Times in Asia/Tokyo" in text(editor_client.get("/campaigns/"))
