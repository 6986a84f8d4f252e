"""Post webhooks as the providers do: signed with their real schemes."""
import base64
import json
import secrets
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from twilio.request_validator import RequestValidator


def twilio_post(client, config, path, params, signature=None):
    url = f"{config.BASE_URL}{path}"
    signature = signature or RequestValidator(config.TWILIO_AUTH_TOKEN).compute_signature(
        url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def inbound(body: str, sid: str | None = None, number: str = "+14155550100") -> dict:
    return {"MessageSid": sid or "SM" + secrets.token_hex(16), "From": number, "Body": body}


def sendgrid_event(kind: str, herald_id, **fields) -> dict:
    """An event as SendGrid posts it, our custom_args at the top level."""
    return {"event": kind, "email": "ada@example.com", "timestamp": int(time.time()),
            "sg_event_id": secrets.token_urlsafe(16), "herald_id": str(herald_id), **fields}


def sendgrid_post(client, key, events, tamper=False, timestamp=None):
    body = json.dumps(events)
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    signature = key.sign((timestamp + body).encode(), ec.ECDSA(hashes.SHA256()))
    if tamper:
        body = body.replace("bounce", "open")
    return client.post("/hooks/sendgrid", data=body, content_type="application/json", headers={
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
    })
