"""RFC 9457 problem details: every error under /api/ is application/problem+json."""

import logging
from http import HTTPStatus

from flask import Response, json, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.delivery.idempotency import KeyReused, RequestInFlight
from app.errors import HeraldError, ValidationFailed
from app.extensions import db

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"
PROBLEMS_PATH = "/api/v1/problems/"

# Herald's own problem types; every other error is "about:blank" (just its HTTP status).
PROBLEM_TYPES = {
    "validation-failed": (422, "The request is well-formed but some fields are not valid; "
                               "`errors` lists each field as a JSON pointer and a message."),
    "malformed-json": (400, "The body is not valid JSON."),
    "idempotency-key-reused": (422, "The idempotency key was already used, within its TTL, "
                                    "for a different request."),
    "request-in-flight": (409, "A request with the same idempotency key is still running; "
                               "retry later to get its response."),
}
_TYPE_OF = ((KeyReused, "idempotency-key-reused"), (RequestInFlight, "request-in-flight"),
            (ValidationFailed, "validation-failed"))


class ApiError(HeraldError):
    """An HTTP-level error raised by the API layer itself, with optional headers."""

    problem_type: str | None = None

    def __init__(self, detail: str = "", errors=None, headers: dict | None = None):
        super().__init__(detail, errors)
        self.headers = headers or {}


class Unauthorized(ApiError):
    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    status = 403
    title = "Forbidden"


class TooManyRequests(ApiError):
    status = 429
    title = "Too Many Requests"


class MalformedJson(ApiError):
    status = 400
    title = "Malformed JSON"
    problem_type = "malformed-json"


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported media type"


def problem(status: int, title: str, detail: str | None = None, errors=None,
            type_slug: str | None = None, headers: dict | None = None) -> Response:
    """Return a problem+json response for the current request."""
    body = {
        "type": PROBLEMS_PATH + type_slug if type_slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "errors": errors or [],
    }
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response


def pointer(loc) -> str:
    """Turn a pydantic error location into a JSON pointer ("/recipients/3")."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc if p != "[key]"]
    return "".join(f"/{p}" for p in parts)


def field_errors(exc: ValidationError, where: str = "body") -> list[dict]:
    """List a pydantic error's fields as {"field", "message"} (+ "in" outside the body)."""
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        named = getattr((error.get("ctx") or {}).get("error"), "errors", None)
        if isinstance(named, list):  # a validator that names its fields (JSON pointers)
            errors += [e if where == "body" else {**e, "in": where} for e in named]
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        if "[key]" in error["loc"]:
            message = f"invalid key: {message}"
        entry = {"field": pointer(error["loc"]), "message": message}
        errors.append(entry if where == "body" else {**entry, "in": where})
    return errors


def validation_problem(errors: list[dict], detail="Some fields are not valid") -> Response:
    return problem(422, ValidationFailed.title, detail, errors, "validation-failed")


def handle_herald_error(exc: HeraldError) -> Response:
    db.session.rollback()  # a refused request leaves nothing half-written (claimed keys too)
    slug = getattr(exc, "problem_type", None) or next(
        (slug for cls, slug in _TYPE_OF if isinstance(exc, cls)), None
    )
    return problem(exc.status, exc.title, exc.detail, exc.errors, slug,
                   getattr(exc, "headers", None))


def handle_validation_error(exc: ValidationError) -> Response:
    db.session.rollback()
    return validation_problem(field_errors(exc))


def handle_http_error(exc: HTTPException) -> Response:
    """Turn werkzeug's 404/405/413/... raised by an API view into a problem."""
    headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) \
        else {}
    if isinstance(exc, InternalServerError):
        db.session.rollback()
        log.error("unhandled error on %s", request.path, exc_info=exc.original_exception)
        return problem(500, exc.name, "The server failed; the error is logged.")
    return problem(exc.code or 500, exc.name, exc.description, headers=headers)


def problem_safety_net(response: Response) -> Response:
    """Rewrite any other error under /api/ (unrouted URL, another surface's handler) as a
    problem, whichever app-level handlers exist; JSON error bodies are left as they are."""
    if (response.status_code < 400 or not request.path.startswith(API_PREFIX)
            or response.is_json):
        return response
    status = response.status_code
    kept = {k: response.headers[k] for k in _KEPT_HEADERS if k in response.headers}
    detail = _DETAILS.get(status, HTTPStatus(status).phrase)
    return problem(status, HTTPStatus(status).phrase, detail.format(path=request.path,
                   allow=kept.get("Allow", "")), headers=kept)


_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
_DETAILS = {
    404: "There is no API resource at {path}",
    405: "This resource allows only {allow}",
    500: "The server failed; the error is logged.",
}


def register(app, blueprint) -> None:
    """Install the handlers: typed errors in the blueprint, a safety net for /api/."""
    blueprint.register_error_handler(HeraldError, handle_herald_error)
    blueprint.register_error_handler(ValidationError, handle_validation_error)
    blueprint.register_error_handler(HTTPException, handle_http_error)
    # Unrouted URLs (404, 405) belong to no blueprint: catch them on the way out.
    app.after_request(problem_safety_net)
