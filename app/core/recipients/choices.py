"""A recipient's own choices: what their preferences page shows, and the changes they make
there or by one-click unsubscribe.

Changes are the preference rows the send path reads (app.core.contacts.preferences), so
they apply to the very next send; they are stored with source `recipient` and audited as
the recipient's. Only what differs from the contact's effective choice is written: a
switch left at its category's default stays a default.
"""
from dataclasses import dataclass

from sqlalchemy import exists, select

from app.core.access.audit import Actor
from app.core.contacts.preferences import effective_preferences, update_preferences
from app.models import Category, Contact, Device
from app.models.contacts import CHANNELS

RECIPIENT = "recipient"


@dataclass(frozen=True)
class Row:
    """One category on the page: its switches, one per channel shown."""

    key: str
    name: str
    description: str
    critical: bool  # always delivered: shown on, not switchable
    marketing: bool
    channels: dict[str, bool]  # channel -> opted in

    def switch(self, channel: str) -> str:
        """The form value of this category's switch for a channel."""
        return f"{self.key}:{channel}"


@dataclass(frozen=True)
class Page:
    contact: Contact
    channels: list[str]
    rows: list[Row]

    @property
    def has_marketing(self) -> bool:
        return any(row.marketing and not row.critical for row in self.rows)


def recipient(contact_id: int, ip: str | None = None) -> Actor:
    """The actor of a change a recipient makes from a signed link."""
    return Actor(RECIPIENT, contact_id, None, ip)


def channels_of(session, contact: Contact) -> list[str]:
    """The channels the contact can be reached on (all of them if none yet)."""
    reachable = {"email": bool(contact.email), "sms": bool(contact.phone),
                 "push": session.scalar(select(exists().where(
                     Device.contact_id == contact.id, Device.active.is_(True))))}
    return [c for c in CHANNELS if reachable[c]] or list(CHANNELS)


def page(session, contact: Contact) -> Page:
    """Every category with the contact's effective choice per reachable channel."""
    effective = effective_preferences(session, contact.id)
    channels = channels_of(session, contact)
    rows = [
        Row(c.key, c.name, c.description, c.critical, c.marketing,
            {ch: c.critical or effective[c.key][ch] for ch in channels})
        for c in session.scalars(select(Category).order_by(Category.name, Category.key))
    ]
    return Page(contact, channels, rows)


def save(session, contact: Contact, switched_on: set[str], ip: str | None) -> int:
    """Apply the page's switches (the form values left on); return how many changed."""
    current = effective_preferences(session, contact.id)
    shown = page(session, contact)
    changes: dict[str, dict[str, bool]] = {}
    for row in shown.rows:
        for channel in shown.channels:
            wanted = row.switch(channel) in switched_on
            if not row.critical and wanted != current[row.key][channel]:
                changes.setdefault(row.key, {})[channel] = wanted
    return _apply(session, contact.id, changes, current, ip)


def unsubscribe_from_marketing(session, contact: Contact, ip: str | None) -> int:
    """Opt out of every marketing category on every channel; return how many changed."""
    current = effective_preferences(session, contact.id)
    keys = session.scalars(select(Category.key).where(
        Category.marketing.is_(True), Category.critical.is_(False)))
    changes = {key: {ch: False for ch in CHANNELS if current[key][ch]} for key in keys}
    return _apply(session, contact.id, {k: v for k, v in changes.items() if v}, current, ip)


def unsubscribe(session, contact_id: int, category_key: str, ip: str | None) -> int:
    """One-click: opt out of one category's email; return how many changed (0 or 1)."""
    current = effective_preferences(session, contact_id)
    if not current.get(category_key, {}).get("email"):
        return 0
    return _apply(session, contact_id, {category_key: {"email": False}}, current, ip)


def _apply(session, contact_id: int, changes: dict, current: dict, ip: str | None) -> int:
    if changes:
        update_preferences(session, contact_id, changes, RECIPIENT,
                           actor=recipient(contact_id, ip), current=current)
    return sum(len(channels) for channels in changes.values())
