"""Mailchimp Transactional (Mandrill) simulator: POST /api/1.3/messages/send.json.

Checks the request as the service does (the API key in the JSON body, a message with
recipients and content) and answers 200 with one entry per recipient
(`{email, status, reject_reason, _id}`), or Mandrill's error JSON with HTTP 500
(`{"status": "error", "code", "name", "message"}`). Fault kinds: an error name
("Invalid_Key", "ValidationError", "PaymentRequired", "GeneralError"), a reject reason
("hard-bounce", "soft-bounce", "spam", "unsub", "custom": that recipient rejected),
"invalid" (the address), or an HTTP status ("429", "502", "503": a gateway's plain text).
"""
import re
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.sandbox.outbox import Fault, outbox

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
ERRORS = {"Invalid_Key": (-1, "Invalid API key"),
          "ValidationError": (-2, "Validation error: {detail}"),
          "GeneralError": (-1, "An unknown error occurred processing your request."),
          "PaymentRequired": (-1, "This feature is only available for accounts with a "
                                  "positive balance.")}
REJECT_REASONS = {"hard-bounce", "soft-bounce", "spam", "unsub", "custom", "rule",
                  "invalid-sender", "test-mode-limit", "unsigned"}
MAX_RECIPIENTS = 1000


def error(name: str, detail: str = "") -> JSONResponse:
    """Answer with Mandrill's error JSON (always HTTP 500)."""
    code, message = ERRORS[name]
    return JSONResponse({"status": "error", "code": code, "name": name,
                         "message": message.format(detail=detail)}, status_code=500)


def problem_in(body) -> str | None:
    """What the service would call a ValidationError, if anything."""
    message = body.get("message")
    if not isinstance(message, dict):
        return "You must specify a message value"
    to = message.get("to")
    if not isinstance(to, list) or not to or len(to) > MAX_RECIPIENTS:
        return "You must specify a to value with between 1 and 1000 recipients"
    if any(not isinstance(r, dict) or not isinstance(r.get("email"), str) for r in to):
        return "Each recipient must be a struct with an email"
    if not EMAIL.match(str(message.get("from_email") or "")):
        return "You must specify a valid from_email"
    if not message.get("html") and not message.get("text"):
        return "You must specify an html or text value"
    return None


def _fault_response(fault: Fault) -> Response | None:
    if fault.kind in ERRORS:
        return error(fault.kind, "injected")
    if fault.kind.isdigit():
        headers = {"Retry-After": str(fault.retry_after or 1)} if fault.kind == "429" else None
        return PlainTextResponse(f"{fault.kind} error", status_code=int(fault.kind),
                                 headers=headers)
    return None


def _answer(email: str, payload: dict, fault: Fault | None) -> dict:
    entry = {"email": email, "status": "sent", "reject_reason": None,
             "_id": secrets.token_hex(16)}
    if not EMAIL.match(email) or (fault and fault.kind == "invalid"):
        return {**entry, "status": "invalid"}
    if fault and fault.kind in REJECT_REASONS:
        return {**entry, "status": "rejected", "reject_reason": fault.kind}
    outbox.record("mailchimp", email, payload, message_id=entry["_id"])
    return entry


async def messages_send(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return error("ValidationError", "the body is not JSON")
    if not isinstance(body, dict):
        return error("ValidationError", "the body is not a JSON object")
    if not str(body.get("key") or "").strip():
        return error("Invalid_Key")
    problem = problem_in(body)
    if problem:
        return error("ValidationError", problem)
    answers = []
    for recipient in body["message"]["to"]:
        email = recipient["email"]
        fault = outbox.take_fault("mailchimp", email)
        if fault is not None:
            response = _fault_response(fault)
            if response is not None:
                return response
        payload = {**body["message"], "to": [recipient]}  # the key is never recorded
        answers.append(_answer(email, payload, fault))
    return JSONResponse(answers)


routes = [Route("/api/1.3/messages/send.json", messages_send, methods=["POST"])]
