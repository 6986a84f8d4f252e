"""Fan-out counts on hand-built fixtures: every eligible contact exactly one row per
channel, with the right reason for everyone else."""
from collections import Counter

import pytest
import sqlalchemy as sa

from app.core.campaigns import runs
from app.extensions import db
from app.models import Contact, Device, Notification, NotificationStatus, Preference, Suppression
from app.models.campaigns import RunStatus
from tests.campaigns.conftest import add_contacts


def rows_of(run):
    return db.session.execute(sa.select(
        Notification.contact_id, Notification.channel, Notification.status,
        Notification.reason, Notification.variant).where(
        Notification.campaign_run_id == run.id)).all()


def test_every_contact_gets_one_row_and_the_run_moves_on(make_campaign, launch):
    ids = add_contacts(50)
    run = launch(make_campaign())
    got = rows_of(run)
    assert sorted(r.contact_id for r in got) == ids
    assert {(r.channel, r.status, r.reason) for r in got} == {("email", "queued", None)}
    assert run.status == RunStatus.SENDING and run.cursor == ids[-1]
    assert run.targeted == 50
    history = db.session.scalar(sa.select(sa.func.count()).select_from(NotificationStatus))
    assert history == 50


def test_rules_give_each_contact_its_reason(make_campaign, launch, marketing):
    ids = add_contacts(6)
    db.session.execute(sa.update(sa.table("contacts", sa.column("id"), sa.column("email")))
                       .where(sa.column("id") == ids[0]).values(email=None))
    db.session.add(Suppression(channel="email", address="c1@example.com", reason="bounce"))
    db.session.add(Preference(contact_id=ids[2], category_id=marketing.id, channel="email",
                              opted_in=False, source="api"))
    db.session.commit()
    run = launch(make_campaign())
    by_contact = {r.contact_id: (r.channel, r.status, r.reason) for r in rows_of(run)}
    assert by_contact == {
        ids[0]: ("email", "suppressed", "no_address"),
        ids[1]: ("email", "suppressed", "suppressed_address"),
        ids[2]: ("email", "suppressed", "opted_out"),
        ids[3]: ("email", "queued", None), ids[4]: ("email", "queued", None),
        ids[5]: ("email", "queued", None),
    }


def test_fallback_takes_the_first_channel_each_contact_can_get(make_campaign, launch,
                                                               marketing):
    ids = add_contacts(4)
    db.session.add(Device(contact_id=ids[0], platform="android", provider="fcm", token="t0"))
    db.session.add(Preference(contact_id=ids[1], category_id=marketing.id, channel="email",
                              opted_in=False, source="api"))
    db.session.add(Suppression(channel="email", address="c2@example.com", reason="bounce"))
    db.session.add(Suppression(channel="sms", address="+14150000002", reason="stop"))
    db.session.commit()
    run = launch(make_campaign(channels=["push", "email", "sms"], channel_mode="fallback"))
    by_contact = {r.contact_id: (r.channel, r.status, r.reason) for r in rows_of(run)}
    assert by_contact == {
        ids[0]: ("push", "queued", None),  # has a device
        ids[1]: ("sms", "queued", None),  # opted out of email: SMS
        ids[2]: ("email", "suppressed", "suppressed_address"),  # blocked on both: first kept
        ids[3]: ("email", "queued", None),
    }


def test_all_mode_sends_every_reachable_channel_and_every_device(make_campaign, launch):
    ids = add_contacts(2, phone=None)
    db.session.add_all([Device(contact_id=ids[0], platform="android", provider="fcm",
                               token=f"t{i}") for i in range(2)])
    db.session.commit()
    run = launch(make_campaign(channels=["push", "sms", "email"]))
    got = Counter((r.contact_id, r.channel) for r in rows_of(run))
    assert got == {(ids[0], "push"): 2, (ids[0], "email"): 1, (ids[1], "email"): 1}


def test_a_repeated_chunk_writes_nothing_twice(make_campaign, launch, redis, config):
    add_contacts(30)
    run = launch(make_campaign())
    run.status, run.cursor = RunStatus.FANNING_OUT.value, 0  # as if the commit was lost
    db.session.commit()
    runs.fan_out(db.session, redis, config, run.id)
    assert len(rows_of(run)) == 30
    db.session.refresh(run)
    assert run.targeted == 30  # the repeat wrote and counted nothing


def test_a_segment_a_campaign_uses_cannot_be_deleted(make_campaign, segment):
    import pytest

    from app.core.segments.store import delete_segment
    from app.errors import Conflict
    make_campaign()
    with pytest.raises(Conflict):
        delete_segment(db.session, segment)
    db.session.rollback()
    assert db.session.get(type(segment), segment.id) is not None


def test_a_run_that_cannot_be_written_fails_and_alerts(make_campaign, launch, redis, config,
                                                       monkeypatch):
    from app.core.campaigns import fanout
    from app.core.ops.alerts import recent_alerts
    from app.models.campaigns import CampaignStatus
    add_contacts(3)

    def broken(*args, **kwargs):
        raise ValueError("template version vanished")
    monkeypatch.setattr(fanout, "write_chunk", broken)
    campaign = make_campaign()
    run = launch(campaign)
    assert run.status == RunStatus.FAILED and "vanished" in run.failure
    assert campaign.status == CampaignStatus.FAILED
    assert recent_alerts(redis)[0]["kind"] == "campaign_failed"


@pytest.mark.postgresql
def test_a_chunk_writes_rows_only_for_the_contacts_it_locked(make_campaign, launch):
    """A contact committed between the chunk's locking SELECT and its INSERT (its id taken
    earlier, so inside the chunk's range) is not written unlocked: an erasure of it would
    not wait for the chunk."""
    ids = add_contacts(3)
    late = ids[1]
    db.session.execute(sa.delete(Contact).where(Contact.id == late))
    db.session.commit()

    committed = []

    def commit_a_contact_first(conn, cursor, statement, *args):
        if "INSERT INTO notifications" in statement and not committed:
            committed.append(statement)
            with db.engine.begin() as other:
                other.execute(sa.insert(Contact).values(
                    id=late, external_id="late", email="late@example.com", attributes={},
                    tags=[]))

    sa.event.listen(db.engine, "before_cursor_execute", commit_a_contact_first)
    try:
        run = launch(make_campaign())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", commit_a_contact_first)
    assert db.session.get(Contact, late) is not None
    assert sorted(r.contact_id for r in rows_of(run)) == [ids[0], ids[2]]
