"""Operator alerts: kept in Redis for the console, sent to a webhook and to operators by email.

Two sources. Conditions (ops.conditions: a queue backing up or unattended, a provider
failing, notifications dying, a circuit open) are evaluated every
HERALD_ALERT_INTERVAL_SECONDS by the scheduler: a kind that starts firing sends a
message, one that clears sends a recovery message. Events (raise_alert: a campaign
failed, a batch's notifications died) are recorded at once and sent at the next
evaluation. Messages of one kind go out at most once per HERALD_ALERT_REPEAT_SECONDS
(recoveries always do); a kind that fired and cleared unseen in between sends nothing.

Email goes through Herald itself, category `herald-alerts` (critical: no preference or
quiet hours holds it), to HERALD_ALERT_EMAILS, each an operator contact. It is skipped
while email itself is what is failing, and alert emails that die raise no alert, so a
broken email channel cannot feed itself alerts.
"""

import json
import logging
import time
from datetime import UTC, datetime

from sqlalchemy import select

from app.core.delivery.dispatch import SendRequest, accept, enqueue
from app.core.ops import conditions
from app.errors import HeraldError
from app.models import Category, Contact

log = logging.getLogger("herald.alerts")
ALERTS_KEY = "herald:alerts"
STATE_KEY = "herald:alerts:state"  # kind → what its last message said
CHECKED_KEY = "herald:alerts:checked_at"  # events after this are not sent yet
QUIET_KEY = "herald:alerts:quiet:{kind}"  # set while the kind may not send again
LOCK_KEY = "herald:alerts:lock"
KEEP = 1000
CATEGORY = "herald-alerts"
OPERATOR_CONTACT = "herald-operator:{email}"
SUMMARIES = {
    "queue_age": "queue {subject}: the oldest job has waited {oldest_seconds} s",
    "no_worker": "queue {subject}: {waiting} jobs wait and no worker listens",
    "error_rate": "{subject} ({channel}): {errors} of {attempts} sends failed",
    "dead_notifications": "{subject}: {count} notifications ran out of retries",
    "circuit_open": "{subject}: circuit open, its sends go to the next provider",
}


def raise_alert(redis, config, kind: str, detail: dict) -> None:
    """Record an event alert; it is sent to operators at the next evaluation."""
    record(redis, {"kind": kind, "at": time.time(), **detail})


def record(redis, alert: dict) -> None:
    log.error("ALERT %s", json.dumps(alert, default=str))
    with redis.pipeline() as pipe:
        pipe.lpush(ALERTS_KEY, json.dumps(alert, default=str))
        pipe.ltrim(ALERTS_KEY, 0, KEEP - 1)
        pipe.execute()


def recent_alerts(redis, limit: int = 50) -> list[dict]:
    return [json.loads(item) for item in redis.lrange(ALERTS_KEY, 0, limit - 1)]


def evaluate(session, redis, config, now: float | None = None) -> list[dict]:
    """Check the conditions, send what started or cleared and the new events; return
    the messages sent. One node at a time (a lock), the others skip."""
    if not redis.set(LOCK_KEY, 1, nx=True, ex=max(config.ALERT_INTERVAL_SECONDS, 10)):
        return []
    try:
        now = now or time.time()
        health = conditions.check(redis, config, datetime.fromtimestamp(now, UTC))
        messages = _condition_messages(redis, config, health, now) + _event_messages(
            redis, config, now)
        for message in messages:
            deliver(session, redis, config, message, health)
        return messages
    finally:
        redis.delete(LOCK_KEY)


def _condition_messages(redis, config, health, now: float) -> list[dict]:
    states = {k.decode(): json.loads(v) for k, v in redis.hgetall(STATE_KEY).items()}
    messages = []
    for kind in conditions.KINDS:
        firing, state = health.firing.get(kind, {}), states.get(kind)
        if not firing:
            if state is not None:
                redis.hdel(STATE_KEY, kind)
                if state["notified"]:
                    messages.append(_message(kind, "resolved", state["subjects"], now))
            continue
        told = set(state["subjects"]) if state else set()
        if set(firing) - told and _may_send(redis, config, kind):
            messages.append(_message(kind, "firing", firing, now))
            state = {"subjects": firing, "notified": True}
        redis.hset(STATE_KEY, kind, json.dumps(state or {"subjects": {}, "notified": False}))
    for message in messages:
        record(redis, message)
    return messages


def _event_messages(redis, config, now: float) -> list[dict]:
    checked = float(redis.getset(CHECKED_KEY, now) or now)
    messages = []
    for alert in recent_alerts(redis, KEEP):
        if alert["at"] <= checked:
            break
        if "state" not in alert and alert["kind"] not in conditions.KINDS \
                and _may_send(redis, config, alert["kind"]):
            messages.append({**alert, "state": "event", "summary": _event_summary(alert)})
    return messages


def _may_send(redis, config, kind: str) -> bool:
    """At most one message of a kind per HERALD_ALERT_REPEAT_SECONDS."""
    return bool(redis.set(QUIET_KEY.format(kind=kind), 1, nx=True,
                          ex=config.ALERT_REPEAT_SECONDS))


def _message(kind: str, state: str, subjects: dict, now: float) -> dict:
    lines = [SUMMARIES[kind].format(subject=s, **detail) for s, detail in subjects.items()]
    verb = "firing" if state == "firing" else "resolved"
    return {"kind": kind, "state": state, "at": now, "subjects": subjects,
            "summary": f"{verb}: " + "; ".join(lines)}


def _event_summary(alert: dict) -> str:
    detail = {k: v for k, v in alert.items() if k not in ("kind", "at")}
    return f"{alert['kind']}: {json.dumps(detail, default=str)[:500]}"


def deliver(session, redis, config, message: dict, health) -> None:
    """Post to the webhook and email the operators; a failure is logged, never raised."""
    if config.ALERT_WEBHOOK_URL:
        import httpx  # here: every process loads this module, few of them ever post

        try:
            httpx.post(config.ALERT_WEBHOOK_URL, json=message, timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("alert webhook failed: %s", exc)
    if config.ALERT_EMAILS and not email_failing(health, config):
        email_operators(session, redis, config, message)


def email_failing(health, config) -> bool:
    """Whether email itself is what fails: its queue stuck, or every provider of it down."""
    if health.concerns({"email"}):
        return True
    down = set(health.firing.get("circuit_open", {})) | set(health.firing.get("error_rate", {}))
    return set(config.EMAIL_PROVIDERS) <= down


def email_operators(session, redis, config, message: dict) -> None:
    """Send the message as an email notification to every operator address."""
    subject = f"[Herald] {message['state']}: {message['kind']}"
    body = f"{message['summary']}\n\n{json.dumps(message, indent=2, default=str)}\n"
    try:
        recipients = _operator_contacts(session, config.ALERT_EMAILS)
        accepted = accept(session, redis, config, SendRequest(
            recipients=recipients, category=CATEGORY, channels=["email"],
            content={"email": {"subject": subject, "text": body}}), source="alerts")
        session.commit()
    except HeraldError as exc:
        session.rollback()
        log.warning("alert email not sent: %s", exc)
        return
    enqueue(redis, config, accepted)


def _operator_contacts(session, emails) -> list[str]:
    """The contacts alert emails go to (made on first use), and their category."""
    if session.scalar(select(Category.id).where(Category.key == CATEGORY)) is None:
        session.add(Category(key=CATEGORY, name="Herald alerts", critical=True,
                             quiet_hours=False, description="Alerts to Herald's operators."))
    ids = {OPERATOR_CONTACT.format(email=e.lower()): e for e in emails}
    known = {c.external_id: c for c in session.scalars(
        select(Contact).where(Contact.external_id.in_(ids)))}
    for external_id, email in ids.items():
        if external_id not in known:
            session.add(Contact(external_id=external_id, email=email))
    session.flush()
    return list(ids)


def firing_alerts(redis) -> dict[str, list[str]]:
    """The alert kinds firing at the last evaluation and what they concern."""
    states = {k.decode(): json.loads(v) for k, v in redis.hgetall(STATE_KEY).items()}
    return {kind: list(state["subjects"]) for kind, state in states.items() if state["subjects"]}
