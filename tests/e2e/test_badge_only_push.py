"""A badge-only push (badge 0 clears it) goes out on every push service, over real HTTP."""
import pytest
from sqlalchemy import select

from app.models import Notification
from app.sandbox.webpush import subscription
from tests import factories
from tests.helpers.api import send
from tests.helpers.webpush import decrypt

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture()
def ada_everywhere(client, api_headers, sandbox, db):
    """Ada with an Android phone, an iPhone and a browser."""
    factories.category()
    ada = factories.contact()
    factories.device(ada, "android", "fcm-token-ada")
    factories.device(ada, "ios", factories.APNS_TOKEN)
    response = client.post("/api/v1/contacts/user-1/devices", headers=api_headers, json={
        "platform": "web", "subscription": subscription(sandbox.tls_url, "ada-badge")})
    assert response.status_code == 201, response.get_json()
    return ada


@pytest.mark.parametrize("badge", [0, 3])
def test_a_badge_only_push_reaches_fcm_apns_and_the_browser(client, api_headers, drain,
                                                            sandbox, db, ada_everywhere,
                                                            badge):
    sent = send(client, api_headers, channels=["push"], content={"push": {"badge": badge}})
    assert [n["status"] for n in sent] == ["queued"] * 3
    drain()
    assert [n.status for n in db.session.scalars(select(Notification))] == ["sent"] * 3

    [fcm] = sandbox.received("fcm")
    message = fcm["payload"]["message"]
    assert "notification" not in message  # nothing to show: a data message for the app
    assert message["data"]["badge"] == str(badge)

    [apns] = sandbox.received("apns")
    assert apns["payload"]["aps"] == {"badge": badge}  # no alert, no content-available
    assert (apns["headers"]["apns-push-type"], apns["headers"]["apns-priority"]) == \
        ("alert", "5")  # Apple: a badge is a user interaction, not a background push

    [web] = sandbox.received("webpush")
    assert decrypt(web, "ada-badge")["badge"] == badge


def test_apns_data_with_a_badge_also_wakes_the_app(client, api_headers, drain, sandbox, db,
                                                    ada_everywhere):
    send(client, api_headers, channels=["push"],
         content={"push": {"badge": 0, "data": {"inbox": "read"}}})
    drain()
    [apns] = sandbox.received("apns")
    assert apns["payload"]["aps"] == {"badge": 0, "content-available": 1}
    assert apns["payload"]["inbox"] == "read"
    assert apns["headers"]["apns-push-type"] == "alert"
