"""The one door of a notification's status: the allowed moves, and the function making them.

move() checks each move against MOVES, stamps the status's time column and writes the
history row in the same round trip: one statement on PostgreSQL (UPDATE … RETURNING in a
CTE feeding INSERT … SELECT); on SQLite UPDATE … RETURNING, then one executemany INSERT
in the same transaction. A row whose current status does not allow the move is skipped
and not returned: a late answer never moves a row backwards (delivered stays delivered).
New rows and their first history row go in through record_created().
"""

import json
from collections import namedtuple
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from sqlalchemy import (
    and_,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSON
from sqlalchemy.sql.elements import Label
from sqlalchemy.types import Text

from app import json_numbers
from app.core.db import copy_rows, execute_cached, is_postgres
from app.models import Notification, NotificationStatus
from app.models.notifications import Status
from app.models.types import UTCDateTime

S = Status
# From each status (None: a new row), the statuses a row may move to.
MOVES: dict[Status | None, frozenset[Status]] = {
    None: frozenset({S.ACCEPTED, S.QUEUED, S.SUPPRESSED}),
    # Released when due; or never sent (its campaign cancelled, or it expired).
    S.ACCEPTED: frozenset({S.QUEUED, S.SUPPRESSED}),
    # Claimed; queued again when its job is lost; held again while its campaign is
    # paused; never sent (cancelled, expired).
    S.QUEUED: frozenset({S.SENDING, S.QUEUED, S.ACCEPTED, S.SUPPRESSED}),
    # The worker's outcome, a receipt faster than it, rules blocking at send time, or
    # (lease expired) queued again.
    S.SENDING: frozenset({S.SENT, S.DELIVERED, S.RETRYING, S.FAILED, S.DEAD, S.SUPPRESSED,
                          S.QUEUED}),
    S.SENT: frozenset({S.DELIVERED, S.FAILED}),  # receipts
    S.RETRYING: frozenset({S.QUEUED, S.SUPPRESSED}),
    S.DEAD: frozenset({S.QUEUED}),  # re-driven by an operator
    S.DELIVERED: frozenset(),
    S.FAILED: frozenset(),
    S.SUPPRESSED: frozenset(),
}
# The time column a move to each status stamps.
STAMPS = {S.QUEUED: "queued_at", S.SENT: "sent_at", S.DELIVERED: "delivered_at",
          S.FAILED: "failed_at", S.DEAD: "failed_at"}
CHUNK = 1000  # rows per statement of the per-row form (bind parameter limits)
# New rows up to which one INSERT … SELECT feeding the history goes in one round trip;
# a COPY costs two round trips a table, worth it only for many rows.
FEW = 16
HELD = "held_new_rows"  # session.info key: new rows held for one write (delivery.together)

N, H = Notification.__table__, NotificationStatus.__table__
HISTORY = ["notification_id", "status", "attempt", "provider", "error_code", "detail", "at"]
# A new row's first history row, as record_created() writes it.
FIRST_HISTORY = ("notification_id", "status", "attempt", "provider", "at", "detail")
MOVED = (N.c.id, N.c.status, N.c.attempts, N.c.provider, N.c.error_code)


def allowed(current: str | None, to: Status) -> bool:
    """Whether a row in `current` (None: a new row) may move to `to`."""
    return to in MOVES.get(current, frozenset())


def sources(to: Status) -> list[str]:
    """The statuses a row may move to `to` from."""
    return [s.value for s, targets in MOVES.items() if s is not None and to in targets]


def record_created(session, rows: list[dict], now: datetime, *, stamped: bool = False) -> None:
    """Insert new notification rows and the first history row of each. On PostgreSQL a
    few rows go in one statement (one round trip), more with two COPYs; elsewhere two
    bulk INSERTs.

    Stamps each row's times in place (created, updated, and its status's time column),
    unless the caller built them in already (`stamped`: each row holds
    creation_times(now)[its status]). While the session holds new rows
    (session.info[HELD] is a list), they are added to it instead, for one
    insert_created() of many sends' rows.
    """
    refused = {s for s in {row["status"] for row in rows} if not allowed(None, s)}
    if refused:
        raise ValueError(f"a notification cannot start as {sorted(refused)}")
    if not rows:
        return
    if not stamped:
        times = creation_times(now)
        for row in rows:  # every row the same keys: one executemany
            row.update(times[row["status"]])
    held = session.info.get(HELD)
    if held is not None:
        held.extend(row.copy() for row in rows)  # as they are now: callers add keys after
        return
    insert_created(session, rows)


def creation_times(now: datetime) -> dict[Status, dict]:
    """The time columns of a new row by the status it starts in: created and updated at
    `now`, and each status's own time column (`now` for its status, else None), in the
    same order whatever the status."""
    stamps = sorted({STAMPS[s] for s in MOVES[None] if s in STAMPS})
    return {s: {"created_at": now, "updated_at": now,
                **{c: now if STAMPS.get(s) == c else None for c in stamps}}
            for s in MOVES[None]}


def insert_created(session, rows: list[dict]) -> None:
    """Write new rows record_created() stamped, and their first history rows."""
    if not rows:
        return
    if is_postgres(session) and len(rows) <= FEW:
        execute_cached(session, _create_statement(tuple(rows[0])), {"rows": _rows_json(rows)})
        return
    history = first_history(rows)
    if is_postgres(session):
        copy_rows(session, N, rows)
        copy_rows(session, H, history, columns=FIRST_HISTORY)
        return
    session.execute(insert(Notification), rows)
    session.execute(insert(NotificationStatus), [dict(zip(FIRST_HISTORY, h, strict=True))
                                                 for h in history])


def first_history(rows: list[dict]) -> list[tuple]:
    """Each new row's first history row, as FIRST_HISTORY's values."""
    return [(r["id"], r["status"], r.get("attempts", 0), r.get("provider"), r["created_at"],
             r.get("reason")) for r in rows]


@lru_cache(maxsize=16)
def _create_statement(keys: tuple[str, ...]):
    """PostgreSQL: new rows, sent as one JSON array of objects that the server reads into
    the table's row type, and their first history rows, in one statement built and
    compiled once per process: the same text (psycopg converts it once) and the same
    prepared statement whatever the number of rows. (One array parameter a column, as it
    was, cost psycopg more to dump than the rest of the send; a row of parameters each
    made a statement per count, its text parsed anew once it held over 50 parameters.)"""
    given = func.json_populate_recordset(literal_column(f"NULL::{N.name}"),
                                         cast(bindparam("rows", type_=Text), JSON))
    values = given.table_valued(*keys).alias("given")
    created = insert(N).from_select(keys, select(*(values.c[k] for k in keys))).returning(
        N.c.id, N.c.status, N.c.attempts, N.c.provider, N.c.created_at, N.c.reason
    ).cte("created")
    return insert(H).from_select(
        ["notification_id", "status", "attempt", "provider", "at", "detail"],
        select(created.c.id, created.c.status, created.c.attempts, created.c.provider,
               created.c.created_at, created.c.reason))


_UTC = UTCDateTime()


def _json_value(value):
    """A new row's value JSON has no form for: a UUID, a time (as UTCDateTime binds it:
    in UTC, a naive one refused)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return _utc_text(value)
    raise TypeError(f"{type(value).__name__} is not a notification column's value")


@lru_cache(maxsize=64)
def _utc_text(value: datetime) -> str:
    """A time as a new row holds it (a group's rows share a handful of times)."""
    return _UTC.process_bind_param(value, None).isoformat()


_rows_json = json_numbers.encoder(separators=(",", ":"), default=_json_value)


def move(session, targets, to: Status | None = None, *, now: datetime,
         detail: str | None = None, returning=(), **values_) -> list:
    """Move rows and write their history; return the rows moved (skipped ones are not).

    With `to`: `targets` are ids (a list, or a select of ids), all moved alike with the
    column `values_`. Without: `targets` are changes, one dict per row, each with its
    own "id", "status", columns, and optional "at" (the stamp and history time, default
    `now`) and "detail" (for the history).
    """
    columns = _columns(returning)
    if to is not None:
        return _move_alike(session, targets, Status(to), now, detail, columns, values_)
    if len({change["id"] for change in targets}) < len(targets):
        raise ValueError("one change per row and move")
    moved = []
    groups: dict[tuple, list[dict]] = {}
    for change in targets:  # one VALUES list needs the same keys in every row
        groups.setdefault(tuple(sorted(change)), []).append(change)
    for group in groups.values():
        for start in range(0, len(group), CHUNK):
            moved += _move_each(session, group[start:start + CHUNK], now, columns)
    return moved


def _columns(returning) -> list:
    """The columns every move returns (history needs them), then the caller's: columns,
    or expressions of them under a label."""
    wanted = {c.key: c for c in MOVED}
    wanted.update({c.key: c if isinstance(c, Label) else N.c[c.key] for c in returning})
    return list(wanted.values())


def _move_alike(session, ids, to: Status, now, detail, columns, values_) -> list:
    sets = {**values_, "status": to.value, "updated_at": now}
    if to in STAMPS:
        sets.setdefault(STAMPS[to], now)
    pg = is_postgres(session)
    if not isinstance(ids, list):
        id_in = N.c.id.in_(ids.scalar_subquery())
    elif pg:  # one array parameter: the same statement text whatever the number of ids
        id_in = N.c.id == any_(cast(bindparam("ids", ids, type_=ARRAY(N.c.id.type)),
                                    ARRAY(N.c.id.type)))
    else:
        id_in = N.c.id.in_(ids)
    stmt = update(N).where(id_in, N.c.status.in_(sources(to))).values(sets)
    sets_error = "error_code" in values_
    if pg:
        extra = (literal(detail, Text).label("detail"), literal(now, UTCDateTime).label("at"))
        return _with_history(session, stmt, columns, extra, sets_error)
    rows = _named(session.execute(stmt.returning(*columns)))
    _insert_history(session, rows, sets_error, lambda row: (detail, now))
    return rows


def _move_each(session, changes: list[dict], now, columns) -> list:
    keys = ["id", "status", "at", "detail",
            *(k for k in changes[0] if k not in ("id", "status", "at", "detail"))]
    cols = [column(k, {"at": UTCDateTime(), "detail": Text()}.get(k) or N.c[k].type)
            for k in keys]
    data = [(c["id"], Status(c["status"]).value, c.get("at", now), c.get("detail"),
             *(c[k] for k in keys[4:])) for c in changes]
    pg = is_postgres(session)
    v = _arrays(cols, data) if pg else _json_rows(session, cols, data)
    targets = {Status(c["status"]) for c in changes}
    sets = {k: v.c[k] for k in keys[4:]}
    sets.update(status=v.c.status, updated_at=now)
    for stamp in {STAMPS[t] for t in targets if t in STAMPS}:
        stamped = [t.value for t in targets if STAMPS.get(t) == stamp]
        sets[stamp] = case((v.c.status.in_(stamped), v.c.at), else_=N.c[stamp])
    may_move = or_(*(and_(v.c.status == t.value, N.c.status.in_(sources(t))) for t in targets))
    stmt = update(N).where(N.c.id == v.c.id, may_move).values(sets)
    sets_error = "error_code" in keys
    if pg:
        extra = (v.c.detail.label("detail"), v.c.at.label("at"))
        return _with_history(session, stmt, columns, extra, sets_error)
    rows = _named(session.execute(stmt.returning(*columns)))
    by_id = {c["id"]: (c.get("detail"), c.get("at", now)) for c in changes}
    _insert_history(session, rows, sets_error, lambda row: by_id[row.id])
    return rows


def _arrays(cols, data):
    """PostgreSQL: the changes as one typed array per column, unnested (a statement of
    constant text, compiled once, whatever the number of rows)."""
    arrays = [cast(bindparam(f"v_{c.name}", [row[i] for row in data],
                             type_=ARRAY(c.type)), ARRAY(c.type)) for i, c in enumerate(cols)]
    return func.unnest(*arrays).table_valued(*cols).render_derived(name="v")


def _json_rows(session, cols, data):
    """SQLite: the changes as one JSON parameter, stored values already (uuid hex, time
    text), read back by json_each (a statement compiled once, whatever the rows)."""
    dialect = session.get_bind().dialect
    store = [c.type.dialect_impl(dialect).bind_processor(dialect) or (lambda x: x)
             for c in cols]
    rows = [{c.name: to_db(x) for c, to_db, x in zip(cols, store, row, strict=True)}
            for row in data]
    each = func.json_each(bindparam("changes", json.dumps(rows))).table_valued("value")
    return select(*(func.json_extract(each.c.value, f"$.{c.name}").label(c.name)
                    for c in cols)).cte("v").prefix_with("MATERIALIZED")


def _with_history(session, stmt, columns, extra, sets_error: bool) -> list:
    """PostgreSQL: the UPDATE and the history INSERT as one statement."""
    moved = stmt.returning(*columns, *extra).cte("moved")
    error = moved.c.error_code if sets_error else null()
    history = insert(H).from_select(HISTORY, select(
        moved.c.id, moved.c.status, moved.c.attempts, moved.c.provider, error,
        moved.c.detail, moved.c.at)).cte("history")
    return _named(session.execute(
        select(*(moved.c[c.key] for c in columns)).add_cte(history)))


def _named(result) -> list:
    """The moved rows as named tuples. Reading an attribute of a SQLAlchemy Row first
    fails a look-up on its class (an AttributeError made and dropped, ~0.5 µs), and a
    claimed batch reads some 25 attributes of each of its thousand rows; a named tuple's
    attribute is ~0.04 µs."""
    make = _row_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@lru_cache(maxsize=64)
def _row_type(fields: tuple[str, ...]) -> type:
    return namedtuple("Moved", fields)


def _insert_history(session, rows, sets_error: bool, detail_and_at) -> None:
    """SQLite: one executemany INSERT of the moved rows' history."""
    if rows:
        session.execute(insert(H), [
            dict(zip(HISTORY, (row.id, row.status, row.attempts, row.provider,
                               row.error_code if sets_error else None, *detail_and_at(row)),
                     strict=True))
            for row in rows
        ])
