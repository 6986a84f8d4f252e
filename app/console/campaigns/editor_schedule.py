"""The editor's schedule step: date-times in the operator's zone, the daily/weekly builder
as a cron expression and back, and the readable preview with the next runs."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from cron_descriptor import ExpressionDescriptor, FormatException, Options

from app.core.campaigns import spec, timing
from app.errors import ValidationFailed

KINDS = ("now", "at", "local", "recurring")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAILY = re.compile(r"(\d{1,2}) (\d{1,2}) \* \* \*")
WEEKLY = re.compile(r"(\d{1,2}) (\d{1,2}) \* \* ([0-6](?:,[0-6])*)")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> posts and shows
PREVIEW_RUNS = 5


def local_input(value: datetime | None, tz_name: str) -> str:
    """An aware instant as the operator's wall-clock time, for a datetime-local input."""
    return value.astimezone(timing.zone(tz_name)).strftime(LOCAL_INPUT) if value else ""


def read_local(raw: str | None, tz_name: str, pointer: str, errors: list) -> datetime | None:
    """A datetime-local input read in the operator's zone (None when empty)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        wall = datetime.fromisoformat(raw) if len(raw) <= 32 else None
    except ValueError:
        wall = None
    if wall is None or wall.tzinfo is not None:
        errors.append({"field": pointer, "message": "a date and time, e.g. 2027-03-01 09:00"})
        return None
    return timing.local_moment(wall.date(), wall.hour * 60 + wall.minute, timing.zone(tz_name))


def builder_of(cron: str | None) -> dict:
    """The daily/weekly builder's fields for a cron expression (cron mode when it is neither)."""
    cron = cron or ""
    if found := DAILY.fullmatch(cron):
        return {"repeat": "daily", "repeat_time": _hhmm(found[2], found[1]), "repeat_days": []}
    if found := WEEKLY.fullmatch(cron):
        days = sorted({(int(d) - 1) % 7 for d in found[3].split(",")})  # cron 0 = Sunday
        return {"repeat": "weekly", "repeat_time": _hhmm(found[2], found[1]),
                "repeat_days": [str(d) for d in days]}
    return {"repeat": "cron" if cron else "weekly", "repeat_time": "09:00",
            "repeat_days": [] if cron else ["0"]}


def _hhmm(hours: str, minutes: str) -> str:
    return f"{int(hours):02d}:{int(minutes):02d}"


def cron_of(form, errors: list) -> str | None:
    """The cron expression the recurring fields describe (the builder's, or typed)."""
    repeat = form.get("repeat", "weekly")
    if repeat == "cron":
        return (form.get("cron") or "").strip() or None
    at = (form.get("repeat_time") or "").strip()
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        errors.append({"field": "/schedule/repeat_time", "message": "a time, e.g. 09:00"})
        return None
    minutes = timing.hhmm(at)
    if repeat == "daily":
        return f"{minutes % 60} {minutes // 60} * * *"
    days = sorted({int(d) for d in form.getlist("repeat_days") if d in "0123456" and d})
    if not days:
        errors.append({"field": "/schedule/repeat_days", "message": "pick at least one day"})
        return None
    return f"{minutes % 60} {minutes // 60} * * {','.join(str((d + 1) % 7) for d in days)}"


def read_schedule(form, operator_tz: str) -> tuple[dict, list[dict]]:
    """The schedule part of the spec from the posted step, and the fields it cannot read."""
    errors: list[dict] = []
    kind = form.get("kind") if form.get("kind") in KINDS else "now"
    schedule = {"kind": kind, "timezone": operator_tz,
                "default_timezone": (form.get("default_timezone") or "UTC").strip()}
    if kind == "at":
        schedule["send_at"] = read_local(form.get("send_at"), operator_tz, "/schedule/send_at",
                                         errors)
    elif kind == "local":
        schedule["local_date"] = (form.get("local_date") or "").strip() or None
        schedule["local_time"] = (form.get("local_time") or "").strip() or None
    elif kind == "recurring":
        schedule["cron"] = cron_of(form, errors)
        schedule["timezone"] = (form.get("timezone") or operator_tz).strip()
    return schedule, errors


def schedule_values(schedule: dict, operator_tz: str) -> dict:
    """The step's form values for a stored schedule."""
    kind = schedule.get("kind") or "now"
    return {"kind": kind, "send_at": local_input(schedule.get("send_at"), operator_tz),
            "local_date": str(schedule.get("local_date") or ""),
            "local_time": schedule.get("local_time") or "09:00",
            "default_timezone": schedule.get("default_timezone") or "UTC",
            "cron": schedule.get("cron") or "",
            "timezone": schedule.get("timezone") if kind == "recurring" else operator_tz,
            **builder_of(schedule.get("cron"))}


def describe_cron(expression: str) -> str:
    """Readable text for a cron expression ("At 09:00, only on Monday")."""
    options = Options()
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except (FormatException, ValueError, IndexError, KeyError):
        return expression


@dataclass
class Preview:
    """What the schedule step says about the posted schedule, in the operator's zone."""

    kind: str
    operator_tz: str
    errors: list[dict] = field(default_factory=list)
    when: datetime | None = None
    cron: str | None = None
    description: str = ""
    runs: list[datetime] = field(default_factory=list)
    local_time: str | None = None
    local_date: str | None = None
    past: bool = False  # an "at" moment already gone: the review refuses it

    def local(self, value: datetime) -> datetime:
        return value.astimezone(timing.zone(self.operator_tz))


def preview(form, operator_tz: str, now: datetime) -> Preview:
    """Check the posted schedule and describe it: the moment, or the cron text and runs."""
    schedule, errors = read_schedule(form, operator_tz)
    result = Preview(schedule["kind"], operator_tz, errors)
    if errors:
        return result
    try:
        checked = spec.parse({"name": "-", "category": "-", "schedule": schedule}).schedule
    except ValidationFailed as exc:
        result.errors = exc.errors
        return result
    result.when = checked.send_at
    result.past = checked.send_at is not None and checked.send_at < now
    result.local_time, result.local_date = checked.local_time, str(checked.local_date or "")
    if checked.cron:
        result.cron, result.description = checked.cron, describe_cron(checked.cron)
        result.runs = timing.cron_runs(checked.cron, checked.timezone, now, PREVIEW_RUNS)
    return result
