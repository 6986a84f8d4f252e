"""The processes `make bench` runs: gunicorn web (the Procfile's settings), channel
workers, the scheduler and the provider simulators, on a fresh PostgreSQL database and
Redis db of their own. Everything listens on 127.0.0.1 and stops with the stack.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from honcho.environ import parse_procfile

from bench.common import DATABASE, PG, REDIS, fresh_app
from tests.sandbox_client import Sandbox, free_port

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "instance" / "bench-logs"

# Config attribute → the HERALD_* variable a process reads it from.
ENV_NAMES = {"SQLALCHEMY_DATABASE_URI": "HERALD_DATABASE_URL"}


def procfile(name: str) -> str:
    return parse_procfile((ROOT / "Procfile").read_text()).processes[name]


class Stack:
    """Web, workers and simulators as real processes; `app` is the in-process view of
    the same database and Redis (for seeding and counting)."""

    def __init__(self, web_workers: int = 2, sandbox_processes: int = 2):
        LOGS.mkdir(parents=True, exist_ok=True)
        self.sandbox = Sandbox(ROOT / "instance", processes=sandbox_processes)
        # FCM over TLS, as production reaches fcm.googleapis.com (the bare client too).
        overrides = {**self.sandbox.config_overrides(), "FCM_URL": self.sandbox.tls_url,
                     "FCM_CA_FILE": str(self.sandbox.cert)}
        settings = {**overrides, "QUIET_HOURS": "",
                    "TRACK_OPENS": False, "TRACK_CLICKS": False}
        self.app = fresh_app(DATABASE, **settings)
        self.port, self.ceiling_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ceiling_url = f"http://127.0.0.1:{self.ceiling_port}"
        self.hits_port, self.hits_ceiling_port = free_port(), free_port()
        self.hits_url = f"http://127.0.0.1:{self.hits_port}"
        self.hits_ceiling_url = f"http://127.0.0.1:{self.hits_ceiling_port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1",
                    "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                    "HERALD_DATABASE_URL": f"{PG}/{DATABASE}", "HERALD_REDIS_URL": REDIS,
                    "HERALD_BIND": f"127.0.0.1:{self.port}",
                    "HERALD_WEB_WORKERS": str(web_workers), "HERALD_QUIET_HOURS": "",
                    "HERALD_TRACK_OPENS": "false", "HERALD_TRACK_CLICKS": "false",
                    **{ENV_NAMES.get(k, f"HERALD_{k}"): str(v)
                       for k, v in overrides.items()}}
        self.web: subprocess.Popen | None = None
        self.ceiling: subprocess.Popen | None = None
        self.hits: subprocess.Popen | None = None
        self.hits_ceiling: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def _start(self, name: str, command: str, env: dict | None = None) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, env=env or self.env,
                                start_new_session=True)

    def start_web(self) -> None:
        """Herald's gunicorn, and the ceiling's beside it with the same settings (idle
        while the other is measured)."""
        self.web = self._start_gunicorn("web", "wsgi:app", self.port)
        self.ceiling = self._start_gunicorn("ceiling", "bench.ceiling_app:app",
                                            self.ceiling_port)
        # The hit server as the Procfile runs it, and its ceiling: an empty app served
        # the same way (the same module, settings and number of processes).
        self.hits = self._start("hits", procfile("hits"),
                                {**self.env, "HERALD_TRACKING_BIND": f"127.0.0.1:{self.hits_port}"})
        self.hits_ceiling = self._start("hits-ceiling", "python -m bench.ceiling_hits", {
            **self.env, "HERALD_TRACKING_BIND": f"127.0.0.1:{self.hits_ceiling_port}"})
        for url in (self.url, self.ceiling_url, self.hits_url, self.hits_ceiling_url):
            self._wait_for(url)

    def _start_gunicorn(self, name: str, wsgi: str, port: int) -> subprocess.Popen:
        env = {**self.env, "HERALD_BIND": f"127.0.0.1:{port}"}
        return self._start(name, procfile("web").replace("wsgi:app", wsgi), env)

    @staticmethod
    def _wait_for(url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/api/v1/health", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"no answer at {url}: see instance/bench-logs")

    def start_workers(self, channels: dict[str, int]) -> None:
        """Start `count` processes per Procfile entry (channel workers, the scheduler), and
        wait until the workers listen."""
        from rq import Worker

        self.stop_workers()
        for channel, count in channels.items():
            for i in range(count):
                self.workers.append(self._start(f"{channel}-{i}", procfile(channel)))
        redis = self.app.extensions["redis"]
        deadline = time.monotonic() + 60
        rq_workers = sum(n for name, n in channels.items() if name != "scheduler")
        while len(Worker.all(connection=redis)) < rq_workers:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start: see instance/bench-logs")
            time.sleep(0.2)

    def web_processes(self) -> list[psutil.Process]:
        return psutil.Process(self.web.pid).children() if self.web else []

    def ceiling_processes(self) -> list[psutil.Process]:
        return psutil.Process(self.ceiling.pid).children() if self.ceiling else []

    def hit_processes(self, ceiling: bool = False) -> list[psutil.Process]:
        """The hit server's processes (or its ceiling's): uvicorn's own and its workers."""
        process = self.hits_ceiling if ceiling else self.hits
        if process is None:
            return []
        main = psutil.Process(process.pid)
        return [main, *main.children(recursive=True)]

    def worker_processes(self) -> list[psutil.Process]:
        return [psutil.Process(p.pid) for p in self.workers if p.poll() is None]

    @staticmethod
    def _stop(processes: list[subprocess.Popen | None]) -> None:
        """SIGTERM to them all at once, then wait for each (SIGKILL after 15 s)."""
        running = [p for p in processes if p is not None and p.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_web(self) -> None:
        self._stop([self.web, self.ceiling, self.hits, self.hits_ceiling])
        self.web = self.ceiling = self.hits = self.hits_ceiling = None

    def stop_workers(self) -> None:
        self._stop(self.workers)
        self.workers = []
        from rq import Worker

        redis = self.app.extensions["redis"]
        for worker in Worker.all(connection=redis):  # a killed worker leaves its key
            worker.register_death()

    def reset(self) -> None:
        """Stop the workers, forget every notification and job."""
        from bench.seed import clear_notifications, forget_jobs

        self.stop_workers()
        with self.app.app_context():
            clear_notifications()
        forget_jobs(self.app.extensions["redis"])

    def close(self) -> None:
        self.stop_workers()
        self.stop_web()
        self.sandbox.stop()
