"""Run every simulator: python -m app.sandbox [--http-port N --tls-port N --smtp-port N].

It listens where HERALD_SANDBOX_HOST and HERALD_SANDBOX_{HTTP,TLS,SMTP}_PORT say, whatever
the providers point at: a provider uses the sandbox by pointing its URL there.
`--processes N` serves HTTP from N forked processes sharing the listening sockets, so the
simulators are not what limits a benchmark (the outbox then keeps counts only).
"""
import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from hypercorn.asyncio import serve
from hypercorn.config import Config as HypercornConfig

from app.config import Config
from app.sandbox import SIMULATORS, create_sandbox_app, sendgrid, twilio
from app.sandbox.certs import WEBHOOK_KEY_FILE, ensure_certificate, ensure_webhook_key
from app.sandbox.outbox import outbox
from app.sandbox.smtp import start_smtp


def main() -> None:
    config = Config()
    parser = argparse.ArgumentParser(description="Herald provider simulators")
    parser.add_argument("--host", default=config.SANDBOX_HOST)
    parser.add_argument("--http-port", type=int, default=config.SANDBOX_HTTP_PORT)
    parser.add_argument("--tls-port", type=int, default=config.SANDBOX_TLS_PORT)
    parser.add_argument("--smtp-port", type=int, default=config.SANDBOX_SMTP_PORT)
    parser.add_argument("--cert", default=config.SANDBOX_CA_FILE)
    parser.add_argument("--processes", type=int, default=1,
                        help="HTTP server processes (benchmarks); more than one keeps counts only")
    parser.add_argument("--callbacks", action="store_true",
                        help="call senders' status webhooks, as the real providers do")
    args = parser.parse_args()
    twilio.settings["callbacks"] = args.callbacks
    if args.callbacks:  # SendGrid posts to the account's Event Webhook URL, signed
        signing = Path(args.cert).with_name(WEBHOOK_KEY_FILE)
        ensure_webhook_key(signing)
        sendgrid.settings.update(
            webhook_url=f"{config.BASE_URL.rstrip('/')}/hooks/sendgrid",
            signing_key=serialization.load_pem_private_key(signing.read_bytes(), None))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sandbox %(message)s")

    cert = Path(args.cert)
    key = cert.with_suffix(".key")
    ensure_certificate(cert, key)

    hc = HypercornConfig()
    hc.bind = [f"{args.host}:{args.tls_port}"]
    hc.insecure_bind = [f"{args.host}:{args.http_port}"]
    hc.certfile, hc.keyfile = str(cert), str(key)
    hc.alpn_protocols = ["h2", "http/1.1"]
    hc.keep_alive_max_requests = 10_000_000
    hc.keep_alive_timeout = 3600  # providers keep their connections open between batches
    hc.backlog = 2048
    hc.accesslog = None

    smtp = start_smtp(args.host, args.smtp_port)
    logging.info(
        "http://%s:%d  https://%s:%d (h2)  smtp://%s:%d",
        args.host, args.http_port, args.host, args.tls_port, args.host, args.smtp_port,
    )
    try:
        if args.processes > 1:
            serve_forked(hc, args.processes)
        else:
            asyncio.run(serve(create_sandbox_app(), hc))
    finally:
        smtp.stop()


def _listen(bind: str, backlog: int) -> socket.socket:
    host, port = bind.rsplit(":", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, int(port)))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def serve_forked(hc: HypercornConfig, processes: int) -> None:
    """Listen here, then fork `processes` servers that accept on the same sockets."""
    tls, plain = _listen(hc.bind[0], hc.backlog), _listen(hc.insecure_bind[0], hc.backlog)
    hc.bind, hc.insecure_bind = [f"fd://{tls.fileno()}"], [f"fd://{plain.fileno()}"]
    outbox.share(processes + 1, (*SIMULATORS, "smtp"))
    outbox.use_slot(processes)  # this process answers SMTP
    children = []
    for slot in range(processes):
        pid = os.fork()
        if pid == 0:  # a server: the parent's SMTP thread is not in the fork
            outbox.use_slot(slot)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                asyncio.run(serve(create_sandbox_app(), hc))
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for child in children:
            os.kill(child, signal.SIGTERM)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        os.waitpid(children[0], 0)  # a server that dies ends the sandbox
    finally:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)


if __name__ == "__main__":
    main()
