"""Render template content per channel and locale in a sandboxed, budgeted Jinja environment.

Every render runs under a budget (app.core.templates.budget): a wall-clock limit,
bounded loops, bounded values and a bounded output per channel. Going over is a
RenderBudgetExceeded naming the field, never a hang or a crash; so is anything else
the template raises (it is the author's code).
"""

import json
from contextlib import contextmanager

import css_inline
from jinja2 import TemplateError

from app.channels.push import push_is_empty
from app.channels.sms.parts import count
from app.core.templates import budget
from app.core.templates.budget import BudgetExceeded, RenderLimits
from app.core.templates.environment import compile_template
from app.core.templates.html_text import html_to_text
from app.errors import ValidationFailed

PUSH_TEXT_FIELDS = ("title", "body", "image", "deep_link", "sound")
MAX_PUSH_BYTES = 4096
MAX_SMS_SEGMENTS = 10
# Where a render is stopped outright; content a little too long renders, and
# check_limits says by how much (segments, bytes).
MAX_SMS_CHARS = 4 * MAX_SMS_SEGMENTS * 153
MAX_PUSH_FIELD_CHARS = 2 * MAX_PUSH_BYTES
DEFAULT_LIMITS = RenderLimits()
MAX_ERROR_CHARS = 300
# Rendering never fetches: a <link> to a remote stylesheet stays as it is.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


class RenderError(ValidationFailed):
    """A template failed to compile or render (syntax error, undefined variable)."""

    code = "render_error"


class RenderBudgetExceeded(RenderError):
    """A render went over its budget: too slow, too many loops, too big."""

    code = "render_budget"


class RenderSkipped(RenderBudgetExceeded):
    """Not rendered: another field of the same message or preview used up the budget."""


def render_string(source: str, context: dict, *, html: bool = False, field: str = "",
                  limits: RenderLimits = DEFAULT_LIMITS,
                  max_chars: int = MAX_PUSH_FIELD_CHARS) -> str:
    """Render one template string within budget; errors become RenderError naming the field."""
    with budget.scope(limits) as spent, _as_render_errors(spent, field):
        spent.for_output(max_chars)
        if _is_literal(source) and len(source) <= max_chars:
            return source  # what Jinja would make of it, without a template's work
        return _generate(compile_template(source, html), context, max_chars)


def _is_literal(source: str) -> bool:
    """True if Jinja renders the source as it is: no "{" (no tag can start), no carriage
    return (Jinja writes line ends as "\n") and no final line end (which it drops).
    Most subjects and texts sent inline are such, and a single send renders each once."""
    return "{" not in source and "\r" not in source and not source.endswith("\n")


def check_syntax(source: str, *, html: bool = False, field: str = "",
                 limits: RenderLimits = DEFAULT_LIMITS) -> None:
    """Compile one template string without data; raise RenderError if it cannot compile."""
    with budget.scope(limits) as spent, _as_render_errors(spent, field):
        compile_template(source, html)


@contextmanager
def _as_render_errors(spent, field: str):
    """Turn whatever compiling or rendering raised into a RenderError naming the field."""
    if spent.spent_by is not None:
        message = f"was not rendered: {spent.spent_by} used up the render budget"
        raise _budget_error(message, field, RenderSkipped)
    try:
        yield
    except TemplateError as exc:
        raise _render_error(exc, field) from exc
    except (BudgetExceeded, MemoryError) as exc:
        spent.spent_by = field or "the template"
        raise _budget_error(str(exc) or "ran out of memory", field) from exc
    except (RecursionError, SyntaxError) as exc:  # SyntaxError: Python's own nesting limits
        raise _budget_error("nests macros, loops or blocks too deeply", field) from exc
    except Exception as exc:  # the template is the author's code: 1/0, int('x')…
        raise _raised_error(exc, field) from exc


def _generate(template, context: dict, max_chars: int) -> str:
    """Render chunk by chunk, so output is bounded as it is produced (the hooks keep time)."""
    parts, size = [], 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > max_chars:
            raise BudgetExceeded(f"renders more than {max_chars:,} characters")
        parts.append(chunk)
    return "".join(parts)


def _short(message: str) -> str:
    """Error messages quote the template's values: keep them readable."""
    return message if len(message) <= MAX_ERROR_CHARS else message[:MAX_ERROR_CHARS] + "…"


def _budget_error(message: str, field: str, kind=RenderBudgetExceeded) -> RenderBudgetExceeded:
    return kind(
        f"Template {field or 'template'} {message}",
        errors=[{"field": field, "message": f"the template {message}"}],
    )


def _raised_error(exc: Exception, field: str) -> RenderError:
    message = _short(f"{type(exc).__name__}: {exc}")
    return RenderError(f"Template error in {field or 'template'}: {message}",
                       errors=[{"field": field, "message": message}])


def _render_error(exc: TemplateError, field: str) -> RenderError:
    line = getattr(exc, "lineno", None)
    where = f" (line {line})" if line else ""
    message = _short(str(exc.message or exc))
    return RenderError(
        f"Template error in {field or 'template'}{where}: {message}",
        errors=[{"field": field, "message": f"{message}{where}"}],
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


def render_channel(channel: str, source: dict, context: dict, field_prefix: str = "", *,
                   limits: RenderLimits = DEFAULT_LIMITS) -> dict:
    """Render one channel's content dict under one budget; returns what a provider sends."""
    prefix = f"{field_prefix}/{channel}"
    with budget.scope(limits):
        if channel == "push":
            return _render_push(source, context, prefix, limits)
        if channel == "sms":
            return {"text": render_string(source.get("text", ""), context, field=f"{prefix}/text",
                                          limits=limits, max_chars=MAX_SMS_CHARS)}
        return _render_email(source, context, prefix, limits)


def _render_push(source: dict, context: dict, prefix: str, limits: RenderLimits) -> dict:
    out = {k: v for k, v in source.items() if k not in PUSH_TEXT_FIELDS and k != "data"}
    for key in PUSH_TEXT_FIELDS:
        if source.get(key):
            out[key] = render_string(source[key], context, field=f"{prefix}/{key}",
                                     limits=limits)
    if source.get("data"):
        out["data"] = {
            k: render_string(str(v), context, field=f"{prefix}/data/{k}", limits=limits)
            for k, v in source["data"].items()
        }
    return out


def _render_email(source: dict, context: dict, prefix: str, limits: RenderLimits) -> dict:
    out, cap = {}, limits.max_email_bytes
    for key in ("subject", "preheader", "text"):
        if source.get(key):
            out[key] = render_string(source[key], context, field=f"{prefix}/{key}",
                                     limits=limits, max_chars=cap)
    if source.get("html"):
        html = render_string(source["html"], context, html=True, field=f"{prefix}/html",
                             limits=limits, max_chars=cap)
        with budget.scope(limits) as spent, _as_render_errors(spent, f"{prefix}/html"):
            out["html"] = _inline_css(html, cap)
            if not out.get("text"):
                out["text"] = html_to_text(out["html"])
            spent.check_time()
    return out


def _inline_css(html: str, cap: int) -> str:
    """Mail clients drop <style> blocks: move the CSS onto the elements, once, here."""
    if "<style" not in html:
        return html
    inlined = _INLINER.inline(html)  # a rule for every element can multiply the size
    if len(inlined) > cap:
        raise BudgetExceeded(f"is more than {cap:,} characters once its CSS is inlined")
    return inlined


def check_limits(channel: str, content: dict, field: str,
                 limits: RenderLimits = DEFAULT_LIMITS) -> list[dict]:
    """Return field errors when rendered content exceeds what the channel can carry."""
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
            return [{"field": f"{field}/text",
                     "message": f"SMS is {segments} segments; max is {MAX_SMS_SEGMENTS}"}]
    elif not content.get("subject") or not (content.get("html") or content.get("text")):
        return [{"field": field, "message": "email needs a subject and an HTML or text body"}]
    else:
        return email_size_errors(content, field, limits)
    return []


def email_size_errors(content: dict, field: str, limits: RenderLimits) -> list[dict]:
    """Return an error per email body (HTML, text) larger than HERALD_MAX_EMAIL_HTML_BYTES."""
    cap = limits.max_email_bytes
    sizes = {key: len(content[key].encode()) for key in ("html", "text")
             if isinstance(content.get(key), str)}
    return [{"field": f"{field}/{key}", "message": f"email {key} is {size:,} bytes; max is {cap:,}"}
            for key, size in sizes.items() if size > cap]
