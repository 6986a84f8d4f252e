"""Fuzz every API operation from its OpenAPI document (schemathesis, in-process).

Each operation gets the document's examples, the coverage scenarios (boundaries, missing
and wrong-typed fields) and a fixed number of generated requests, valid and invalid, with a
key that has both scopes, against a database seeded so the happy paths are reachable.
Every response must be a non-5xx that the document declares (status, content type,
headers, body), and a rejected request must write nothing.

Derandomized, so a run is repeatable. For a deeper search, HERALD_FUZZ_EXAMPLES raises the
number of generated requests per operation and HERALD_FUZZ_SEED picks other ones.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

# Importing the resource modules declares their operations, as create_app does.
from app.api import (  # noqa: F401
    URL_PREFIX,
    campaigns,
    categories,
    contacts,
    devices,
    events,
    health,
    notifications,
    preferences,
    suppressions,
    templates,
)
from app.api.openapi import build_document
from app.api.schemas.campaigns import SPEC_EXAMPLE
from app.core.access.audit import SYSTEM
from app.core.campaigns import spec, store
from app.extensions import db as _db
from app.models import Segment
from tests import factories

EXAMPLES = int(os.environ.get("HERALD_FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("HERALD_FUZZ_SEED")  # set it to explore beyond the fixed examples
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.allow_header_conformance,
]


class SessionApp:
    """WSGI stand-in for the test session's app, which exists only once fixtures run."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


DOCUMENT = build_document(URL_PREFIX)
APP = SessionApp()
# A body over MAX_CONTENT_LENGTH is rejected unread, with the documented 413.
REJECTED = ["400", "401", "403", "404", "405", "409", "413", "414", "415", "422"]
schema = schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}))
schema.app = APP  # requests, and the checks' own probes (e.g. without the key), go to it


@pytest.fixture()
def seeded(app, seed):
    """A category, a template and the contact of the document's examples, with a device;
    the segment and the draft campaign (id 1) of the campaign examples."""
    seed(factories.category, "orders")
    seed(factories.template)
    with app.app_context():
        factories.device(factories.contact("user-42"))
        _db.session.add(Segment(name="Everyone", rules={"match": "all", "rules": []}))
        store.create_campaign(_db.session, spec.parse(SPEC_EXAMPLE), actor=SYSTEM)
        _db.session.commit()
        _db.session.remove()
    APP.app = app


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get(f"{URL_PREFIX}/openapi.json").get_json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=SEED is None, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@hypothesis_seed(int(SEED or 0))
def test_every_operation_conforms(case, auth, seeded, counts):
    before = counts()
    response = case.call_and_validate(headers=auth, checks=CHECKS)
    if response.status_code >= 400:
        assert counts() == before, f"{response.status_code} but rows were written"
