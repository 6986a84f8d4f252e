"""A fan-out process SIGKILLed mid-way: the tick takes the run up again from its cursor,
and every contact ends with exactly one row."""
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, runs
from app.extensions import db
from app.models import Notification
from app.models.campaigns import CampaignRun, RunStatus
from app.models.types import utcnow
from app.queues import enqueue_fan_out
from tests.campaigns.conftest import add_contacts
from tests.helpers.processes import ROOT, kill, worker_env

CONTACTS = 30_000


def start_fan_out_worker(env):
    return subprocess.Popen([sys.executable, "-m", "workers.run", "campaigns", "--burst"],
                            cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_a_killed_fan_out_resumes_and_writes_each_contact_once(
        app, make_campaign, redis, config, sandbox, ticking):
    ids = add_contacts(CONTACTS)
    campaign = make_campaign()
    now = utcnow()
    lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=now)
    run = runs.start_run(db.session, campaign, now)
    db.session.commit()
    enqueue_fan_out(redis, [run.id])
    env = worker_env(config, sandbox, CAMPAIGN_CHUNK=300)
    worker = start_fan_out_worker(env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cursor = db.session.scalar(sa.select(CampaignRun.cursor)
                                       .where(CampaignRun.id == run.id))
            db.session.rollback()
            if cursor >= ids[CONTACTS // 4]:
                break
            time.sleep(0.02)
    finally:
        kill(worker)
    db.session.expire_all()
    run = db.session.get(CampaignRun, run.id)
    written = db.session.scalar(sa.select(sa.func.count()).where(
        Notification.campaign_run_id == run.id))
    assert run.status == RunStatus.FANNING_OUT and 0 < written < CONTACTS, written
    # Nothing was lost in the chunk the kill interrupted: rows and cursor agree.
    assert written == sum(1 for i in ids if i <= run.cursor)
    # The tick notices the silence and queues the fan-out again; it finishes the run. The
    # killed worker's backend may still be running its chunk, holding the run's row until
    # PostgreSQL sees the client gone: the tick skips a locked run, and a later tick takes it.
    deadline = time.monotonic() + 30
    while not redis.llen("rq:queue:campaigns") and time.monotonic() < deadline:
        ticking(utcnow() + timedelta(seconds=31))
        time.sleep(0.05)
    assert redis.llen("rq:queue:campaigns") >= 1
    runs.fan_out(db.session, redis, config, run.id)
    per_contact = db.session.execute(sa.select(Notification.contact_id, sa.func.count())
                                     .where(Notification.campaign_run_id == run.id)
                                     .group_by(Notification.contact_id)).all()
    assert len(per_contact) == CONTACTS and {n for _, n in per_contact} == {1}
    db.session.refresh(run)
    assert run.status == RunStatus.SENDING
