"""Find contacts: a search term plus filters, compiled to one indexed SELECT over contacts.

The term matches, by its shape:
- `attr:plan=pro` — the attribute `plan` equals "pro" (JSONB containment on PostgreSQL);
- a phone number (`+44 7700 900123`, `447700`) — phone prefix, or external id prefix;
- anything else — external id prefix, or email prefix (case-insensitive).
An exact value is its own prefix, so exact matches are found too. Every prefix match is a
LIKE 'x%' that a text_pattern_ops index serves (see the indexes on Contact).
Filters (has email/phone, active device platform, tag, locale) reuse the segment rule
compiler, so they mean exactly what the same segment condition means.
"""

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from app.core.segments.store import RulesInvalid, segment_condition
from app.errors import ValidationFailed
from app.models import Contact, Device

ATTRIBUTE_PREFIX = "attr:"
PLATFORMS = {"ios": "iOS", "android": "Android", "web": "Web push", "push": "Any push"}
ADDRESS_FILTERS = ("email", "phone")
MAX_TERM = 320
_PHONE_TERM = re.compile(r"^\+?[\d\s().\-]{3,24}$")
_PHONE_NOISE = re.compile(r"[\s().\-]")


class SearchInvalid(ValidationFailed):
    title = "Invalid search"


@dataclass(frozen=True)
class ContactQuery:
    """What the operator asked for; empty fields do not filter."""

    q: str = ""
    has: tuple[str, ...] = ()  # "email", "phone"
    platform: str = ""  # a key of PLATFORMS: has an active device of that kind
    tag: str = ""
    locale: str = ""  # "fr" (any French) or "fr-CA" (exactly)

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.has or self.platform or self.tag or self.locale)


def like_prefix(text: str) -> str:
    """Return a LIKE pattern (escape character \\) matching values that start with `text`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def parse_attribute(term: str) -> tuple[str, str]:
    """Return (key, value) of an `attr:key=value` term; raise ValueError if malformed."""
    key, sep, value = term[len(ATTRIBUTE_PREFIX):].partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key or not value:
        raise ValueError("write an attribute search as attr:name=value, e.g. attr:plan=pro")
    return key, value


def _term_condition(term: str):
    if _PHONE_TERM.match(term) and sum(c.isdigit() for c in term) >= 3:
        digits = _PHONE_NOISE.sub("", term)
        return or_(Contact.phone.like(like_prefix("+" + digits.lstrip("+")), escape="\\"),
                   Contact.external_id.like(like_prefix(term), escape="\\"))
    return or_(Contact.external_id.like(like_prefix(term), escape="\\"),
               func.lower(Contact.email).like(like_prefix(term.lower()), escape="\\"))


def _rules(query: ContactQuery) -> tuple[list[dict], list[str]]:
    """Return the segment conditions for the query, and the form field each one came from."""
    rules, fields = [], []
    if query.q.startswith(ATTRIBUTE_PREFIX):
        try:
            key, value = parse_attribute(query.q)
        except ValueError as exc:
            raise SearchInvalid("The search is not valid.", [
                {"field": "q", "message": str(exc)}]) from None
        rules.append({"type": "attribute", "key": key, "op": "equals", "value": value})
        fields.append("q")
    for address in query.has:
        rules.append({"type": "channel", "op": f"has_{address}"})
        fields.append("has")
    if query.platform:
        rules.append({"type": "channel", "op": "reachable", "value": query.platform})
        fields.append("platform")
    if query.tag:
        rules.append({"type": "tag", "op": "has", "value": query.tag})
        fields.append("tag")
    if query.locale:
        op = "equals" if "-" in query.locale or "_" in query.locale else "language"
        rules.append({"type": "locale", "op": op, "value": query.locale})
        fields.append("locale")
    return rules, fields


def check_query(query: ContactQuery) -> list[dict]:
    """Return [{"field", "message"}] for what the filter form must flag (empty if fine)."""
    errors = []
    if len(query.q) > MAX_TERM:
        errors.append({"field": "q", "message": f"at most {MAX_TERM} characters"})
    if any(a not in ADDRESS_FILTERS for a in query.has):
        errors.append({"field": "has", "message": "choose email or phone"})
    if query.platform and query.platform not in PLATFORMS:
        errors.append({"field": "platform", "message": "choose a platform from the list"})
    return errors


def search(session, query: ContactQuery) -> Select:
    """Return SELECT Contact matching the query (unordered: the caller pages it).

    Raises SearchInvalid, whose errors name the form field ("q", "tag", ...) at fault.
    """
    errors = check_query(query)
    if errors:
        raise SearchInvalid("The search is not valid.", errors)
    rules, fields = _rules(query)
    stmt = select(Contact)
    if query.q and not query.q.startswith(ATTRIBUTE_PREFIX):
        stmt = stmt.where(_term_condition(query.q))
    if rules:
        try:
            stmt = stmt.where(segment_condition(session, {"match": "all", "rules": rules}))
        except RulesInvalid as exc:
            raise SearchInvalid("The search is not valid.", [
                {"field": _field_of(e["field"], fields), "message": e["message"]}
                for e in exc.errors]) from None
    return stmt


def _field_of(pointer: str, fields: list[str]) -> str:
    # "/rules/2/value" -> the form field of the third rule.
    parts = pointer.strip("/").split("/")
    if len(parts) > 1 and parts[0] == "rules" and parts[1].isdigit() \
            and int(parts[1]) < len(fields):
        return fields[int(parts[1])]
    return ""


def active_platforms(session, contact_ids: list[int]) -> dict[int, list[str]]:
    """Return {contact id: sorted platforms of its active devices} in one query."""
    found: dict[int, set[str]] = {}
    if contact_ids:
        rows = session.execute(
            select(Device.contact_id, Device.platform)
            .where(Device.contact_id.in_(contact_ids), Device.active).distinct())
        for contact_id, platform in rows:
            found.setdefault(contact_id, set()).add(platform)
    return {contact_id: sorted(platforms) for contact_id, platforms in found.items()}
