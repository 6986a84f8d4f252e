"""Chaos: SMS workers are killed with SIGKILL mid-stream; nothing may be lost.

`make test` runs a reduced round; `make chaos` sets HERALD_CHAOS_ROUNDS for the full run.
"""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.delivery.dispatch import SendRequest, accept, enqueue
from app.core.delivery.sweeper import sweep
from app.models import Contact, Notification
from app.models.notifications import Status
from tests import factories

ROUNDS = int(os.environ.get("HERALD_CHAOS_ROUNDS", "2"))
PER_ROUND = 300
ROOT = Path(__file__).resolve().parents[2]


def worker_env(app, sandbox) -> dict:
    config = app.extensions["herald_config"]
    env = {**os.environ, "HERALD_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "HERALD_REDIS_URL": config.REDIS_URL, "HERALD_SEND_LEASE_SECONDS": "2",
           "HERALD_SMS_PROVIDERS": "twilio", "HERALD_BATCH_SIZE": "25",
           "HERALD_RETRY_BASE_SECONDS": "0.01", "HERALD_RETRY_MAX_SECONDS": "0.05"}
    for key, value in sandbox.config_overrides().items():
        env[f"HERALD_{key}"] = str(value)
    return env


def start_worker(env) -> subprocess.Popen:
    """A worker in its own process group: it forks RQ's scheduler, which must die with it."""
    return subprocess.Popen([sys.executable, "-m", "workers.run", "sms"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and everything it forked, as a crashed container would be."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def test_killed_workers_lose_nothing(app_ctx, db, redis, config, sandbox, monkeypatch):
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")
    monkeypatch.setattr(config, "BATCH_SIZE", 25)
    monkeypatch.setattr(config, "SWEEP_GRACE_SECONDS", 3)
    factories.category(quiet_hours=False)
    db.session.add_all(Contact(external_id=f"c{i}", phone=f"+1415555{i:04d}")
                       for i in range(PER_ROUND))
    db.session.commit()
    env = worker_env(app_ctx, sandbox)
    workers = [start_worker(env), start_worker(env)]
    rng = random.Random(7)
    request = SendRequest(recipients=[f"c{i}" for i in range(PER_ROUND)], category="orders",
                          channels=["sms"], content={"sms": {"text": "chaos"}})
    try:
        for _ in range(ROUNDS):
            accepted = accept(db.session, redis, config, request)
            db.session.commit()
            enqueue(redis, config, accepted)
            time.sleep(rng.uniform(0.2, 0.8))
            victim = rng.randrange(len(workers))
            kill(workers[victim])
            workers[victim] = start_worker(env)
        _wait_until_all_sent(db, redis, config, ROUNDS * PER_ROUND)
    finally:
        for worker in workers:
            kill(worker)
    received = sandbox.received("twilio")
    assert db.session.scalar(select(func.count()).where(Notification.status == Status.SENT)) == (
        ROUNDS * PER_ROUND)
    # At-least-once: every row reached the provider; repeats only for batches in flight.
    assert len(received) >= ROUNDS * PER_ROUND
    assert len(received) - ROUNDS * PER_ROUND <= ROUNDS * int(config.BATCH_SIZE) * 2


def _wait_until_all_sent(db, redis, config, expected: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        sent = db.session.scalar(select(func.count()).where(Notification.status == Status.SENT))
        if sent == expected:
            return
        sweep(db.session, redis, config)  # what the scheduler does every few seconds
        time.sleep(1)
    pytest.fail(f"only {sent} of {expected} sent after {timeout} s")
