"""Render template content per channel and locale in a sandboxed Jinja environment."""

import json
from functools import lru_cache

import css_inline
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.channels.push import push_is_empty
from app.core.errors import ValidationFailed
from app.core.html_text import html_to_text

# Sandboxed: no attribute access to internals, no mutation of the data; strict: an
# undefined variable is an error shown to the author, never a blank in a customer's inbox.
_text_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_html_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)

PUSH_TEXT_FIELDS = ("title", "body", "image", "deep_link", "sound")
MAX_PUSH_BYTES = 4096
MAX_SMS_SEGMENTS = 10


class RenderError(ValidationFailed):
    """A template failed to compile or render (syntax error, undefined variable)."""


@lru_cache(maxsize=8192)
def _compile(source: str, html: bool):
    env = _html_env if html else _text_env
    return env.from_string(source)


def render_string(source: str, context: dict, *, html: bool = False, field: str = "") -> str:
    """Render one template string; errors become RenderError naming the field."""
    try:
        return _compile(source, html).render(context)
    except TemplateError as exc:
        raise _render_error(exc, field) from exc


def check_syntax(source: str, *, html: bool = False, field: str = "") -> None:
    """Compile one template string without data; raise RenderError if it cannot compile."""
    try:
        _compile(source, html)
    except TemplateError as exc:
        raise _render_error(exc, field) from exc


def _render_error(exc: TemplateError, field: str) -> RenderError:
    line = getattr(exc, "lineno", None)
    where = f" (line {line})" if line else ""
    return RenderError(
        f"Template error in {field or 'template'}{where}: {exc.message or exc}",
        errors=[{"field": field, "message": f"{exc.message or exc}{where}"}],
    )


def pick_locale(variants: dict, locale: str | None, default_locale: str) -> dict:
    """Return the variant for a locale: exact, then its language, then the default."""
    if not variants:
        return {}
    candidates = []
    if locale:
        candidates += [locale, locale.split("-")[0]]
    candidates.append(default_locale)
    for candidate in candidates:
        if candidate in variants:
            return variants[candidate]
    return next(iter(variants.values()))


def contact_context(contact) -> dict:
    """The `contact` variable templates see."""
    if contact is None:
        return {}
    return {
        "external_id": contact.external_id,
        "email": contact.email,
        "phone": contact.phone,
        "locale": contact.locale,
        "timezone": contact.timezone,
        "tags": list(contact.tags or []),
        "attributes": dict(contact.attributes or {}),
        **dict(contact.attributes or {}),
    }


def render_channel(channel: str, source: dict, context: dict, field_prefix: str = "") -> dict:
    """Render one channel's content dict; returns the content a provider sends."""
    prefix = f"{field_prefix}/{channel}"
    if channel == "push":
        return _render_push(source, context, prefix)
    if channel == "sms":
        return {"text": render_string(source.get("text", ""), context, field=f"{prefix}/text")}
    return _render_email(source, context, prefix)


def _render_push(source: dict, context: dict, prefix: str) -> dict:
    out = {k: v for k, v in source.items() if k not in PUSH_TEXT_FIELDS and k != "data"}
    for key in PUSH_TEXT_FIELDS:
        if source.get(key):
            out[key] = render_string(source[key], context, field=f"{prefix}/{key}")
    if source.get("data"):
        out["data"] = {
            k: render_string(str(v), context, field=f"{prefix}/data/{k}")
            for k, v in source["data"].items()
        }
    return out


def _render_email(source: dict, context: dict, prefix: str) -> dict:
    out = {}
    for key in ("subject", "preheader", "text"):
        if source.get(key):
            out[key] = render_string(source[key], context, field=f"{prefix}/{key}")
    if source.get("html"):
        html = render_string(source["html"], context, html=True, field=f"{prefix}/html")
        # Mail clients drop <style> blocks: move the CSS onto the elements, once, here.
        out["html"] = css_inline.inline(html) if "<style" in html else html
    if not out.get("text") and out.get("html"):
        out["text"] = html_to_text(out["html"])
    return out


def check_limits(channel: str, content: dict, field: str) -> list[dict]:
    """Return field errors when rendered content exceeds what the channel can carry."""
    from app.core.sms_segments import count

    if channel == "push":
        size = len(json.dumps(content, separators=(",", ":")).encode())
        if size > MAX_PUSH_BYTES:
            return [{"field": field, "message": f"push payload is {size} bytes; max is 4096"}]
        if push_is_empty(content):
            return [{"field": field, "message": "push needs a title, a body, data or a badge"}]
    elif channel == "sms":
        if not content.get("text"):
            return [{"field": field, "message": "SMS text is empty"}]
        _, segments, _ = count(content["text"])
        if segments > MAX_SMS_SEGMENTS:
            return [{"field": field, "message": f"SMS is {segments} segments; max is 10"}]
    elif not content.get("subject") or not (content.get("html") or content.get("text")):
        return [{"field": field, "message": "email needs a subject and an HTML or text body"}]
    return []
