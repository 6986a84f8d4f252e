"""RQ job functions: thin wrappers that run app.core inside an app context."""

import logging
import time

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

from app import create_app
from app.channels.pool import ProviderPool
from app.channels.registry import channel_of
from app.core.campaigns import runs as campaign_runs
from app.core.campaigns import tick as campaign_ticks
from app.core.delivery import drain as delivery
from app.core.delivery import sweeper
from app.core.imports import run as import_run
from app.core.ops import alerts, retention, startup
from app.core.tracking import drain as tracking_drain
from app.extensions import db

log = logging.getLogger(__name__)
# While the database is unreachable a job waits and tries again (jobs are idempotent),
# rather than fail and let the worker run through its whole queue failing.
DATABASE_BACKOFF = (1, 2, 4, 8, 15, 30, 30, 30)
_app: Flask | None = None
_pool: ProviderPool | None = None


def use_app(app: Flask) -> None:
    """Run jobs in this app (tests and embedded runs); providers are created afresh at the
    first batch, with the stored provider settings as they are then."""
    global _app, _pool
    if _pool is not None:
        _pool.close()
    _app, _pool = app, None


def close() -> None:
    """Release the providers' connections and threads: the worker is stopping."""
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


def _context() -> Flask:
    """Create the app and provider pool once per worker process."""
    if _app is None:
        use_app(create_app())
    return _app


def _run(work, *args):
    """Call work(session, redis, config, *args) in the app, the session removed after;
    while the database is unreachable, back off and call it again."""
    app = _context()
    for wait in (*DATABASE_BACKOFF, None):
        with app.app_context():
            try:
                return work(db.session, app.extensions["redis"],
                            app.extensions["herald_config"], *args)
            except (OperationalError, InterfaceError) as exc:
                if wait is None:
                    raise
                log.warning("database unreachable, trying again in %d s: %s", wait,
                            str(exc.orig or exc).splitlines()[0])
            finally:
                db.session.remove()
        time.sleep(wait)


def warm(channel: str) -> list[str]:
    """Make the channel's providers in use before the first batch, and return their names.
    Their SDK clients, TLS trust and sessions take a few hundred milliseconds, which the
    first batch after a start or a deploy would otherwise wait for. Best effort: a provider
    that cannot be made now is made (and reported) at its first batch, as before."""
    app = _context()
    made = []
    with app.app_context():
        try:
            pool = _current_pool(db.session, app.extensions["redis"])
            for name in startup.providers_in_use(pool.config):
                if channel_of(name) == channel:
                    pool.get(name)
                    made.append(name)
        except Exception:  # noqa: BLE001 - the first batch makes it again, and says why
            log.warning("could not make the %s providers ahead of the first batch", channel,
                        exc_info=True)
        finally:
            db.session.remove()
    return made


def _current_pool(session, redis) -> ProviderPool:
    """The provider pool for the settings as they are now: when settings stored in the
    console changed since the last batch, the providers are made afresh with them."""
    global _pool
    config = _app.extensions["provider_settings"].current(session, redis)
    if _pool is None or _pool.config is not config:
        if _pool is not None:
            _pool.close()
        _pool = ProviderPool(config, redis=redis)
    return _pool


def drain_channel(channel: str, slot: int = 0) -> dict:
    """Deliver the channel's due ids in batches until none are left (or the time is up)."""
    def work(session, redis, _config):
        pool = _current_pool(session, redis)
        return delivery.drain(session, redis, pool.config, pool, channel, slot)

    return _run(work)


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
    return _run(tracking_drain.drain)


def evaluate_alerts() -> int:
    """Check what operators must hear about and tell them (webhook, email); how many told."""
    return len(_run(alerts.evaluate))


def maintain_log() -> dict:
    """Make the log's partitions ahead and drop the expired ones (hourly)."""
    return _run(retention.maintain)
