"""SendGrid v3 Mail Send simulator: POST /v3/mail/send.

Validates the JSON as SendGrid does and answers 202 with an empty body and an
X-Message-Id, or SendGrid's `{"errors": [{"message", "field", "help"}]}`. Each
personalization's recipients are recorded separately, the request body narrowed to that
personalization and its `substitutions` made (as the inbox gets it). Fault kinds: "400"
(the matched recipient's address rejected, with its field), "401", "403", "413", "429"
(X-RateLimit-Reset = now + retry_after), "500", "503".
"bounce" accepts the mail and reports it bounced later.

With callbacks on (`python -m app.sandbox --callbacks`), the accepted mail's events
("processed", then "delivered" or "bounce") are posted to the Event Webhook URL, signed
as SendGrid signs them: ECDSA P-256 over timestamp + body, with each personalization's
custom_args at the top level of its events.
"""
import asyncio
import base64
import json
import logging
import re
import secrets
import time

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.sandbox.outbox import Fault, outbox

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html"
MAX_PERSONALIZATIONS = 1000
MAX_RECIPIENTS = 1000
MAX_SUBSTITUTION_BYTES = 10_000
log = logging.getLogger(__name__)
EVENT_DELAY_SECONDS = 0.5
settings = {"webhook_url": "", "signing_key": None}  # set by `python -m app.sandbox --callbacks`
FAULT_MESSAGES = {
    401: "The provided authorization grant is invalid, expired, or revoked",
    403: "access forbidden",
    413: "The JSON payload you have included in your request is too large.",
    429: "too many requests",
    500: "internal server error",
    503: "service unavailable",
}


def errors(status: int, *problems: tuple[str, str | None], headers: dict | None = None):
    """Answer with SendGrid's error JSON: one entry per (message, field)."""
    body = {"errors": [{"message": m, "field": f, "help": HELP if f else None}
                       for m, f in problems]}
    return JSONResponse(body, status_code=status, headers=headers)


def _recipients(personalization: dict) -> list[tuple[str, str]]:
    return [(kind, entry.get("email", "") if isinstance(entry, dict) else "")
            for kind in ("to", "cc", "bcc") for entry in personalization.get(kind) or []]


def _personalization_problems(body: dict) -> list[tuple[str, str]]:
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        return [("The personalizations field is required and must have at least one "
                 "personalization.", "personalizations")]
    if len(personalizations) > MAX_PERSONALIZATIONS:
        return [("The personalizations field is limited to 1000 personalizations.",
                 "personalizations")]
    problems, total = [], 0
    for i, p in enumerate(personalizations):
        if not p.get("to"):
            problems.append(("The to array is required for all personalization objects, "
                             "and must have at least one email object with a valid email "
                             "address.", f"personalizations.{i}.to"))
        counters: dict[str, int] = {}
        found = _recipients(p)
        for kind, email in found:
            j = counters[kind] = counters.get(kind, -1) + 1
            if not EMAIL.match(email):
                problems.append(("Does not contain a valid address.",
                                 f"personalizations.{i}.{kind}.{j}.email"))
        total += len(found)
        problems += _substitution_problems(p.get("substitutions"), i)
        for key, value in (p.get("custom_args") or {}).items():
            if not isinstance(value, str):
                problems.append((f"custom_args values must be strings ({key})",
                                 f"personalizations.{i}.custom_args"))
    if total > MAX_RECIPIENTS:
        problems.append(("The total number of recipients must be no more than 1000.",
                         "personalizations"))
    return problems


def _substitution_problems(substitutions, i: int) -> list[tuple[str, str]]:
    if substitutions is None:
        return []
    field = f"personalizations.{i}.substitutions"
    if not isinstance(substitutions, dict) or not all(
            isinstance(v, str) for v in substitutions.values()):
        return [("Substitutions must be an object of string values.", field)]
    if sum(len(k.encode()) + len(v.encode())
           for k, v in substitutions.items()) > MAX_SUBSTITUTION_BYTES:
        return [("The total collective size of your substitutions may not exceed 10,000 "
                 "bytes per personalization object.", field)]
    return []


def _as_delivered(body: dict, personalization: dict) -> dict:
    """The body narrowed to one personalization, its substitutions made."""
    payload = {**body, "personalizations": [personalization]}
    substitutions = personalization.get("substitutions") or {}
    if not substitutions:
        return payload

    def made(text: str) -> str:
        for tag, value in substitutions.items():
            text = text.replace(tag, value)
        return text

    payload["content"] = [{**c, "value": made(c["value"])} for c in body.get("content") or []]
    if body.get("subject"):
        payload["subject"] = made(body["subject"])
    if personalization.get("subject"):
        payload["personalizations"] = [{**personalization,
                                        "subject": made(personalization["subject"])}]
    return payload


def _content_problems(body: dict) -> list[tuple[str, str]]:
    if body.get("template_id"):
        return []
    content = body.get("content")
    if not isinstance(content, list) or not content or not all(
        isinstance(c, dict) and c.get("type") and c.get("value") for c in content
    ):
        return [("Unless a valid template_id is provided, the content parameter is "
                 "required. There must be at least one defined content block.", "content")]
    types = [c["type"] for c in content]
    if "text/plain" in types and types.index("text/plain") != 0:
        return [("If present, text/plain must be first, followed by text/html, followed "
                 "by any other content.", "content")]
    return []


def problems_in(body: dict) -> list[tuple[str, str]]:
    """Everything SendGrid would reject in a mail/send body."""
    problems = _personalization_problems(body)
    sender = body.get("from")
    if not isinstance(sender, dict) or not EMAIL.match(sender.get("email", "")):
        problems.append(("The from email does not contain a valid address.", "from.email"))
    every_subject = all(p.get("subject") for p in body.get("personalizations") or [{}])
    if not body.get("subject") and not every_subject and not body.get("template_id"):
        problems.append(("The subject is required. You can get around this requirement if "
                         "you use a template with a subject defined or if every "
                         "personalization has a subject defined.", "subject"))
    problems += _content_problems(body)
    if len(body.get("categories") or []) > 10:
        problems.append(("You can't have more than 10 categories per request.", "categories"))
    return problems


def _fault_response(fault: Fault, index: int) -> Response:
    status = int(fault.kind) if fault.kind.isdigit() else 500
    if status == 400:
        return errors(400, ("Does not contain a valid address.",
                            f"personalizations.{index}.to.0.email"))
    headers = None
    if status == 429:
        wait = 1 if fault.retry_after is None else fault.retry_after
        headers = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset": str(int(time.time()) + int(wait))}
    return errors(status, (FAULT_MESSAGES.get(status, "error"), None), headers=headers)


async def mail_send(request: Request) -> Response:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme != "Bearer" or not key:
        return errors(401, (FAULT_MESSAGES[401], None))
    try:
        body = await request.json()
    except ValueError:
        return errors(400, ("Bad Request", None))
    if not isinstance(body, dict):
        return errors(400, ("Bad Request", None))
    problems = problems_in(body)
    if problems:
        return errors(400, *problems)
    people = [_recipients(p) for p in body["personalizations"]]
    bounced = set()
    for index, found in enumerate(people):
        for _, email in found:
            fault = await outbox.answer_fault("sendgrid", email)
            if fault is not None and fault.kind == "bounce":
                bounced.add(email)
            elif fault is not None:
                return _fault_response(fault, index)
    message_id = secrets.token_urlsafe(16)[:22]
    response = {"status": 202, "headers": {"X-Message-Id": message_id}}
    events = []
    for index, (personalization, found) in enumerate(zip(body["personalizations"], people,
                                                         strict=True)):
        # Counting only (the benchmark's processes), the outbox keeps no payload to show.
        payload = {} if outbox.shared else _as_delivered(body, personalization)
        for kind, email in found:
            entry = outbox.record("sendgrid", email, payload, message_id=message_id, kind=kind,
                                  personalization=index, response=response)
            events.append((email, personalization.get("custom_args") or {}, email in bounced,
                           entry["id"]))
    task = None
    if settings["webhook_url"] and settings["signing_key"] is not None:
        task = BackgroundTask(post_events, message_id, events)
    return Response(status_code=202, headers={"X-Message-Id": message_id}, background=task)


async def post_events(message_id: str, recipients: list[tuple[str, dict, bool, int]]) -> None:
    """Post "processed", then "delivered" or "bounce", for every recipient, signed."""
    async with httpx.AsyncClient(timeout=5) as client:
        for stage in ("processed", "final"):
            await asyncio.sleep(EVENT_DELAY_SECONDS)
            batch = [_event(message_id, n, email, args, stage, bounced)
                     for n, (email, args, bounced, _) in enumerate(recipients)]
            body = json.dumps(batch)
            timestamp = str(int(time.time()))
            signature = settings["signing_key"].sign((timestamp + body).encode(),
                                                     ec.ECDSA(hashes.SHA256()))
            headers = {"Content-Type": "application/json",
                       "X-Twilio-Email-Event-Webhook-Signature":
                           base64.b64encode(signature).decode(),
                       "X-Twilio-Email-Event-Webhook-Timestamp": timestamp}
            try:
                answer = await client.post(settings["webhook_url"], content=body,
                                           headers=headers)
            except httpx.HTTPError as exc:
                log.warning("event webhook %s failed: %s", settings["webhook_url"], exc)
                return
            for event, (*_, entry_id) in zip(batch, recipients, strict=True):
                outbox.add_webhook(entry_id, {"url": settings["webhook_url"],
                                              "event": event["event"], "body": event,
                                              "status": answer.status_code, "at": time.time()})


def _event(message_id: str, n: int, email: str, custom_args: dict, stage: str,
           bounced: bool) -> dict:
    event = {"email": email, "timestamp": int(time.time()),
             "sg_event_id": secrets.token_urlsafe(16),
             "sg_message_id": f"{message_id}.recvd-{n}-{secrets.token_hex(4)}", **custom_args}
    if stage == "processed":
        return {**event, "event": "processed"}
    if bounced:
        return {**event, "event": "bounce", "type": "bounce", "status": "5.1.1",
                "reason": "550 5.1.1 The email account that you tried to reach does not exist"}
    return {**event, "event": "delivered", "response": "250 2.0.0 OK"}


routes = [Route("/v3/mail/send", mail_send, methods=["POST"])]
