"""`make bench`: Herald's web, workers and the simulators as real processes, driven over
HTTP, each figure beside its ceiling measured in the same run. One table is printed and
the same rows are written to bench/results/<date>-<commit>.json.

`--size quick` (make bench-quick) runs reduced counts; `--size tiny` only checks that
the harness works (the test suite runs it).
"""
import argparse
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import delivery_measures as delivery
from bench import http_measures as http
from bench import pace
from bench.report import RESULTS, Row, table, write
from bench.seed import seed
from bench.stack import Stack


@dataclass(frozen=True)
class Size:
    contacts: int  # of each kind (email, FCM, APNs); also each drain's notifications
    requests: int  # per load run of single requests
    seconds: float  # at most, per load run
    batches: int  # 1,000-recipient requests
    sustained: float  # seconds of single sends end to end
    workers: int  # worker processes per channel
    naive: int  # notifications through the naive baseline
    import_rows: int
    drained: int  # push notifications per drain (email: `batches` of 1,000 recipients)
    scale: tuple[int, ...] = (1, 2, 4)


SIZES = {
    "full": Size(5000, 20_000, 20, 50, 60, 1, 30, 100_000, 10_000),
    "quick": Size(1000, 3000, 5, 30, 10, 1, 4, 10_000, 4000),
    "tiny": Size(20, 60, 1, 2, 2, 1, 3, 100, 40, scale=(1, 2)),
}
MEASURES = ("api", "batch", "tracking", "e2e", "email", "push", "scale", "naive", "sms",
            "import")


def run(size: Size, measures: tuple[str, ...] = MEASURES) -> list[Row]:
    stack = Stack()
    rows: list[Row] = []
    try:
        with stack.app.app_context():
            key = seed(size.contacts)
        stack.start_web()
        herald_rate = 0.0
        steps = {
            "api": lambda: http.api_single(stack, key, size),
            "batch": lambda: http.api_batch(stack, key, size),
            "tracking": lambda: http.tracking_hits(stack, size),
            "email": lambda: delivery.email(stack, key, size),
            "push": lambda: delivery.push(stack, key, size),
            "scale": lambda: delivery.scale(stack, key, size),
            "naive": lambda: delivery.naive(stack, key, size, herald_rate),
            "sms": lambda: pace.sms_pace(stack, size),
            "import": lambda: delivery.csv_import(stack, size),
        }
        for name in measures:
            started = time.perf_counter()
            if name == "e2e":
                new, herald_rate = http.end_to_end(stack, key, size)
            else:
                new = steps[name]()
            rows += new
            print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        stack.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--only", default=",".join(MEASURES),
                        help=f"comma-separated measures among {', '.join(MEASURES)}")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    measures = tuple(m for m in args.only.split(",") if m in MEASURES)
    # Stopped from outside (a timeout), stop the processes started too: run()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rows = run(SIZES[args.size], measures)
    print(table(rows))
    print(f"written to {write(rows, args.results)}")
