"""How long the log keeps its rows, and applying it: roll up, archive, drop.

On PostgreSQL a day leaves the log as a whole partition (app.core.ops.partitions), never
by DELETE: its notifications are first counted into notification_rollups (what campaign
reports and the templates' numbers group by) and template_rollups (their opens and clicks),
its events into event_rollups, the campaign charts' and links' rollups and template_rollups
(app.core.ops.event_rollups, engagement_rollups, template_rollups), optionally archived
(app.core.ops.archive), then detached and dropped.
A day still holding unfinished rows (scheduled far ahead, retrying) is kept until they
finish. SQLite deletes expired rows in batches, each rolled up in its own transaction.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Date, cast, column, delete, func, insert, literal, select, table, text

from app.core.access import audit
from app.core.db import is_postgres
from app.core.ops import (
    archive,
    engagement_rollups,
    event_rollups,
    partitions,
    template_rollups,
)
from app.errors import ValidationFailed
from app.models import (
    Event,
    EventKey,
    Notification,
    NotificationStatus,
    ShortLink,
    TrackedLink,
)
from app.models.notifications import Status
from app.models.retention import NotificationRollup, RetentionPolicy
from app.models.types import utcnow

# policy name -> (its HERALD_* default's setting, what it keeps)
POLICIES = {"notifications": ("RETENTION_NOTIFICATIONS_DAYS", "Notifications"),
            "history": ("RETENTION_HISTORY_DAYS", "Status history"),
            "events": ("RETENTION_EVENTS_DAYS", "Events")}
MAX_DAYS = 3650
UNFINISHED = (Status.ACCEPTED.value, Status.QUEUED.value, Status.SENDING.value,
              Status.RETRYING.value)
BATCH = 5000  # rows per SQLite delete
ROLLED = ("campaign_id", "campaign_run_id", "variant", "channel", "provider", "category",
          "template_version_id", "status", "reason")


@dataclass
class Applied:
    dropped: list[str] = field(default_factory=list)  # partitions (PostgreSQL)
    held: dict[str, int] = field(default_factory=dict)  # partition -> unfinished rows
    archived: list[str] = field(default_factory=list)  # files written
    # table -> rows deleted (SQLite's log; on both, unused template links)
    deleted: dict[str, int] = field(default_factory=dict)


def policies(session, config) -> dict[str, int]:
    """{policy: days}: the console's choice, else the setting."""
    days = {name: getattr(config, setting) for name, (setting, _) in POLICIES.items()}
    for row in session.scalars(select(RetentionPolicy)):
        if row.table_name in days:
            days[row.table_name] = row.days
    return days


def set_policy(session, actor, name: str, days, now: datetime | None = None) -> None:
    """Change a table's retention (not committed), audited."""
    if name not in POLICIES:
        raise ValidationFailed("unknown table", [{"field": "table",
                                                  "message": f"no retention for {name!r}"}])
    try:
        days = int(str(days).strip())
    except ValueError:
        days = None
    if days is None or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed("invalid retention", [
            {"field": "days", "message": f"a whole number of days from 1 to {MAX_DAYS}"}])
    row = session.get(RetentionPolicy, name)
    before = {"days": row.days} if row else None
    if row is None:
        row = RetentionPolicy(table_name=name, days=days)
        session.add(row)
    row.days, row.updated_at = days, now or utcnow()
    audit.record(session, actor, "retention.update", "retention", name, before=before,
                 after={"days": days})


def apply(session, config, now: datetime | None = None) -> Applied:
    """Drop (PostgreSQL) or delete (SQLite) every row past its table's retention."""
    now = now or utcnow()
    days = policies(session, config)
    if is_postgres(session):
        done = _apply_postgres(session, config, days, now)
    else:
        done = _apply_sqlite(session, days, now)
    unused = _forget_unused_links(session, now - timedelta(days=config.TRACKING_LINK_DAYS))
    if unused:
        done.deleted["tracked_links"] = unused  # nothing else deletes links by count
    return done


def expired(session, table: partitions.LogTable, days: int, now: datetime) -> list:
    """The table's partitions whose every day is older than `days`."""
    cutoff = now - timedelta(days=days)
    return [p for p in partitions.partitions(session.connection(), table.name)
            if p.end <= cutoff]


def _apply_postgres(session, config, days: dict, now: datetime) -> Applied:
    done = Applied()
    engine = session.get_bind()
    for part in expired(session, partitions.NOTIFICATIONS, days["notifications"], now):
        unfinished = session.scalar(text(
            f"SELECT count(*) FROM {part.name} WHERE status = ANY(:open)"),
            {"open": list(UNFINISHED)})
        if unfinished:
            done.held[part.name] = unfinished
            continue
        without_jit(session)
        roll_up(session, partition_rows(part), source=part.name)
        roll_up_templates(session, part)
        _forget_links(session, part)
        session.commit()
        _drop(engine, config, part, done)
    for part in expired(session, partitions.HISTORY, days["history"], now):
        _drop(engine, config, part, done)
    for part in expired(session, partitions.EVENTS, days["events"], now):
        within = id_range(part)
        without_jit(session)
        _roll_up_events(session, within, source=part.name)
        session.execute(delete(EventKey).where(*within(EventKey.__table__, "event_id")))
        session.commit()
        _drop(engine, config, part, done)
    session.commit()
    return done


def without_jit(session) -> None:
    """Until the transaction ends, no JIT compiling (PostgreSQL): a roll-up statement over
    a day of 2M events spent 0.7-1.4 s compiling, a sixth to a quarter of its time, for
    rows it reads once."""
    session.execute(text("SET LOCAL jit = off"))


def id_range(part):
    """The conditions a table's UUIDv7 column meets for ids in the partition's days."""
    low = partitions.first_id(part.start) if part.start else None
    high = partitions.first_id(part.end)

    def within(t, key: str = "id") -> list:
        return [t.c[key] < high] + ([t.c[key] >= low] if low is not None else [])
    return within


def partition_rows(part):
    """A notifications partition, with the columns its roll-ups read."""
    return table(part.name, *(column(c) for c in (*ROLLED, "id", "created_at")))


def roll_up_templates(session, part) -> None:
    """Count a notifications partition's messages opened and clicked per template, with
    their events still in the log (looked for only where they can be)."""
    e = Event.__table__
    template_rollups.roll_up_messages(
        session, partition_rows(part), source=part.name,
        events_where=[*id_range(part)(e, "notification_id"), *_stored_since(e, part.start)])


def _stored_since(e, start: datetime | None) -> list:
    """Events of messages created from `start` on were stored after it (a day earlier
    allows for clocks apart): the older days' partitions are left out."""
    return [e.c.id >= partitions.first_id(start - timedelta(days=1))] if start else []


def _roll_up_events(session, within, source: str | None = None) -> None:
    """Every count reports keep of the events `within(table)` selects, before they go."""
    event_rollups.roll_up(session, within, source=source)
    engagement_rollups.roll_up(session, within, source=source)
    template_rollups.roll_up_events(session, within, source=source)


def _drop(engine, config, part, done: Applied) -> None:
    if config.LOG_ARCHIVE_DIR:
        done.archived.append(str(archive.write(engine, part.name, config.LOG_ARCHIVE_DIR)))
    partitions.detach_and_drop(engine, part.table, part.name)
    done.dropped.append(part.name)


def roll_up(session, rows, source: str | None = None, where=()) -> None:
    """Add the rows' counts per day, campaign, run, variant, channel, provider, category,
    template version, status and reason to notification_rollups (a source rolled up again
    is replaced)."""
    event_rollups.replace(session, source, NotificationRollup)
    if is_postgres(session):
        day = cast(func.timezone("UTC", rows.c.created_at), Date)
    else:
        day = func.date(rows.c.created_at)
    keys = [rows.c[name] for name in ROLLED]
    session.execute(insert(NotificationRollup).from_select(
        ["day", *ROLLED, "rows", "source"],
        select(day, *keys, func.count(), literal(source)).where(*where).group_by(day, *keys)))


def _forget_links(session, part) -> None:
    """Delete the tracked links and short codes of the partition's notifications."""
    within = id_range(part)
    for model in (ShortLink, TrackedLink):
        session.execute(delete(model).where(*within(model.__table__, "notification_id")))


def _forget_unused_links(session, cutoff: datetime) -> int:
    """Delete the template versions' tracked links no message has carried since `cutoff`
    (HERALD_TRACKING_LINK_DAYS: how long a link keeps working), with their short codes (by
    foreign key); a notification's own go with its day of the log."""
    unused = [TrackedLink.notification_id.is_(None), TrackedLink.used_at < cutoff]
    gone = 0
    while ids := session.scalars(select(TrackedLink.id).where(*unused).limit(BATCH)).all():
        gone += session.execute(delete(TrackedLink).where(TrackedLink.id.in_(ids))).rowcount
        session.commit()
    return gone


def _apply_sqlite(session, days: dict, now: datetime) -> Applied:
    done = Applied()
    n = Notification.__table__
    cutoff = now - timedelta(days=days["notifications"])
    old = [n.c.created_at < cutoff, n.c.status.not_in(UNFINISHED)]
    while ids := session.scalars(select(n.c.id).where(*old).limit(BATCH)).all():
        roll_up(session, n, where=[n.c.id.in_(ids)])
        template_rollups.roll_up_messages(session, n, where=[n.c.id.in_(ids)])
        for model in (ShortLink, TrackedLink):
            session.execute(delete(model).where(model.notification_id.in_(ids)))
        deleted = session.execute(delete(n).where(n.c.id.in_(ids))).rowcount
        done.deleted["notifications"] = done.deleted.get("notifications", 0) + deleted
        session.commit()
    for model, policy in ((NotificationStatus, "history"), (Event, "events")):
        cutoff = now - timedelta(days=days[policy])
        t = model.__table__
        while ids := session.scalars(select(t.c.id).where(t.c.at < cutoff).limit(BATCH)).all():
            if model is Event:
                _roll_up_events(session, lambda e, ids=ids: [e.c.id.in_(ids)])
                session.execute(delete(EventKey).where(EventKey.event_id.in_(ids)))
            deleted = session.execute(delete(t).where(t.c.id.in_(ids))).rowcount
            done.deleted[t.name] = done.deleted.get(t.name, 0) + deleted
            session.commit()
    return done


def maintain(session, _redis, config, now: datetime | None = None) -> dict:
    """The hourly job: make the days ahead, then apply retention."""
    now = now or utcnow()
    made = partitions.ensure_ahead(session.connection(), now.date())
    session.commit()
    applied = apply(session, config, now)
    return {"made": made, "dropped": applied.dropped, "held": applied.held,
            "archived": applied.archived, "deleted": applied.deleted}


@dataclass
class TableData:
    policy: str
    label: str
    table: str
    days: int
    rows: int  # an estimate on PostgreSQL
    bytes: int | None  # None on SQLite
    partitions: list = field(default_factory=list)  # partitions.Partition, oldest first
    next_drop: datetime | None = None  # when the oldest day (or row) leaves


def data_overview(session, config) -> list[TableData]:
    """Each log table with its rows, size, partitions, retention and next drop."""
    days = policies(session, config)
    found = []
    for policy, log_table in (("notifications", Notification.__table__),
                          ("history", NotificationStatus.__table__),
                          ("events", Event.__table__)):
        label = POLICIES[policy][1]
        if is_postgres(session):
            parts = partitions.partitions(session.connection(), log_table.name)
            rows, size = session.execute(text(
                "SELECT greatest(reltuples, 0)::bigint, pg_total_relation_size(oid) "
                "FROM pg_class WHERE oid = to_regclass(:t)"), {"t": log_table.name}).one()
            if parts:
                rows, size = sum(max(p.rows, 0) for p in parts), sum(p.bytes for p in parts)
            oldest = parts[0].end if parts else None
        else:
            parts, size = [], None
            rows = session.scalar(select(func.count()).select_from(log_table))
            stamp = log_table.c.created_at if "created_at" in log_table.c else log_table.c.at
            oldest = session.scalar(select(func.min(stamp)))
        next_drop = oldest + timedelta(days=days[policy]) if oldest else None
        found.append(TableData(policy, label, log_table.name, days[policy], rows, size, parts,
                               next_drop))
    return found
