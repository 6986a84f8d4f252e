"""A contact's preferences per category and channel."""

from app.api.registry import current_actor, route
from app.api.schemas.contacts import ContactPath, PreferencesIn, PreferencesOut
from app.core.contacts.preferences import effective_preferences, update_preferences
from app.core.contacts.store import get_contact
from app.extensions import db

TAG = "Preferences"


@route("/contacts/<external_id>/preferences", path=ContactPath, response=PreferencesOut,
       scope="manage", tag=TAG, summary="Read a contact's preferences",
       description="The effective choice for every category and channel: the contact's own, "
                   "else the category's default. Critical categories are sent regardless.")
def get_preferences(external_id: str):
    contact = get_contact(db.session, external_id)
    return PreferencesOut(categories=effective_preferences(db.session, contact.id))


@route("/contacts/<external_id>/preferences", "PUT", path=ContactPath, body=PreferencesIn,
       response=PreferencesOut, scope="manage", tag=TAG,
       summary="Set a contact's preferences",
       description="Stores the given choices; categories and channels left out (or null) "
                   "are unchanged. Returns the effective preferences.")
def put_preferences(external_id: str, body: PreferencesIn):
    contact = get_contact(db.session, external_id)
    choices = {
        key: channels.model_dump(exclude_none=True) for key, channels in body.categories.items()
    }
    update_preferences(db.session, contact.id, choices, source="api", actor=current_actor())
    db.session.commit()
    return PreferencesOut(categories=effective_preferences(db.session, contact.id))
