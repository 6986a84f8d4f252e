"""Events apps report: push opens, conversions and their own."""
from app import herald_config
from app.api.registry import route
from app.api.schemas.events import EventIn, EventOut
from app.core.tracking.app_events import AppEvent, record_app_event
from app.extensions import db
from app.models import Contact
from app.models.types import utcnow

TAG = "Events"


@route("/events", "POST", body=EventIn, response=EventOut, status=201,
       responses={200: EventOut}, scope="send", tag=TAG, summary="Report an event",
       description="A push notification opened in the app, a conversion (value and "
                   "currency) or an event of your own. Without `notification_id` it counts "
                   "for the contact's last notification sent within "
                   "HERALD_ATTRIBUTION_WINDOW_HOURS. Recorded once per `id`, and an open once "
                   "per notification: a repeat answers 200 with `duplicate: true`.")
def post_event(body: EventIn):
    event = AppEvent(kind=body.kind, at=body.at or utcnow(), event_id=body.id, name=body.name,
                     notification_id=body.notification_id, contact=body.contact,
                     value=body.value, currency=body.currency, data=body.data)
    row, duplicate = record_app_event(db.session, herald_config(), event)
    db.session.commit()
    contact = db.session.get(Contact, row.contact_id) if row.contact_id else None
    out = EventOut(id=row.id, kind=row.kind, name=(row.data or {}).get("name"),
                   notification_id=row.notification_id,
                   contact=contact.external_id if contact else None, value=row.value,
                   currency=row.currency, at=row.at, duplicate=duplicate)
    return out, 200 if duplicate else 201
