"""Contact field normalisation: E.164, email, locale, timezone, device tokens."""
import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from app import json_numbers
from app.core.contacts.devices import check_subscription, normalise_token
from app.core.contacts.fields import (
    MAX_ATTRIBUTES_BYTES,
    check_attributes,
    check_timezone,
    json_size_bound,
    normalise_email,
    normalise_locale,
    normalise_phone,
)


@pytest.mark.parametrize("given, stored", [
    ("+14155550100", "+14155550100"),
    ("+1 (415) 555-0100", "+14155550100"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_phone_is_stored_in_e164(given, stored):
    assert normalise_phone(given) == stored


@pytest.mark.parametrize("bad", ["4155550100", "+1 555", "+999 123", "+1415555010000000", "+"])
def test_bad_phone_numbers(bad):
    with pytest.raises(ValueError):
        normalise_phone(bad)


def _library_phone(value: str) -> str:
    """What phonenumbers itself makes of an international number, or which error."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return "error: not a phone number"
    if not phonenumbers.is_valid_number(number):
        return "error: not a valid phone number"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalised_phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError as exc:
        return f"error: {exc}"


# Real country codes and the first digits of real numbers (national prefixes, Italian
# leading zeros, Argentina's and Mexico's mobile digits), then any digits.
PHONE_STARTS = st.sampled_from([
    "1", "11", "1415", "1613", "1876", "44", "440", "4420", "447", "39", "3906", "39006", "390",
    "549", "5491", "521", "52", "7", "79", "86", "861", "0", "999", "800", "882", "888", "979",
    "262", "358", "61", "6114"])


@given(PHONE_STARTS, st.text("0123456789", max_size=16))
@settings(max_examples=3000, deadline=None)
def test_phone_checked_as_phonenumbers_checks_it(start, digits):
    value = f"+{start}{digits}"
    assert _normalised_phone(value) == _library_phone(value)


@pytest.mark.parametrize("value", [
    "+114155550100", "+390612345678", "+3900612345678", "+5491123456789", "+541123456789",
    "+5215512345678", "+525512345678", "+79123456789", "+12", "+123", "+1415555010000000000",
    "+0123456789", "+99912345678", "+80012345678", "+88213456789", "+44 20 7946 0958",
    "+44(20)79460958", "+١٤١٥٥٥٥٠١٠٠", "+1415555010 ext. 12", "+1-800-FLOWERS",
])
def test_phone_edge_cases_as_phonenumbers(value):
    assert _normalised_phone(value) == _library_phone(value)


def test_every_region_of_a_shared_calling_code_has_that_code():
    # What lets a number's type match in a region of its code stand as its validity.
    shared = {code: regions for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
              if len(regions) > 1}
    assert 1 in shared and 44 in shared
    for code, regions in shared.items():
        for region in regions:
            assert phonenumbers.country_code_for_valid_region(region) == code, region


def test_email():
    assert normalise_email("Ada@EXAMPLE.com") == "Ada@example.com"
    for bad in ("ada", "ada@", "@example.com", "ada@exa mple.com"):
        with pytest.raises(ValueError):
            normalise_email(bad)


def _validated(value: str) -> str:
    """What email_validator itself makes of an address, or its error."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return f"error: {exc}"


def _normalised(value: str) -> str:
    try:
        return normalise_email(value)
    except ValueError as exc:
        return f"error: {exc}"


EMAIL_PARTS = st.sampled_from(["a", "Z", "9", ".", "..", "@", "-", "_", "+", "%", "!", " ",
                               "é", "xn--", "com", "EXAMPLE", "[1.2.3.4]", "<", '"',
                               "postmaster", "Info", "localhost", "test", "x" * 64, "\u0301"])


@given(st.lists(EMAIL_PARTS, min_size=1, max_size=12).map("".join))
@settings(max_examples=2000, deadline=None)
def test_email_checked_as_email_validator_checks_it(value):
    assert _normalised(value) == _validated(value)


@pytest.mark.parametrize("value", [
    "ada.lovelace+news@Example.COM", "POSTMASTER@example.com", "ada@xn--bcher-kva.example",
    "ada@EXAMPLE", "ada@localhost", "ada..b@example.com", f"{'a' * 65}@example.com",
    f"ada@{'a' * 63}.{'b' * 63}.{'c' * 63}.{'d' * 60}.com", "ada@-example.com", "ada@example.123",
])
def test_email_edge_cases_as_email_validator(value):
    assert _normalised(value) == _validated(value)


COMPACT = json_numbers.encoder(separators=(",", ":"), allow_nan=True)  # the size rule's
ATTRIBUTE_VALUES = st.one_of(
    st.text(), st.text(st.characters(max_codepoint=0x7f)),
    st.integers(), st.floats(), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers()),
)


@given(st.dictionaries(st.text(max_size=70), ATTRIBUTE_VALUES, max_size=8))
@settings(max_examples=3000, deadline=None)
def test_the_attributes_json_size_bound_is_never_below_their_json(value):
    assert json_size_bound(value) >= len(COMPACT(value))


@pytest.mark.parametrize("value", [
    {"s": "\x00" * 5, "e": "\U0001f600" * 5, "\x1f": "\u00e9", "n": -(10 ** 20 - 1)},
    {"f": -2.2250738585072014e-308, "i": float("-inf"), "b": False, "z": None},
])
def test_the_json_size_bound_holds_at_each_value_s_longest(value):
    assert json_size_bound(value) >= len(COMPACT(value))


@pytest.mark.parametrize("value, taken", [
    ({"note": "x" * (MAX_ATTRIBUTES_BYTES - 11)}, True),  # {"note":"…"}: 16,384 bytes
    ({"note": "x" * (MAX_ATTRIBUTES_BYTES - 10)}, False),
    ({"note": "\u00e9" * 2728}, True),  # 6 bytes each as JSON: 16,379
    ({"note": "\u00e9" * 2729}, False),
    # Past the bound's integers: encoded to be measured ({"n":…,"note":"…"}: 4,017 + k).
    ({"n": 10 ** 4000, "note": "x" * 12367}, True),
    ({"n": 10 ** 4000, "note": "x" * 12368}, False),
])
def test_the_attributes_size_rule_measures_their_json(value, taken):
    if taken:
        assert check_attributes(value) is value
    else:
        with pytest.raises(ValueError, match="at most 16384 bytes as JSON"):
            check_attributes(value)


@pytest.mark.parametrize("given, stored", [
    ("en", "en"), ("EN-gb", "en-GB"), ("en_US", "en-US"), ("zh-hant-tw", "zh-Hant-TW"),
    ("es-419", "es-419"), ("de-CH-1996", "de-CH-1996"),
])
def test_locale_is_canonical_bcp47(given, stored):
    assert normalise_locale(given) == stored


@pytest.mark.parametrize("bad", ["english", "e", "en-", "en--US", "12", "en-US-x"])
def test_bad_locales(bad):
    with pytest.raises(ValueError):
        normalise_locale(bad)


def test_timezone():
    assert check_timezone("America/New_York") == "America/New_York"
    for bad in ("Mars/Olympus", "EST5", "../etc/passwd", ""):
        with pytest.raises(ValueError):
            check_timezone(bad)


def test_tokens():
    assert normalise_token("ios", "AB" * 32) == "ab" * 32
    for platform, bad in (("ios", "ab" * 31), ("ios", "zz" * 32), ("android", "short"),
                          ("android", "has space" * 10)):
        with pytest.raises(ValueError):
            normalise_token(platform, bad)


# A browser's public key: an uncompressed point on P-256.
P256DH = ("BIIW5CCmtM_3Pe7NqQlZS8YDJrO2G2LtQj4e1og_xsqC"
          "tJScu9a8hHUfyGM8Y4HYhtOoAyL5I8Qe2WqnXrmrrWg")


def test_web_push_subscription():
    good = ("https://push.example.net/x", P256DH, "A" * 22)
    check_subscription(*good)
    for bad in (("ftp://x/y", *good[1:]), ("http://push.example.net/x", *good[1:]),
                (good[0], "AAAA", good[2]), (good[0], good[1], "AAAA"),
                (good[0], "BA" + "!" * 85, good[2]),
                (good[0], "BA" + "A" * 85, good[2]),  # 65 bytes, but not on the curve
                (good[0], good[1], "A+" * 11)):
        with pytest.raises(ValueError):
            check_subscription(*bad)
