"""Run the cron scheduler that ticks the sweeper: python -m workers.scheduler."""

import logging

from rq.cron import CronScheduler

from app.config import Config
from app.extensions import redis_from_url


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = Config()
    scheduler = CronScheduler(connection=redis_from_url(config.REDIS_URL))
    scheduler.register(
        "workers.jobs.sweep",
        queue_name="maintenance",
        interval=config.SWEEP_INTERVAL_SECONDS,
        result_ttl=0,
    )
    scheduler.start()


if __name__ == "__main__":
    main()
