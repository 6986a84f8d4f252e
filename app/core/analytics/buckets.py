"""Counts per hour or day in the operator's zone, from 15-minute UTC slices: every zone's
offset is a multiple of 15 minutes, so a slice never straddles a local hour or day."""
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.db import epoch_bucket

SLICE = 900


def slice_of(session, column):
    """The SQL expression grouping timestamps into 15-minute slices."""
    return epoch_bucket(session, column, SLICE).label("slot")


def gather(rows, zone: ZoneInfo, unit: str) -> dict[datetime, Counter]:
    """{local hour or day start: Counter(key: count)} from (slot, key, count) rows."""
    counts: dict[datetime, Counter] = {}
    for number, key, total in rows:
        local = datetime.fromtimestamp(int(number) * SLICE, UTC).astimezone(zone)
        start = local.replace(minute=0, second=0, microsecond=0)
        if unit == "day":
            start = start.replace(hour=0)
        counts.setdefault(start, Counter())[key] += total
    return counts


def steps(first: datetime, last: datetime, zone: ZoneInfo, unit: str) -> list[datetime]:
    """Every local hour (UTC steps: DST never repeats or skips one) or day from first to
    last."""
    out, at = [], first
    while at <= last:
        out.append(at)
        if unit == "hour":
            at = (at.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
        else:
            at = datetime.combine(at.date() + timedelta(days=1), at.time(), zone)
    return out


def series(rows, zone: ZoneInfo, unit: str, keys: tuple[str, ...],
           first: datetime | None = None, last: datetime | None = None
           ) -> list[tuple[datetime, dict[str, int]]]:
    """(local start, {key: count}) for every hour or day, gaps included."""
    counts = gather(rows, zone, unit)
    if first is None and not counts:
        return []
    first = first or min(counts)
    last = last or max(counts)
    return [(at, {k: counts.get(at, Counter())[k] for k in keys})
            for at in steps(first, last, zone, unit)]
