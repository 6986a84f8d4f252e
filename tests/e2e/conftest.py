"""End-to-end fixtures: an API key, and channel workers run in-process until idle."""
import pytest
from rq import SimpleWorker

import workers.jobs
from app.core.access.audit import SYSTEM
from app.core.delivery.sweeper import sweep
from app.extensions import db
from app.queues import CHANNEL_QUEUES


@pytest.fixture()
def api_headers(app_ctx):
    from app.core.access.api_keys import create_api_key

    _, plaintext = create_api_key(db.session, "e2e", ["send", "manage"], actor=SYSTEM)
    db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture()
def drain(app, redis):
    """Run every channel worker until the queues are empty; optionally sweep first."""
    workers.jobs.use_app(app)

    def run(sweep_first: bool = False, now=None):
        if sweep_first:
            with app.app_context():
                sweep(db.session, redis, app.extensions["herald_config"], now=now)
        SimpleWorker(list(CHANNEL_QUEUES), connection=redis).work(burst=True)
        db.session.expire_all()

    yield run
    # Close the providers, as a stopping worker does: an idle TLS keep-alive connection
    # would hold up the sandbox's shutdown at the end of the session.
    workers.jobs.close()
