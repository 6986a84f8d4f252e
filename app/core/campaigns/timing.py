"""Campaign time math: recipient-local times across DST, send windows, cron runs.

Local times are resolved the way people expect around DST changes: a time that does not
exist (the hour skipped in spring) moves forward by the gap, a time that exists twice
(the hour repeated in autumn) is its first occurrence.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

MAX_OFFSET = timedelta(hours=14)  # the zone furthest ahead of UTC (Pacific/Kiritimati)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The named zone, or the default when the name is empty or unknown."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def hhmm(value: str) -> int:
    """'09:30' → 570 (minutes after midnight)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def as_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def local_moment(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in a zone (fold 0: a skipped time lands after
    the gap, a repeated one on its first occurrence)."""
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return wall.astimezone(UTC)


class Window:
    """Send only between start and end (minutes, recipient-local) on these weekdays.

    start > end is a window across midnight (20:00–02:00): it belongs to the day it opens.
    """

    def __init__(self, start: int, end: int, days):
        self.start, self.end, self.days = start, end, frozenset(days)

    def _open_at(self, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute
        if self.start < self.end:
            return local.weekday() in self.days and self.start <= minute < self.end
        if minute >= self.start:
            return local.weekday() in self.days
        return minute < self.end and (local.weekday() - 1) % 7 in self.days

    def contains(self, at: datetime, tz: ZoneInfo) -> bool:
        return self._open_at(at.astimezone(tz))

    def next_opening(self, at: datetime, tz: ZoneInfo) -> datetime:
        """`at` if the window is open then, else the instant it next opens (UTC)."""
        if self.contains(at, tz):
            return at
        today = at.astimezone(tz).date()
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if day.weekday() in self.days:
                opening = local_moment(day, self.start, tz)
                if opening > at:
                    return opening
        raise ValueError("a window with no day")  # unreachable: days is never empty


def window_of(campaign) -> Window | None:
    if campaign.window_start is None or campaign.window_end is None:
        return None
    return Window(campaign.window_start, campaign.window_end, campaign.window_days or range(7))


def send_time(campaign, tz: ZoneInfo, base: datetime) -> datetime:
    """When a recipient in `tz` should get a run that starts at `base` (UTC)."""
    at = base
    if campaign.schedule_kind == "local":
        at = max(base, local_moment(date.fromisoformat(campaign.local_date),
                                    hhmm(campaign.local_time), tz))
    window = window_of(campaign)
    return window.next_opening(at, tz) if window else at


def cron_runs(expression: str, tz_name: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` runs of a cron expression read in a zone, as UTC instants."""
    runs = croniter(expression, after.astimezone(zone(tz_name)))
    return [runs.get_next(datetime).astimezone(UTC) for _ in range(count)]


def first_run(campaign, now: datetime) -> datetime:
    """When a campaign's first run starts fanning out, once scheduled.

    A recipient-local send starts as the first zone reaches the time (UTC+14), so each
    contact's row is written before its own moment comes.
    """
    kind = campaign.schedule_kind
    if kind == "at":
        return max(campaign.send_at, now)
    if kind == "local":
        earliest = datetime.combine(date.fromisoformat(campaign.local_date),
                                    time.fromisoformat(campaign.local_time), tzinfo=UTC)
        return max(earliest - MAX_OFFSET, now)
    if kind == "recurring":
        return cron_runs(campaign.cron, campaign.timezone, now, 1)[0]
    return now
