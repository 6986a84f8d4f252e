"""Run the cron scheduler that ticks the sweeper, the campaigns, the events drain
and the operator alerts:
python -m workers.scheduler."""

from rq.cron import CronScheduler

from app import logs
from app.config import Config
from app.core.ops import startup
from app.extensions import redis_from_url
from workers import jobs


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
    return scheduler


def main() -> None:
    config = startup.load_or_exit(Config)
    logs.configure(config.LOG_FORMAT)
    build(config).start()


if __name__ == "__main__":
    main()
