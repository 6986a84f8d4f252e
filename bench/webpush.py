"""Web push provider throughput against the simulator: `python -m bench webpush`.

Ours: the provider pool sending through WebPushProvider, each message encrypted for its
browser (aes128gcm, a fresh ECDH key per message, as RFC 8291 requires) and VAPID-signed.
Ceiling: the same number of POSTs at the same concurrency on one pooled session, one
body encrypted once.
The ratio is what encryption and classification cost per message.
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from pywebpush import WebPusher
from requests.adapters import HTTPAdapter

from app.channels.base import Message
from app.channels.pool import ProviderPool
from app.channels.push.webpush import WebPushProvider
from app.config import Config
from app.sandbox.webpush import subscription
from bench.common import timed
from tests.sandbox_client import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--browsers", type=int, default=50)
    args = parser.parse_args()
    sandbox = Sandbox(Path("instance"))
    try:
        config = Config(**sandbox.config_overrides())
        # Push services are https: the simulator's TLS port, its certificate trusted.
        subs = [subscription(sandbox.tls_url, f"bench-{i}") for i in range(args.browsers)]
        content = {"title": "Order shipped", "body": "Your order A-1001 is on its way",
                   "data": {"order": "A-1001"}}
        messages = [Message(f"m-{i}", "push", subs[i % len(subs)]["endpoint"], content,
                            "web", subs[i % len(subs)]) for i in range(args.messages)]
        pool = ProviderPool(config)
        provider = pool.get("webpush")
        concurrency = WebPushProvider.concurrency
        pool.send("webpush", messages[:concurrency])  # warm the pool and the VAPID cache
        results: list = []
        ours = timed(lambda: results.extend(pool.send("webpush", messages)))
        assert all(r.ok for r in results), next(r.error for r in results if not r.ok)

        session = requests.Session()
        session.mount("https://", HTTPAdapter(pool_maxsize=concurrency))
        headers = {"Authorization": provider.authorization(sandbox.tls_url), "TTL": "60",
                   "Content-Encoding": "aes128gcm"}
        body = WebPusher(subs[0]).encode(b'{"title":"Order shipped"}')["body"]

        def post(_):
            response = session.post(subs[0]["endpoint"], data=body, headers=headers,
                                    verify=str(sandbox.cert))
            assert response.status_code == 201, response.text

        with ThreadPoolExecutor(concurrency) as threads:
            ceiling = timed(lambda: list(threads.map(post, range(args.messages))))
        pool.close()
        session.close()
    finally:
        sandbox.stop()
    n = args.messages
    print(f"{'path':<24}{'herald':>12}{'ceiling':>12}{'ratio':>8}")
    print(f"{'deliver webpush (msgs/s)':<24}{n / ours:>12,.0f}{n / ceiling:>12,.0f}"
          f"{ceiling / ours:>8.2f}")


if __name__ == "__main__":
    main()
