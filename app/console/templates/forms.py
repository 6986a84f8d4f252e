"""Template forms: the new-template form, the editor's details, and its content fields.

Content fields are named "<locale>.<channel>.<field>" (push data as parallel
"<locale>.push.data.key" / ".value" lists); the locales in the form are listed in the
repeated hidden field "locales".
"""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.core.contacts.fields import normalise_locale
from app.core.templates.content import CHANNEL_FIELDS, MAX_BADGE
from app.models import Category

# Names for the locale picker; any BCP 47 tag is accepted, these are suggestions.
LOCALE_NAMES = {
    "en": "English", "en-US": "English (US)", "en-GB": "English (UK)", "fr": "French",
    "fr-CA": "French (Canada)", "de": "German", "es": "Spanish", "es-MX": "Spanish (Mexico)",
    "it": "Italian", "pt": "Portuguese", "pt-BR": "Portuguese (Brazil)", "nl": "Dutch",
    "sv": "Swedish", "da": "Danish", "nb": "Norwegian", "fi": "Finnish", "pl": "Polish",
    "cs": "Czech", "tr": "Turkish", "el": "Greek", "ru": "Russian", "uk": "Ukrainian",
    "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "th": "Thai",
    "vi": "Vietnamese", "ja": "Japanese", "ko": "Korean", "zh-Hans": "Chinese (Simplified)",
    "zh-Hant": "Chinese (Traditional)",
}


def locale_name(code: str) -> str:
    return LOCALE_NAMES.get(code) or LOCALE_NAMES.get(code.split("-")[0], code)


def category_choices(session) -> list[SelectChoice]:
    rows = session.execute(select(Category.key, Category.name).order_by(Category.name))
    return [SelectChoice(key, name) for key, name in rows]


class NewTemplateForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=255)],
                       description="What operators see, e.g. “Order shipped”.")
    key = StringField(
        "Key", validators=[InputRequired(), Length(max=128), Regexp(
            r"^[a-z0-9][a-z0-9_.-]*$",
            message="Use lowercase letters, digits, '.', '_' and '-'.")],
        description="What the API sends with: \"template\": \"order-shipped\". "
                    "It cannot change later.")
    category = SelectField("Category", choices=[],
                           description="Decides opt-outs, quiet hours and rate limits.")
    default_locale = StringField("Default locale", default="en",
                                 validators=[InputRequired(), Length(max=35)],
                                 description="Contacts without a matching variant get this one.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=1024)])

    def validate_default_locale(self, field) -> None:
        field.data = _locale(field.data)


class DetailsForm(FlaskForm):
    """The editor's details card; the content fields are read by `read_content`."""

    name = StringField("Name", validators=[InputRequired(), Length(max=255)])
    category = SelectField("Category", choices=[])
    default_locale = SelectField("Default locale", choices=[], validate_choice=False,
                                 description="Contacts whose locale has no variant get it.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=1024)])


def _locale(value: str) -> str:
    from wtforms.validators import ValidationError

    try:
        return normalise_locale((value or "").strip())
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def read_locales(form) -> list[str]:
    """Return the locales the editor form carries, in tab order, without duplicates."""
    return list(dict.fromkeys(code for code in form.getlist("locales") if code))


def read_content(form, locales: list[str]) -> tuple[dict, list[dict]]:
    """Return ({locale: {channel: {field: value}}}, field errors) from the posted editor."""
    content, errors = {}, []
    for locale in locales:
        content[locale] = {}
        for channel, names in CHANNEL_FIELDS.items():
            fields = {}
            for name in names:
                fields[name], error = _read_field(form, f"{locale}.{channel}.{name}", name)
                if error:
                    errors.append({"field": f"/{locale}/{channel}/{name}", "message": error})
            content[locale][channel] = fields
    return content, errors


def _read_field(form, key: str, name: str):
    if name == "data":
        return _pairs(form.getlist(f"{key}.key"), form.getlist(f"{key}.value")), None
    if name == "badge":
        return _badge(form.get(key, ""))
    return form.get(key, "").replace("\r\n", "\n"), None


def _pairs(keys: list[str], values: list[str]) -> dict:
    return {k.strip(): v for k, v in zip(keys, values, strict=False) if k.strip()}


def _badge(raw: str) -> tuple[int | None, str | None]:
    raw = raw.strip()
    if not raw:
        return None, None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_BADGE:
        return None, f"a whole number from 0 to {MAX_BADGE}"
    return int(raw), None


def error_slots(errors: list[dict]) -> dict[str, list[str]]:
    """Group core field errors by the id of the slot the editor shows them in.

    "/en/push/data/order" → "err-en-push-data"; "/name" → "err-name".
    """
    slots: dict[str, list[str]] = {}
    for error in errors:
        parts = (error.get("field") or "").strip("/").split("/")
        slot = "err-" + "-".join(parts[:3]) if parts[0] else "err-form"
        slots.setdefault(slot, [])
        if error["message"] not in slots[slot]:
            slots[slot].append(error["message"])
    return slots


def slot_ids(locales: list[str]) -> list[str]:
    """Every content error slot of the editor, so an update can clear the stale ones."""
    ids = []
    for locale in locales:
        ids.append(f"err-{locale}")
        ids += [f"err-{locale}-{channel}-{name}"
                for channel, names in CHANNEL_FIELDS.items() for name in names]
    return ids
