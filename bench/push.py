"""Push providers against the simulators, in process: `python -m bench push`.

Ours: the provider pool sending N messages through FcmProvider (HTTP/1.1 on the sandbox's
plain port and over TLS) and ApnsProvider (HTTP/2). Ceiling, in the same run: a bare
load client against the same simulator (aiohttp for FCM, on the same port; httpx HTTP/2
with several connections for APNs). The simulators serve from --sandbox-processes.
"""
import argparse
from pathlib import Path
from types import SimpleNamespace

from app.channels.base import Message
from app.channels.pool import ProviderPool
from app.config import Config
from bench.common import timed
from bench.delivery_measures import apns_ceiling, fcm_ceiling
from bench.seed import token
from tests.sandbox_client import Sandbox

CONTENT = {"title": "Order shipped", "body": "On its way", "data": {"order": "A-1001"}}


def provider_rate(config, name: str, n: int) -> float:
    kind = "apns" if name == "apns" else "fcm"
    messages = [Message(f"m-{i}", "push", token(kind, i), CONTENT) for i in range(n)]
    pool = ProviderPool(config)
    try:
        pool.send(name, messages[:50])  # connections up, tokens minted
        results: list = []
        seconds = timed(lambda: results.extend(pool.send(name, messages)))
    finally:
        pool.close()
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed[0]
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench push")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--sandbox-processes", type=int, default=2)
    args = parser.parse_args()
    sandbox = Sandbox(Path("instance"), processes=args.sandbox_processes)
    try:
        config = Config(**sandbox.config_overrides())
        tls = Config(**{**vars(config), "FCM_URL": sandbox.tls_url,
                        "FCM_CA_FILE": str(sandbox.cert)})
        stack = SimpleNamespace(sandbox=sandbox)
        rows = [
            ("fcm, plain port", provider_rate(config, "fcm", args.messages),
             fcm_ceiling(stack, args.messages, tls=False)),
            ("fcm, TLS", provider_rate(tls, "fcm", args.messages),
             fcm_ceiling(stack, args.messages)),
            ("apns (HTTP/2)", provider_rate(config, "apns", args.messages),
             apns_ceiling(stack, args.messages)),
        ]
    finally:
        sandbox.stop()
    print(f"{'push (msgs/s)':<20}{'herald':>10}{'bare client':>13}{'ratio':>8}")
    for name, ours, ceiling in rows:
        print(f"{name:<20}{ours:>10,.0f}{ceiling:>13,.0f}{ours / ceiling:>8.2f}")


if __name__ == "__main__":
    main()
