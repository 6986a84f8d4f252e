"""The Procfile's web process with two gunicorn workers: each /metrics scrape, whichever
worker answers it, sums the request histograms of both (prometheus_client multiprocess);
with HERALD_LOG_FORMAT=json every log line is a JSON object with the request's id."""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from honcho.environ import parse_procfile

from tests.helpers.metrics import request_counts
from tests.sandbox_client import free_port

ROOT = Path(__file__).resolve().parents[1]
HITS = 40


@pytest.fixture(scope="module")
def two_workers(database_url, app, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("web")
    port = free_port()
    env = {**os.environ, "HERALD_BIND": f"127.0.0.1:{port}", "HERALD_WEB_WORKERS": "2",
           "XDG_RUNTIME_DIR": str(tmp_path), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "m"),
           "HERALD_DATABASE_URL": database_url,
           "HERALD_REDIS_URL": app.extensions["herald_config"].REDIS_URL,
           "HERALD_SECRET_KEY": "test-secret", "HERALD_LOG_FORMAT": "json",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "counter_1.db").write_bytes(b"stale")  # an earlier run's: removed
    command = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
    output = (tmp_path / "out.log").open("w")
    web = subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=ROOT, env=env,
                           start_new_session=True, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert web.poll() is None, "the web process stopped"
            try:
                httpx.get(f"{base}/healthz", headers={"X-Warmup": "1"})
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, tmp_path / "m", tmp_path / "out.log"
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=20)
        output.close()


def test_request_counts_are_summed_across_gunicorn_workers(two_workers):
    base, metrics_dir, log_file = two_workers
    warmup = request_counts(httpx.get(f"{base}/metrics").text).get(("/healthz", "2xx"), 0)
    targets = ["/healthz", "/api/v1/contacts/x"] * HITS
    with ThreadPoolExecutor(8) as pool:  # a connection each, at once: both workers answer
        statuses = list(pool.map(
            lambda t: httpx.get(base + t, headers={"Connection": "close"}).status_code, targets))
    assert statuses == [200, 401] * HITS
    writers = {p.name.rsplit("_", 1)[1] for p in metrics_dir.glob("histogram_*.db")}
    assert len(writers) == 2, "both workers should have answered some requests"
    assert not (metrics_dir / "counter_1.db").exists()
    for _ in range(6):  # whichever worker answers the scrape
        scrape = httpx.get(f"{base}/metrics", headers={"Connection": "close"})
        assert scrape.status_code == 200, log_file.read_text()[-3000:]
        counts = request_counts(scrape.text)
        assert counts[("/healthz", "2xx")] - warmup == HITS
        assert counts[("/api/v1/contacts/<external_id>", "4xx")] == HITS


def test_log_lines_are_json_with_the_request_id(two_workers):
    base, _, log_file = two_workers
    answer = httpx.get(f"{base}/api/v1/contacts/x", headers={"X-Request-ID": "lb-7f3a"})
    assert answer.headers["X-Request-ID"] == "lb-7f3a"
    made = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "bad id\tx"})
    assert len(made.headers["X-Request-ID"]) == 32  # a fresh one, not the malformed one
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the access line is written after the answer
        lines = [json.loads(line) for line in log_file.read_text().splitlines()
                 if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == "lb-7f3a"]
        if mine:
            break
        time.sleep(0.2)
    [access] = mine
    assert access["logger"] == "gunicorn.access" and "GET /api/v1/contacts/x" in access["message"]
    assert {"time", "level"} <= set(access)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Booting worker"…
    other = [line for line in log_file.read_text().splitlines()
             if line.strip() and not line.startswith("{")]
    assert other == []
