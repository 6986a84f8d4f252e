"""What every benchmark shares: where it runs, a fresh migrated database, a stopwatch."""
import argparse
import os
import time

import sqlalchemy as sa

from app import create_app
from app.config import Config
from app.extensions import upgrade

PG = os.environ.get("HERALD_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("HERALD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")  # tests use dbs 1-15
DATABASE = os.environ.get("HERALD_BENCH_DATABASE", "herald_bench")  # dropped and made anew


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_over_contacts(bench, database: str) -> None:
    """The command line of a benchmark over many contacts: --contacts N --rounds N."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bench(fresh_app(database), args.contacts, args.rounds)


def fresh_app(database: str = DATABASE, **settings):
    """The app on a new, migrated PostgreSQL database and an empty Redis db."""
    admin = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {database}"))
    admin.dispose()
    app = create_app(Config(SQLALCHEMY_DATABASE_URI=f"{PG}/{database}", REDIS_URL=REDIS,
                            **settings))
    with app.app_context():
        upgrade()
        app.extensions["redis"].flushdb()
    return app
