"""The signed links a recipient gets: their preferences page (/p/<token>) and one-click
unsubscribe from one category (/u/<token>). A token names the contact (and category), is
signed for its purpose only, and never expires: a link in an old email keeps working.
"""
from dataclasses import dataclass

from app.core.tracking.signing import sign, unsign

PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    """What a genuine one-click token names."""

    contact_id: int
    category: str


def preferences_token(config, contact_id: int) -> str:
    return sign(config, PREFERENCES, {"c": contact_id})


def unsubscribe_token(config, contact_id: int, category: str) -> str:
    return sign(config, UNSUBSCRIBE, {"c": contact_id, "k": category})


def preferences_url(config, contact_id: int) -> str:
    return f"{config.BASE_URL.rstrip('/')}/p/{preferences_token(config, contact_id)}"


def unsubscribe_url(config, contact_id: int, category: str) -> str:
    return f"{config.BASE_URL.rstrip('/')}/u/{unsubscribe_token(config, contact_id, category)}"


def read_preferences_token(config, token: str) -> int | None:
    """The contact id of a genuine preferences token, else None."""
    payload = unsign(config, PREFERENCES, token)
    contact_id = payload.get("c") if isinstance(payload, dict) else None
    return contact_id if type(contact_id) is int else None


def read_unsubscribe_token(config, token: str) -> Unsubscribe | None:
    """What a genuine one-click token names, else None."""
    payload = unsign(config, UNSUBSCRIBE, token)
    if not isinstance(payload, dict):
        return None
    contact_id, category = payload.get("c"), payload.get("k")
    if type(contact_id) is not int or not isinstance(category, str):
        return None
    return Unsubscribe(contact_id, category)
