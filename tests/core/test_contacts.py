"""Contact field normalisation: E.164, email, locale, timezone, device tokens."""
import pytest

from app.core.contacts.devices import check_subscription, normalise_token
from app.core.contacts.fields import (
    check_timezone,
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


def test_email():
    assert normalise_email("Ada@EXAMPLE.com") == "Ada@example.com"
    for bad in ("ada", "ada@", "@example.com", "ada@exa mple.com"):
        with pytest.raises(ValueError):
            normalise_email(bad)


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
