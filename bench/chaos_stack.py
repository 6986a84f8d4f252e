"""The processes a chaos run starts and breaks: its own Redis, its own PostgreSQL cluster
(when the server binaries are installed), the simulators, and Herald's web, channel
workers, events/maintenance worker and scheduler, each restartable and killable."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from honcho.environ import parse_procfile

from tests.sandbox_client import free_port

ROOT = Path(__file__).resolve().parent.parent
WORKERS = ("push", "sms", "email", "events")  # events also serves the maintenance queue


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


class PrivateRedis:
    """A memory-only redis-server on a spare port: flushed and restarted at will."""

    def __init__(self, workdir: Path):
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1",
             "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--logfile", str(self.workdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def postgres_bindir() -> Path | None:
    """Where the PostgreSQL server binaries are, if they are installed."""
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        path = Path(bindir.stdout.strip())
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl and shutil.which("initdb") else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb into a temporary directory) on a spare port:
    the chaos run restarts it, which it must never do to a shared server."""

    def __init__(self, bindir: Path):
        # Its own temporary directory: the postgres user must be able to reach it.
        self.workdir = Path(tempfile.mkdtemp(prefix="herald-chaos-pg-"))
        self.bindir, self.data, self.port = bindir, self.workdir / "pgdata", free_port()
        # The server refuses to run as root: it runs as the postgres system user then.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            self.workdir.chmod(0o711)
            shutil.chown(self.workdir, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/herald"
        self.pg_ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "herald")

    def pg_ctl(self, action: str) -> None:
        options = (f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c max_connections=200")
        self._run("pg_ctl", action, "-D", str(self.data), "-w", "-m", "fast", "-o", options,
                  "-l", str(self.data.parent / "postgres.log"))

    def _run(self, binary: str, *args) -> None:
        subprocess.run([str(self.bindir / binary), *args], check=True, user=self.user,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/")

    def stop(self) -> None:
        self.pg_ctl("stop")
        shutil.rmtree(self.workdir, ignore_errors=True)


class Processes:
    """Herald's processes (web, workers, scheduler), each in its own process group."""

    def __init__(self, env: dict, logdir: Path):
        self.env, self.logdir = env, logdir
        self.web_port = int(env["HERALD_BIND"].rsplit(":", 1)[1])
        self.running: dict[str, subprocess.Popen] = {}
        self.restarts = 0
        self._lock = threading.RLock()  # the fault's thread and the sender both restart
        web = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
        self.commands = {"web": ["sh", "-c", f"exec {web}"],
                         "scheduler": [sys.executable, "-m", "workers.scheduler"],
                         **{q: [sys.executable, "-m", "workers.run", q] for q in WORKERS}}

    def start(self, name: str) -> None:
        log = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 (the child owns it)
        self.running[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env,
                                              stdout=log, stderr=log, start_new_session=True)
        log.close()
        if name == "web":
            wait_for_port(self.web_port)

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        with self._lock:
            process = self.running[name]
            if process.poll() is None:
                os.killpg(process.pid, sig)
            process.wait(timeout=60)

    def crash(self, name: str) -> None:
        """SIGKILL the process and start it again at once, as a supervisor would."""
        with self._lock:
            self.kill(name)
            self.start(name)

    def keep_running(self) -> None:
        """Start again what exited (what systemd or `make run` does)."""
        with self._lock:
            for name, process in self.running.items():
                if process.poll() is not None:
                    self.restarts += 1
                    self.start(name)

    def stop_all(self) -> None:
        for name in self.running:
            self.kill(name, signal.SIGTERM if name == "web" else signal.SIGKILL)
