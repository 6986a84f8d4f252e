"""Run every simulator: python -m app.sandbox [--http-port N --tls-port N --smtp-port N].

It listens where HERALD_SANDBOX_HOST and HERALD_SANDBOX_{HTTP,TLS,SMTP}_PORT say, whatever
the providers point at: a provider uses the sandbox by pointing its URL there.
"""
import argparse
import asyncio
import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from hypercorn.asyncio import serve
from hypercorn.config import Config as HypercornConfig

from app.config import Config
from app.sandbox import create_sandbox_app, sendgrid, twilio
from app.sandbox.certs import WEBHOOK_KEY_FILE, ensure_certificate, ensure_webhook_key
from app.sandbox.smtp import start_smtp


def main() -> None:
    config = Config()
    parser = argparse.ArgumentParser(description="Herald provider simulators")
    parser.add_argument("--host", default=config.SANDBOX_HOST)
    parser.add_argument("--http-port", type=int, default=config.SANDBOX_HTTP_PORT)
    parser.add_argument("--tls-port", type=int, default=config.SANDBOX_TLS_PORT)
    parser.add_argument("--smtp-port", type=int, default=config.SANDBOX_SMTP_PORT)
    parser.add_argument("--cert", default=config.SANDBOX_CA_FILE)
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
    hc.backlog = 2048
    hc.accesslog = None

    smtp = start_smtp(args.host, args.smtp_port)
    logging.info(
        "http://%s:%d  https://%s:%d (h2)  smtp://%s:%d",
        args.host, args.http_port, args.host, args.tls_port, args.host, args.smtp_port,
    )
    try:
        asyncio.run(serve(create_sandbox_app(), hc))
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
