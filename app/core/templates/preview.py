"""Preview a template as a recipient would get it: sample data or a real contact."""

import json
from dataclasses import dataclass, field

from jinja2 import TemplateSyntaxError, meta, nodes
from sqlalchemy import func, or_, select

from app import json_numbers
from app.channels.sms import parts as sms_parts
from app.core.delivery.dispatch import SendRequest
from app.core.templates import budget
from app.core.templates.budget import BudgetExceeded
from app.core.templates.content import CHANNEL_FIELDS, CHANNELS
from app.core.templates.environment import text_env
from app.core.templates.rendering import (
    DEFAULT_LIMITS,
    MAX_SMS_SEGMENTS,
    RenderError,
    RenderLimits,
    RenderSkipped,
    check_limits,
    contact_context,
    pick_locale,
    render_channel,
)
from app.errors import ValidationFailed
from app.models import Contact


@dataclass
class SmsCount:
    encoding: str
    segments: int
    characters: int
    per_segment: int
    non_gsm: list[str] = field(default_factory=list)  # characters that force UCS-2

    @property
    def too_long(self) -> bool:
        return self.segments > MAX_SMS_SEGMENTS

    @property
    def non_gsm_labels(self) -> list[str]:
        """The offending characters, invisible ones (no-break space…) as U+XXXX."""
        return [c if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"
                for c in self.non_gsm]


@dataclass
class ChannelPreview:
    channel: str
    content: dict | None = None  # rendered; None when missing or failed
    missing: bool = False  # the variant has no content for this channel
    problems: list[str] = field(default_factory=list)  # limits exceeded, render errors


@dataclass
class Preview:
    locale: str  # the variant rendered
    requested: str  # the locale asked for (tab, or the contact's locale)
    channels: dict[str, ChannelPreview]
    errors: list[dict]  # field errors: {"field": "/en/sms/text", "message": ...}
    sms: SmsCount | None = None

    @property
    def fell_back(self) -> bool:
        return self.locale != self.requested


def parse_sample(text: str) -> dict:
    """Read the sample-data JSON editor; raise ValidationFailed with the position if invalid."""
    if not (text or "").strip():
        return {}
    try:
        value = json_numbers.loads_finite(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed("Invalid sample data", [{
            "field": "/sample_data",
            "message": f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"}]
        ) from exc
    except json_numbers.NonFiniteNumber as exc:
        raise ValidationFailed("Invalid sample data", [{
            "field": "/sample_data", "message": f"Invalid JSON: {exc}; numbers must be finite"}]
        ) from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise ValidationFailed("Invalid sample data", [{
            "field": "/sample_data", "message": "Invalid JSON: a number has too many digits"}]
        ) from exc
    except RecursionError as exc:  # "[[[[…" nested past what the parser can follow
        raise ValidationFailed("Invalid sample data", [{
            "field": "/sample_data", "message": "The sample data is nested too deeply."}]
        ) from exc
    if not isinstance(value, dict):
        raise ValidationFailed("Invalid sample data", [{
            "field": "/sample_data", "message": "Sample data must be a JSON object: { … }"}])
    return value


def build_context(sample: dict, contact=None) -> dict:
    """Return the variables a send sees: the data, and `contact` (real, or from the sample)."""
    context = {**sample, "data": sample}
    if contact is not None:
        context["contact"] = contact_context(contact)
    return context


def render_preview(content: dict, default_locale: str, locale: str, sample: dict,
                   contact=None, limits: RenderLimits = DEFAULT_LIMITS) -> Preview:
    """Render every channel of the variant a recipient with `locale` (or `contact`) gets.

    The channels share one render budget (and the caller's, if it opened one).
    """
    # A contact gets what a real send picks: their locale, else the default.
    requested = (contact.locale or default_locale) if contact is not None else locale
    variant = pick_locale(content, requested, default_locale)
    chosen = next((k for k, v in content.items() if v is variant), default_locale)
    context = build_context(sample, contact)
    channels, errors = {}, []
    with budget.scope(limits):
        for channel in CHANNELS:
            source = variant.get(channel)
            preview = ChannelPreview(channel, missing=not source)
            if source:
                errors += _preview_channel(preview, source, context, f"/{chosen}", limits)
            channels[channel] = preview
    sms = channels["sms"].content
    return Preview(chosen, requested or chosen, channels, errors,
                   sms_count(sms["text"]) if sms else None)


def _preview_channel(preview: ChannelPreview, source: dict, context: dict, prefix: str,
                     limits: RenderLimits) -> list[dict]:
    """Render one channel into its preview; return its render errors."""
    try:
        preview.content = render_channel(preview.channel, source, context, prefix,
                                         limits=limits)
    except RenderError as exc:
        preview.problems = [e["message"] for e in exc.errors]
        return [] if isinstance(exc, RenderSkipped) else exc.errors
    preview.problems = [e["message"] for e in check_limits(
        preview.channel, preview.content, f"{prefix}/{preview.channel}", limits)]
    return []


def find_contact(session, query: str) -> Contact:
    """Return the contact with this external id or email; raise ValidationFailed if none."""
    query = (query or "").strip()
    contact = session.scalar(select(Contact).where(or_(
        Contact.external_id == query, func.lower(Contact.email) == query.lower())).limit(1))
    if contact is None:
        raise ValidationFailed("Unknown contact", [{
            "field": "/contact", "message": f"No contact has the external id or email {query!r}"}])
    return contact


def suggest_contacts(session, prefix: str, limit: int = 8) -> list[Contact]:
    """Return contacts whose external id or email starts with `prefix`, for a picker."""
    prefix = prefix.strip()
    return list(session.scalars(select(Contact).where(or_(
        Contact.external_id.istartswith(prefix, autoescape=True),
        Contact.email.istartswith(prefix, autoescape=True)))
        .order_by(Contact.external_id).limit(limit)))


def test_send_request(template, content: dict, default_locale: str, contact,
                      channels: list[str], sample: dict) -> SendRequest:
    """Build the request that sends this (unsaved) content to one contact, like the API."""
    variant = pick_locale(content, contact.locale, default_locale)
    return SendRequest(recipients=[contact.external_id], category=template.category,
                       channels=list(channels) or None, data=sample, content=variant)


def sms_count(text: str) -> SmsCount:
    """Count an SMS body's segments, and name the characters that force UCS-2."""
    encoding, segments, characters = sms_parts.count(text)
    single, multi = sms_parts.LIMITS[encoding]
    non_gsm = []
    if encoding == sms_parts.UCS2:
        non_gsm = [c for c in dict.fromkeys(text) if sms_parts.count(c)[0] == encoding]
    return SmsCount(encoding, segments, characters, single if segments <= 1 else multi,
                    non_gsm[:12])


def sms_count_for(source: str, sample: dict, contact=None,
                  limits: RenderLimits = DEFAULT_LIMITS) -> tuple[SmsCount, bool]:
    """Count the SMS as rendered with the sample; fall back to the source if it fails.

    Returns (count, rendered): a variable's value can change the length and encoding.
    """
    try:
        text = render_channel("sms", {"text": source}, build_context(sample, contact),
                              limits=limits)["text"]
        return sms_count(text), True
    except RenderError:
        return sms_count(source), False


def sample_skeleton(content: dict) -> dict:
    """Return sample data naming every variable the content uses, to start the editor."""
    tree: dict = {}
    for source in _sources(content):
        try:  # parsed, never rendered; under the caller's budget when one is open
            ast = text_env.parse(source)
        except (TemplateSyntaxError, RecursionError, BudgetExceeded):
            continue
        names = meta.find_undeclared_variables(ast) - {"data"}
        for name in sorted(names):
            tree.setdefault(name, _placeholder(name))
        for node in ast.find_all(nodes.Getattr):
            path = _attribute_path(node)
            if path and path[0] == "data":  # {{ data.x }} reads the sample's own keys
                path = path[1:]
            if path and (path[0] in names or len(path) == 1):
                _insert(tree, path)
    return tree


def _sources(content: dict):
    for variant in content.values():
        for channel, names in CHANNEL_FIELDS.items():
            fields = variant.get(channel, {})
            for name in names:
                value = fields.get(name)
                if isinstance(value, dict):
                    yield from (v for v in value.values() if isinstance(v, str))
                elif isinstance(value, str):
                    yield value


def _attribute_path(node) -> list[str] | None:
    path = []
    while isinstance(node, nodes.Getattr):
        path.insert(0, node.attr)
        node = node.node
    return [node.name, *path] if isinstance(node, nodes.Name) else None


def _insert(tree: dict, path: list[str]) -> None:
    for name in path[:-1]:
        if not isinstance(tree.get(name), dict):
            tree[name] = {}
        tree = tree[name]
    tree.setdefault(path[-1], _placeholder(path[-1]))


def _placeholder(name: str) -> str:
    return name.replace("_", " ").capitalize()
