"""RQ job functions: thin wrappers that run app.core inside an app context."""

from flask import Flask

from app import create_app
from app.channels.pool import ProviderPool
from app.core.campaigns import runs as campaign_runs
from app.core.campaigns import tick as campaign_ticks
from app.core.delivery import deliver as delivery
from app.core.delivery import sweeper
from app.core.imports import run as import_run
from app.core.ops import retention
from app.core.tracking import drain
from app.extensions import db

_app: Flask | None = None
_pool: ProviderPool | None = None


def use_app(app: Flask) -> None:
    """Run jobs in this app (tests and embedded runs); providers are created afresh."""
    global _app, _pool
    if _pool is not None:
        _pool.close()
    _app, _pool = app, ProviderPool(app.extensions["herald_config"])


def close() -> None:
    """Release the providers' connections and threads: the worker is stopping."""
    if _pool is not None:
        _pool.close()


def _context() -> Flask:
    """Create the app and provider pool once per worker process."""
    if _app is None:
        use_app(create_app())
    return _app


def _run(work, *args):
    """Call work(session, redis, config, *args) in the app, the session removed after."""
    app = _context()
    with app.app_context():
        try:
            return work(db.session, app.extensions["redis"], app.extensions["herald_config"],
                        *args)
        finally:
            db.session.remove()


def deliver_batch(channel: str, ids: list[str]) -> dict:
    """Deliver one batch of notification ids on a channel."""
    return _run(lambda session, redis, config: delivery.deliver_batch(
        session, redis, config, _pool, channel, ids))


def sweep() -> dict:
    """Release due rows and re-queue stale ones (run by the scheduler every few seconds)."""
    return _run(sweeper.sweep)


def run_import(import_id: int) -> dict | None:
    """Run (or resume) one CSV contact import."""
    return _run(lambda session, _redis, _config: import_run.run_import(session, import_id))


def fan_out(run_id: int) -> dict:
    """Write a campaign run's rows (or the rest of them, after a crash)."""
    return _run(campaign_runs.fan_out, run_id)


def campaign_tick() -> dict:
    """Start due campaign runs, release held rows, end tests, complete, count."""
    return _run(campaign_ticks.tick)


def drain_hits() -> int:
    """Store the opens and clicks waiting in Redis as events (the events worker's job)."""
    return _run(drain.drain)


def maintain_log() -> dict:
    """Make the log's partitions ahead and drop the expired ones (hourly)."""
    return _run(retention.maintain)
