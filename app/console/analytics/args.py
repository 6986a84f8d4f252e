"""The query arguments the analytics pages share: machines on or off, a whole-number
range, the operator's zone. A bad one is a 400 naming it, never a silent default."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, request
from flask_login import current_user

from app.console.inputs import as_id


def include_machines() -> bool:
    """`machines=1` counts machines' opens and clicks too; absent or 0: people only."""
    value = request.args.get("machines", "0")
    if value not in ("0", "1"):
        abort(400, "machines must be 0 (people only) or 1 (include machines).")
    return value == "1"


def number_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    """The argument `name` as a whole number from low to high (absent or empty: default)."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    value = as_id(raw)
    if value is None or not low <= value <= high:
        abort(400, f"{name} must be a whole number from {low} to {high}.")
    return value


def operator_zone() -> ZoneInfo:
    """The signed-in operator's time zone (UTC if theirs is not a known zone)."""
    try:
        return ZoneInfo(current_user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
