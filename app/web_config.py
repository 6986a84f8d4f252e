"""gunicorn settings for the web process (the Procfile passes --config python:app.web_config).

Prometheus multiprocess mode: every worker writes its metrics to files in one directory,
which must be set before the workers import prometheus_client and emptied of an earlier
run's files; a worker that exits has its live gauges dropped. An operator may choose the
directory with PROMETHEUS_MULTIPROC_DIR; otherwise each start gets a fresh one.
"""

import os
import shutil
import tempfile
from pathlib import Path


def metrics_dir() -> Path:
    """The multiprocess directory, chosen (and exported to the workers) once."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        path = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="herald-metrics-")
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def on_starting(server) -> None:
    """In the master, before any worker: a clean directory (old counts are not ours)."""
    for stale in metrics_dir().glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    """A worker exited: its live gauges go; its counters and histograms stay summed."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(metrics_dir()))


def on_exit(server) -> None:
    """The master stops: remove the directory it made (never one an operator chose)."""
    path = metrics_dir()
    if path.name.startswith("herald-metrics-") and path.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(path, ignore_errors=True)
