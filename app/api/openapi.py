"""The OpenAPI 3.1 document, generated from the registry and the pydantic models."""

import re
from functools import cache
from http import HTTPStatus

from flask import abort, jsonify, render_template
from pydantic.json_schema import models_json_schema

from app.api.problems import PROBLEM_MIMETYPE, PROBLEM_TYPES, PROBLEMS_PATH
from app.api.registry import OPERATIONS, Operation
from app.api.schemas.common import Problem

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
_CONVERTER_SCHEMA = {"int": {"type": "integer"}, "uuid": {"type": "string", "format": "uuid"}}
DESCRIPTION = """Send push, SMS and email notifications and manage contacts.

Authenticate with `Authorization: Bearer <API key>`. Keys have scopes: `send` (send and
read notifications) and `manage` (contacts, devices, preferences, categories,
templates, suppressions, campaigns).
Lists page with `limit` and `cursor` (the previous page's `next_cursor`, also given as a
`Link: <...>; rel="next"` header); enumerated filters (`status`, `channel`, `reason`)
repeat to match several values.
Every error is an RFC 9457 problem (`application/problem+json`); validation errors list
each field as a JSON pointer in `errors`."""


def openapi_path(prefix: str, rule: str) -> str:
    """Turn a Flask rule ("/contacts/<external_id>") into an OpenAPI path."""
    return prefix + _PARAM.sub(lambda m: "{" + m["name"] + "}", rule)


@cache
def build_document(prefix: str, version: str = "1.0.0") -> dict:
    """Build the document once per process (the registry is fixed after import)."""
    pairs = _model_pairs(OPERATIONS)
    key_map, defs = models_json_schema(pairs, ref_template=REF)
    components = defs.get("$defs", {})
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        item = paths.setdefault(openapi_path(prefix, op.rule), {})
        item[op.method.lower()] = _operation(op, key_map, components, prefix)
    for op in OPERATIONS:  # parameter models became parameters; drop their schemas
        for model in (op.query, op.path):
            if model is not None:
                components.pop(model.__name__, None)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Herald API", "version": version, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"apiKey": {
                "type": "http", "scheme": "bearer", "bearerFormat": "hk_<id>_<secret>",
                "description": "An API key created in the console.",
            }},
        },
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in OPERATIONS)],
    }


def _model_pairs(operations: list[Operation]) -> list:
    pairs = [(Problem, "serialization")]
    for op in operations:
        pairs += [(m, "validation") for m in (op.body, op.query, op.path) if m is not None]
        pairs += [(m, "serialization") for m in op.responses.values() if m is not None]
    return list(dict.fromkeys(pairs))


def _ref(key_map, model, mode) -> dict:
    return key_map[(model, mode)]


def _operation(op: Operation, key_map, components, prefix: str) -> dict:
    out = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _path_parameters(op, key_map, components)
        + _parameters(op.query, "query", key_map, components) + list(op.headers),
        "responses": _responses(op, key_map, components, openapi_path(prefix, op.rule)),
    }
    if op.description:
        out["description"] = op.description
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": {
            "application/json": _media(key_map, components, op.body, "validation")}}
    scopes = [op.scope] if isinstance(op.scope, str) else list(op.scope or ())
    out["security"] = [{"apiKey": scopes}] if op.auth else []
    return out


def _parameters(model, where: str, key_map, components) -> list[dict]:
    if model is None:
        return []
    name = _ref(key_map, model, "validation")["$ref"].rsplit("/", 1)[-1]
    schema = components[name]
    required = set(schema.get("required", ()))
    params = []
    for field, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        param = {"name": field, "in": where, "required": where == "path" or field in required,
                 "schema": prop}
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _path_parameters(op: Operation, key_map, components) -> list[dict]:
    declared = {p["name"]: p for p in _parameters(op.path, "path", key_map, components)}
    return [
        declared.get(m["name"]) or {
            "name": m["name"], "in": "path", "required": True,
            "schema": _CONVERTER_SCHEMA.get(m["converter"], {"type": "string"}),
        }
        for m in _PARAM.finditer(op.rule)
    ]


def _media(key_map, components, model, mode) -> dict:
    """A media type object: the model's schema and, as its example, the model's first."""
    ref = _ref(key_map, model, mode)
    examples = components[ref["$ref"].rsplit("/", 1)[-1]].get("examples")
    return {"schema": ref, "examples": {"example": {"value": examples[0]}}} if examples \
        else {"schema": ref}


def _responses(op: Operation, key_map, components, path: str) -> dict:
    responses = {}
    for status, model in sorted(op.responses.items()):
        entry = {"description": HTTPStatus(status).phrase}
        if model is not None:
            entry["content"] = {"application/json": _media(key_map, components, model,
                                                           "serialization")}
            if "next_cursor" in model.model_fields:
                entry["headers"] = {"Link": LINK_HEADER}
        responses[str(status)] = entry
    for status in _problem_statuses(op):
        problem = {"schema": _ref(key_map, Problem, "serialization"),
                   "examples": {"example": {"value": _problem_example(path, status)}}}
        responses[str(status)] = {"description": HTTPStatus(status).phrase,
                                  "content": {PROBLEM_MIMETYPE: problem}}
        if status in _PROBLEM_HEADERS:
            name, description = _PROBLEM_HEADERS[status]
            responses[str(status)]["headers"] = {name: {
                "description": description, "required": True, "schema": {"type": "string"}}}
    return responses


LINK_HEADER = {"description": "The next page, when there is one (RFC 8288): "
                              "`</api/v1/...?cursor=...>; rel=\"next\"`.",
               "schema": {"type": "string"}}
_PROBLEM_EXAMPLES = {
    400: ("Malformed JSON", "Expecting value at line 1 column 1", "malformed-json", []),
    401: ("Unauthorized", "Send an API key as 'Authorization: Bearer <key>'", None, []),
    403: ("Forbidden", "This API key lacks the 'manage' scope", None, []),
    404: ("Not Found", "No such resource", None, []),
    409: ("Conflict", "The resource is not in a state that allows this", None, []),
    413: ("Request Entity Too Large", "The body is larger than the server accepts", None, []),
    414: ("Request-URI Too Long", "The URL is longer than the server accepts", None, []),
    415: ("Unsupported Media Type", "Send the body as application/json, not text/plain", None,
          []),
    422: ("Validation failed", "Some fields are not valid", "validation-failed",
          [{"field": "/name", "message": "String should have at least 1 character"}]),
}


def _problem_example(path: str, status: int) -> dict:
    title, detail, slug, errors = _PROBLEM_EXAMPLES.get(
        status, (HTTPStatus(status).phrase, HTTPStatus(status).description, None, []))
    return {"type": PROBLEMS_PATH + slug if slug else "about:blank", "title": title,
            "status": status, "detail": detail, "instance": path, "errors": errors}


_PROBLEM_HEADERS = {
    401: ("WWW-Authenticate", "The Bearer challenge; `error=\"invalid_token\"` for a bad key."),
    403: ("WWW-Authenticate", "`error=\"insufficient_scope\"` and the scope needed."),
    415: ("Accept-Post", "The media type to send: application/json."),
    429: ("Retry-After", "Seconds until the key may send again; RateLimit-Limit, "
                         "-Remaining, -Reset and -Policy describe its limit."),
}


def _problem_statuses(op: Operation) -> list[int]:
    statuses = set(op.problems) | {414}  # any URL past MAX_URL_BYTES
    if op.auth:
        statuses |= {401, 403, 429}
    if op.body is not None:
        statuses |= {400, 413, 415, 422}
    if op.query is not None or op.path is not None or op.headers:
        statuses.add(422)
    if "<" in op.rule:
        statuses.add(404)
    return sorted(statuses)


def add_routes(blueprint, prefix: str) -> None:
    """Serve the document, the offline docs page and the problem type descriptions."""

    def openapi_document():
        return jsonify(build_document(prefix))

    def docs():
        return render_template("api/docs.html")

    def problem_type(slug: str):
        if slug not in PROBLEM_TYPES:
            abort(404)
        status, description = PROBLEM_TYPES[slug]
        return {"type": PROBLEMS_PATH + slug, "status": status, "description": description}

    blueprint.add_url_rule("/openapi.json", view_func=openapi_document)
    blueprint.add_url_rule("/docs", view_func=docs)
    blueprint.add_url_rule("/problems/<slug>", view_func=problem_type)
