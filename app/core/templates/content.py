"""What template content may hold: the fields of each channel, and the checks on save
(syntax, locales, push data, sizes) and on publish (every channel renderable)."""
from app.channels.push import push_is_empty, reserved_data_key
from app.core.contacts.fields import normalise_locale
from app.core.templates import budget
from app.core.templates.rendering import (
    DEFAULT_LIMITS,
    RenderError,
    RenderLimits,
    RenderSkipped,
    check_syntax,
    email_size_errors,
)

# The fields of each channel, in the order the editor shows them.
CHANNEL_FIELDS = {
    "push": ("title", "body", "image", "deep_link", "sound", "badge", "data"),
    "sms": ("text",),
    "email": ("subject", "preheader", "html", "text"),
}


CHANNELS = tuple(CHANNEL_FIELDS)


MAX_BADGE = 99999


def normalise_content(content: dict) -> dict:
    """Keep the known, non-empty fields: {locale: {channel: {field: value}}}."""
    out = {}
    for locale, channels in (content or {}).items():
        variant = {}
        for channel, fields in (channels or {}).items():
            kept = {name: _clean(name, (fields or {}).get(name))
                    for name in CHANNEL_FIELDS.get(channel, ())}
            kept = {name: value for name, value in kept.items() if value not in (None, "", {})}
            if kept:
                variant[channel] = kept
        out[locale] = variant
    return out


def _clean(name: str, value):
    if name == "data":
        return {str(k).strip(): str(v) for k, v in (value or {}).items() if str(k).strip()}
    if name == "badge" or value is None:
        return value
    value = str(value)
    return value if value.strip() else ""


def content_errors(content: dict, default_locale: str,
                   limits: RenderLimits = DEFAULT_LIMITS) -> list[dict]:
    """Return field errors that make content unsaveable (locale, syntax, size, badge, data).

    Every source is compiled under one render budget, so a hostile draft costs one budget.
    """
    errors = []
    if default_locale not in content:
        errors.append({"field": "/default_locale",
                       "message": f"there is no {default_locale} variant to fall back to"})
    with budget.scope(limits):
        for locale, variant in content.items():
            errors += _locale_errors(locale)
            for channel, fields in variant.items():
                errors += _channel_errors(channel, fields, f"/{locale}/{channel}", limits)
    return errors


def _channel_errors(channel: str, fields: dict, prefix: str, limits: RenderLimits) -> list:
    if channel == "email":
        too_big = email_size_errors(fields, prefix, limits)
        if too_big:  # not worth compiling
            return too_big
    errors = _syntax_errors(channel, fields, prefix, limits)
    if channel == "push":
        errors += _push_errors(fields, prefix)
    return errors


def _locale_errors(locale: str) -> list[dict]:
    try:
        ok = normalise_locale(locale) == locale
    except ValueError:
        ok = False
    return [] if ok else [{"field": f"/{locale}", "message": f"{locale!r} is not a locale tag"}]


def _syntax_errors(channel: str, fields: dict, prefix: str, limits: RenderLimits) -> list[dict]:
    errors = []
    for name, value in fields.items():
        sources = value.items() if name == "data" else [(None, value)]
        for data_key, source in sources:
            if not isinstance(source, str):
                continue
            field = f"{prefix}/{name}" + (f"/{data_key}" if data_key else "")
            try:
                check_syntax(source, html=(channel, name) == ("email", "html"), field=field,
                             limits=limits)
            except RenderSkipped:
                continue  # the field that used up the budget carries the error
            except RenderError as exc:
                errors += [{**e, "field": f"{prefix}/{name}"} for e in exc.errors]
    return errors


def _push_errors(fields: dict, prefix: str) -> list[dict]:
    errors = []
    badge = fields.get("badge")
    if badge is not None and (not isinstance(badge, int) or not 0 <= badge <= MAX_BADGE):
        errors.append({"field": f"{prefix}/badge",
                       "message": f"a whole number from 0 to {MAX_BADGE}"})
    for key in fields.get("data", {}):
        if reserved_data_key(key):
            errors.append({"field": f"{prefix}/data", "message": f"{key!r} is a reserved key"})
    return errors


def publish_errors(content: dict, default_locale: str,
                   limits: RenderLimits = DEFAULT_LIMITS) -> list[dict]:
    """Return what stops content from going live: saveable, and every channel complete."""
    errors = content_errors(content, default_locale, limits)
    for locale, variant in content.items():
        if not variant:
            errors.append({"field": f"/{locale}",
                           "message": f"the {locale} variant is empty: add content or remove it"})
        push, email = variant.get("push"), variant.get("email")
        if push and push_is_empty(push):
            errors.append({"field": f"/{locale}/push/title",
                           "message": "a push needs a title, a body, data or a badge"})
        if email and not email.get("subject"):
            errors.append({"field": f"/{locale}/email/subject", "message": "required"})
        if email and not (email.get("html") or email.get("text")):
            errors.append({"field": f"/{locale}/email/html",
                           "message": "an email needs an HTML or a text part"})
    return errors
