"""Compile a validated rule tree into one SQL condition over `contacts`.

PostgreSQL: attribute equality uses JSONB containment (@>) and tags the key operators
(?| any, ?& all), which a GIN index serves; numeric and date comparisons read a value
only after jsonb_typeof and a regular expression said it is one, so "n/a" in a numeric
comparison simply does not match instead of failing the query. SQLite: json_type,
json_extract, json_each. Devices and events are subqueries of contact ids: IN when
wanted, NOT EXISTS when negated. Negations are pushed down to the conditions (De
Morgan), so a negated group still plans as anti-joins.
"""

import math
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Select,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)

from app.core.segments.dialects import PostgresJson, SQLiteJson
from app.core.segments.rules import Group, Rule, RuleTree
from app.models import Contact, Device, Event, Suppression

# Operators that are the negation of another one of the same field.
NEGATIONS = {
    "not_equals": "equals", "not_contains": "contains", "not_in": "in",
    "not_exists": "exists", "not_has": "has", "has_none": "has_any",
    "not_reachable": "reachable", "no_email": "has_email", "no_phone": "has_phone",
    "not_opened": "opened", "not_clicked": "clicked",
    "not_converted": "converted",
}


class _Context:
    def __init__(self, dialect: str, now: datetime):
        self.json = PostgresJson() if dialect == "postgresql" else SQLiteJson()
        self.now = now
        self.today = now.astimezone(UTC).date()


def compile_tree(tree: RuleTree, dialect: str, now: datetime):
    """Return the WHERE condition over Contact that selects the tree's contacts."""
    return _group(_Context(dialect, now), tree.match, tree.rules, negate=False)


def _group(ctx: _Context, match: str, nodes: list, negate: bool):
    if not nodes:
        return true()  # only the root may be empty: no conditions, everyone
    if match == "none":
        match, negate = "any", not negate
    children = [_node(ctx, node, negate) for node in nodes]
    # not(a and b) = not a or not b; not(a or b) = not a and not b.
    return and_(*children) if (match == "all") != negate else or_(*children)


def _node(ctx: _Context, node: Rule | Group, negate: bool):
    if isinstance(node, Group):
        return _group(ctx, node.match, node.rules, negate)
    op = node.op
    if op in NEGATIONS:
        op, negate = NEGATIONS[op], not negate
    expr, nullable = COMPILERS[node.type](ctx, op, node)
    if isinstance(expr, Select):  # the ids of contacts with a matching device or event
        # IN plans as a semi-join, or inside OR as one hashed lookup that parallel workers
        # can share (a correlated EXISTS there forces a serial scan); NOT EXISTS plans as
        # an anti-join and, unlike NOT IN, is not fooled by NULL ids.
        ids = expr.selected_columns[0]
        return not_(exists(expr.where(ids == Contact.id))) if negate else Contact.id.in_(expr)
    if not negate:
        return expr  # NULL (unknown) behaves as false inside and/or
    return not_(func.coalesce(expr, false())) if nullable else not_(expr)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _candidates(text: str) -> list:
    """Return the JSON values a typed-in operand equals: "42" is "42" or 42, while "NaN"
    or "1e999" are only text (JSON has no such numbers)."""
    values: list = [text]
    if text.lower() in ("true", "false"):
        values.append(text.lower() == "true")
    else:
        try:
            number = float(text)
        except ValueError:
            return values
        if not math.isfinite(number):
            return values
        values.append(int(number) if number.is_integer() and "e" not in text.lower()
                      else number)
    return values


def _attribute(ctx: _Context, op: str, rule: Rule):
    j, key, value = ctx.json, rule.key, rule.value
    if op in ("equals", "in"):
        texts = value if isinstance(value, list) else [value]
        return j.equals_any(key, [c for t in texts for c in _candidates(t)]), True
    if op == "exists":
        return j.is_set(key), False
    if op == "contains":
        pattern = f"%{_like_escape(value)}%"
        return or_(and_(j.is_string(key), j.text(key).ilike(pattern, escape="\\")),
                   j.array_has(key, value)), True
    if op in _NUMERIC:
        return _NUMERIC[op](j.number(key), j, value), True
    return _DAY_OPS[op](j.day(key), ctx.today, value), True


_NUMERIC = {
    "gt": lambda n, j, v: n > j.num(v),
    "gte": lambda n, j, v: n >= j.num(v),
    "lt": lambda n, j, v: n < j.num(v),
    "lte": lambda n, j, v: n <= j.num(v),
    "between": lambda n, j, v: n.between(j.num(v[0]), j.num(v[1])),
}
_DAY_OPS = {
    "before": lambda d, today, v: d < v,
    "after": lambda d, today, v: d > v,
    "date_between": lambda d, today, v: d.between(v[0], v[1]),
    "within_last_days": lambda d, today, v: d.between(
        (today - timedelta(days=v)).isoformat(), today.isoformat()),
    "more_than_days_ago": lambda d, today, v: d < (today - timedelta(days=v)).isoformat(),
}


def _tag(ctx: _Context, op: str, rule: Rule):
    if op == "has":
        return ctx.json.tags_all([rule.value]), False
    if op == "has_all":
        return ctx.json.tags_all(rule.value), False
    return ctx.json.tags_any(rule.value), False


def _has_address(column):
    return and_(column.is_not(None), column != "")


def _channel(ctx: _Context, op: str, rule: Rule):
    if op in ("has_email", "has_phone"):
        return _has_address(Contact.email if op == "has_email" else Contact.phone), False
    if rule.value in ("email", "sms"):
        column = Contact.email if rule.value == "email" else Contact.phone
        suppressed = select(Suppression.id).where(Suppression.channel == rule.value,
                                                  Suppression.address == column)
        return and_(_has_address(column), not_(exists(suppressed))), False
    devices = select(Device.contact_id).where(Device.active)
    if rule.value != "push":
        devices = devices.where(Device.platform == rule.value)
    return devices, False


def _profile(column):
    def compile_(ctx: _Context, op: str, rule: Rule):
        value = rule.value
        if op == "exists":
            return _has_address(column), False
        if op == "in":
            return column.in_(value), True
        if op == "language":
            return or_(column == value, column.like(f"{value}-%")), True
        if op == "region":
            return column.like(f"{value}/%"), True
        return column == value, True
    return compile_


def _engagement(ctx: _Context, op: str, rule: Rule):
    # People's opens and clicks only: a scanner or a mail proxy engages with everything.
    events = select(Event.contact_id).where(Event.kind == op, Event.machine == false())
    if rule.value:
        events = events.where(Event.at >= ctx.now - timedelta(days=rule.value))
    return events, False


def _midnight(day: str, days_later: int = 0) -> datetime:
    """Return the UTC start of the day YYYY-MM-DD (or of a day `days_later`); the day
    after 9999-12-31 is the last representable instant."""
    try:
        later = date.fromisoformat(day) + timedelta(days=days_later)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(later, time.min, tzinfo=UTC)


def _timestamp(column):
    def compile_(ctx: _Context, op: str, rule: Rule):
        value = rule.value
        conditions = {
            "before": lambda: column < _midnight(value),
            "after": lambda: column >= _midnight(value, 1),
            "date_between": lambda: and_(column >= _midnight(value[0]),
                                         column < _midnight(value[1], 1)),
            "within_last_days": lambda: column >= ctx.now - timedelta(days=value or 0),
            "more_than_days_ago": lambda: column < ctx.now - timedelta(days=value or 0),
            "never": lambda: column.is_(None),
        }
        return conditions[op](), op != "never"
    return compile_


COMPILERS = {
    "attribute": _attribute,
    "tag": _tag,
    "channel": _channel,
    "locale": _profile(Contact.locale),
    "timezone": _profile(Contact.timezone),
    "engagement": _engagement,
    "created": _timestamp(Contact.created_at),
    "last_seen": _timestamp(Contact.last_seen_at),
}
