"""The processes `make run` starts: every Procfile entry points at real code and queues."""
from pathlib import Path

from honcho.environ import parse_procfile
from rq import Queue

from app.queues import QUEUES
from workers import jobs, run, scheduler

ROOT = Path(__file__).resolve().parents[1]


def served_queues() -> set[str]:
    """Queues some Procfile worker listens on."""
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes.values()
    names = [cmd.split("workers.run", 1)[1].split()[0] for cmd in processes if "workers.run" in cmd]
    return {q for name in names for q in (name, *run.EXTRA.get(name, []))}


def test_scheduler_registers_the_sweeper_on_a_served_queue(config, redis):
    [cron] = scheduler.build(config).get_jobs()
    assert cron.func is jobs.sweep and cron.interval == config.SWEEP_INTERVAL_SECONDS
    job = cron.enqueue(redis)
    assert job.origin in served_queues()
    assert Queue(job.origin, connection=redis).job_ids == [job.id]


def test_every_queue_has_a_worker():
    assert set(QUEUES) <= served_queues()
