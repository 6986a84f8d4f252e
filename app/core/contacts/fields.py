"""Contact field rules, the one set the API schemas, the console and CSV imports all apply.

Each rule returns the stored form of a value or raises ValueError with the message every
surface shows; check_field() adds the length cut-off (before parsing, so a huge value
stays cheap).
"""

import math
import re
from functools import lru_cache
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from app import json_numbers
from app.core.contacts.phones import normalise_phone

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


# Most addresses are plain ASCII: a dot-atom local part, checked here, at a domain that
# email_validator checked once. Anything else goes through it whole, as does every error.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*", re.ASCII)
_MAX_EMAIL, _MAX_LOCAL = 254, 64


def normalise_email(value: str) -> str:
    """Return the normalised address; raise ValueError if it is not one (no DNS lookup)."""
    local, at, domain = value.rpartition("@")
    if (at and len(value) <= _MAX_EMAIL and len(local) <= _MAX_LOCAL
            and _PLAIN_LOCAL.fullmatch(local)
            and local.lower() not in CASE_INSENSITIVE_MAILBOX_NAMES):
        plain = _plain_domain(domain)
        if plain is not None:
            return f"{local}@{plain}"
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


@lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> str | None:
    """The domain as email_validator normalises it, if that only lowers its case (an
    ASCII name, not IDNA); else None."""
    if not domain.isascii():
        return None
    try:
        checked = validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    lowered = domain.lower()
    return lowered if checked.domain == checked.ascii_domain == lowered else None


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
    if not _EXTERNAL_ID.fullmatch(value):
        raise ValueError("1 to 255 characters, without spaces or slashes")
    return value


def check_tag(value: str) -> str:
    """Return the tag unchanged; raise ValueError unless it is 1-64 of A-Z a-z 0-9 _ . : -."""
    if not _TAG.fullmatch(value):
        raise ValueError(f"tag {value[:70]!r}: use 1 to 64 letters, digits, _ . : -")
    return value


def check_tags(values: list[str]) -> list[str]:
    """Return the tags without repeats, in order; raise ValueError if one is bad or too many."""
    unique = list(dict.fromkeys(check_tag(v) for v in values))
    if len(unique) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return unique


_COMPACT = json_numbers.encoder(separators=(",", ":"), allow_nan=True)


def check_attributes(value: dict) -> dict:
    """Return the attributes unchanged; raise ValueError if there are too many or too big."""
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    for key in value:
        if len(key) > MAX_ATTRIBUTE_NAME:
            raise ValueError(f"attribute names are at most {MAX_ATTRIBUTE_NAME} characters")
    if (json_size_bound(value) > MAX_ATTRIBUTES_BYTES
            and len(_COMPACT(value)) > MAX_ATTRIBUTES_BYTES):
        raise ValueError(f"attributes take at most {MAX_ATTRIBUTES_BYTES} bytes as JSON")
    return value


# Most characters the compact encoder writes for a value of these types: a float's repr
# ("-2.2250738585072014e-308", "-Infinity"), "false", "null".
_SCALAR_BOUND = {float: 24, bool: 5, type(None): 4}
_INT_BELOW = 10 ** 20  # up to a sign and 20 digits


def json_size_bound(value: dict) -> float:
    """A length the attributes' compact JSON cannot exceed, found without encoding them
    (an import checks the size of each row's few short values); infinite where a key or
    value is not a string, a number below 10**20, true/false or null."""
    size = 2  # the braces
    for key, item in value.items():
        if type(key) is not str:
            return math.inf
        # A character is at most 6 when ASCII ("\u001f"), else 12 (a surrogate pair); the
        # key's quotes, a string value's, the ":" and the "," are 6 more.
        size += len(key) * (6 if key.isascii() else 12) + 6
        kind = type(item)
        if kind is str:
            size += len(item) * (6 if item.isascii() else 12)
        elif kind is int and -_INT_BELOW < item < _INT_BELOW:
            size += 21
        elif kind in _SCALAR_BOUND:
            size += _SCALAR_BOUND[kind]
        else:
            return math.inf
    return size


# Longest accepted value of each text field, checked before parsing.
MAX_LENGTH = {"email": 320, "phone": 32, "locale": 35, "timezone": 64}
_NORMALISE = {"email": normalise_email, "phone": normalise_phone,
              "locale": normalise_locale, "timezone": check_timezone}


def check_field(name: str, value: str) -> str:
    """Return the stored form of a contact text field (email, phone, locale, timezone)."""
    if len(value) > MAX_LENGTH[name]:
        raise ValueError(f"longer than {MAX_LENGTH[name]} characters")
    return _NORMALISE[name](value)
