"""Start a worker: python -m workers.run push|sms|email|events|campaigns [--burst]."""

import argparse
import gc

from rq import SimpleWorker

from app import create_app, logs
from app.config import Config
from app.core.ops import startup
from app.extensions import redis_from_url
from app.queues import CHANNEL_QUEUES, QUEUES
from workers import jobs

# Each worker also serves the maintenance queue only when asked (the events worker does).
EXTRA = {"events": ["maintenance"]}


def main() -> None:
    parser = argparse.ArgumentParser(description="Herald channel worker")
    parser.add_argument("queue", choices=QUEUES)
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    args = parser.parse_args()
    config = startup.load_or_exit(Config)
    logs.configure(config.LOG_FORMAT)
    connection = redis_from_url(config.REDIS_URL)
    jobs.use_app(create_app(config))  # before listening: the first job should not wait for it
    if args.queue in CHANNEL_QUEUES:
        jobs.warm(args.queue)  # its providers too
    # The app's objects, made once, are left out of every garbage collection from here: a
    # full collection over them cost more CPU than a 1,000-email batch's own work.
    gc.freeze()
    worker = SimpleWorker([args.queue, *EXTRA.get(args.queue, [])], connection=connection)
    try:
        worker.work(burst=args.burst, with_scheduler=True)
    finally:
        jobs.close()


if __name__ == "__main__":
    main()
