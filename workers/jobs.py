"""RQ job functions: thin wrappers that run app.core inside an app context."""

from flask import Flask

from app import create_app
from app.channels.pool import ProviderPool
from app.core.delivery import deliver as delivery
from app.core.delivery import sweeper
from app.core.imports import run as import_run
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


def deliver_batch(channel: str, ids: list[str]) -> dict:
    """Deliver one batch of notification ids on a channel."""
    app = _context()
    with app.app_context():
        config = app.extensions["herald_config"]
        try:
            return delivery.deliver_batch(
                db.session, app.extensions["redis"], config, _pool, channel, ids
            )
        finally:
            db.session.remove()


def sweep() -> dict:
    """Release due rows and re-queue stale ones (run by the scheduler every few seconds)."""
    app = _context()
    with app.app_context():
        try:
            return sweeper.sweep(
                db.session, app.extensions["redis"], app.extensions["herald_config"]
            )
        finally:
            db.session.remove()


def run_import(import_id: int) -> dict | None:
    """Run (or resume) one CSV contact import."""
    app = _context()
    with app.app_context():
        try:
            return import_run.run_import(db.session, import_id)
        finally:
            db.session.remove()


def drain_hits() -> int:
    """Store the opens and clicks waiting in Redis as events (the events worker's job)."""
    app = _context()
    with app.app_context():
        try:
            return drain.drain(db.session, app.extensions["redis"],
                               app.extensions["herald_config"])
        finally:
            db.session.remove()
