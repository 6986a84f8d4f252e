"""Settings → Queues: backlogs, the last hour per channel and provider, live workers with
their current job, circuit states; viewers may look."""
import subprocess
import sys
import time
from collections import Counter

import pytest
from rq import Worker

from app.core.ops import throughput
from app.queues import enqueue_ids, queue


@pytest.fixture()
def busy_worker(config, redis):
    """A real RQ worker process on the sms queue, busy with a job for a few seconds."""
    job = queue(redis, "sms").enqueue("time.sleep", 5)
    script = ("import sys, redis, rq; rq.SimpleWorker(['sms'], connection="
              "redis.Redis.from_url(sys.argv[1])).work(burst=True)")
    process = subprocess.Popen([sys.executable, "-c", script, config.REDIS_URL])
    deadline = time.monotonic() + 20
    while not any(w.get_current_job_id() == job.id for w in Worker.all(connection=redis)):
        assert time.monotonic() < deadline and process.poll() is None, "no busy worker"
        time.sleep(0.1)
    yield job
    process.kill()
    process.wait()


def test_the_page_shows_queues_throughput_workers_and_circuits(viewer_client, redis, config,
                                                               busy_worker):
    enqueue_ids(redis, config, {"email": ["a", "b"]})
    throughput.count(redis, Counter({("sms", "twilio", "sent"): 30, ("sms", "twilio", "error"): 10,
                                     ("email", "sendgrid", "sent"): 5,
                                     ("sms", "twilio", "dead"): 2}))
    redis.hset("herald:circuit:twilio", "state", "open")
    response = viewer_client.get("/settings/queues/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "no worker" in page  # the email queue waits unattended
    assert "sms · twilio" in page and "25.0%" in page  # 10 errors of 40 attempts
    assert 'id="chart-sends"' in page and 'id="chart-errors"' in page
    assert "sleep(5)" in page  # the busy worker's current job
    circuits = page[page.index('id="circuits-title"'):]
    assert "twilio" in circuits and "open" in circuits and "closed" in circuits


def test_an_idle_hour_shows_an_empty_state(viewer_client):
    page = viewer_client.get("/settings/queues/").get_data(as_text=True)
    assert "Nothing sent in the last hour" in page and "No workers" in page
