"""A small client for the simulators' /_sandbox control routes, used by tests."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """A running `python -m app.sandbox` subprocess on free ports."""

    def __init__(self, workdir: Path, callbacks_to: str | None = None, processes: int = 1):
        """`callbacks_to`: Herald's base URL, to have status callbacks and events posted;
        `processes` > 1 serves HTTP from that many processes, keeping counts only."""
        self.http_port, self.tls_port, self.smtp_port = free_port(), free_port(), free_port()
        self.cert = workdir / "sandbox-ca.pem"
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        self.tls_url = f"https://127.0.0.1:{self.tls_port}"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "app.sandbox",
                "--http-port", str(self.http_port),
                "--tls-port", str(self.tls_port),
                "--smtp-port", str(self.smtp_port),
                "--cert", str(self.cert),
                *(["--callbacks"] if callbacks_to else []),
                *(["--processes", str(processes)] if processes > 1 else []),
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1",
                 **({"HERALD_BASE_URL": callbacks_to} if callbacks_to else {})},
        )
        self.http = httpx.Client(base_url=self.http_url, timeout=10)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("sandbox exited during start-up")
            try:
                self.http.get("/_sandbox/outbox")
                with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1):
                    return
            except (httpx.HTTPError, OSError):
                time.sleep(0.1)
        raise RuntimeError("sandbox did not start within 20 s")

    def config_overrides(self) -> dict:
        """Config attributes that point every provider at this sandbox."""
        return {
            "FCM_URL": self.http_url,
            "APNS_URL": self.tls_url,
            "APNS_CA_FILE": str(self.cert),
            "SANDBOX_CA_FILE": str(self.cert),
            "TWILIO_URL": self.http_url,
            "VONAGE_URL": self.tls_url,
            "VONAGE_CA_FILE": str(self.cert),
            "WEBPUSH_CA_FILE": str(self.cert),
            "WEBPUSH_PRIVATE_ORIGINS": self.tls_url,
            "VAPID_KEY_FILE": str(self.cert.with_name("vapid-private.pem")),
            "SENDGRID_URL": self.http_url,
            "MAILCHIMP_URL": self.http_url,
            "JPUSH_URL": self.http_url,
            "JPUSH_APP_KEY": "sandbox-app-key",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.smtp_port,
            "SANDBOX_HTTP_PORT": self.http_port,  # its control routes (the console's inbox)
            "SANDBOX_TLS_PORT": self.tls_port,
            "SANDBOX_SMTP_PORT": self.smtp_port,
        }

    def webhook_public_key(self) -> str:
        """The key SendGrid's events are signed with, as its console shows it."""
        from app.sandbox.certs import WEBHOOK_KEY_FILE, ensure_webhook_key

        return ensure_webhook_key(self.cert.with_name(WEBHOOK_KEY_FILE))

    def counts(self) -> dict[str, int]:
        """How many requests each simulator accepted (across every sandbox process)."""
        return self.http.get("/_sandbox/outbox").json()["counts"]

    def received(self, provider: str) -> list[dict]:
        """Return every request the named simulator accepted, oldest first."""
        return self.http.get("/_sandbox/outbox", params={"provider": provider}).json()["entries"]

    def fail(self, provider: str, kind: str, match: str | None = None, times: int = 1,
             retry_after: int | None = None, delay: float = 0,
             seconds: float | None = None) -> None:
        """Make the simulator answer the next matching request(s) (or all of them for
        `seconds`) with an error kind ("ok": none), `delay` seconds late."""
        body = {"provider": provider, "kind": kind, "match": match, "times": times,
                "retry_after": retry_after, "delay": delay, "seconds": seconds}
        self.http.post("/_sandbox/faults", json=body).raise_for_status()

    def reset(self) -> None:
        self.http.delete("/_sandbox/outbox").raise_for_status()

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=10)
