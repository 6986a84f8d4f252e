"""The vocabulary of segment conditions: fields, their operators, and operand kinds.

The console's rule builder is rendered from FIELDS, validation coerces operands with
coerce_value(), and describe_rule() turns a condition into a sentence for people.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from app.core.contacts.fields import check_tag, check_timezone, normalise_locale

MAX_ITEMS = 500  # values in one "is any of" list
MAX_TEXT = 255
MAX_DAYS = 36500

# Operand kinds: what the builder shows and what coerce_value() accepts.
NONE, TEXT, LIST, NUMBER, RANGE, DATE, DATE_RANGE, DAYS, WINDOW, CHOICE = (
    "none", "text", "list", "number", "range", "date", "date_range", "days", "window",
    "choice")
PAIRS = (RANGE, DATE_RANGE)


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters")
    return value


def _language(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}", value):
        raise ValueError("a language code, like en or pt")
    return value.lower()


def _tz_region(value: str) -> str:
    value = value.strip("/")
    if not re.fullmatch(r"[A-Za-z_]{2,32}", value):
        raise ValueError("a timezone region, like Europe or America")
    return value.title()


@dataclass(frozen=True)
class Op:
    name: str
    label: str
    kind: str = TEXT
    item: Callable[[str], str] = _text  # checks/normalises one text item
    choices: tuple[tuple[str, str], ...] = ()
    suffix: str = ""  # shown after the operand: "days"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    ops: dict[str, Op] = field(default_factory=dict)
    keyed: bool = False  # attribute conditions name the attribute in `key`
    hint: str = ""


def _field(name, label, ops, **kw) -> FieldSpec:
    return FieldSpec(name, label, {op.name: op for op in ops}, **kw)


PUSH_CHOICES = (("ios", "iOS push"), ("android", "Android push"), ("web", "web push"),
                ("push", "any push"), ("email", "email"), ("sms", "SMS"))

FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    _field("attribute", "Attribute", [
        Op("equals", "is"), Op("not_equals", "is not"),
        Op("contains", "contains"), Op("not_contains", "does not contain"),
        Op("in", "is any of", LIST), Op("not_in", "is none of", LIST),
        Op("exists", "is set", NONE), Op("not_exists", "is not set", NONE),
        Op("gt", "is more than", NUMBER), Op("gte", "is at least", NUMBER),
        Op("lt", "is less than", NUMBER), Op("lte", "is at most", NUMBER),
        Op("between", "is between", RANGE),
        Op("before", "is a date before", DATE), Op("after", "is a date after", DATE),
        Op("date_between", "is a date between", DATE_RANGE),
        Op("within_last_days", "is a date in the last", DAYS, suffix="days"),
        Op("more_than_days_ago", "is a date more than", DAYS, suffix="days ago"),
    ], keyed=True, hint="Custom data on the contact. Text is compared exactly; numbers "
                        "and dates (YYYY-MM-DD) only match values of that kind."),
    _field("tag", "Tag", [
        Op("has", "has tag", item=check_tag), Op("not_has", "does not have tag", item=check_tag),
        Op("has_any", "has any of", LIST, check_tag), Op("has_all", "has all of", LIST, check_tag),
        Op("has_none", "has none of", LIST, check_tag),
    ]),
    _field("channel", "Reachability", [
        Op("reachable", "can receive", CHOICE, choices=PUSH_CHOICES),
        Op("not_reachable", "cannot receive", CHOICE, choices=PUSH_CHOICES),
        Op("has_email", "has an email address", NONE), Op("no_email", "has no email address", NONE),
        Op("has_phone", "has a phone number", NONE), Op("no_phone", "has no phone number", NONE),
    ], hint="Push needs an active device; email and SMS need an address that is not "
            "suppressed."),
    _field("locale", "Locale", [
        Op("equals", "is", item=normalise_locale),
        Op("not_equals", "is not", item=normalise_locale),
        Op("in", "is any of", LIST, normalise_locale),
        Op("not_in", "is none of", LIST, normalise_locale),
        Op("language", "language is", item=_language),
        Op("exists", "is set", NONE), Op("not_exists", "is not set", NONE),
    ]),
    _field("timezone", "Timezone", [
        Op("equals", "is", item=check_timezone), Op("not_equals", "is not", item=check_timezone),
        Op("in", "is any of", LIST, check_timezone),
        Op("not_in", "is none of", LIST, check_timezone),
        Op("region", "is in region", item=_tz_region),
        Op("exists", "is set", NONE), Op("not_exists", "is not set", NONE),
    ]),
    _field("engagement", "Engagement", [
        Op("opened", "opened a message", WINDOW), Op("clicked", "clicked a link", WINDOW),
        Op("converted", "converted", WINDOW),
        Op("not_opened", "did not open a message", WINDOW),
        Op("not_clicked", "did not click a link", WINDOW),
        Op("not_converted", "did not convert", WINDOW),
    ], hint="From tracked opens, clicks and conversions. Leave the days empty for any time."),
    _field("created", "Created", [
        Op("before", "before", DATE), Op("after", "after", DATE),
        Op("date_between", "between", DATE_RANGE),
        Op("within_last_days", "in the last", DAYS, suffix="days"),
        Op("more_than_days_ago", "more than", DAYS, suffix="days ago"),
    ]),
    _field("last_seen", "Last seen", [
        Op("before", "before", DATE), Op("after", "after", DATE),
        Op("date_between", "between", DATE_RANGE),
        Op("within_last_days", "in the last", DAYS, suffix="days"),
        Op("more_than_days_ago", "more than", DAYS, suffix="days ago"),
        Op("never", "never", NONE),
    ]),
)}


def coerce_value(op: Op, value):
    """Return the operand normalised for `op`'s kind; raise ValueError with a clear message."""
    if op.kind == NONE:
        if value not in (None, "", []):
            raise ValueError(f"“{op.label}” takes no value")
        return None
    if op.kind in PAIRS:
        if isinstance(value, list | tuple) and len(value) == 2:
            one = _date if op.kind == DATE_RANGE else _number
            low, high = one(value[0]), one(value[1])
            if low > high:
                raise ValueError("the first value must not be greater than the second")
            return [low, high]
        raise ValueError("enter both bounds")
    if _blank(value) and op.kind != WINDOW:
        raise ValueError("enter a value")
    return _COERCE[op.kind](op, value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _scalar_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _format_number(value)
    if not isinstance(value, str):
        raise ValueError("enter a single value")
    return value.strip()


def _list(op: Op, value) -> list[str]:
    items = re.split(r"[,\n]", value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("enter a list of values")
    items = list(dict.fromkeys(t for t in (_scalar_text(i) for i in items) if t))
    if not items:
        raise ValueError("enter at least one value")
    if len(items) > MAX_ITEMS:
        raise ValueError(f"at most {MAX_ITEMS} values")
    return [op.item(i) for i in items]


def _number(value) -> int | float:
    if isinstance(value, bool):
        raise ValueError("enter a number")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("enter a number") from None
    if not math.isfinite(number) or abs(number) >= 1e15:
        raise ValueError("enter a finite number below a quadrillion")
    return int(number) if number.is_integer() else number


def _date(value) -> str:
    try:
        return date.fromisoformat(value.strip() if isinstance(value, str) else value).isoformat()
    except (TypeError, ValueError, AttributeError):
        raise ValueError("enter a date as YYYY-MM-DD") from None


def _days(op: Op, value) -> int | None:
    if _blank(value):
        return None
    number = _number(value)
    if not isinstance(number, int) or not 1 <= number <= MAX_DAYS:
        raise ValueError(f"enter a whole number of days from 1 to {MAX_DAYS}")
    return number


def _choice(op: Op, value) -> str:
    names = [c[0] for c in op.choices]
    if value not in names:
        raise ValueError("choose one of: " + ", ".join(names))
    return value


_COERCE = {
    TEXT: lambda op, v: op.item(_scalar_text(v)),
    LIST: _list,
    NUMBER: lambda op, v: _number(v),
    DATE: lambda op, v: _date(v),
    DAYS: _days,
    WINDOW: _days,
    CHOICE: _choice,
}


def _format_number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def describe_rule(rule: dict) -> str:
    """Return a condition as words: 'plan is “pro”', 'opened a message in the last 30 days'."""
    spec = FIELDS.get(rule.get("type"))
    op = spec.ops.get(rule.get("op")) if spec else None
    if op is None:
        return "an unknown condition"
    subject = {"attribute": rule.get("key") or "?", "tag": "", "channel": "",
               "engagement": ""}.get(spec.name, spec.label)
    return " ".join(p for p in (subject, op.label, _operand(op, rule.get("value"))) if p)


def _operand(op: Op, value) -> str:
    if op.kind == NONE:
        return ""
    if op.kind == WINDOW:
        return f"in the last {value} days" if value else "at any time"
    if op.kind == CHOICE:
        return dict(op.choices).get(value, str(value))
    if op.kind in PAIRS and isinstance(value, list):
        return f"{_show(value[0])} and {_show(value[1])}"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    text = _show(value)
    return f"{text} {op.suffix}" if op.suffix else text


def _show(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else _format_number(value)
    return f"“{value}”" if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d\d-\d\d",
                                                                          value) else str(value)


def describe_rules(rules: dict) -> str:
    """Return a whole tree as words: 'has tag “vip” and (opened … or can receive …)'."""
    def words(match: str, nodes: list) -> str:
        parts = [f"({words(n.get('match', 'all'), n.get('rules', []))})"
                 if n.get("type") == "group" else describe_rule(n) for n in nodes]
        text = (" and " if match == "all" else " or ").join(parts)
        return f"none of: {text}" if match == "none" and text else text
    return words(rules.get("match", "all"), rules.get("rules", [])) or "Everyone"
