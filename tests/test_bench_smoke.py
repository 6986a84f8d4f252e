"""`make bench` cannot rot: the harness runs at tiny counts, processes and all, and writes
its rows in the promised shape. Never a timing assertion: the figures are not checked."""
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_URL, REDIS_URL, _worker_index

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {"measure", "value", "unit", "ceiling", "ratio", "target", "pass"}
TIMEOUT = 300  # about 40 s on a quiet machine; a bound, not a figure under test
MEASURES = "api,batch,e2e,push,import"  # the rest share their code; the time stays short


def test_the_harness_writes_one_row_per_measure(tmp_path):
    slot = _worker_index()
    env = {**os.environ, "HERALD_BENCH_DATABASE": f"herald_bench_smoke_{slot}",
           "HERALD_BENCH_DATABASE_URL": PG_URL,
           "HERALD_BENCH_REDIS_URL": f"{REDIS_URL}/{1 + slot % 15}"}
    harness = subprocess.Popen(
        [sys.executable, "-m", "bench", "--size", "tiny", "--only", MEASURES,
         "--results", str(tmp_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = harness.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        harness.terminate()  # the harness then stops the processes it started
        stdout, stderr = harness.communicate(timeout=60)
    assert harness.returncode == 0, stdout[-3000:] + stderr[-3000:]
    [written] = tmp_path.glob("*.json")
    rows = json.loads(written.read_text())
    measures = [row["measure"] for row in rows]
    assert any(m.startswith("API single send") for m in measures)
    assert any(m.startswith("batch API") for m in measures)
    assert any("FCM" in m for m in measures) and any("APNS" in m for m in measures)
    assert any(m.startswith("CSV import") for m in measures)
    for row in rows:
        assert set(row) == FIELDS, row
        assert isinstance(row["value"], int | float) and isinstance(row["pass"], bool)
        assert row["ceiling"] is None or isinstance(row["ceiling"], int | float)
        assert row["unit"] and row["target"]
    # the table printed is the same rows
    assert all(m in stdout for m in measures)
