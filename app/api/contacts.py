"""Contacts: upsert, partial update, read, list, erase, batch upsert."""

from app import redis_client
from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.contacts import (
    ContactBatchIn,
    ContactBatchOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ContactPath,
    ContactQuery,
    ContactSummary,
    DeviceOut,
)
from app.core.contacts import store as contacts
from app.core.contacts.preferences import effective_preferences
from app.core.tracking import erasure
from app.extensions import db

TAG = "Contacts"


def contact_out(external_id: str) -> ContactOut:
    """Return the contact with its devices and effective preferences."""
    contact = contacts.get_contact(db.session, external_id)
    return ContactOut(
        **ContactSummary.model_validate(contact).model_dump(),
        devices=[DeviceOut.model_validate(d) for d in sorted(contact.devices, key=lambda d: d.id)],
        preferences=effective_preferences(db.session, contact.id),
    )


@route("/contacts/<external_id>", "PUT", path=ContactPath, body=ContactIn, response=ContactOut,
       responses={201: ContactOut}, scope="manage", tag=TAG,
       summary="Create or replace a contact",
       description="Creates the contact (201) or replaces every field (200); fields left out "
                   "are cleared. Devices and preferences are kept.")
def put_contact(external_id: str, body: ContactIn):
    created = contacts.upsert_contacts(
        db.session, [{"external_id": external_id, **body.model_dump()}], actor=current_actor()
    )
    db.session.commit()
    return contact_out(external_id), 201 if created else 200


@route("/contacts/<external_id>", "PATCH", path=ContactPath, body=ContactPatch,
       response=ContactOut, scope="manage", tag=TAG, summary="Change some fields of a contact")
def patch_contact(external_id: str, body: ContactPatch):
    contacts.update_contact(db.session, external_id,
                            body.model_dump(include=body.model_fields_set), actor=current_actor())
    db.session.commit()
    return contact_out(external_id)


@route("/contacts/<external_id>", path=ContactPath, response=ContactOut, scope="manage",
       tag=TAG, summary="Read a contact, its devices and preferences")
def get_contact(external_id: str):
    return contact_out(external_id)


@route("/contacts/<external_id>", "DELETE", path=ContactPath, response=None, status=204,
       scope="manage", tag=TAG, summary="Erase a contact",
       description="Deletes the contact, its devices and preferences. Its notifications "
                   "stay in the log, anonymised: no contact, address or content.")
def delete_contact(external_id: str):
    cached = contacts.erase_contact(db.session, external_id, actor=current_actor())
    db.session.commit()
    erasure.drop_cached(redis_client(), cached)


@route("/contacts", query=ContactQuery, response=ContactPage, scope="manage", tag=TAG,
       summary="List contacts", description="Oldest first; filter by email, phone or tag.")
def list_contacts(query: ContactQuery):
    rows = contacts.list_contacts(
        db.session,
        after=decode_cursor("contact", query.cursor, int),
        limit=query.limit + 1,
        email=query.email,
        phone=query.phone,
        tag=query.tag,
    )
    page, cursor = paginate(rows, query.limit, "contact", lambda c: c.id)
    data = [ContactSummary.model_validate(c) for c in page]
    return ContactPage(data=data, next_cursor=cursor), 200, next_link(cursor)


@route("/contacts:batch", "POST", body=ContactBatchIn, response=ContactBatchOut,
       scope="manage", tag=TAG, summary="Create or replace up to 1,000 contacts",
       description="Same semantics as PUT for each contact, in one transaction.")
def batch_contacts(body: ContactBatchIn):
    items = [c.model_dump() for c in body.contacts]
    created = contacts.upsert_contacts(db.session, items, actor=current_actor())
    db.session.commit()
    ids = [c["external_id"] for c in items]
    return ContactBatchOut(created=[i for i in ids if i in created],
                           updated=[i for i in ids if i not in created])
