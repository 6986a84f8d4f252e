"""Chaos, reduced: faults of `make chaos` at small counts and short faults, against real
processes; not one notification lost, duplicates only from batches in flight.

The suite runs the quick faults (worker SIGKILLs, Redis FLUSHALL, PostgreSQL restart,
provider errors); HERALD_CHAOS_ALL=1 adds the slow ones (Redis restart, web kills during
batch calls, a provider that stops answering: its client waits out its timeout).
`make chaos` runs every fault at full size (python -m bench chaos).
"""
import os

import pytest

from bench.chaos import FAULTS, Chaos, Scale, run_all, table
from bench.chaos_stack import postgres_bindir

QUICK = ("worker SIGKILL mid-batch, repeatedly", "Redis FLUSHALL", "PostgreSQL restart",
         "provider 503/429, then back")
RUN = FAULTS if os.environ.get("HERALD_CHAOS_ALL") else {name: FAULTS[name] for name in QUICK}
NOTIFICATIONS = int(os.environ.get("HERALD_CHAOS_NOTIFICATIONS", str(50 * len(FAULTS))))


@pytest.fixture()
def chaos(tmp_path, request):
    # Its own Redis and (when it can start one) its own PostgreSQL cluster, whatever the
    # suite's backend; else the suite's PostgreSQL database, which it never restarts.
    database_url = None
    if postgres_bindir() is None:
        database_url = request.getfixturevalue("database_url")
    harness = Chaos(tmp_path, Scale.reduced(NOTIFICATIONS), database_url=database_url)
    yield harness
    harness.close()


@pytest.mark.postgresql  # a private cluster, or the suite's PostgreSQL
@pytest.mark.timeout(400)
def test_no_fault_loses_a_notification(chaos):
    rows = run_all(chaos, RUN)
    print("\n" + table(rows))
    batch = chaos.scale.settings["BATCH_SIZE"]
    for row in rows:
        assert row["lost"] == 0, row
        assert row["rows_made_twice"] == 0, row  # retried batch calls: one set of rows
        # At-least-once: per provider, repeats only for the batch in flight at each crash.
        crashes = chaos.scale.kills if "SIGKILL" in row["fault"] else 1
        assert max(row["duplicated_by_provider"].values()) <= crashes * batch, row
    assert len(rows) == len(RUN) - (chaos.postgres is None)
