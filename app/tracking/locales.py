"""The languages of recipients' pages: gettext catalogs in translations/ (compiled .mo files
beside their .po sources; `make translations` rebuilds them), picked by the contact's
locale."""
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

CATALOGS = Path(__file__).resolve().parents[2] / "translations"
DOMAIN = "messages"
SOURCE = "en"  # the templates' own language
LOCALES = (SOURCE, "es", "fr")


def language(locale: str | None) -> str:
    """The supported language closest to a contact's locale ("es-MX" → "es"), else English."""
    tag = (locale or "").replace("-", "_").lower()
    for candidate in (tag, tag.partition("_")[0]):
        if candidate in LOCALES:
            return candidate
    return SOURCE


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of a supported language (English: the templates' text as it is)."""
    if lang == SOURCE:
        return NullTranslations()
    return Translations.load(str(CATALOGS), [lang], DOMAIN)
