"""gunicorn settings for the web process (the Procfile passes --config python:app.web_config).

Logs: gunicorn's own lines (its errors, the access log with each request's X-Request-ID)
are written in HERALD_LOG_FORMAT like the app's (app.logs).

Prometheus multiprocess mode: every worker writes its metrics to files in one directory,
which must be set before the workers import prometheus_client and emptied of an earlier
run's files; a worker that exits has its live gauges dropped. An operator may choose the
directory with PROMETHEUS_MULTIPROC_DIR; otherwise each start gets a fresh one.

Each worker leaves the objects of the app it made out of garbage collection, as the
channel workers do.
"""

import gc
import os
import shutil
import tempfile
import traceback
from pathlib import Path

from gunicorn.glogging import Logger as GunicornLogger
from sqlalchemy.orm import configure_mappers

# gunicorn's default access line, and the request id the app answered with.
REQUEST_ID_ATOM = "{x-request-id}o"  # gunicorn's name for the response's X-Request-ID
access_log_format = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                     f'request_id=%({REQUEST_ID_ATOM})s')
logger_class = "app.web_config.Logger"


class Logger(GunicornLogger):
    """gunicorn's logger, its handlers writing HERALD_LOG_FORMAT; an access line carries
    the request id the app answered with, as the app's own lines carry theirs."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        request_id = atoms[REQUEST_ID_ATOM]
        try:
            self.access_log.info(self.cfg.access_log_format, atoms, extra={
                "request_id": None if request_id == "-" else request_id})
        except Exception:  # noqa: BLE001 - as gunicorn's own: a bad line is not the request's
            self.error(traceback.format_exc())

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from app import logs

        log_format = os.environ.get("HERALD_LOG_FORMAT", "text")
        if log_format == "json":
            for handler in (*self.error_log.handlers, *self.access_log.handlers):
                logs.adopt(handler, log_format)


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


def post_worker_init(worker) -> None:
    """A worker has made the app: the models' mappers are configured now rather than by
    the first request (~50 ms), then the app's objects, made once, are left out of every
    garbage collection. A full collection over them (~215,000 objects, 120-145 ms with the
    GIL held, every thread of the worker paused) came every ten or so 1,000-recipient
    sends, a third of their CPU, and set the single sends' p99; 4-14 ms without them."""
    configure_mappers()
    gc.freeze()


def child_exit(server, worker) -> None:
    """A worker exited: its live gauges go; its counters and histograms stay summed."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(metrics_dir()))


def on_exit(server) -> None:
    """The master stops: remove the directory it made (never one an operator chose)."""
    path = metrics_dir()
    if path.name.startswith("herald-metrics-") and path.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(path, ignore_errors=True)
