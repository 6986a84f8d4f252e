"""Set-password tokens never reach the web logs: request line, Referer, errors."""
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from honcho.environ import parse_procfile
from werkzeug.serving import make_server

from app.core.access import operators
from tests.helpers.console import make_operator
from tests.sandbox_client import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def token(app, db):
    operator = make_operator("invited@example.com", "editor", password=None)
    return operators.make_password_token(operator, app.config["SECRET_KEY"])


def visit_set_password_page(base_url: str, token: str) -> list[int]:
    """What a browser does with an invitation link; return the status codes."""
    link = f"{base_url}/set-password/{token}"
    with httpx.Client(base_url=base_url, timeout=10) as browser:
        return [
            browser.get(link).status_code,
            browser.get("/static/css/app.css", headers={"Referer": link}).status_code,
            browser.post(link, data={"password": "x", "confirm": "x"},
                         headers={"Referer": link}).status_code,
            browser.head(f"/set-password/{token}?from=mail").status_code,
            browser.get(f"/login?next={quote('/set-password/' + token, safe='')}").status_code,
        ]


class Captured(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@contextlib.contextmanager
def captured_log(logger: logging.Logger):
    """Collect what `logger` writes (the migrations' logging setup disabled it here)."""
    handler, saved = Captured(), (logger.disabled, logger.level)
    logger.addHandler(handler)
    logger.disabled, logger.level = False, logging.INFO
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.disabled, logger.level = saved


@pytest.fixture()
def web_process(app, database_url, tmp_path):
    """The Procfile's web process (gunicorn with its access log on stdout) on a free port."""
    port = free_port()
    log = tmp_path / "web.log"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HERALD_BIND": f"127.0.0.1:{port}",
        "HERALD_WEB_WORKERS": "1",
        "HERALD_DATABASE_URL": database_url,
        "HERALD_REDIS_URL": app.config["REDIS_URL"],
        "HERALD_SECRET_KEY": app.config["SECRET_KEY"],
        "GUNICORN_CMD_ARGS": "--no-control-socket",  # its default path is per user, shared
    }
    command = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
    with log.open("wb") as out:
        process = subprocess.Popen(["/bin/sh", "-c", command], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(process, base_url)
        yield base_url, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_serving(process, base_url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the web process exited during start-up"
        try:
            httpx.get(f"{base_url}/login", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the web process did not start within 60 s")


def test_gunicorn_access_log_has_no_set_password_token(web_process, token):
    base_url, log = web_process
    assert visit_set_password_page(base_url, token) == [200, 200, 400, 200, 200]
    time.sleep(0.5)  # the access log is written after each response
    text = log.read_text()
    assert text.count("set-password") >= 5, text  # every request was logged ...
    assert token not in text and token.split(".")[0] not in text  # ... without its token
    assert '"GET /set-password/[redacted] HTTP/1.1" 200' in text
    assert f'"{base_url}/set-password/[redacted]"' in text  # the Referer field


def test_development_server_log_has_no_set_password_token(app, token):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with captured_log(logging.getLogger("werkzeug")) as lines:
            statuses = visit_set_password_page(f"http://127.0.0.1:{server.port}", token)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert statuses[0] == 200
    assert len(lines) == 5  # its log has no Referer: four lines name the page
    assert sum("/set-password/[redacted]" in line for line in lines) == 4, lines
    assert not any(token in line for line in lines)


def test_error_messages_naming_the_url_are_redacted(app, token):
    with captured_log(app.logger) as lines:
        app.logger.error("Exception on %s [%s]", f"/set-password/{token}", "POST")
        app.logger.error(f"Exception on /reset?password_token={token}&x=1 [GET]")
    assert lines == ["Exception on /set-password/[redacted] [POST]",
                              "Exception on /reset?password_token=[redacted]&x=1 [GET]"]


def test_recipients_tokens_are_redacted(app, db):
    """The preferences and one-click links carry their token in the path too."""
    from app.core.recipients.links import preferences_token, unsubscribe_token

    config = app.extensions["herald_config"]
    tokens = [preferences_token(config, 1), unsubscribe_token(config, 1, "news")]
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.port}"
    try:
        with captured_log(logging.getLogger("werkzeug")) as lines, \
                httpx.Client(base_url=base_url, timeout=10) as browser:
            browser.get(f"/p/{tokens[0]}")
            browser.post(f"/u/{tokens[1]}", data={"List-Unsubscribe": "One-Click"})
            browser.get(f"/login?next={quote('/p/' + tokens[0], safe='')}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert len(lines) == 3, lines
    assert all("[redacted]" in line for line in lines), lines
    assert not any(t in line or t.split(".")[0] in line for t in tokens for line in lines)
