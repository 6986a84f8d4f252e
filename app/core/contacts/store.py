"""Contacts: field normalisation, set-based upsert, partial update, listing, erasure."""

import json
import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, exists, func, null, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB

from app.core.db import upsert
from app.errors import NotFound
from app.models import Contact, Notification, NotificationStatus
from app.models.types import utcnow

# The fields a PUT replaces (a PATCH replaces only the ones it names).
CONTACT_FIELDS = ("email", "phone", "locale", "timezone", "attributes", "tags")
# Shared input rules (API schemas, console forms and CSV imports all use these).
EXTERNAL_ID_PATTERN = r"^[^\s/]{1,255}$"
TAG_PATTERN = r"^[A-Za-z0-9_.:\-]{1,64}$"
MAX_TAGS = 50
MAX_ATTRIBUTES = 100
MAX_ATTRIBUTE_NAME = 64
MAX_ATTRIBUTES_BYTES = 16 * 1024
_EXTERNAL_ID = re.compile(EXTERNAL_ID_PATTERN)
_TAG = re.compile(TAG_PATTERN)
# language[-Script][-REGION][-variant...]: the subset of BCP 47 message catalogues use.
_LOCALE = re.compile(
    r"^(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)$",
    re.IGNORECASE,
)


def normalise_phone(value: str) -> str:
    """Return the number in E.164; raise ValueError unless it is a valid international one."""
    if not value.lstrip().startswith("+"):
        raise ValueError("give the number in international format, starting with +")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    """Return the normalised address; raise ValueError if it is not one (no DNS lookup)."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: str) -> str:
    """Return an IANA timezone name unchanged; raise ValueError if it is unknown."""
    if value not in _timezones():
        raise ValueError("not an IANA timezone name (like Europe/Paris)")
    return value


def normalise_locale(value: str) -> str:
    """Return a BCP 47 tag in canonical case (zh-Hant-TW); "en_US" is read as en-US."""
    match = _LOCALE.match(value.replace("_", "-"))
    if not match:
        raise ValueError("not a BCP 47 language tag (like en, en-GB, zh-Hant-TW)")
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts += [v.lower() for v in match["variants"].split("-") if v]
    return "-".join(parts)


def check_external_id(value: str) -> str:
    """Return the id unchanged; raise ValueError unless it is 1-255 characters, no spaces or /."""
    if not _EXTERNAL_ID.match(value):
        raise ValueError("1 to 255 characters, without spaces or slashes")
    return value


def check_tag(value: str) -> str:
    """Return the tag unchanged; raise ValueError unless it is 1-64 of A-Z a-z 0-9 _ . : -."""
    if not _TAG.match(value):
        raise ValueError(f"tag {value[:70]!r}: use 1 to 64 letters, digits, _ . : -")
    return value


def check_tags(values: list[str]) -> list[str]:
    """Return the tags without repeats, in order; raise ValueError if one is bad or too many."""
    unique = list(dict.fromkeys(check_tag(v) for v in values))
    if len(unique) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return unique


def check_attributes(value: dict) -> dict:
    """Return the attributes unchanged; raise ValueError if there are too many or too big."""
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    if any(len(key) > MAX_ATTRIBUTE_NAME for key in value):
        raise ValueError(f"attribute names are at most {MAX_ATTRIBUTE_NAME} characters")
    if len(json.dumps(value, separators=(",", ":"))) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes take at most {MAX_ATTRIBUTES_BYTES} bytes as JSON")
    return value


def upsert_contacts(session, contacts: list[dict], now: datetime | None = None) -> set[str]:
    """Create or fully replace contacts by external_id; return the ids that were created.

    One INSERT ... ON CONFLICT DO UPDATE for the whole list; external ids must be unique.
    """
    if not contacts:
        return set()
    now = now or utcnow()
    ids = [c["external_id"] for c in contacts]
    existing = set(session.scalars(select(Contact.external_id).where(Contact.external_id.in_(ids))))
    rows = [
        {
            "external_id": c["external_id"],
            "email": c.get("email"),
            "phone": c.get("phone"),
            "locale": c.get("locale"),
            "timezone": c.get("timezone"),
            "attributes": c.get("attributes") or {},
            "tags": c.get("tags") or [],
            "created_at": now,
            "updated_at": now,
        }
        for c in contacts
    ]
    upsert(session, Contact, rows, ["external_id"], [*CONTACT_FIELDS, "updated_at"])
    return set(ids) - existing


def get_contact(session, external_id: str) -> Contact:
    """Return the contact, fresh from the database; raise NotFound if there is none."""
    contact = session.scalar(
        select(Contact)
        .where(Contact.external_id == external_id)
        .execution_options(populate_existing=True)
    )
    if contact is None:
        raise NotFound(f"No contact with external id {external_id!r}")
    return contact


def update_contact(session, external_id: str, changes: dict) -> Contact:
    """Change only the given fields; in `attributes`, a null value removes that key, and
    `attributes` or `tags` themselves null clear them all."""
    contact = get_contact(session, external_id)
    for name, value in changes.items():
        if name == "attributes":
            merged = {**(contact.attributes or {}), **value} if value is not None else {}
            value = {k: v for k, v in merged.items() if v is not None}
        setattr(contact, name, [] if name == "tags" and value is None else value)
    contact.updated_at = utcnow()
    session.flush()
    return contact


def erase_contact(session, external_id: str) -> None:
    """Delete a contact's personal data: the row, devices and preferences (by FK cascade),
    and the addresses and content of its notifications, which stay as anonymous rows."""
    contact_id = session.scalar(select(Contact.id).where(Contact.external_id == external_id))
    if contact_id is None:
        raise NotFound(f"No contact with external id {external_id!r}")
    # Provider error messages can quote the number or address, so they go too, from the
    # row and from its status history.
    theirs = select(Notification.id).where(Notification.contact_id == contact_id)
    session.execute(
        update(NotificationStatus)
        .where(NotificationStatus.notification_id.in_(theirs),
               NotificationStatus.error_code.is_not(None))
        .values(detail=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Notification)
        .where(Notification.contact_id == contact_id)
        .values(address=None, content=null(), error_message=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Contact).where(Contact.id == contact_id).execution_options(synchronize_session=False)
    )


def list_contacts(
    session,
    *,
    after: int | None = None,
    limit: int = 50,
    email: str | None = None,
    phone: str | None = None,
    tag: str | None = None,
) -> list[Contact]:
    """Return up to `limit` contacts with id > after, oldest first (keyset pagination)."""
    query = select(Contact).order_by(Contact.id).limit(limit)
    if after is not None:
        query = query.where(Contact.id > after)
    if email:
        query = query.where(Contact.email == email)
    if phone:
        query = query.where(Contact.phone == phone)
    if tag:
        query = query.where(_has_tag(session, tag))
    return list(session.scalars(query))


def _has_tag(session, tag: str):
    if session.get_bind().dialect.name == "postgresql":
        return type_coerce(Contact.tags, JSONB).contains([tag])
    each = func.json_each(Contact.tags).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == tag))
