"""The editor's steps as form fields, and back: each step reads its fields into the whole
spec dict (app.core.campaigns.spec), and the spec's JSON-pointer errors find their field.

Field names are the slots errors show in: "name", "variant-0" / "share-0", "segment_id",
"channels", "send_at", "window_start", … (see slot_of).
"""

import re
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.console.campaigns.editor_schedule import read_local, read_schedule, schedule_values
from app.console.inputs import as_id
from app.core.campaigns.spec import CampaignSpec
from app.models import Category, Segment, Template, TemplateVersion

CHANNELS = ("push", "sms", "email")
MODES = ("single", "split", "test")
MAX_VARIANTS = 4
LABELS = "ABCD"
OPTIONS_LIMIT = 500  # template versions and segments offered in a select


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    hint: str
    slots: tuple[str, ...]


STEPS = (
    Step("content", "Content", "Template or A/B variants",
         ("name", "mode", "variants", "test_percent", "test_wait_minutes", "winner_metric",
          *(f"{kind}-{i}" for kind in ("variant", "share") for i in range(MAX_VARIANTS)))),
    Step("audience", "Audience", "Segment, channels, holdout",
         ("segment_id", "exclusion_segment_id", "channel_mode", "channels", "category",
          "holdout_percent")),
    Step("schedule", "Schedule", "Now, later, local time or recurring",
         ("kind", "send_at", "local_date", "local_time", "default_timezone", "cron",
          "timezone", "repeat_time", "repeat_days")),
    Step("delivery", "Delivery", "Window, expiry, throttle",
         ("window_start", "window_end", "window_days", "expires_at",
          "throttle_per_minute")),
)
STEP_KEYS = tuple(s.key for s in STEPS)
FIELD_NAMES = {  # for an error shown away from its field (on another step, or the review)
    "name": "Name", "category": "Category", "segment_id": "Segment", "channels": "Channels",
    "exclusion_segment_id": "Leave out", "holdout_percent": "Holdout", "kind": "When",
    "send_at": "Send at", "local_date": "Date", "local_time": "Time", "cron": "Cron",
    "timezone": "Time zone", "default_timezone": "Default time zone", "window_end": "Window",
    "expires_at": "Expires", "throttle_per_minute": "Throttle"}
FRIENDLY = (  # pydantic's wording → the console's
    (re.compile(r"Input should be a valid integer.*"), "a whole number"),
    (re.compile(r"Input should be less than or equal to (\d+)"), r"at most \1"),
    (re.compile(r"Input should be greater than or equal to (\d+)"), r"at least \1"),
    (re.compile(r"String should have at most (\d+) characters?"), r"at most \1 characters"),
    (re.compile(r"String should have at least 1 character"), "required"),
    (re.compile(r"List should have at least 1 item.*"), "pick at least one"),
    (re.compile(r"Input should be a valid date.*"), "a date, e.g. 2027-03-01"),
    (re.compile(r"String should match pattern .*"), "a time, e.g. 09:00"),
    (re.compile(r"Input should be '.*"), "pick one of the choices"),
)


def new_spec(session) -> dict:
    """A new campaign's spec: the defaults, with the first marketing category."""
    category = session.scalar(select(Category.key).order_by(
        Category.marketing.desc(), Category.name).limit(1))
    return CampaignSpec.model_construct(name="", category=category or "").model_dump()


def template_channels(session, key: str, version: int | None) -> list[str]:
    """The channels a template version has content for (a new campaign starts with them)."""
    query = select(TemplateVersion).join(Template, TemplateVersion.template_id == Template.id) \
        .where(Template.key == key, TemplateVersion.status == "published")
    if version is not None:
        query = query.where(TemplateVersion.version == version)
    found = session.scalar(query.order_by(TemplateVersion.version.desc()).limit(1))
    content = found.content.get(found.default_locale, {}) if found else {}
    return [c for c in CHANNELS if c in content] or ["email"]


def version_options(session) -> list[tuple[Template, list[TemplateVersion]]]:
    """Published template versions, grouped by template, newest first."""
    rows = session.execute(
        select(Template, TemplateVersion).join(TemplateVersion,
                                               TemplateVersion.template_id == Template.id)
        .where(TemplateVersion.status == "published")
        .order_by(Template.name, TemplateVersion.version.desc()).limit(OPTIONS_LIMIT)).all()
    grouped: dict[int, tuple[Template, list]] = {}
    for template, version in rows:
        grouped.setdefault(template.id, (template, []))[1].append(version)
    return list(grouped.values())


def segment_options(session) -> list[Segment]:
    return list(session.scalars(select(Segment).order_by(Segment.name).limit(OPTIONS_LIMIT)))


def category_options(session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.name)))


def values_of(data: dict, operator_tz: str) -> MultiDict:
    """Every step's form values for a spec dict (what a GET shows)."""
    variants = data.get("variants") or []
    mode = "test" if data.get("ab_mode") == "test" else "split" if len(variants) > 1 \
        else "single"
    values = MultiDict({
        "name": data.get("name") or "", "mode": mode,
        "test_percent": data.get("test_percent"), "winner_metric": data.get("winner_metric"),
        "test_wait_minutes": data.get("test_wait_minutes"),
        "segment_id": data.get("segment_id") or "", "category": data.get("category") or "",
        "exclusion_segment_id": data.get("exclusion_segment_id") or "",
        "channel_mode": data.get("channel_mode"), "holdout_percent": data.get("holdout_percent"),
        "throttle_per_minute": data.get("throttle_per_minute") or "",
        "expires_at": schedule_values({"send_at": data.get("expires_at")}, operator_tz)["send_at"],
    })
    for i, variant in enumerate(variants):
        values[f"variant-{i}"] = f"{variant['template']}:{variant.get('version') or ''}"
        values[f"share-{i}"] = variant.get("share", 100) if mode == "split" else ""
    channels = list(data.get("channels") or [])
    values.setlist("channels", channels)
    values.setlist("order", channels + [c for c in CHANNELS if c not in channels])
    for name, value in schedule_values(data.get("schedule") or {}, operator_tz).items():
        if isinstance(value, list):
            values.setlist(name, value)
        else:
            values[name] = value
    window = data.get("window")
    values.update({"window": "on" if window else "",
                   "window_start": window["start"] if window else "09:00",
                   "window_end": window["end"] if window else "20:00"})
    values.setlist("window_days", [str(d) for d in (window["days"] if window else range(5))])
    return values


def read_step(step: str, form, current: dict, operator_tz: str) -> tuple[dict, list[dict]]:
    """The whole spec with this step's posted fields in place, and the fields it could not
    read (the rest is checked by spec.parse)."""
    data, errors = dict(current), []
    if step == "content":
        data.update(_read_content(form, errors))
    elif step == "audience":
        data.update(_read_audience(form, errors))
    elif step == "schedule":
        data["schedule"], errors = read_schedule(form, operator_tz)
    else:
        data.update(_read_delivery(form, operator_tz, errors))
    return data, errors


def _read_content(form, errors: list) -> dict:
    mode = form.get("mode") if form.get("mode") in MODES else "single"
    rows = [(i, form.get(f"variant-{i}", ""), form.get(f"share-{i}", "").strip())
            for i in range(MAX_VARIANTS if mode != "single" else 1)]
    chosen = [(i, value, share) for i, value, share in rows if value]
    if not chosen or chosen[0][0] != 0:
        errors.append({"field": "/variants/0/template", "message": "choose a template"})
    elif mode != "single" and len(chosen) < 2:
        errors.append({"field": "/variants",
                       "message": "choose a second variant, or send one template"})
    variants = []
    for _, value, share in chosen:
        key, _, version = value.rpartition(":")
        variants.append({"template": key or version, "version": version if key else None,
                         "share": 100 if mode == "single" else share or 0})
    return {"name": form.get("name", ""), "variants": variants,
            "ab_mode": "test" if mode == "test" else "split",
            **{name: form.get(name, "").strip() or None for name in
               ("test_percent", "test_wait_minutes", "winner_metric") if mode == "test"}}


def channel_order(form) -> list[str]:
    """The channels in the order the form lists them (every channel, once)."""
    order = [c for c in dict.fromkeys(form.getlist("order")) if c in CHANNELS]
    return order + [c for c in CHANNELS if c not in order]


def move_channel(form, action: str) -> MultiDict:
    """The form with one channel moved up or down ("up:sms"), for a re-render."""
    verb, _, channel = action.partition(":")
    order = channel_order(form)
    if channel in order:
        i = order.index(channel)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    values = MultiDict(form)
    values.setlist("order", order)
    return values


def _read_audience(form, errors: list) -> dict:
    picked = set(form.getlist("channels"))
    data = {"channels": [c for c in channel_order(form) if c in picked],
            "channel_mode": form.get("channel_mode", "all"),
            "category": form.get("category", ""),
            "holdout_percent": form.get("holdout_percent", "").strip() or 0}
    for name in ("segment_id", "exclusion_segment_id"):
        raw = form.get(name, "").strip()
        data[name] = as_id(raw)
        if raw and data[name] is None:
            errors.append({"field": f"/{name}", "message": "choose a segment"})
    return data


def _read_delivery(form, operator_tz: str, errors: list) -> dict:
    window = None
    if form.get("window"):
        window = {"start": form.get("window_start", "").strip(),
                  "end": form.get("window_end", "").strip(),
                  "days": [d for d in form.getlist("window_days") if d]}
    return {"window": window,
            "expires_at": read_local(form.get("expires_at"), operator_tz, "/expires_at",
                                     errors),
            "throttle_per_minute": form.get("throttle_per_minute", "").strip() or None}


def slot_of(pointer: str) -> str:
    """The form field an error's JSON pointer names ("/variants/1/share" → "share-1")."""
    parts = (pointer or "").strip("/").split("/")
    head, rest = parts[0], parts[1:]
    if head == "variants" and rest and rest[0].isdigit():
        return f"{'share' if rest[-1] == 'share' else 'variant'}-{rest[0]}"
    if head == "schedule":
        return rest[0] if rest else "kind"
    if head == "window":  # the window's own check (start == end) shows at its end
        return f"window_{rest[0]}" if rest else "window_end"
    return {"ab_mode": "mode"}.get(head, head)


def friendly(message: str) -> str:
    for pattern, replacement in FRIENDLY:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return message


def place_errors(errors: list[dict], step: str) -> tuple[dict[str, list[str]], list[dict]]:
    """Errors by the slot of this step that shows them, and the rest as {"step": the Step
    whose fields they are about (or None), "message": …}."""
    mine = next((s.slots for s in STEPS if s.key == step), ())
    placed: dict[str, list[str]] = {}
    rest: list[dict] = []
    for error in errors:
        slot, message = slot_of(error.get("field", "")), friendly(error["message"])
        if slot.startswith(("variant-", "share-")):
            message = f"Variant {LABELS[int(slot[-1])]}: {message}"
            if step == "audience":  # a channel the template has no content for
                slot = "channels"
        if slot in mine:
            placed.setdefault(slot, []).append(message)
        else:
            owner = next((s for s in STEPS if slot in s.slots), None)
            field = FIELD_NAMES.get(slot)
            rest.append({"step": owner, "message": f"{field}: {message}" if field else message})
    return placed, rest
