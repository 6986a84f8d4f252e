"""The OpenAPI document is generated from the registry and valid; the docs page is offline."""
import json
import re

from openapi_spec_validator import validate

from app.api.registry import OPERATIONS


def test_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any schema error


def test_every_route_is_documented_with_its_schemas(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in (
                "api.openapi_document", "api.docs", "api.problem_type"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
    assert len(OPERATIONS) == len(documented)

    put_contact = document["paths"]["/api/v1/contacts/{external_id}"]["put"]
    assert put_contact["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactIn"}
    assert {"200", "201", "401", "403", "404", "422"} <= set(put_contact["responses"])
    assert put_contact["security"] == [{"apiKey": ["manage"]}]
    problem = put_contact["responses"]["422"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert put_contact["responses"]["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert "Accept-Post" in put_contact["responses"]["415"]["headers"]
    send = document["paths"]["/api/v1/notifications"]["post"]
    assert [(p["name"], p["in"]) for p in send["parameters"]] == [("Idempotency-Key", "header")]
    listing = document["paths"]["/api/v1/notifications"]["get"]
    assert {"limit", "cursor", "status", "channel", "contact"} <= {
        p["name"] for p in listing["parameters"] if p["in"] == "query"}


def test_every_campaign_operation_has_an_example_request_and_response(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def example_of(schema: dict):
        return schemas[schema["$ref"].rsplit("/", 1)[-1]].get("examples")

    operations = [(path, method, op) for path, item in document["paths"].items()
                  if path.startswith("/api/v1/campaigns") for method, op in item.items()]
    assert len(operations) == 17
    for path, method, op in operations:
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        request = example_of(body["schema"]) if body else \
            [p["schema"]["examples"] for p in op["parameters"] if "examples" in p["schema"]]
        assert request, (method, path)
        [success] = [r for status, r in op["responses"].items() if status.startswith("2")]
        if method != "delete":
            assert example_of(success["content"]["application/json"]["schema"]), (method, path)


def test_every_reference_resolves(client):
    document = client.get("/api/v1/openapi.json").get_json()
    refs = set(re.findall(r'"\$ref":\s*"([^"]+)"', client.get("/api/v1/openapi.json").text))
    assert refs
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert isinstance(node, dict) and node


def test_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3
    assert "<script>" not in html and "onload=" not in html  # no inline script
    for url in assets:
        assert url.startswith("/static/"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.data) > 100, url
    spec_url = re.search(r'data-spec-url="([^"]+)"', html)[1]
    assert client.get(spec_url).get_json()["openapi"] == "3.1.0"
    init = client.get("/static/js/api-docs.js").get_data(as_text=True)
    assert "validatorUrl: null" in init and "http" not in init


def test_problem_types_are_described(client):
    document = client.get("/api/v1/problems/validation-failed").get_json()
    assert document["status"] == 422
    assert client.get("/api/v1/problems/nope").status_code == 404


def _media_example(media: dict):
    return next(iter(media.get("examples", {}).values()), {}).get("value")


def test_every_operation_has_an_example_request_and_response(client):
    document = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None and _media_example(body) is None:
                missing.append(f"{where}: request body")
            missing += [f"{where}: parameter {p['name']}" for p in op["parameters"]
                        if p["in"] == "path" and not p["schema"].get("examples")]
            for status, response in op["responses"].items():
                for media in response.get("content", {}).values():
                    if (status.startswith("2") or status == "422") and \
                            _media_example(media) is None:
                        missing.append(f"{where}: {status} response")
    assert missing == []


def test_every_list_pages_with_the_same_parameters_and_cursor(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    lists = {}
    for path, item in document["paths"].items():
        op = item.get("get")
        ok = op and op["responses"]["200"].get("content", {}).get("application/json")
        schema = schemas.get(ok["schema"]["$ref"].rsplit("/", 1)[-1], {}) if ok else {}
        if schema.get("properties", {}).get("data", {}).get("type") == "array":
            lists[path] = (op, schema)
    assert len(lists) >= 6, sorted(lists)
    for path, (op, schema) in lists.items():
        params = {p["name"]: p for p in op["parameters"] if p["in"] == "query"}
        assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200,
                                             "default": 50,
                                             "description": "Page size (at most 200)."}, path
        assert params["cursor"]["schema"]["anyOf"][0]["maxLength"] == 200, path
        assert "next_cursor" in schema["required"], path
        assert "Link" in op["responses"]["200"].get("headers", {}), path


def test_every_example_is_valid_for_its_model():
    models = {m for op in OPERATIONS
              for m in (op.body, *op.responses.values()) if m is not None}
    checked = 0
    for model in models:
        for example in model.model_json_schema().get("examples", []):
            model.model_validate_json(json.dumps(example))  # raises if the example is wrong
            checked += 1
    assert checked >= len(models)


def test_enumerated_filters_repeat_on_every_list(client):
    document = client.get("/api/v1/openapi.json").get_json()
    filters = [(path, p) for path, item in document["paths"].items() if "get" in item
               for p in item["get"]["parameters"]
               if p["in"] == "query" and p["name"] in ("status", "channel", "reason")]
    assert len(filters) >= 5
    for path, param in filters:
        assert param["schema"]["anyOf"][0]["type"] == "array", (path, param["name"])
