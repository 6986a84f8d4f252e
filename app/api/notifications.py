"""Sending notifications (idempotent) and reading the log."""

import re
import uuid
from datetime import datetime

from flask import Response, current_app, json, request
from pydantic import TypeAdapter
from pydantic_core import to_json

from app import herald_config, redis_client
from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.notifications import (
    NotificationIn,
    NotificationOut,
    NotificationPage,
    NotificationPath,
    NotificationQuery,
    NotificationsAccepted,
    NotificationSummary,
    StatusChange,
)
from app.core.delivery import idempotency, log, together
from app.core.delivery.dispatch import Accepted, SendRequest
from app.core.delivery.send import send
from app.errors import ValidationFailed
from app.extensions import db

TAG = "Notifications"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_PRINTABLE = re.compile(r"^[\x21-\x7e]{1,255}$")
IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
    "description": "Your key for this request: a repeat within 24 h returns the first response.",
    "schema": {"type": "string", "pattern": _PRINTABLE.pattern},
}


@route("/notifications", "POST", body=NotificationIn, response=NotificationsAccepted,
       status=202, scope="send", tag=TAG, problems=(409,), headers=(IDEMPOTENCY_PARAMETER,),
       summary="Send a notification",
       description="Writes one notification per contact × channel (× device for push), "
                   "suppressed ones included with their reason, then queues them. With an "
                   "`Idempotency-Key` header or an `event_id` (both count when both are "
                   "given), a repeat of either within 24 h returns the first response with "
                   "`Idempotent-Replayed: true` and sends nothing.")
def send_notification(body: NotificationIn):
    redis, config = redis_client(), herald_config()
    key = _idempotency_header()
    actor, send_request = current_actor(), _send_request(body)
    if not idempotency.request_keys(key, body.event_id):  # nothing a repeat may replay
        sent = together.send(_group(), db.session, redis, config,
                             lambda session: send(session, redis, config, send_request,
                                                  actor=actor, respond=_response_body),
                             category=body.category, recipients=body.recipients)
        return _accepted(sent)
    request_hash = idempotency.fingerprint("POST", request.path, body.model_dump(mode="json"))
    sent = send(db.session, redis, config, send_request, idempotency_key=key,
                actor=actor, respond=_response_body, request_hash=request_hash)
    if sent.replayed:
        db.session.rollback()  # the keys claimed before the repeated one
        return Response(json.dumps(sent.body), sent.status, mimetype="application/json",
                        headers={"Idempotent-Replayed": "true"})
    db.session.commit()
    sent.enqueue(redis, config)
    return _accepted(sent)


def _accepted(sent) -> Response:
    """The 202, built by _response_body: the model's JSON already, written by pydantic's
    serializer (a thousand items in a third of json.dumps's time)."""
    return Response(to_json(sent.body), sent.status, mimetype="application/json")


def _group() -> together.SendGroup:
    """This process's group of concurrent small sends (one per app), made on first use."""
    group = current_app.extensions.get("send_group")
    if group is None:  # setdefault keeps one if two threads get here at once
        group = current_app.extensions.setdefault("send_group", together.SendGroup())
    return group


def _idempotency_header() -> str | None:
    value = request.headers.get(IDEMPOTENCY_HEADER)
    if value is not None and not _PRINTABLE.match(value):
        raise ValidationFailed(
            "The Idempotency-Key header is not valid",
            [{"field": IDEMPOTENCY_HEADER, "in": "header",
              "message": "use 1 to 255 printable ASCII characters, no spaces"}],
        )
    return value


def _send_request(body: NotificationIn) -> SendRequest:
    return SendRequest(
        recipients=body.recipients,
        category=body.category,
        channels=body.channels,
        template=body.template,
        data=body.data,
        content=body.content.model_dump(exclude_none=True) if body.content else None,
        send_at=body.send_at,
        event_id=body.event_id,
    )


def _response_body(accepted: Accepted) -> dict:
    """The 202 body, which a repeat of the request replays: NotificationsAccepted as JSON,
    built from the rows directly (validating a thousand items we made cost more than
    writing them); a time is written as pydantic writes it, once per distinct time."""
    times: dict[datetime, str] = {}
    return {"notifications": [
        {"id": n["id_text"], "contact": n["external_id"], "channel": n["channel"],
         "status": str(n["status"]), "reason": n["reason"],
         "send_at": (at := n["send_at"]) and (times.get(at) or times.setdefault(
             at, _TIME.dump_python(at, mode="json")))}
        for n in accepted.rows
    ]}


_TIME = TypeAdapter(datetime)


@route("/notifications/<uuid:notification_id>", path=NotificationPath, response=NotificationOut,
       scope=("send", "manage"), tag=TAG, summary="Read a notification and its history")
def get_notification(notification_id: uuid.UUID):
    row, external_id, history = log.get_notification(db.session, notification_id)
    return NotificationOut(
        **_summary(row, external_id).model_dump(),
        content=row.content,
        history=[StatusChange.model_validate(h) for h in history],
    )


@route("/notifications", query=NotificationQuery, response=NotificationPage,
       scope=("send", "manage"), tag=TAG, summary="List notifications",
       description="Newest first. Filters combine with AND; `status` and `channel` repeat.")
def list_notifications(query: NotificationQuery):
    where = log.LogFilter(
        contact=query.contact, statuses=query.status, channels=query.channel,
        category=query.category, event_id=query.event_id,
        created_after=query.created_after, created_before=query.created_before,
    )
    rows = log.list_notifications(
        db.session, where, before=decode_cursor("notification", query.cursor, uuid.UUID),
        limit=query.limit + 1,
    )
    page, cursor = paginate(rows, query.limit, "notification", lambda pair: pair[0].id)
    data = [_summary(row, external_id) for row, external_id in page]
    return NotificationPage(data=data, next_cursor=cursor), 200, next_link(cursor)


def _summary(row, external_id: str | None) -> NotificationSummary:
    fields = {name: getattr(row, name) for name in NotificationSummary.model_fields
              if name != "contact"}
    return NotificationSummary(**fields, contact=external_id)
