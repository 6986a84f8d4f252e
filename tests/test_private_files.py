"""The SQLite database and the keys Herald makes are readable by its own user only."""
import os
import sqlite3
import stat

import pytest

from app import create_app
from app.channels.push.vapid import ensure_key_file
from app.config import Config
from app.extensions import db, upgrade
from app.sandbox.certs import WEBHOOK_KEY_FILE, ensure_certificate, ensure_webhook_key
from tests.helpers.processes import load_run_script


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """The common default, under which files are made readable to everyone (0644)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def make_keys(folder):
    cert, key = folder / "sandbox-ca.pem", folder / "sandbox-ca.key"
    ensure_certificate(cert, key)
    ensure_webhook_key(folder / WEBHOOK_KEY_FILE)
    ensure_key_file(folder / "vapid-private.pem")
    return [key, folder / WEBHOOK_KEY_FILE, folder / "vapid-private.pem"]


def test_the_running_sandbox_made_its_key_private(sandbox):
    assert mode(sandbox.cert.with_suffix(".key")) == 0o600


def test_keys_are_made_private_in_a_private_folder(tmp_path):
    folder = tmp_path / "instance"
    keys = make_keys(folder)
    assert mode(folder) == 0o700
    assert [mode(key) for key in keys] == [0o600] * 3
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no leftovers


def test_keys_left_readable_by_an_earlier_version_are_narrowed_on_start(tmp_path):
    keys = make_keys(tmp_path)
    contents = [key.read_bytes() for key in keys]
    for key in keys:
        key.chmod(0o644)
    assert make_keys(tmp_path) == keys
    assert [mode(key) for key in keys] == [0o600] * 3
    assert [key.read_bytes() for key in keys] == contents  # the same keys, kept


def test_sqlite_database_and_its_wal_files_are_private(tmp_path):
    path = tmp_path / "instance" / "herald.db"
    app = create_app(Config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        try:
            upgrade()
            with db.engine.connect() as conn:  # WAL and shared memory exist while open
                conn.exec_driver_sql("SELECT count(*) FROM operators")
                modes = {p.name: mode(p) for p in path.parent.iterdir()}
        finally:
            db.engine.dispose()
    assert modes == {"herald.db": 0o600, "herald.db-wal": 0o600, "herald.db-shm": 0o600}
    assert mode(path.parent) == 0o700


def test_an_existing_readable_sqlite_database_is_narrowed_on_start(tmp_path):
    path = tmp_path / "herald.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kept (x)")
    (tmp_path / "herald.db-wal").touch()
    assert mode(path) == 0o644
    app = create_app(Config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM kept").scalar() == 0
                modes = {p.name: mode(p) for p in tmp_path.iterdir()}
        finally:
            db.engine.dispose()
    assert modes == {"herald.db": 0o600, "herald.db-wal": 0o600, "herald.db-shm": 0o600}


def test_make_run_makes_the_instance_folder_private(tmp_path, monkeypatch):
    run_script = load_run_script()
    instance = tmp_path / "instance"
    monkeypatch.setattr(run_script, "INSTANCE", instance)
    run_script.prepare_instance()
    assert mode(instance) == 0o700
    instance.chmod(0o755)  # as an earlier version left it
    run_script.prepare_instance()
    assert mode(instance) == 0o700
