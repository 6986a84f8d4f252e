"""Local simulators of every provider, speaking each one's real wire protocol.

One ASGI app serves the HTTP providers on a plain port and on a TLS port (HTTP/2 via
ALPN, needed by APNs and by SDKs that insist on https); SMTP runs beside it. What the
simulators receive is kept in app.sandbox.outbox and exposed under /_sandbox/.
"""
from importlib import import_module

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.sandbox.outbox import Fault, outbox

MAX_DELAY = 120.0  # seconds a fault may hold an answer
SIMULATORS = ("fcm", "apns", "webpush", "twilio", "vonage", "sendgrid", "mailchimp",
              "jpush")


async def list_outbox(request: Request) -> JSONResponse:
    """?provider=, ?q= (recipient or request contains it), ?limit= (the newest N)."""
    params = request.query_params
    limit = params.get("limit", "")
    entries = outbox.entries(params.get("provider"), params.get("q", "")[:200],
                             int(limit) if limit.isdigit() else None)
    return JSONResponse({"entries": entries, "counts": outbox.counts(),
                         "faults": outbox.faults()})


async def one_entry(request: Request) -> JSONResponse:
    entry = outbox.entry(request.path_params["entry_id"])
    if entry is None:
        return JSONResponse({"error": "no such entry"}, status_code=404)
    return JSONResponse(entry)


async def reset_outbox(request: Request) -> Response:
    outbox.reset()
    return Response(status_code=204)


async def add_fault(request: Request) -> Response:
    """Queue a fault: {"provider", "kind", "match"?, "times"?, "retry_after"?, "delay"?,
    "seconds"?}."""
    providers = [*SIMULATORS, "smtp"]
    try:
        body = await request.json()
        fault = Fault(
            provider=body["provider"],
            kind=str(body["kind"]),
            match=body.get("match"),
            times=int(body.get("times", 1)),
            retry_after=body.get("retry_after"),
            delay=min(float(body.get("delay") or 0), MAX_DELAY),
            seconds=None if body.get("seconds") is None else float(body["seconds"]),
        )
    except (ValueError, TypeError, KeyError):
        fault = None
    if outbox.shared:
        return JSONResponse({"error": "faults need a sandbox serving from one process"},
                            status_code=409)
    if fault is None or fault.provider not in providers:
        return JSONResponse({"error": "give a known provider and a fault kind",
                             "providers": providers}, status_code=422)
    outbox.add_fault(fault)
    return Response(status_code=204)


def create_sandbox_app() -> Starlette:
    """Assemble every simulator's routes and the /_sandbox control routes."""
    routes = [
        Route("/_sandbox/outbox", list_outbox, methods=["GET"]),
        Route("/_sandbox/outbox", reset_outbox, methods=["DELETE"]),
        Route("/_sandbox/outbox/{entry_id:int}", one_entry, methods=["GET"]),
        Route("/_sandbox/faults", add_fault, methods=["POST"]),
    ]
    for name in SIMULATORS:
        routes.extend(import_module(f"app.sandbox.{name}").routes)
    return Starlette(routes=routes)
