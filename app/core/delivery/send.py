"""The one entry for a send: the API's POST /notifications and the console's test send.

send() checks idempotency, accepts the request and records the response its keys replay,
all in the caller's transaction; the caller commits, then calls Sent.enqueue() (the queue
must never see ids of rows that are not committed). On a replay the caller rolls back
instead: keys claimed before the repeated one must not stay claimed.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from app.core.access.audit import Actor
from app.core.delivery import idempotency
from app.core.delivery.dispatch import Accepted, SendRequest, accept, enqueue
from app.models import Notification

HEADER_FIELD = {"field": "Idempotency-Key", "in": "header"}
EVENT_ID_FIELD = {"field": "/event_id"}


@dataclass
class Sent:
    """What a send did: accepted rows and the response body, or a replayed response."""

    status: int
    body: dict
    replayed: bool = False
    accepted: Accepted = field(default_factory=lambda: Accepted([]))

    def enqueue(self, redis, config) -> None:
        """Queue the due rows, after the caller committed them (a replay queues nothing)."""
        if not self.replayed:
            enqueue(redis, config, self.accepted)


def send(session, redis, config, request: SendRequest, *, idempotency_key: str | None = None,
         actor: Actor | None = None, respond: Callable[[Accepted], dict] | None = None,
         request_hash: str | None = None) -> Sent:
    """Accept a send request once per idempotency key (and event id); return what happened.

    `actor` is the API key (or operator) sending: idempotency keys are theirs, and an
    operator's send is the console's. `respond` builds the response body a repeat replays
    (by default the notification ids); `request_hash` tells a reused key's different
    request apart (by default a hash of the request).
    """
    actor = Actor.of(actor)
    respond = respond or _ids
    keys = {key: HEADER_FIELD if key == idempotency_key else EVENT_ID_FIELD
            for key in idempotency.request_keys(idempotency_key, request.event_id)}
    if not keys:
        return _accept(session, redis, config, request, actor, respond)
    request_hash = request_hash or idempotency.fingerprint(
        "SEND", "", idempotency_payload(request))
    with idempotency.locked(redis, actor, list(keys)):
        stored = idempotency.claim_all(session, actor, keys, request_hash,
                                       config.IDEMPOTENCY_TTL_SECONDS)
        if stored is not None:
            return Sent(stored.status, stored.body, replayed=True)
        sent = _accept(session, redis, config, request, actor, respond)
        for key in keys:
            idempotency.store(session, actor, key, sent.status, sent.body)
    return sent


def _accept(session, redis, config, request, actor: Actor, respond) -> Sent:
    by_operator = actor.kind == "operator"
    accepted = accept(session, redis, config, request,
                      api_key_id=actor.id if actor.kind == "api_key" else None,
                      source="console" if by_operator else "api")
    return Sent(202, respond(accepted), accepted=accepted)


def notifications_of(session, body: dict) -> list[Notification]:
    """The notifications a default response body names (a replay shows them as they are)."""
    ids = [uuid.UUID(i) for i in body.get("notifications", [])]
    rows = session.scalars(select(Notification).where(Notification.id.in_(ids))) if ids else []
    return sorted(rows, key=lambda n: ids.index(n.id))


def _ids(accepted: Accepted) -> dict:
    return {"notifications": [row["id_text"] for row in accepted.rows]}


def idempotency_payload(request: SendRequest):
    """The request as JSON-safe data, for its idempotency fingerprint: what it asks, not
    how its rate limits counted it (`counted_as`, set once it is accepted)."""
    asked = asdict(request)
    del asked["counted_as"]
    return json.loads(json.dumps(asked, default=str))
