"""The generated Python client (clients/python) against the app on a real port: it sets up
a category, a contact and a template, sends, and the SMS simulator receives the message.
The committed client is what `make client` generates from today's OpenAPI document."""
import filecmp
import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.api import URL_PREFIX
from app.api.openapi import build_document

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
sys.path.insert(0, str(CLIENTS / "python"))

from herald_client import AuthenticatedClient  # noqa: E402
from herald_client.api.categories import put_category  # noqa: E402
from herald_client.api.contacts import put_contact  # noqa: E402
from herald_client.api.notifications import get_notification, send_notification  # noqa: E402
from herald_client.api.suppressions import add_suppression  # noqa: E402
from herald_client.api.templates import create_template, publish_template  # noqa: E402
from herald_client.models import (  # noqa: E402
    CategoryIn,
    ContactIn,
    NotificationIn,
    Problem,
    SuppressionIn,
    TemplateIn,
)

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture()
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture()
def herald(live_url, api_headers):
    token = api_headers["Authorization"].removeprefix("Bearer ")
    with AuthenticatedClient(base_url=live_url, token=token, raise_on_unexpected_status=True,
                             timeout=30) as client:
        yield client


def test_the_client_sends_a_notification_the_simulator_receives(herald, drain, sandbox):
    assert put_category.sync_detailed("orders", client=herald,
                                      body=CategoryIn(name="Orders")).status_code == 201
    contact = ContactIn.from_dict({"phone": "+14155550100", "attributes": {"name": "Ada"}})
    assert put_contact.sync_detailed("user-1", client=herald, body=contact).status_code == 201
    template = TemplateIn.from_dict({
        "key": "order-shipped", "name": "Order shipped", "category": "orders",
        "content": {"en": {"sms": {"text": "Hi {{ contact.attributes.name }}, order "
                                           "{{ data.order }} shipped"}}}})
    created = create_template.sync(client=herald, body=template)
    assert (created.key, created.draft_version) == ("order-shipped", 1)
    assert publish_template.sync("order-shipped", client=herald).status == "published"

    body = NotificationIn.from_dict({"recipients": ["user-1"], "category": "orders",
                                     "template": "order-shipped", "channels": ["sms"],
                                     "data": {"order": "A-1"}})
    accepted = send_notification.sync(client=herald, body=body, idempotency_key="order-A-1")
    [sent] = accepted.notifications
    drain()

    [received] = sandbox.received("twilio")
    assert received["payload"]["To"] == "+14155550100"
    assert received["payload"]["Body"] == "Hi Ada, order A-1 shipped"
    read = get_notification.sync(sent.id, client=herald)
    assert (read.status, read.provider) == ("sent", "twilio")


def test_refusals_come_back_as_problems(herald):
    refused = add_suppression.sync(client=herald, body=SuppressionIn.from_dict(
        {"channel": "sms", "address": "0612"}))
    assert isinstance(refused, Problem) and refused.status == 422
    assert [e.field for e in refused.errors] == ["/address"]
    missing = get_notification.sync(uuid.uuid4(), client=herald)
    assert isinstance(missing, Problem) and missing.status == 404


def test_the_committed_client_is_generated_from_todays_document(tmp_path):
    committed = json.loads((CLIENTS / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(build_document(URL_PREFIX))), \
        "the API changed: run `make client`"
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "openapi-python-client", "generate", "--path", CLIENTS / "openapi.json",
         "--output-path", tmp_path / "python", "--config", CLIENTS / "python-client.yaml",
         "--meta", "setup", "--fail-on-warning"],
        check=True, capture_output=True, timeout=300,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)})
    differ = _differences(filecmp.dircmp(CLIENTS / "python", tmp_path / "python",
                                         ignore=["__pycache__"]))
    assert differ == [], "clients/python is stale: run `make client`"


def _differences(cmp: filecmp.dircmp) -> list[str]:
    found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files, *cmp.funny_files]
    for sub in cmp.subdirs.values():
        found += _differences(sub)
    return found
