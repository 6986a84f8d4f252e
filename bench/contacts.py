"""Console contact search over a million contacts on PostgreSQL: `python -m bench contacts`.

Seeds contacts, devices and suppressions like bench.segments, makes sure the model's
search indexes exist, then times one list page (51 rows, newest first, keyset) per search
the console offers, first page and a deep one. Each page needs < 100 ms (p50) to keep
the list's search-as-you-type responsive.
"""
import statistics
import time

import sqlalchemy as sa

from app.console.pagination import keyset_page
from app.core.contacts.search import ContactQuery, search
from app.extensions import db
from app.models import Contact, Device
from bench.common import run_over_contacts
from bench.segments import seed

DATABASE = "herald_bench_contacts"
TARGET_MS = 100

SEARCHES = {
    "everyone": ContactQuery(),
    "email prefix (user12345)": ContactQuery(q="user12345"),
    "exact email": ContactQuery(q="User777777@Example.com"),
    "phone prefix (+1 415 000 12)": ContactQuery(q="+1 415 000 12"),
    "external id exact": ContactQuery(q="bench-424242"),
    "external id prefix (bench-4242)": ContactQuery(q="bench-4242"),
    "attr:plan=enterprise (20%)": ContactQuery(q="attr:plan=enterprise"),
    "attr:signup=2021-03-04 (rare)": ContactQuery(q="attr:signup=2021-03-04"),
    "tag vip": ContactQuery(tag="vip"),
    "locale fr + has phone": ContactQuery(locale="fr", has=("phone",)),
    "active iOS device": ContactQuery(platform="ios"),
    "tag churned + active web push": ContactQuery(tag="churned", platform="web"),
    "no match: locale pt-BR": ContactQuery(locale="pt-BR"),
    "no match: tag nope + locale fr": ContactQuery(tag="nope", locale="fr"),
    "no match: active iOS + locale ja": ContactQuery(platform="ios", locale="ja"),
}


def _p50_ms(fn, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def ensure_search_indexes() -> None:
    """Create the model's contact and device indexes the migrations do not have yet."""
    for table in (Contact.__table__, Device.__table__):
        for index in table.indexes:
            index.create(db.engine, checkfirst=True)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE contacts, devices"))


def bench_contacts(app, contacts: int = 1_000_000, rounds: int = 5) -> list[tuple]:
    """Seed `contacts`, then print and return (search, rows, first page ms, deep page ms)."""
    rows = []
    with app.app_context():
        print(f"seeded {contacts:,} contacts in {seed(contacts):.1f} s")
        ensure_search_indexes()
        middle = contacts // 2
        for name, query in SEARCHES.items():
            def page(before=None, q=query):
                return keyset_page(db.session, search(db.session, q), Contact.id, before=before)
            first_ms, first = _p50_ms(page, rounds)
            deep_ms, _ = _p50_ms(lambda p=page: p(before=middle), rounds)
            rows.append((name, len(first.items), first_ms, deep_ms))
            db.session.rollback()
    print(f"{'contact search (p50, one page)':<36}{'rows':>6}{'first ms':>10}{'deep ms':>9}")
    for name, count, first_ms, deep_ms in rows:
        flag = "" if max(first_ms, deep_ms) < TARGET_MS else f"  > {TARGET_MS} ms"
        print(f"{name:<36}{count:>6}{first_ms:>10.1f}{deep_ms:>9.1f}{flag}")
    return rows


def main() -> None:
    run_over_contacts(bench_contacts, DATABASE)


if __name__ == "__main__":
    main()
