"""Jinja filters for console pages: dates, relative times, status tones."""

from datetime import UTC, datetime

from flask_login import current_user

from app.core.campaigns.timing import zone

# Badge tone per status word (notification statuses, campaign states, key states).
STATUS_TONES = {
    "delivered": "success", "sent": "success", "active": "success", "published": "success",
    "accepted": "neutral", "queued": "neutral", "draft": "neutral", "viewer": "neutral",
    "sending": "info", "running": "info", "editor": "info", "scheduled": "info",
    "retrying": "warning", "suppressed": "warning", "paused": "warning", "locked": "warning",
    "failed": "danger", "dead": "danger", "revoked": "danger", "disabled": "danger",
    "cancelled": "danger", "admin": "accent", "completed": "success", "testing": "info",
    "fanning out": "info",
}


def status_tone(status: str | None) -> str:
    return STATUS_TONES.get((status or "").lower(), "neutral")


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a timestamp in UTC (the console shows UTC everywhere, labelled)."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime(fmt) + " UTC"


def operator_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a timestamp in the signed-in operator's time zone, named ("… CET")."""
    if value is None:
        return "—"
    local = value.astimezone(zone(getattr(current_user, "timezone", None)))
    return f"{local.strftime(fmt)} {local.tzname()}"


def time_ago(value: datetime | None, now: datetime | None = None) -> str:
    """Return a short relative time ("just now", "5 min ago", "3 days ago")."""
    if value is None:
        return "never"
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "min")):
        if seconds >= size:
            count = seconds // size
            plural = "s" if count > 1 and unit != "min" else ""
            return f"{count} {unit}{plural} ago"
    return "just now"


def duration(seconds: float | None) -> str:
    """Return a short length of time: "8 s", "4 min", "2 h 5 min", "3 days"."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days = seconds // 86400
    return f"{days} day{'s' if days > 1 else ''}"


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


FILTERS = {"status_tone": status_tone, "datetime": format_datetime,
           "operator_time": operator_time, "time_ago": time_ago,
           "duration": duration, "from_epoch": from_epoch}
