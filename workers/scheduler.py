"""Run the cron scheduler that ticks the sweeper, the campaigns and the events drain:
python -m workers.scheduler."""

import logging

from rq.cron import CronScheduler

from app.config import Config
from app.core.ops import startup
from app.extensions import redis_from_url
from workers import jobs

LOG_MAINTENANCE_SECONDS = 3600  # the log's partitions are made a week ahead


def build(config: Config) -> CronScheduler:
    """The scheduler with every periodic job registered (not yet started)."""
    scheduler = CronScheduler(connection=redis_from_url(config.REDIS_URL))
    scheduler.register(jobs.sweep, queue_name="maintenance",
                       interval=config.SWEEP_INTERVAL_SECONDS, result_ttl=0)
    scheduler.register(jobs.campaign_tick, queue_name="maintenance",
                       interval=config.CAMPAIGN_TICK_SECONDS, result_ttl=0)
    scheduler.register(jobs.drain_hits, queue_name="events",
                       interval=config.EVENTS_DRAIN_SECONDS, result_ttl=0)
    scheduler.register(jobs.maintain_log, queue_name="maintenance",
                       interval=LOG_MAINTENANCE_SECONDS, result_ttl=0)
    return scheduler


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = startup.load_or_exit(Config)
    build(config).start()


if __name__ == "__main__":
    main()
