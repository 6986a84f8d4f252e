"""Device registration in core: the web-push allow-list holds for every caller."""
import pytest
from sqlalchemy import func, select

from app.core.access.audit import SYSTEM
from app.core.contacts import devices
from app.models import Device
from tests import factories

KEYS = {"p256dh": "unchecked-here", "auth": "unchecked-here"}


def test_a_subscription_to_an_unknown_push_service_is_refused(app, db):
    contact = factories.contact()
    endpoint = "https://10.0.0.5/push/abc"
    with pytest.raises(devices.PushServiceNotAllowed) as refused:
        devices.register_device(db.session, contact, "web", endpoint,
                                {"endpoint": endpoint, "keys": KEYS},
                                config=app.extensions["herald_config"], actor=SYSTEM)
    assert "IP addresses are refused" in refused.value.reason
    assert refused.value.status == 422
    assert db.session.scalar(select(func.count()).select_from(Device)) == 0


def test_a_known_push_service_is_registered(app, db):
    contact = factories.contact()
    endpoint = "https://fcm.googleapis.com/fcm/send/abc123"
    device, created = devices.register_device(db.session, contact, "web", endpoint,
                                              {"endpoint": endpoint, "keys": KEYS},
                                              config=app.extensions["herald_config"], actor=SYSTEM)
    assert created and device.provider == "webpush" and device.token == endpoint
