"""Contact field rules, the one set the API schemas, the console and CSV imports all apply.

Each rule returns the stored form of a value or raises ValueError with the message every
surface shows; check_field() adds the length cut-off (before parsing, so a huge value
stays cheap).
"""

import json
import re
from functools import lru_cache
from zoneinfo import available_timezones

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from phonenumbers import phonenumberutil as _util
from phonenumbers.phonemetadata import PhoneMetadata

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
        number = _parse_plain_international(value) or phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not _is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Most numbers arrive as "+" and digits only. For them, phonenumbers.parse() spends most
# of its time (two thirds of a check) on steps that cannot change such a string (extracting
# the number from text, extensions, letters, IDD prefixes); this takes its remaining steps
# in its own order, with its own helpers. Anything else, and every error, goes through it whole.
# Those helpers are the library's private ones (its version is pinned): the tests compare
# every verdict with the library's own, so an upgrade that changes them fails there.
_PLAIN_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{2,30})", re.ASCII)
_MIN_NSN, _MAX_NSN, _MAX_COUNTRY_CODE = 2, 17, 3
# Lengths after a national prefix is stripped at which parse() keeps the prefix on.
_UNSTRIPPABLE = (_util.ValidationResult.TOO_SHORT, _util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
                 _util.ValidationResult.INVALID_LENGTH)


def _parse_plain_international(value: str) -> phonenumbers.PhoneNumber | None:
    """What phonenumbers.parse(value, None) returns for a "+digits" value; None if the
    value is not of that form or parse() would raise."""
    match = _PLAIN_INTERNATIONAL.fullmatch(value)
    if match is None:
        return None
    digits = match[1]
    for size in range(1, _MAX_COUNTRY_CODE + 1):
        country_code = int(digits[:size])
        if country_code in _util.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    if len(national) < _MIN_NSN:
        return None
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, _util.region_code_for_country_code(country_code))
    _, stripped, _ = _util._maybe_strip_national_prefix_carrier_code(national, metadata)
    if _util._test_number_length(stripped, metadata) not in _UNSTRIPPABLE:
        national = stripped
    if not _MIN_NSN <= len(national) <= _MAX_NSN:
        return None
    number = phonenumbers.PhoneNumber(country_code=country_code)
    _util._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


def _is_valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """phonenumbers.is_valid_number(number), in its own steps, but once a number's type
    matched a region of its calling code (+1 in the US, +44 in GB) that match is taken as
    the verdict: the library finds the region that way, then checks the same type again."""
    regions = _util.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code, ())
    if len(regions) < 2:
        return bool(regions) and _is_valid_for_region(number, regions[0])
    national = _util.national_significant_number(number)
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if _util.re_compile(metadata.leading_digits).match(national):
                return _is_valid_for_region(number, region)
        elif _has_a_type(national, metadata):
            return True
    return False


def _is_valid_for_region(number: phonenumbers.PhoneNumber, region: str) -> bool:
    """phonenumbers.is_valid_number_for_region(number, region), its type found by
    _has_a_type."""
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(number.country_code,
                                                                 region.upper())
    if metadata is None or (region != _util.REGION_CODE_FOR_NON_GEO_ENTITY and
                            number.country_code != _util.country_code_for_valid_region(region)):
        return False
    return _has_a_type(_util.national_significant_number(number), metadata)


def _has_a_type(national: str, metadata: PhoneMetadata) -> bool:
    """True where phonenumbers' _number_type_helper(national, metadata) finds a type (not
    UNKNOWN). That helper tries eight rare types before the fixed-line and mobile ones
    most numbers are; validity only asks whether one matches, so the same tests run here
    commonest first and stop at the first match."""
    general, types = _region_patterns(metadata)
    return _matches(national, general) and any(_matches(national, desc) for desc in types)


def _matches(national: str, desc: tuple | None) -> bool:
    """phonenumbers' _is_number_matching_desc() on a desc made by _patterns()."""
    if desc is None:
        return False
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern is not None and \
        pattern.fullmatch(national) is not None


_REGION_PATTERNS: dict[int, tuple] = {}  # id(metadata) -> (metadata, general, types)


def _region_patterns(metadata: PhoneMetadata) -> tuple:
    """A region's general pattern, and its number types as _number_type_helper() tests
    them but commonest first: fixed line, then mobile (which it skips when the two share a
    pattern), then the rare ones."""
    found = _REGION_PATTERNS.get(id(metadata))
    if found is None:
        mobile = () if metadata.same_mobile_and_fixed_line_pattern else (metadata.mobile,)
        types = (metadata.fixed_line, *mobile, metadata.premium_rate, metadata.toll_free,
                 metadata.shared_cost, metadata.voip, metadata.personal_number,
                 metadata.pager, metadata.uan, metadata.voicemail)
        # The metadata is kept in the entry so its id stays its own.
        found = _REGION_PATTERNS[id(metadata)] = (
            metadata, _patterns(metadata.general_desc), tuple(map(_patterns, types)))
    return found[1:]


def _patterns(desc) -> tuple | None:
    """(possible lengths, compiled pattern or None) of a PhoneNumberDesc, None for none."""
    if desc is None:
        return None
    pattern = desc.national_number_pattern
    return tuple(desc.possible_length), _util.re_compile(pattern) if pattern else None


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


_COMPACT = json.JSONEncoder(separators=(",", ":"))  # made once: see json_numbers


def check_attributes(value: dict) -> dict:
    """Return the attributes unchanged; raise ValueError if there are too many or too big."""
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    if any(len(key) > MAX_ATTRIBUTE_NAME for key in value):
        raise ValueError(f"attribute names are at most {MAX_ATTRIBUTE_NAME} characters")
    if len(_COMPACT.encode(value)) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes take at most {MAX_ATTRIBUTES_BYTES} bytes as JSON")
    return value


# Longest accepted value of each text field, checked before parsing.
MAX_LENGTH = {"email": 320, "phone": 32, "locale": 35, "timezone": 64}
_NORMALISE = {"email": normalise_email, "phone": normalise_phone,
              "locale": normalise_locale, "timezone": check_timezone}


def check_field(name: str, value: str) -> str:
    """Return the stored form of a contact text field (email, phone, locale, timezone)."""
    if len(value) > MAX_LENGTH[name]:
        raise ValueError(f"longer than {MAX_LENGTH[name]} characters")
    return _NORMALISE[name](value)
