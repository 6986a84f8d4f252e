"""Segment rules compiled to SQL, checked against a hand-built set of twelve contacts.

Every expected set below was worked out by hand from PEOPLE, not by running the code.
The clock is fixed at NOW so "in the last N days" windows are exact.
"""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.segments import store as segments
from app.core.segments.rules import MAX_RULES, RulesInvalid, validate_tree
from app.core.segments.vocabulary import describe_rule
from app.errors import Conflict, ValidationFailed
from app.models import Contact, Device, Event, Segment, Suppression
from app.models.contacts import PLATFORM_PROVIDER
from tests import factories

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EVERYONE = set("abcdefghijkl")


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# external_id: (email, phone, locale, timezone, attributes, tags,
#               devices [(platform, active)], created days ago, last seen days ago,
#               events [(kind, days ago)])
PEOPLE = {
    "a": ("a@example.com", "+14155550001", "en-GB", "Europe/London",
          {"plan": "pro", "age": 34, "score": 88.5, "signup": "2024-03-10", "city": "London",
           "interests": ["golf", "chess"]},
          ["vip", "newsletter"], [("ios", True)], 400, 1, [("opened", 3), ("clicked", 3)]),
    "b": ("b@example.com", None, "en-US", "America/New_York",
          {"plan": "free", "age": "29", "signup": "2025-12-01", "city": "New York"},
          ["newsletter"], [("android", True), ("ios", False)], 200, 10, [("opened", 20)]),
    "c": ("c@example.com", "+14155550003", "fr-FR", "Europe/Paris",
          {"plan": "team", "age": 41, "score": "n/a"},
          ["beta"], [("web", True)], 29, None, [("opened", 60), ("clicked", 60)]),
    "d": (None, "+14155550004", "de-DE", "Europe/Berlin",
          {"plan": "pro", "age": 52, "vip": True},
          [], [("android", False)], 5, 2, []),
    "e": ("e@example.com", None, None, None, {},
          ["churned"], [], 800, 500, [("clicked", 100)]),
    "f": ("f@example.com", "+14155550006", "en", "Asia/Tokyo",
          {"plan": "Pro", "age": 19, "signup": "2023-07-04"},
          ["vip", "beta"], [("ios", True), ("android", True)], 90, 0.5, [("opened", 1)]),
    "g": ("g@example.com", "+14155550007", "pt-BR", "America/Sao_Paulo",
          {"plan": "enterprise", "age": 67, "score": 120, "city": "São Paulo"},
          ["newsletter", "beta"], [("web", False)], 60, 45, [("converted", 5)]),
    "h": (None, None, "es-ES", "Europe/Madrid", {"plan": "free", "age": 25.5},
          ["newsletter"], [("ios", False)], 15, None, [("opened", 40)]),
    "i": ("i@example.com", "+14155550009", "en-GB", "Europe/London",
          {"plan": "free", "age": 30, "city": "Londonderry"},
          ["vip"], [("android", True)], 300, 8, [("clicked", 8)]),
    "j": ("j@example.com", "+14155550010", "ja-JP", "Asia/Tokyo",
          {"plan": "pro", "score": 0, "signup": "not a date"},
          [], [], 1000, 300, [("opened", 200)]),
    "k": ("k@example.com", None, "fr-CA", "America/Toronto",
          {"plan": "team", "age": 45, "city": "Paris"},
          ["newsletter", "vip"], [("web", True), ("ios", True)], 2, 2,
          [("opened", 0.1), ("clicked", 0.1)]),
    "l": ("l@example.com", "+14155550012", None, None, {"age": 38},
          [], [], 120, None, []),
}
SUPPRESSED = [("email", "c@example.com"), ("sms", "+14155550004")]


@pytest.fixture()
def people(db):
    for external_id, (email, phone, locale, tz, attributes, tags, devices, created, seen,
                      events) in PEOPLE.items():
        contact = Contact(external_id=external_id, email=email, phone=phone, locale=locale,
                          timezone=tz, attributes=attributes, tags=tags, created_at=ago(created),
                          last_seen_at=ago(seen) if seen is not None else None)
        db.session.add(contact)
        db.session.flush()
        db.session.add_all(
            Device(contact_id=contact.id, platform=platform, active=active,
                   provider=PLATFORM_PROVIDER[platform], token=f"{external_id}-{platform}")
            for platform, active in devices)
        db.session.add_all(Event(contact_id=contact.id, kind=kind, at=ago(days))
                           for kind, days in events)
    db.session.add_all(Suppression(channel=channel, address=address, reason="bounce")
                       for channel, address in SUPPRESSED)
    db.session.commit()
    return db


def rule(type_, op, value=None, key=None) -> dict:
    node = {"type": type_, "op": op, "value": value}
    return {**node, "key": key} if key else node


def attr(key, op, value=None) -> dict:
    return rule("attribute", op, value, key)


def group(match, *rules) -> dict:
    return {"type": "group", "match": match, "rules": list(rules)}


def tree(*rules, match="all") -> dict:
    return {"match": match, "rules": list(rules)}


CASES = {
    "no conditions": (tree(), EVERYONE),
    "empty any": (tree(match="any"), EVERYONE),
    "empty none": (tree(match="none"), EVERYONE),
    # Attributes: text is exact and case-sensitive; a missing attribute is "not equal".
    "equals": (tree(attr("plan", "equals", "pro")), set("adj")),
    "not equals": (tree(attr("plan", "not_equals", "pro")), set("bcefghikl")),
    "in": (tree(attr("plan", "in", ["free", "team"])), set("bchik")),
    "equals a number typed as text": (tree(attr("age", "equals", "29")), {"b"}),
    "equals a boolean": (tree(attr("vip", "equals", "true")), {"d"}),
    "contains, case-insensitive": (tree(attr("city", "contains", "london")), {"a", "i"}),
    "contains in a list": (tree(attr("interests", "contains", "chess")), {"a"}),
    "does not contain": (tree(attr("city", "not_contains", "london")), set("bcdefghjkl")),
    "exists": (tree(attr("vip", "exists")), {"d"}),
    "not exists": (tree(attr("score", "not_exists")), set("bdefhikl")),
    # Numbers: JSON numbers and numeric text compare; "n/a" never matches.
    "number between": (tree(attr("age", "between", [30, 45])), set("acikl")),
    "number between, mixed types": (tree(attr("age", "between", [25, 30])), set("bhi")),
    "number greater than": (tree(attr("age", "gt", 50)), {"d", "g"}),
    "number less than": (tree(attr("age", "lt", 26)), {"f", "h"}),
    "number at least (decimal)": (tree(attr("score", "gte", 88.5)), {"a", "g"}),
    "number less than one": (tree(attr("score", "lt", 1)), {"j"}),
    # Dates held in attributes as YYYY-MM-DD text.
    "date between": (tree(attr("signup", "date_between", ["2024-01-01", "2025-12-31"])),
                     {"a", "b"}),
    "date before": (tree(attr("signup", "before", "2024-01-01")), {"f"}),
    # Tags.
    "has tag": (tree(rule("tag", "has", "vip")), set("afik")),
    "does not have tag": (tree(rule("tag", "not_has", "vip")), set("bcdeghjl")),
    "has all tags": (tree(rule("tag", "has_all", ["newsletter", "vip"])), {"a", "k"}),
    "has none of tags": (tree(rule("tag", "has_none", ["newsletter", "beta"])), set("deijl")),
    # Reachability: push needs an active device; email/SMS an unsuppressed address.
    "active iOS device": (tree(rule("channel", "reachable", "ios")), set("afk")),
    "active Android device": (tree(rule("channel", "reachable", "android")), set("bfi")),
    "active web device": (tree(rule("channel", "reachable", "web")), {"c", "k"}),
    "any push": (tree(rule("channel", "reachable", "push")), set("abcfik")),
    "no push": (tree(rule("channel", "not_reachable", "push")), set("deghjl")),
    "has email": (tree(rule("channel", "has_email")), EVERYONE - {"d", "h"}),
    "has phone": (tree(rule("channel", "has_phone")), set("acdfgijl")),
    "email reachable": (tree(rule("channel", "reachable", "email")), set("abefgijkl")),
    "SMS reachable": (tree(rule("channel", "reachable", "sms")), set("acfgijl")),
    # Locale and timezone.
    "locale is": (tree(rule("locale", "equals", "en_gb")), {"a", "i"}),
    "language": (tree(rule("locale", "language", "EN")), set("abfi")),
    "locale any of": (tree(rule("locale", "in", ["fr-FR", "fr-CA"])), {"c", "k"}),
    "locale not set": (tree(rule("locale", "not_exists")), {"e", "l"}),
    "timezone region": (tree(rule("timezone", "region", "europe")), set("acdhi")),
    "timezone is": (tree(rule("timezone", "equals", "Asia/Tokyo")), {"f", "j"}),
    "timezone is not (unset too)": (tree(rule("timezone", "not_equals", "Asia/Tokyo")),
                                    EVERYONE - {"f", "j"}),
    # Engagement.
    "opened in the last 30 days": (tree(rule("engagement", "opened", 30)), set("abfk")),
    "never opened": (tree(rule("engagement", "not_opened")), set("degil")),
    "clicked ever": (tree(rule("engagement", "clicked")), set("aceik")),
    "clicked in the last 7 days": (tree(rule("engagement", "clicked", 7)), {"a", "k"}),
    "not clicked in 30 days": (tree(rule("engagement", "not_clicked", 30)), set("bcdefghjl")),
    "converted": (tree(rule("engagement", "converted")), {"g"}),
    # Created and last seen.
    "created in the last 30 days": (tree(rule("created", "within_last_days", 30)), set("cdhk")),
    "created over a year ago": (tree(rule("created", "more_than_days_ago", 365)), set("aej")),
    "created in 2025": (tree(rule("created", "date_between", ["2025-01-01", "2025-12-31"])),
                        set("abi")),
    "never seen": (tree(rule("last_seen", "never")), set("chl")),
    "seen in the last 7 days": (tree(rule("last_seen", "within_last_days", 7)), set("adfk")),
    "not seen for 100 days": (tree(rule("last_seen", "more_than_days_ago", 100)), {"e", "j"}),
    "seen before 2026": (tree(rule("last_seen", "before", "2026-01-01")), {"e", "j"}),
    "created after the last day": (tree(rule("created", "after", "9999-12-31")), set()),
    "seen in any representable year": (tree(rule("last_seen", "date_between",
                                                 ["0001-01-01", "9999-12-31"])),
                                       EVERYONE - set("chl")),
    "created before the first day": (tree(rule("created", "before", "0001-01-01")), set()),
    # Groups.
    "any inside all": (tree(rule("tag", "has", "vip"),
                            group("any", rule("channel", "reachable", "ios"),
                                  rule("engagement", "opened", 30))), set("afk")),
    "all inside any": (tree(attr("plan", "equals", "team"),
                            group("all", rule("locale", "language", "en"), attr("age", "lt", 30)),
                            match="any"), set("bcfk")),
    "none at the root": (tree(rule("tag", "has", "vip"), rule("tag", "has", "newsletter"),
                              match="none"), set("cdejl")),
    "none inside all": (tree(group("none", rule("channel", "reachable", "push")),
                             rule("channel", "has_email")), set("egjl")),
    "none of a nullable date": (tree(group("none", rule("last_seen", "within_last_days", 7))),
                                set("bceghijl")),
}


@pytest.mark.parametrize("rules, expected", CASES.values(), ids=CASES.keys())
def test_segment_matches_exactly(people, rules, expected):
    ids = people.session.scalars(
        sa.select(Contact.external_id).where(
            Contact.id.in_(segments.segment_query(people.session, rules, NOW))))
    assert set(ids) == expected
    assert segments.count_matching(people.session, rules, NOW) == len(expected)


def test_engagement_counts_people_not_machines(people):
    """A scanner's click or a mail proxy's open does not make a contact engaged."""
    contact = factories.contact("m", "m@example.com", None)
    people.session.add_all([Event(contact_id=contact.id, kind="opened", at=ago(1), machine=True,
                                  reason="apple_mpp"),
                            Event(contact_id=contact.id, kind="clicked", at=ago(1), machine=True,
                                  reason="scanner_agent")])
    people.session.commit()
    for op in ("opened", "clicked"):
        ids = people.session.scalars(sa.select(Contact.external_id).where(Contact.id.in_(
            segments.segment_query(people.session, tree(rule("engagement", op, 30)), NOW))))
        assert "m" not in set(ids)
    not_opened = tree(rule("engagement", "not_opened", 30))
    ids = people.session.scalars(sa.select(Contact.external_id).where(
        Contact.id.in_(segments.segment_query(people.session, not_opened, NOW))))
    assert "m" in set(ids)


@pytest.mark.parametrize("name", ["equals", "in", "number between", "number greater than",
                                  "contains in a list", "exists", "date between", "has tag"])
def test_a_row_holding_a_non_finite_number_breaks_no_condition(people, name):
    factories.contact_holding_non_finite("z", plan="pro", age=40)
    rules, expected = CASES[name]
    ids = people.session.scalars(sa.select(Contact.external_id).where(
        Contact.id.in_(segments.segment_query(people.session, rules, NOW))))
    assert set(ids) - {"z"} == expected  # PostgreSQL still reads z's other attributes


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "1e999"])
def test_a_non_finite_operand_is_only_text(people, text):
    factories.contact_holding_non_finite("z", label=text)
    assert segments.count_matching(people.session, tree(attr("score", "equals", text))) == 0
    assert segments.count_matching(people.session, tree(attr("score", "in", [text, "1"]))) == 0
    matched = segments.count_matching(people.session, tree(attr("label", "equals", text)))
    assert matched in (0, 1)  # the text itself (SQLite cannot read z's attributes at all)


def test_count_is_one_select(people):
    statements = []
    engine = people.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    rules = CASES["any inside all"][0]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert segments.count_matching(people.session, rules, NOW) == 3
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1
    assert statements[0].lstrip().upper().startswith("SELECT COUNT(*)")


def test_preview_counts_and_samples(people):
    result = segments.preview(people.session, tree(rule("tag", "has", "vip")), NOW)
    assert (result.count, result.total) == (4, 12)
    assert [c.external_id for c in result.sample] == ["a", "f", "i", "k"]
    assert result.share == pytest.approx(4 / 12)
    few = segments.sample_matching(people.session, tree(), limit=5, now=NOW)
    assert len(few) == 5


BAD = {
    "unknown type": (tree(rule("shoe_size", "equals", "9")), "/rules/0/type", "unknown"),
    "attribute without key": (tree(attr("", "equals", "x")), "/rules/0/key", "attribute name"),
    "unknown operator": (tree(rule("tag", "gt", "vip")), "/rules/0/op", "unknown operator"),
    "not a number": (tree(attr("age", "gt", "abc")), "/rules/0/value", "enter a number"),
    "range upside down": (tree(attr("age", "between", [50, 10])), "/rules/0/value",
                          "greater than"),
    "one bound": (tree(attr("age", "between", [10])), "/rules/0/value", "both bounds"),
    "bad date": (tree(attr("signup", "before", "2024-13-01")), "/rules/0/value", "YYYY-MM-DD"),
    "no value": (tree(attr("plan", "equals", " ")), "/rules/0/value", "enter a value"),
    "bad tag": (tree(rule("tag", "has", "no spaces")), "/rules/0/value", "tag"),
    "zero days": (tree(rule("engagement", "opened", 0)), "/rules/0/value", "whole number"),
    "bad timezone": (tree(rule("timezone", "equals", "Mars/Base")), "/rules/0/value", "IANA"),
    "unknown channel": (tree(rule("channel", "reachable", "fax")), "/rules/0/value",
                        "choose one of"),
    "value where none is taken": (tree(rule("channel", "has_email", "yes")), "/rules/0/value",
                                  "takes no value"),
    "group in a group": (tree(group("all", group("any", rule("tag", "has", "x")))),
                         "/rules/0/rules/0/type", "a group holds conditions only"),
    "empty nested group": (tree(group("any")), "/rules/0/rules", "at least one condition"),
    "bad match": (tree(match="most"), "/match", ""),
    "unknown field in a rule": ({"rules": [{**rule("tag", "has", "x"), "extra": 1}]},
                                "/rules/0/extra", ""),
    "second group's error": (tree(rule("tag", "has", "x"),
                                  group("any", rule("tag", "has", "y"), attr("n", "lt", "z"))),
                             "/rules/1/rules/1/value", "enter a number"),
    "too many conditions": (tree(*[rule("tag", "has", "x")] * (MAX_RULES + 1)), "",
                            f"at most {MAX_RULES}"),
}


@pytest.mark.parametrize("rules, pointer, message", BAD.values(), ids=BAD.keys())
def test_invalid_rules_name_the_field(rules, pointer, message):
    with pytest.raises(RulesInvalid) as caught:
        validate_tree(rules)
    fields = {e["field"]: e["message"] for e in caught.value.errors}
    assert pointer in fields, caught.value.errors
    assert message.lower() in fields[pointer].lower()


def test_values_are_normalised():
    rules = validate_tree(tree(attr(" plan ", "in", "pro, team,pro"), attr("age", "gt", "30"),
                               rule("locale", "equals", "en_gb"),
                               rule("engagement", "opened", ""))).as_json()
    assert rules["rules"] == [
        {"type": "attribute", "key": "plan", "op": "in", "value": ["pro", "team"]},
        {"type": "attribute", "key": "age", "op": "gt", "value": 30},
        {"type": "locale", "op": "equals", "value": "en-GB"},
        {"type": "engagement", "op": "opened"},
    ]


def test_describe_rule():
    assert describe_rule(attr("plan", "equals", "pro")) == "plan is “pro”"
    assert describe_rule(rule("engagement", "opened", 30)) == \
        "opened a message in the last 30 days"
    assert describe_rule(rule("channel", "reachable", "ios")) == "can receive iOS push"


def test_create_update_duplicate_delete(db):
    rules = tree(rule("tag", "has", "vip"))
    segment = segments.create_segment(db.session, "  VIP   customers ", rules, "Our best")
    db.session.commit()
    assert (segment.name, segment.rules["rules"][0]["value"]) == ("VIP customers", "vip")
    with pytest.raises(Conflict):
        segments.create_segment(db.session, "vip customers", rules)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        segments.create_segment(db.session, " ", rules)
    db.session.rollback()
    with pytest.raises(RulesInvalid):
        segments.update_segment(db.session, segment, "VIP", tree(rule("tag", "has", "")))
    db.session.rollback()
    copy = segments.duplicate_segment(db.session, segment)
    again = segments.duplicate_segment(db.session, segment)
    assert (copy.name, again.name) == ("Copy of VIP customers", "Copy of VIP customers (2)")
    assert copy.rules == segment.rules
    segments.delete_segment(db.session, copy)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Segment)) == 2


def test_known_values(people):
    known = segments.known_values(people.session)
    assert {"plan", "age", "signup"} <= set(known["attributes"])
    assert known["tags"] == ["beta", "churned", "newsletter", "vip"]
    assert "en-GB" in known["locales"] and "Asia/Tokyo" in known["timezones"]
