"""Small database helpers that differ between PostgreSQL and SQLite."""

from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(session, model):
    """Return an INSERT for the session's dialect, one that supports ON CONFLICT."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def insert_ignore(session, model, rows: list[dict]) -> None:
    """Bulk insert rows, skipping any that hit a unique constraint."""
    if not rows:
        return
    session.execute(dialect_insert(session, model).on_conflict_do_nothing(), rows)


def upsert(session, model, rows: list[dict], conflict: list[str], columns: list[str]) -> None:
    """Bulk insert rows; a row that hits the `conflict` key updates `columns` instead."""
    if not rows:
        return
    stmt = dialect_insert(session, model)
    stmt = stmt.on_conflict_do_update(
        index_elements=conflict, set_={name: stmt.excluded[name] for name in columns}
    )
    session.execute(stmt, rows)
