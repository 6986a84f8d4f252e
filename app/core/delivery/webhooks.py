"""Replay protection for provider webhooks: a signed timestamp must be fresh, an event id
is applied once.

A valid signature proves who wrote a body, not when it was sent to us: anyone who saw one
request can post it again. Where the provider signs a timestamp (SendGrid), a body older
than the window is refused and its event ids need remembering only as long as the window.
Where it signs none (Twilio), ids are all there is: they are kept long (status callbacks)
or for good (inbound keywords), and a replay of a request never seen before cannot be told
from a new one.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete

from app.core.db import dialect_insert
from app.models import WebhookEventId


def claim(session, provider: str, event_ids, now: datetime,
          keep_for: timedelta | None) -> set[str]:
    """Record event ids as applied; return those not seen before. Does not commit.

    Commit in the transaction that applies the events: a failure then forgets the claim
    too, and a concurrent delivery of the same id waits on the unique key, then skips.
    """
    ids = list(dict.fromkeys(i for i in event_ids if i))
    if not ids:
        return set()
    expires_at = now + keep_for if keep_for is not None else None
    stmt = (dialect_insert(session, WebhookEventId)
            .values([{"provider": provider, "event_id": i, "received_at": now,
                      "expires_at": expires_at} for i in ids])
            .on_conflict_do_nothing()
            .returning(WebhookEventId.event_id))
    return set(session.execute(stmt).scalars())


def prune(session, now: datetime) -> int:
    """Forget ids whose replay the provider's own checks now refuse; return how many."""
    return session.execute(
        delete(WebhookEventId).where(WebhookEventId.expires_at < now)).rowcount
