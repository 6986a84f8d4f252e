"""Push devices of a contact: register (idempotent) and unregister."""

from app import herald_config
from app.api.registry import current_actor, route
from app.api.schemas.contacts import ContactPath, DeviceIn, DeviceOut, DevicePath, VapidKeyOut
from app.channels.push.vapid import vapid_public_key
from app.core.contacts import devices
from app.core.contacts.store import get_contact
from app.errors import ValidationFailed
from app.extensions import db

TAG = "Devices"


@route("/contacts/<external_id>/devices", "POST", path=ContactPath, body=DeviceIn,
       response=DeviceOut, status=201, responses={200: DeviceOut}, scope="manage", tag=TAG,
       summary="Register a device",
       description="Idempotent: a known token (or web-push endpoint) is reactivated and moved "
                   "to this contact (200); a new one is created (201).")
def register_device(external_id: str, body: DeviceIn):
    contact = get_contact(db.session, external_id)
    subscription = body.subscription.model_dump() if body.subscription else None
    token = body.subscription.endpoint if body.subscription else body.token
    try:
        device, created = devices.register_device(
            db.session, contact, body.platform, token, subscription, config=herald_config(),
            actor=current_actor(), provider=body.provider,
        )
    except devices.PushServiceNotAllowed as exc:
        raise ValidationFailed(exc.detail, [{"field": "/subscription/endpoint",
                                             "message": exc.reason}]) from exc
    out = DeviceOut.model_validate(device)
    db.session.commit()
    return out, 201 if created else 200


@route("/contacts/<external_id>/devices/<path:device>", "DELETE", path=DevicePath,
       response=None, status=204, scope="manage", tag=TAG, summary="Unregister a device",
       description="`device` is the device id or its token (web: the endpoint). The device "
                   "stops receiving pushes; repeating the call is harmless.")
def unregister_device(external_id: str, device: str):
    contact = get_contact(db.session, external_id)
    devices.unregister_device(db.session, contact, device, actor=current_actor())
    db.session.commit()


@route("/webpush/vapid-public-key", response=VapidKeyOut, scope=("send", "manage"), tag=TAG,
       summary="Read the web push application server key",
       description="Browsers subscribe with it: `pushManager.subscribe({userVisibleOnly: true, "
                   "applicationServerKey})`; register the resulting subscription as a `web` "
                   "device. Pushes are signed with its private half (VAPID).")
def get_vapid_public_key():
    return VapidKeyOut(public_key=vapid_public_key(herald_config()))
