"""Real Herald processes for tests: `make run`'s script as a module, channel workers."""
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def worker_env(config, sandbox, **settings) -> dict:
    """The environment of a worker process on the test database, Redis and sandbox."""
    env = {**os.environ, "HERALD_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "HERALD_REDIS_URL": config.REDIS_URL, "HERALD_SECRET_KEY": "test-secret",
           "HERALD_QUIET_HOURS": "", "HERALD_TRACK_OPENS": "false",
           "HERALD_TRACK_CLICKS": "false", "HERALD_SMS_PROVIDERS": "twilio",
           "HERALD_EMAIL_PROVIDERS": "sendgrid",
           "HERALD_RETRY_BASE_SECONDS": "0.01", "HERALD_RETRY_MAX_SECONDS": "0.05"}
    for key, value in {**sandbox.config_overrides(), **settings}.items():
        env[f"HERALD_{key}"] = str(value)
    return env


def start_worker(env: dict, queue: str = "sms", log=subprocess.DEVNULL) -> subprocess.Popen:
    """A worker in its own process group: it forks RQ's scheduler, which must die with it."""
    return subprocess.Popen([sys.executable, "-m", "workers.run", queue], cwd=ROOT, env=env,
                            stdout=log, stderr=log, start_new_session=True)


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and everything it forked (SIGKILL: as a crashed container)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=30)
