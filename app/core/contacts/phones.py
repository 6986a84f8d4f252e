"""Phone numbers: E.164 and validity exactly as phonenumbers decides them, faster.

Most numbers arrive as "+" and digits only. For them, phonenumbers.parse() spends most of
its time on steps that cannot change such a string (extracting the number from text,
extensions, letters, IDD prefixes), and is_valid_number() looks its metadata up again and
tries eight rare number types before the fixed-line and mobile ones most numbers are.
Here a "+digits" number takes parse()'s remaining steps with the library's own helpers,
and what a calling code's check needs (its metadata, national prefix, regions and their
patterns, commonest type first) is found once per code. Anything else, and every parse
error, goes through the library whole. Those helpers are the library's private ones (its
version is pinned): the tests compare every verdict with the library's own, so an upgrade
that changes them fails there.
"""

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import phonenumberutil as _util
from phonenumbers.phonemetadata import PhoneMetadata

_PLAIN_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{2,30})", re.ASCII)
_MIN_NSN, _MAX_NSN, _MAX_COUNTRY_CODE = 2, 17, 3
# Lengths after a national prefix is stripped at which parse() keeps the prefix on.
_UNSTRIPPABLE = (_util.ValidationResult.TOO_SHORT, _util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
                 _util.ValidationResult.INVALID_LENGTH)


def normalise_phone(value: str) -> str:
    """Return the number in E.164; raise ValueError unless it is a valid international one."""
    if not value.lstrip().startswith("+"):
        raise ValueError("give the number in international format, starting with +")
    code, national = _plain_international(value) or _parsed(value)
    if not _is_valid(code, national):
        raise ValueError("not a valid phone number")
    # phonenumbers' E.164 format: "+", the calling code, the national significant number.
    return f"+{code.digits}{national}"


@dataclass(frozen=True)
class _CallingCode:
    """What checking the numbers of one calling code needs, found once."""

    digits: str
    country_code: int
    metadata: PhoneMetadata  # the region parse() reads a national number for
    national_prefix: re.Pattern | None  # its national prefix, if it has one
    regions: tuple[str, ...]  # in phonenumbers' order, the main one first


def _parsed(value: str) -> tuple[_CallingCode | None, str]:
    """The calling code and national significant number phonenumbers.parse() finds."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    return _calling_code(str(number.country_code)), _util.national_significant_number(number)


def _plain_international(value: str) -> tuple[_CallingCode, str] | None:
    """What phonenumbers.parse(value, None) finds for a "+digits" value (as _parsed);
    None if the value is not of that form or parse() would raise."""
    match = _PLAIN_INTERNATIONAL.fullmatch(value)
    if match is None:
        return None
    digits = match[1]
    for size in range(1, _MAX_COUNTRY_CODE + 1):
        code = _calling_code(digits[:size])
        if code is not None:
            break
    else:
        return None
    national = digits[size:]
    if len(national) < _MIN_NSN:
        return None
    if code.national_prefix is not None and code.national_prefix.match(national):
        _, stripped, _ = _util._maybe_strip_national_prefix_carrier_code(national, code.metadata)
        if _util._test_number_length(stripped, code.metadata) not in _UNSTRIPPABLE:
            national = stripped
    if not _MIN_NSN <= len(national) <= _MAX_NSN:
        return None
    # Italian leading zeros are kept as they are: the national significant number is
    # these digits.
    return code, national


def _is_valid(code: _CallingCode | None, national: str) -> bool:
    """phonenumbers.is_valid_number() of the number, but once its type matched a region of
    its calling code (+1 in the US, +44 in GB), that match is the verdict: the library
    finds the region that way, then checks the same type again. A region with leading
    digits that match decides; one without is the verdict only if a type matches."""
    if code is None:
        return False
    alone = len(code.regions) == 1
    for region in code.regions:
        check = _region_check(code.country_code, region, alone)
        if check is None:
            continue
        leading, patterns, decisive = check
        if leading is not None and not leading.match(national):
            continue
        found = patterns is not None and _has_a_type(national, patterns)
        if found or decisive:
            return found
    return False


@cache  # at most 1,109 keys: 1 to 3 digits
def _calling_code(digits: str) -> _CallingCode | None:
    """The calling code written with these digits, or None if there is none."""
    country_code = int(digits)
    regions = _util.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if regions is None:
        return None
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, _util.region_code_for_country_code(country_code))
    prefix = metadata.national_prefix_for_parsing if metadata is not None else None
    return _CallingCode(digits, country_code, metadata,
                        _util.re_compile(prefix) if prefix else None, tuple(regions))


@cache  # a region's metadata is loaded when a number first reaches it (+1 has 25 regions)
def _region_check(country_code: int, region: str, alone: bool) -> tuple | None:
    """What is_valid_number() tries in one region of a calling code: (leading digits or
    None, patterns or None, decisive); None for a region without metadata. A code's only
    region decides alone (as is_valid_number_for_region); of several, a region with leading
    digits decides the numbers they match, and one without stands only on a matching type."""
    if alone:
        return None, _region_patterns(country_code, region), True
    metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None:
        return None
    if metadata.leading_digits is not None:
        return (_util.re_compile(metadata.leading_digits), _region_patterns(country_code, region),
                True)
    return None, _type_patterns(metadata), False


def _region_patterns(country_code: int, region: str) -> tuple | None:
    """A region's patterns as is_valid_number_for_region() uses them; None if it would
    refuse every number of the code there."""
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region.upper())
    if metadata is None or (region != _util.REGION_CODE_FOR_NON_GEO_ENTITY and
                            country_code != _util.country_code_for_valid_region(region)):
        return None
    return _type_patterns(metadata)


def _type_patterns(metadata: PhoneMetadata) -> tuple:
    """A region's general pattern, and its number types as _number_type_helper() tests
    them but commonest first: fixed line, then mobile (which it skips when the two share a
    pattern), then the rare ones."""
    mobile = () if metadata.same_mobile_and_fixed_line_pattern else (metadata.mobile,)
    types = (metadata.fixed_line, *mobile, metadata.premium_rate, metadata.toll_free,
             metadata.shared_cost, metadata.voip, metadata.personal_number,
             metadata.pager, metadata.uan, metadata.voicemail)
    # A type without a pattern matches nothing: left out.
    return _patterns(metadata.general_desc), tuple(filter(None, map(_patterns, types)))


def _has_a_type(national: str, patterns: tuple) -> bool:
    """True where phonenumbers' _number_type_helper(national, metadata) finds a type (not
    UNKNOWN). Validity only asks whether one matches, so the tests stop at the first."""
    general, types = patterns
    if not _matches(national, general):
        return False
    size = len(national)
    for lengths, pattern in types:  # _matches(), inline: most numbers take this loop
        if (not lengths or size in lengths) and pattern.fullmatch(national) is not None:
            return True
    return False


def _matches(national: str, desc: tuple | None) -> bool:
    """phonenumbers' _is_number_matching_desc() on a desc made by _patterns()."""
    if desc is None:
        return False
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def _patterns(desc) -> tuple | None:
    """(possible lengths, compiled pattern) of a PhoneNumberDesc; None for none, or for one
    without a pattern (phonenumbers' matching refuses every number there)."""
    if desc is None or not desc.national_number_pattern:
        return None
    return tuple(desc.possible_length), _util.re_compile(desc.national_number_pattern)
