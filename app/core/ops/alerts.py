"""Operator alerts: kept in Redis for the console, logged, and posted to a webhook."""

import json
import logging
import time

import httpx

log = logging.getLogger("herald.alerts")
ALERTS_KEY = "herald:alerts"
KEEP = 1000


def raise_alert(redis, config, kind: str, detail: dict) -> None:
    """Record an alert; a failing webhook is logged, never fatal to the caller."""
    alert = {"kind": kind, "at": time.time(), **detail}
    log.error("ALERT %s %s", kind, json.dumps(detail))
    with redis.pipeline() as pipe:
        pipe.lpush(ALERTS_KEY, json.dumps(alert))
        pipe.ltrim(ALERTS_KEY, 0, KEEP - 1)
        pipe.execute()
    if config.ALERT_WEBHOOK_URL:
        try:
            httpx.post(config.ALERT_WEBHOOK_URL, json=alert, timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("alert webhook failed: %s", exc)


def recent_alerts(redis, limit: int = 50) -> list[dict]:
    return [json.loads(item) for item in redis.lrange(ALERTS_KEY, 0, limit - 1)]
