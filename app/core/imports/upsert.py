"""One set-based upsert of a chunk of checked rows into `contacts`, per dialect."""
import csv
import io

from sqlalchemy import Column as SqlColumn
from sqlalchemy import (
    MetaData,
    Table,
    Text,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.schema import CreateTable

from app import json_numbers
from app.core.db import copy_csv, dialect_insert, is_postgres
from app.core.imports.rows import Column, Options
from app.models import Contact
from app.models.types import UTCDateTime, utcnow

SCALARS = ("email", "phone", "locale", "timezone")


TEXT_COLUMNS = ("external_id", *SCALARS)


JSON_COLUMNS = ("attributes", "tags")
STAGED = (*TEXT_COLUMNS, *JSON_COLUMNS)
# PostgreSQL: a chunk is copied into this session's own table, emptied at each commit,
# then upserted from it in one statement.
STAGING = Table(
    "contact_import_rows", MetaData(),
    *(SqlColumn(name, Text) for name in TEXT_COLUMNS),
    *(SqlColumn(name, JSONB) for name in JSON_COLUMNS),
    prefixes=["TEMPORARY"], postgresql_on_commit="DELETE ROWS",
)


def staged_csv(records_: list[dict]) -> bytes:
    """The rows as CSV for COPY into the staging table (PostgreSQL).

    Made apart from the write, so that the thread checking an import's rows makes it and
    the thread writing them only sends it: a writer making it too took turns with the
    checker for the interpreter, at every row, and the two barely overlapped. A None
    field is written empty and unquoted, which COPY reads as NULL (a field never holds
    an empty string: an empty cell is None); the "\r\n" line ends make the writer quote
    any field holding a line break.
    """
    buffer = io.StringIO()
    dump = json_numbers.dumps
    csv.writer(buffer, lineterminator="\r\n").writerows(
        (r["external_id"], r["email"], r["phone"], r["locale"], r["timezone"],
         dump(r["attributes"]), dump(r["tags"])) for r in records_)
    return buffer.getvalue().encode()


def upsert_contacts(session, upsert, records_: list[dict], staged: bytes | None) -> int:
    """Write the contacts in one statement (executemany on SQLite); return how many are
    new. `staged` is staged_csv(records_) on PostgreSQL (made by the caller, on the
    thread that checks the rows), None elsewhere."""
    if not records_:
        return 0
    now = utcnow()
    if is_postgres(session):
        session.execute(CreateTable(STAGING, if_not_exists=True))
        copy_csv(session, STAGING, STAGED, staged)
        return session.scalar(upsert, {"now": now})
    ids = [r["external_id"] for r in records_]
    existing = session.scalar(select(func.count()).where(Contact.external_id.in_(ids)))
    session.execute(upsert, [{"external_id": r["external_id"], "created_at": now,
                              "updated_at": now, **{n: r.get(n) for n in SCALARS},
                              **{n: r[n] for n in JSON_COLUMNS}} for r in records_])
    return len(ids) - existing


def upsert_statement(session, columns: list[Column], options: Options):
    """INSERT … ON CONFLICT (external_id) DO UPDATE of the mapped fields only.

    Empty cells arrive as NULL and keep the stored value; attributes merge key by key;
    tags are added to the contact's (or replace them, if the import says so). On
    PostgreSQL the rows come from the chunk's staging table (COPY): a statement of one
    parameter, which answers how many contacts it created.
    """
    postgres = is_postgres(session)
    stmt = dialect_insert(session, Contact.__table__)  # Core: the ORM would bulk-insert
    if postgres:
        stmt = stmt.from_select([*STAGED, "created_at", "updated_at"],
                                _staged_source())
    excluded, current = stmt.excluded, Contact.__table__.c
    mapped = {c.field for c in columns}
    set_ = {"updated_at": excluded.updated_at}
    for name in SCALARS:
        if name in mapped:
            set_[name] = func.coalesce(excluded[name], current[name])
    if "attribute" in mapped:
        set_["attributes"] = (current.attributes.op("||")(excluded.attributes) if postgres
                              else func.json_patch(_readable_sqlite_json(current.attributes),
                                                   excluded.attributes))
    if "tags" in mapped:
        set_["tags"] = literal_column(_TAGS_SQL[postgres, options.tag_mode])
    stmt = stmt.on_conflict_do_update(index_elements=["external_id"], set_=set_)
    if not postgres:
        return stmt
    # xmax is 0 only on a freshly inserted row version: creations are counted in the same
    # pass, by PostgreSQL (not a row per contact sent back to be added up here).
    written = stmt.returning(literal_column("xmax = 0").label("created")).cte("written")
    return select(func.count()).select_from(written).where(written.c.created)


def _readable_sqlite_json(column):
    """The column, or {} where SQLite cannot read it (a NaN written before they were
    refused), so one such contact does not fail the whole chunk."""
    return case((func.json_valid(column) == 1, column), else_=literal("{}"))


def _staged_source():
    """SELECT … FROM the staging table, stamped with :now."""
    now = bindparam("now", type_=UTCDateTime)
    return select(*STAGING.c, now, now)


# New tags appended to the stored ones (without repeats), or replacing them; an empty
# cell (no tags) always keeps the stored tags.
_TAGS_SQL = {
    (True, "add"): "contacts.tags || COALESCE((SELECT jsonb_agg(v) FROM "
                   "jsonb_array_elements(excluded.tags) AS t(v) "
                   "WHERE NOT contacts.tags @> jsonb_build_array(v)), '[]'::jsonb)",
    (True, "replace"): "CASE WHEN jsonb_array_length(excluded.tags) = 0 THEN contacts.tags "
                       "ELSE excluded.tags END",
    (False, "add"): "(SELECT json_group_array(value) FROM (SELECT value FROM "
                    "json_each(contacts.tags) UNION ALL SELECT value FROM "
                    "json_each(excluded.tags) WHERE value NOT IN "
                    "(SELECT value FROM json_each(contacts.tags))))",
    (False, "replace"): "CASE WHEN json_array_length(excluded.tags) = 0 THEN contacts.tags "
                        "ELSE excluded.tags END",
}
