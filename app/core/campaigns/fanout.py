"""Write a run's notification rows: keyset chunks of INSERT … SELECT, crash-safe.

Each chunk's rows, their first history rows and the run's cursor commit in one
transaction, under a lock on the run row: a crash rolls the chunk back whole and the
next fan-out job starts after the last committed chunk. A unique index on (run, contact,
channel, device) makes a repeated chunk write nothing (a chunk is inserted plainly, the
faster way; only one that meets rows already there is written again, skipping them).
Due rows of an unthrottled run are written `queued` and queued in RQ after the commit
(the sweeper queues them again if that is lost); held rows (a later local time, a
window, a throttle) are written `accepted` without due_at: the campaign tick releases
them (release.py).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Text, case, cast, func, insert, literal, null, select, true
from sqlalchemy.exc import IntegrityError

from app.core.campaigns import audience, timing
from app.core.db import dialect_insert, is_postgres, new_uuid_sql
from app.core.delivery import rules
from app.models import Category, Contact, Notification, NotificationStatus
from app.models.campaigns import CampaignRun
from app.models.notifications import Status
from app.models.types import UTCDateTime, utcnow
from app.queues import by_channel

N, H = Notification.__table__, NotificationStatus.__table__
COLUMNS = ["id", "source", "campaign_id", "campaign_run_id", "variant", "contact_id",
           "device_id", "channel", "category", "template_version_id", "address", "provider",
           "status", "reason", "attempts", "send_at", "due_at", "expires_at", "created_at",
           "updated_at", "queued_at"]


@dataclass
class Written:
    rows: int = 0
    contacts: int = 0  # the chunk's contacts (each has at least one row, no_address included)
    queued: dict = field(default_factory=dict)  # {channel: [ids]}


def send_times(session, campaign, config, base: datetime) -> dict[str | None, datetime]:
    """{a contact time zone as stored: when its recipients get the run}; None is for
    contacts without one (the campaign's default zone; an unknown name gets it too).
    The category's quiet hours hold a send past them, as windows do."""
    category = session.scalar(select(Category).where(Category.key == campaign.category))
    quiet = rules.quiet_window(config, category)
    names = session.scalars(select(Contact.timezone).distinct()
                            .where(Contact.timezone.is_not(None))).all()
    return {name: send_time(campaign, name, base, quiet) for name in [None, *names]}


def send_time(campaign, zone_name: str | None, at: datetime, quiet) -> datetime:
    """When a recipient in a zone gets a send due at `at`: its local time, its window,
    past quiet hours."""
    tz = timing.zone(zone_name, campaign.default_timezone)
    at = timing.send_time(campaign, tz, at)
    window = timing.window_of(campaign)
    for _ in range(4):  # a window opening inside quiet hours moves past them, and so on
        until = rules.quiet_until(at, tz.key, quiet)
        if until is None:
            break
        at = window.next_opening(until, tz) if window else until
    return at


def write_chunk(session, config, run: CampaignRun, times: dict, now: datetime | None = None):
    """Write the next chunk of a run locked by the caller; return Written, or None when
    the phase has no contact left."""
    now = now or utcnow()
    campaign = run.campaign
    category = session.scalar(select(Category).where(Category.key == campaign.category))
    scope = audience.Scope(phase=run.phase, low=run.cursor, winner=run.winner, run_id=run.id)
    # The chunk's contacts are locked as the log's foreign key did (PostgreSQL): an erasure
    # waits for the chunk's commit, then clears its rows. The rows are written for those
    # contacts alone: the INSERT's own snapshot may see a contact committed since, which
    # the lock did not cover.
    ids = select(Contact.id).where(audience.contacts_in(session, campaign, scope, now)) \
        .order_by(Contact.id).limit(config.CAMPAIGN_CHUNK) \
        .with_for_update(read=True, key_share=True).subquery()
    locked = session.scalars(select(ids.c.id)).all()
    if not locked:
        return None
    scope.high = max(locked)
    if is_postgres(session):  # SQLite has one writer: nothing commits in between
        scope.ids = locked
    candidates = audience.rows(session, campaign, category, scope, now).subquery("r")
    select_rows = _row_values(session, config, campaign, run, category, candidates, times, now)
    stmt = dialect_insert(session, Notification).from_select(COLUMNS, select_rows)
    try:  # a chunk is written once (cursor and rows commit together): insert plainly …
        with session.begin_nested():
            result = _insert_with_history(session, stmt, now)
    except IntegrityError:  # … and should it ever repeat, write what is missing
        result = _insert_with_history(session, stmt.on_conflict_do_nothing(), now)
    run.cursor, run.heartbeat_at = scope.high, now
    return result


def _row_values(session, config, campaign, run, category, r, times: dict, now: datetime):
    """The SELECT list of the INSERT: every column of a new row, computed per candidate."""
    zones = [(name, at) for name, at in times.items() if name is not None]
    send_at = case(*((r.c.timezone == name, literal(at, UTCDateTime)) for name, at in zones),
                   else_=literal(times[None], UTCDateTime)) if zones else \
        literal(times[None], UTCDateTime)
    defer = category is not None and category.frequency_action == "defer"
    deferred_until = now + timedelta(seconds=category.frequency_window_seconds) \
        if category is not None else now
    if defer:
        send_at = case((r.c.reason == "frequency_cap", literal(deferred_until, UTCDateTime)),
                       else_=send_at)
    sendable = r.c.reason.is_(None) | (literal(defer) & (r.c.reason == "frequency_cap"))
    due_now = send_at <= literal(now, UTCDateTime)
    if campaign.throttle_per_minute:
        due_now = literal(False)  # every row goes through the throttle
    status = case((~sendable, literal(Status.SUPPRESSED.value)),
                  (due_now, literal(Status.QUEUED.value)), else_=literal(Status.ACCEPTED.value))
    grace = now + timedelta(seconds=config.SWEEP_GRACE_SECONDS)
    versions = [v.template_version_id for v in campaign.variants]
    version = case(*((r.c.variant == i, literal(v)) for i, v in enumerate(versions)),
                   else_=literal(versions[0])) if len(versions) > 1 else literal(versions[0])
    at = literal(now, UTCDateTime)
    return select(  # a run's ids carry its start: its rows share one day partition
        new_uuid_sql(session, at=run.started_at), literal("campaign"), literal(campaign.id),
        literal(run.id),
        r.c.variant, r.c.contact_id, r.c.device_id, r.c.channel, literal(campaign.category),
        version, r.c.address, r.c.provider, status, r.c.reason, literal(0),
        case((sendable, send_at), else_=null()),
        case((sendable & due_now, literal(grace, UTCDateTime)), else_=null()),
        literal(run.expires_at, UTCDateTime), at, at,
        case((sendable & due_now, at), else_=null()),
    ).where(true())  # SQLite: a WHERE ends the SELECT before ON CONFLICT


def _insert_with_history(session, stmt, now: datetime) -> Written:
    """Insert the rows and their first history rows; return what was written (a repeated
    chunk's rows conflict and are not counted)."""
    returned = (N.c.id, N.c.contact_id, N.c.channel, N.c.status, N.c.reason)
    if not is_postgres(session):
        written = session.execute(stmt.returning(*returned)).all()
        if written:
            session.execute(insert(H), [
                {"notification_id": row.id, "status": row.status, "attempt": 0,
                 "detail": row.reason, "at": now} for row in written])
        return Written(rows=len(written), contacts=len({r.contact_id for r in written}),
                       queued=by_channel((r.id, r.channel) for r in written
                                         if r.status == Status.QUEUED))
    # PostgreSQL: one statement, and only a few rows back: per channel, the ids to queue as
    # one text array (a million UUID objects cost seconds in Python), and the counts.
    new = stmt.returning(*returned).cte("new")
    history = insert(H).from_select(
        ["notification_id", "status", "attempt", "detail", "at"],
        select(new.c.id, new.c.status, literal(0), new.c.reason,
               literal(now, UTCDateTime))).cte("history")
    queued = func.array_agg(cast(new.c.id, Text)).filter(new.c.status == Status.QUEUED.value)
    contacts = select(func.count(new.c.contact_id.distinct())).scalar_subquery()
    per_channel = session.execute(select(new.c.channel, func.count(), queued, contacts)
                                  .group_by(new.c.channel).add_cte(history)).all()
    return Written(rows=sum(row[1] for row in per_channel),
                   contacts=per_channel[0][3] if per_channel else 0,
                   queued={row[0]: row[2] for row in per_channel if row[2]})
