"""Run the cron scheduler that ticks the sweeper, the campaigns, the events drain
and the operator alerts:
python -m workers.scheduler."""

import logging
import time

from redis.exceptions import RedisError
from rq.cron import CronScheduler

from app import logs
from app.config import Config
from app.core.ops import startup
from app.extensions import redis_from_url
from workers import jobs

log = logging.getLogger(__name__)
REDIS_RETRY_SECONDS = 2  # while Redis is away, start again this often
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
    scheduler.register(jobs.evaluate_alerts, queue_name="maintenance",
                       interval=config.ALERT_INTERVAL_SECONDS, result_ttl=0)
    scheduler.register(jobs.maintain_log, queue_name="maintenance",
                       interval=LOG_MAINTENANCE_SECONDS, result_ttl=0)
    return scheduler


def main() -> None:
    config = startup.load_or_exit(Config)
    logs.configure(config.LOG_FORMAT)
    while True:
        try:
            return build(config).start()
        except RedisError as exc:
            log.warning("redis unavailable, the scheduler starts again in %d s: %s",
                        REDIS_RETRY_SECONDS, exc)
            time.sleep(REDIS_RETRY_SECONDS)


if __name__ == "__main__":
    main()
