"""The @route decorator: validate input, check the key's scope, record the OpenAPI operation.

    @route("/contacts/<external_id>", "PUT", body=ContactIn, response=ContactOut,
           responses={201: ContactOut}, scope="manage", tag="Contacts",
           summary="Create or replace a contact")
    def put_contact(external_id, body):
        ...
        return ContactOut(...), 201

The view receives the path parameters, `body=` (a validated model) and `query=` when
declared; it returns a model, (model, status) or (model, status, headers), a Response,
or None for 204. Routes are added to the blueprint by init_app, in declaration order.
"""

import functools
import math
import typing
from dataclasses import dataclass, field

from flask import Response, current_app, g, json, request
from pydantic import BaseModel, ValidationError

from app.api.problems import (
    Forbidden,
    MalformedJson,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
    field_errors,
    pointer,
)
from app.core.access import api_keys
from app.core.access.audit import Actor
from app.errors import ValidationFailed
from app.extensions import db

REALM = 'Bearer realm="herald"'


@dataclass(frozen=True)
class Caller:
    """The authenticated API key, detached from the session."""

    id: int
    name: str
    scopes: tuple[str, ...]


@dataclass
class Operation:
    rule: str
    method: str
    view: typing.Callable
    summary: str
    tag: str
    description: str = ""
    scope: str | tuple[str, ...] | None = None
    auth: bool = True
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path: type[BaseModel] | None = None
    responses: dict[int, type[BaseModel] | None] = field(default_factory=dict)
    problems: tuple[int, ...] = ()
    headers: tuple[dict, ...] = ()  # OpenAPI header parameters, which the view reads itself

    @property
    def endpoint(self) -> str:
        return self.view.__name__


OPERATIONS: list[Operation] = []


def route(rule: str, method: str = "GET", *, summary: str, tag: str, description: str = "",
          scope=None, auth: bool = True, body=None, query=None, path=None, response=None,
          status: int = 200, responses: dict | None = None, problems: tuple[int, ...] = (),
          headers: tuple[dict, ...] = ()):
    """Declare an API operation (see the module docstring)."""

    def decorator(view):
        op = Operation(rule, method, view, summary, tag, description, scope, auth, body,
                       query, path, {status: response, **(responses or {})}, problems, headers)
        op.view = _wrap(op, view, status)
        OPERATIONS.append(op)
        return view

    return decorator


def current_caller() -> Caller:
    return g.api_caller


def current_actor() -> Actor:
    """The calling API key as the actor of a change, for the audit log."""
    caller = current_caller()
    return Actor("api_key", caller.id, caller.name, request.remote_addr)


def _wrap(op: Operation, view, status: int):
    @functools.wraps(view)
    def wrapper(**params):
        if op.auth:
            _authorize(op.scope)
        _reject_unstorable(params, "path")
        if op.path is not None:
            declared = {k: v for k, v in params.items() if k in op.path.model_fields}
            params.update(_validate(op.path, declared, "path").model_dump())
        if op.query is not None:
            args = _query_args(op.query)
            _reject_unstorable(args, "query")
            params["query"] = _validate(op.query, args, "query")
        if op.body is not None:
            params["body"] = _parse_body(op.body)
            if maybe_unstorable(request.get_data(cache=True)):
                _reject_unstorable(params["body"].model_dump(), "body")
        return _respond(view(**params), status)

    return wrapper


def _authorize(scope) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'",
                           headers={"WWW-Authenticate": REALM})
    key = api_keys.authenticate_cached(db.session, token.strip())
    if key is None:
        raise Unauthorized(
            "The API key is not valid or has been revoked",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    g.api_caller = Caller(key.id, key.name, tuple(key.scopes or ()))
    # Keeps last_used_at even if the request fails later. A key found in the cache made
    # no session: none is made to ask (a small send's own may never be used, see
    # delivery.together).
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()
    _count_request(key)
    if not api_keys.has_scope(key, scope):
        needed = scope if isinstance(scope, str) else " or ".join(scope)
        raise Forbidden(
            f"This API key lacks the '{needed}' scope",
            headers={"WWW-Authenticate":
                     f'{REALM}, error="insufficient_scope", scope="{needed}"'},
        )


def _count_request(key) -> None:
    """Count the request against the key's rate limit; 429 when it is spent."""
    limiter = current_app.extensions["api_rate_limiter"]
    verdict = limiter.hit(key.id, key.rate_limit, current_app.config["API_RATE_LIMIT"])
    g.rate_limit = verdict
    if verdict is not None and not verdict.allowed:
        raise TooManyRequests(
            f"This API key may make {verdict.limit} requests per {verdict.window_seconds} "
            f"seconds; retry in {max(1, verdict.reset_seconds)} s", headers=verdict.headers())


def rate_limit_headers(response: Response) -> Response:
    """After an API request: the key's RateLimit fields, when it has a limit."""
    verdict = g.pop("rate_limit", None)
    if verdict is not None:
        for name, value in verdict.headers().items():
            response.headers.setdefault(name, value)
    return response


def _validate(model: type[BaseModel], data: dict, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(f"Some {where} parameters are not valid",
                               field_errors(exc, where)) from None


def _reject_unstorable(data: dict, where: str) -> None:
    """Refuse what cannot be stored: NUL characters in a string or key (PostgreSQL text and
    JSONB cannot hold them) and NaN or infinite numbers (JSON has none)."""
    located = {} if where == "body" else {"in": where}
    errors = [{"field": pointer(loc), "message": message, **located}
              for loc, message in dict.fromkeys(_unstorable(data))]
    if errors:
        raise ValidationFailed(f"Some {where} fields are not valid", errors)


# What a JSON body must spell out to hold a NUL or a non-finite number once parsed: NUL
# escaped (or raw), NaN or Infinity as literals or as strings a float field takes ("inf"),
# numbers too long for a float (300+ digits or a three-digit exponent). A body with none of
# them is storable as parsed, without walking it. Found by substring search, digits
# written as 0 and letters in lower case: a regular expression of the same five branches
# tried each of them at every byte (1.3 ms for a 1,000-recipient send, 0.12 ms this way).
_NUL = (b"\\u0000", b"\x00")
_NOT_FINITE = (b"nan", b"inf")
_TOO_LONG = (b"0" * 300, b"e000", b"e+000", b"e-000")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"0" * 9)


def maybe_unstorable(raw: bytes) -> bool:
    """Whether a JSON body may hold a NUL or a non-finite number once parsed."""
    if any(hint in raw for hint in _NUL):
        return True
    lowered = raw.lower()  # ASCII only, as the pattern's (?i) on bytes
    if any(hint in lowered for hint in _NOT_FINITE):
        return True
    digits = lowered.translate(_DIGITS_AS_ZERO)
    return any(hint in digits for hint in _TOO_LONG)


NUL_MESSAGE = "must not contain NUL characters"
NON_FINITE_MESSAGE = "must be a finite number: JSON has no NaN or Infinity"


def _unstorable(value, loc: tuple = ()):
    """Yield (location, message) for each NUL string or key and each non-finite number."""
    if isinstance(value, str):
        if "\x00" in value:
            yield loc, NUL_MESSAGE
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield loc, NON_FINITE_MESSAGE
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, (*loc, key))
            yield from _unstorable(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _unstorable(item, (*loc, index))


def _query_args(model: type[BaseModel]) -> dict:
    """Read the query string; fields typed as lists take every repeat of their name."""
    data = {}
    for name in request.args:
        annotation = model.model_fields[name].annotation if name in model.model_fields else None
        many = list in (typing.get_origin(annotation), *map(typing.get_origin,
                                                            typing.get_args(annotation)))
        values = request.args.getlist(name)
        data[name] = values if many else values[-1]
    return data


def _parse_body(model: type[BaseModel]) -> BaseModel:
    mimetype = request.mimetype
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(
            f"Send the body as application/json, not {mimetype or 'nothing'}",
            headers={"Accept-Post": "application/json"},
        )
    raw = request.get_data(cache=True)  # raises 413 beyond MAX_CONTENT_LENGTH
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        broken = [e for e in exc.errors() if e["type"] == "json_invalid"]
        if broken:
            raise MalformedJson(broken[0]["msg"]) from None
        raise


def _respond(result, status: int):
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status=204)
    headers = {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    body = result.model_dump_json() if isinstance(result, BaseModel) else json.dumps(result)
    return Response(body, status=status, headers=headers, mimetype="application/json")
