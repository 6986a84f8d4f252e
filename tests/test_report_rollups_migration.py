"""The migration adding the templates', slices' and links' rollups keeps the rollups already
written, both ways."""
from datetime import date

import sqlalchemy as sa

from app.extensions import db as _db
from app.extensions import downgrade, upgrade
from tests.test_log_migration import old_database  # noqa: F401

BEFORE, AFTER = "3f8c1d2e6a75", "8e2f4a6c1d93"
NEW_TABLES = {"event_slot_rollups", "link_rollups", "template_rollups"}


def _rolled(conn) -> list:
    return [tuple(r) for r in conn.execute(sa.text(
        "SELECT day, campaign_run_id, channel, status, rows FROM notification_rollups "
        "ORDER BY id"))]


def _tables(conn) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def test_rollups_survive_the_migration_up_and_down(old_database):  # noqa: F811
    with old_database.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            for run, rows in ((7, 3), (8, 5)):
                conn.execute(sa.text(
                    "INSERT INTO notification_rollups (day, campaign_run_id, channel, "
                    "category, status, rows) VALUES (:day, :run, 'email', 'orders', "
                    "'delivered', :rows)"), {"day": date(2026, 1, 2), "run": run, "rows": rows})
            before = _rolled(conn)
        upgrade(revision=AFTER)
        with _db.engine.begin() as conn:
            assert _rolled(conn) == before and len(before) == 2
            assert conn.scalars(sa.text(
                "SELECT template_version_id FROM notification_rollups")).all() == [None, None]
            assert _tables(conn) >= NEW_TABLES
            conn.execute(sa.text(
                "INSERT INTO link_rollups (campaign_run_id, url, clicks, machine_clicks, "
                "notifications, humans) VALUES (7, 'https://shop.example/a', 2, 0, 1, 1)"))
            conn.execute(sa.text(
                "INSERT INTO template_rollups (day, template_version_id, kind, notifications, "
                "humans) VALUES ('2026-01-02', 3, 'opened', 4, 3)"))
        downgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            assert _rolled(conn) == before
            assert NEW_TABLES & _tables(conn) == set()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("notification_rollups")}
            assert "template_version_id" not in columns
        upgrade()
        with _db.engine.begin() as conn:
            assert _rolled(conn) == before and _tables(conn) >= NEW_TABLES
