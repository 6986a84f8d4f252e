"""CSV import throughput: `python -m bench.imports` (or bench_import(app) from `make bench`).

Herald's import (parse, check every cell like the API does, upsert in chunks, record bad
rows and progress) against the ceiling: a bare executemany INSERT of the same rows.
"""
import argparse
import time

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.config import Config
from app.core.import_run import create_import, run_import, start_import
from app.core.imports import Options, guess_mapping, preview_rows
from app.extensions import db
from app.models import Contact
from app.models.types import utcnow

ROWS = 100_000
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC")


def sample_csv(n: int = ROWS, bad_every: int = 0) -> bytes:
    """Return a CSV of n contacts; every `bad_every`-th row has an invalid email."""
    lines = ["external_id,email,phone,locale,timezone,tags,first_name,plan,score"]
    for i in range(n):
        email = "not-an-email" if bad_every and i % bad_every == 0 else f"user{i}@example.com"
        lines.append(f"user-{i},{email},+1415555{i % 10000:04d},en-US,{ZONES[i % 4]},"
                     f"newsletter;cohort-{i % 12},Name{i},{('free', 'pro')[i % 2]},{i % 100}")
    return ("\n".join(lines) + "\n").encode()


def _truncate_contacts() -> None:
    db.session.execute(sa.delete(Contact))
    db.session.commit()


def bench_import(app, n: int = ROWS) -> tuple[float, float]:
    """Rows/s of a full CSV import vs a bare executemany of the same contacts."""
    data = sample_csv(n)
    with app.app_context():
        _truncate_contacts()
        start = time.perf_counter()
        imp = create_import(db.session, None, "bench.csv", data, len(data))
        columns = guess_mapping(imp.header, [cells for _, cells in preview_rows(imp)])
        start_import(db.session, imp, columns, Options())
        db.session.commit()
        counts = run_import(db.session, imp.id)
        ours = time.perf_counter() - start
        assert counts == {"created": n, "updated": 0, "errors": 0}, counts
        _truncate_contacts()
        now = utcnow()
        rows = [{"external_id": f"user-{i}", "email": f"user{i}@example.com",
                 "phone": f"+1415555{i % 10000:04d}", "locale": "en-US", "timezone": ZONES[i % 4],
                 "attributes": {"first_name": f"Name{i}", "plan": "pro", "score": i % 100},
                 "tags": ["newsletter", f"cohort-{i % 12}"], "created_at": now, "updated_at": now}
                for i in range(n)]
        start = time.perf_counter()
        db.session.execute(sa.insert(Contact), rows)
        db.session.commit()
        ceiling = time.perf_counter() - start
    return n / ours, n / ceiling


def main() -> None:
    from bench.__main__ import REDIS, fresh_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    app = create_app(Config(SQLALCHEMY_DATABASE_URI=fresh_database(), REDIS_URL=REDIS))
    with app.app_context():
        upgrade()
    ours, ceiling = bench_import(app, args.rows)
    print(f"{'path':<24}{'herald':>12}{'ceiling':>12}{'ratio':>8}")
    print(f"{'import csv (rows/s)':<24}{ours:>12,.0f}{ceiling:>12,.0f}{ours / ceiling:>8.2f}")
    print(f"{args.rows:,} rows imported in {args.rows / ours:.1f} s")


if __name__ == "__main__":
    main()
