"""Crawl the whole console as each role, then throw hostile input at every form and filter.

Seeded with realistic rows in every area, it GETs every console route (real, unknown and
malformed ids), follows every link one level deep, and posts hostile values to every form:
never a 5xx, every full page has its <h1>, and rejected input writes nothing.
"""
import html
import io
import re
import uuid
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter, UUIDConverter

from app.extensions import db
from tests.helpers.console import PASSWORD
from tests.helpers.seed import CSV, seed

UNKNOWN_INT = "987654"
HUGE_INT = "99999999999999999999"  # past the largest BIGINT
SCRIPT = "<script>alert(1)</script>"
HOSTILE = ["", "x" * 5000, "مرحبا \u202eevil\u202c 👩‍👩‍👧 ✓", "a\x00b",
           "'; DROP TABLE contacts; --", "{{ 7*7 }}", SCRIPT, "-1", HUGE_INT, "abc", "1.5", "²"]
BOGUS_HTMX = {"HX-Request": "true", "HX-Target": "no-such-target", "HX-Trigger": "\u202e",
              "HX-Trigger-Name": "r-999-type", "HX-Current-URL": "javascript:alert(1)",
              "HX-Boosted": "maybe"}
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
LINK = re.compile(r'\s(?:href|hx-get)="(/[^"]*)"')
MESSAGE = re.compile(r'class="[^"]*(field-error|alert|is-invalid|error)')
NO_H1 = ("/api/", "/templates/preview/email/", "/sandbox/html/")  # other surfaces; email frames
ANY = "any status below 500"
ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}


def row_counts() -> dict[str, int]:
    """Every table's row count, in one query."""
    tables = [t.name for t in db.metadata.sorted_tables]
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    db.session.rollback()
    return dict(db.session.execute(sa.text(sql)).all())


# --- helpers -----------------------------------------------------------------------------

def console_rules(app, method="GET"):
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith("console.") and method in r.methods),
                  key=lambda r: r.rule)


def build(rule, values: dict) -> str:
    def fill(match):
        return quote(str(values[match[2]]), safe="")
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", fill, rule.rule)


def required_role(app, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "required_role", None)


def is_full_page(response) -> bool:
    return response.mimetype == "text/html" and \
        response.get_data(as_text=True).lstrip()[:15].lower() == "<!doctype html>"


class Failed:
    """Stands for a response when the view raised (the test app propagates exceptions)."""

    status_code, mimetype = 500, ""

    def __init__(self, exc: Exception):
        self.exc = exc


def fetch(client, method: str, url: str, **kw):
    try:
        return getattr(client, method)(url, **kw)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, then the crawl goes on
        db.session.rollback()
        return Failed(exc)


def check_page(problems: list, label: str, response) -> None:
    """No 5xx; a full page has a non-empty <h1>; no hostile script comes back unescaped."""
    if isinstance(response, Failed):
        first_line = str(response.exc).splitlines()[0][:160]
        problems.append(f"{label}: {type(response.exc).__name__}: {first_line}")
        return
    if response.status_code >= 500:
        problems.append(f"{label}: {response.status_code}")
        return
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    if is_full_page(response) and not response.request.path.startswith(NO_H1):
        found = H1.search(body)
        if not found or not re.sub(r"<[^>]+>", "", found[1]).strip():
            problems.append(f"{label}: no <h1>")
    if SCRIPT in body and response.mimetype == "text/html":
        problems.append(f"{label}: unescaped <script> in the page")


def links(response) -> set[str]:
    if response.status_code != 200 or response.mimetype != "text/html":
        return set()
    found = {html.unescape(u) for u in LINK.findall(response.get_data(as_text=True))}
    return {u for u in found if not u.startswith(("/static/", "//"))}


def report(problems: list) -> None:
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])


@pytest.fixture()
def ids(admin, editor, viewer, sandbox):
    found = seed(admin)
    mail = {"personalizations": [{"to": [{"email": "ada@example.com"}]}], "subject": "Hi",
            "from": {"email": "shop@example.com"},
            "content": [{"type": "text/html", "value": "<p>Hi</p>"}]}
    sent = sandbox.http.post("/v3/mail/send", json=mail, headers={"Authorization": "Bearer x"})
    assert sent.status_code == 202
    found["entry_id"] = sandbox.http.get("/_sandbox/outbox").json()["entries"][-1]["id"]
    return found


@pytest.fixture()
def clients(admin_client, editor_client, viewer_client):
    return {"admin": admin_client, "editor": editor_client, "viewer": viewer_client}


# --- 1. every route, every link ----------------------------------------------------------

def variants(rule, ids: dict):
    """(label, url, expected status) for the real row, an unknown id and a malformed one."""
    names = sorted(rule._converters)  # the URL's parts (not a rule's defaults)
    yield "real", build(rule, ids), None
    for name in names:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            bad = [("unknown", UNKNOWN_INT, 404), ("huge", HUGE_INT, 404),
                   ("malformed", "abc", 404), ("negative", "-1", 404)]
        elif isinstance(converter, UUIDConverter):
            bad = [("unknown", str(uuid.uuid4()), 404), ("malformed", "not-a-uuid", 404)]
        else:  # free text: any answer but a 5xx
            bad = [("long", "x" * 5000, ANY), ("script", SCRIPT, ANY)]
        for label, value, status in bad:
            yield f"{label} {name}", build(rule, {**ids, name: value}), status


def test_every_route_and_link_as_every_role(app, ids, clients):
    problems, followed = [], set()
    for role, client in clients.items():
        for rule in console_rules(app):
            needed = required_role(app, rule.endpoint)
            allowed = needed is None or ROLE_RANK[role] >= ROLE_RANK[needed]
            for label, url, expected in variants(rule, ids):
                response = fetch(client, "get", url)
                check_page(problems, f"{role} GET {url} ({label})", response)
                # A URL past the limit is refused (414) before anyone is asked for a role.
                if not allowed and response.status_code not in (403, 404, 414):
                    problems.append(f"{role} GET {url}: {response.status_code}, wanted 403")
                elif allowed and expected not in (None, ANY) and response.status_code != expected:
                    problems.append(f"{role} GET {url} ({label}): {response.status_code}, "
                                    f"wanted {expected}")
                elif allowed and expected is None and response.status_code not in (200, 302, 410):
                    problems.append(f"{role} GET {url}: {response.status_code}")
                for link in links(response) - followed:
                    followed.add(link)
                    check_page(problems, f"{role} link {link} (from {url})",
                               fetch(client, "get", link))
        followed.clear()
    report(problems)


def test_every_status_has_a_readable_detail_page(ids, viewer_client):
    for status, notification_id in ids["notifications"].items():
        response = viewer_client.get(f"/notifications/{notification_id}")
        assert response.status_code == 200, status
        assert H1.search(response.get_data(as_text=True))


# --- 2. hostile GET filters --------------------------------------------------------------

def filters(ids: dict) -> list[tuple[str, list[str], str | None]]:
    """(page, query arguments it reads, its htmx results target)."""
    contact, template = ids["contact_id"], ids["template_id"]
    cursors = ["before", "after"]
    return [
        ("/contacts/", ["q", "has", "platform", "tag", "locale", *cursors], "contact-results"),
        (f"/contacts/{contact}", cursors, None),
        ("/contacts/import/", cursors, None),
        ("/templates/", ["q", "category", *cursors], "template-results"),
        (f"/templates/{template}", ["locale", "channel"], None),
        (f"/templates/{template}/versions", ["a", "b", "view"], None),
        (f"/templates/{template}/diff", ["a", "b", "view"], "version-diff"),
        (f"/templates/{template}/versions/1", ["locale", "channel"], None),
        ("/templates/contacts", ["q", "test_contact"], None),
        ("/notifications/", ["q", "status", "channel", "category", *cursors], "log-results"),
        ("/settings/audit/", ["operator", "action", "entity_type", "entity_id", "since", "until",
                              *cursors], "audit-results"),
        ("/dashboard", ["page"], None),
        ("/segments/", ["page"], None),
        (f"/segments/{ids['segment_id']}", ["page"], None),
    ]


def test_hostile_query_arguments_never_fail(app, ids, admin_client):
    problems = []
    before = row_counts()
    for path, names, target in filters(ids):
        for name in names:
            for value in HOSTILE:
                url = f"{path}?{urlencode({name: value})}"
                check_page(problems, f"GET {url[:90]!r}", fetch(admin_client, "get", url))
                if target and value in ("abc", SCRIPT, "a\x00b"):
                    response = fetch(admin_client, "get", url, headers={
                        "HX-Request": "true", "HX-Target": target})
                    check_page(problems, f"htmx GET {url[:90]!r}", response)
        check_page(problems, f"bogus htmx GET {path}",
                   fetch(admin_client, "get", path, headers=BOGUS_HTMX))
        for cursor in (UNKNOWN_INT, "ffffffff-ffff-ffff-ffff-ffffffffffff"):  # pager links
            url = f"{path}?before={cursor}&_method=POST&endpoint=x&_external=1&contact_id=x"
            check_page(problems, f"GET {url}", fetch(admin_client, "get", url))
    assert row_counts() == before
    report(problems)


# --- 3. hostile form posts ---------------------------------------------------------------

def forms(ids: dict, v: str) -> list[tuple[str, dict]]:
    """(path, form data) for every console POST, with the hostile value `v` in each field."""
    contact, template = ids["contact_id"], ids["template_id"]
    editor_fields = {"name": v, "category": v, "description": v, "default_locale": v,
                     "locales": ["en", v], "en.push.title": v, "en.push.body": v,
                     "en.push.badge": v, "en.push.data.key": v, "en.push.data.value": v,
                     "en.sms.text": v, "en.email.subject": v, "en.email.html": v,
                     "sample_data": v, "preview_source": "contact", "preview_contact": v,
                     "preview_locale": v, "preview_channel": v}
    rules = {"match": v, "r-0-type": v, "r-0-op": v, "r-0-key": v, "r-0-value": v,
             "r-0-value2": v, "r-1-type": "group", "r-1-match": v, "r-1-0-type": "tag",
             "r-1-0-op": "has", "r-1-0-value": v}
    return [
        (f"/contacts/{contact}/preferences", {"cell": [v, f"{v}:email", "orders:" + v],
                                              "opted_in": v}),
        (f"/contacts/{contact}/suppressions/{UNKNOWN_INT}/lift", {}),
        (f"/contacts/import/{ids['uploaded_import_id']}/map",
         {"field-0": v, "name-0": v, "type-0": v, "field-3": "attribute", "name-3": v,
          "type-3": v, "tag_separator": v, "tag_mode": v, "default_region": v}),
        (f"/contacts/import/{ids['uploaded_import_id']}/map",
         {"action": "preview", "field-0": v, "field-1": "email", "tag_separator": v}),
        (f"/contacts/import/{ids['import_id']}/resume", {"x": v}),
        (f"/contacts/import/{ids['import_id']}/discard", {"x": v}),
        ("/templates/new", {"name": v, "key": v, "category": v, "default_locale": v,
                            "description": v}),
        (f"/templates/{template}", editor_fields),
        (f"/templates/{template}/publish", editor_fields),
        (f"/templates/{template}/locales", {**editor_fields, "locales": "en", "new_locale": v,
                                            "copy_default": v}),
        (f"/templates/{template}/locales/{quote(v, safe='') or 'x'}/remove",
         {**editor_fields, "locales": ["en", "de"]}),
        ("/templates/preview", editor_fields),
        ("/templates/sms-count", {"locale": v, f"{v}.sms.text": v, "sample_data": v}),
        (f"/templates/{template}/test-send", {**editor_fields, "test_contact": v,
                                              "test_channels": v}),
        (f"/templates/{template}/versions/{UNKNOWN_INT}/rollback", {}),
        ("/segments/new", {"name": v, "description": v, **rules}),
        (f"/segments/{ids['segment_id']}", {"name": v, "description": v, **rules}),
        ("/segments/preview", rules),
        ("/segments/builder/row", rules),
        ("/segments/builder", {"action": v, **rules}),
        ("/segments/builder", {"action": f"add:{v}", **rules}),
        ("/segments/builder", {"action": f"remove:{v}", **rules}),
        *campaign_forms(ids["campaign_id"], v),
        (f"/notifications/{uuid.uuid4()}/redrive", {}),
        ("/settings/operators/new", {"email": v, "name": v, "role": v}),
        (f"/settings/operators/{ids['operator_id']}/role", {"role": v}),
        ("/settings/api-keys/new", {"name": v, "scopes": v}),
        (f"/settings/api-keys/{UNKNOWN_INT}/revoke", {}),
        ("/settings/system/redrive", {"channel": v}),
        ("/settings/account/", {"timezone": v}),
        (f"/campaigns/{ids['campaign_id']}/winner", {"variant": v}),
        (f"/campaigns/{ids['campaign_id']}/pause", {"x": v}),
    ]


def campaign_forms(campaign: int, v: str) -> list[tuple[str, dict]]:
    """The campaign editor's steps, its schedule preview and the review's confirm."""
    edit = f"/campaigns/{campaign}/edit"
    return [
        ("/campaigns/new", {"name": v, "mode": v, "variant-0": v, "share-0": v}),
        (f"{edit}/content", {"name": v, "mode": "split", "variant-0": v, "share-0": v,
                             "variant-1": v, "share-1": v, "action": v}),
        (f"{edit}/content", {"name": v, "mode": "test", "variant-0": "order-shipped:1",
                             "variant-1": v, "test_percent": v, "test_wait_minutes": v,
                             "winner_metric": v}),
        (f"{edit}/audience", {"segment_id": v, "exclusion_segment_id": v, "channel_mode": v,
                              "order": [v, "email"], "channels": [v, "email"], "category": v,
                              "holdout_percent": v}),
        (f"{edit}/audience", {"order": [v, "sms"], "channels": "sms", "action": f"up:{v}"}),
        (f"{edit}/schedule", {"kind": "at", "send_at": v}),
        (f"{edit}/schedule", {"kind": "local", "local_date": v, "local_time": v,
                              "default_timezone": v}),
        (f"{edit}/schedule", {"kind": "recurring", "repeat": "cron", "cron": v, "timezone": v}),
        (f"{edit}/schedule", {"kind": "recurring", "repeat": v, "repeat_time": v,
                              "repeat_days": [v, "1"]}),
        (f"{edit}/delivery", {"window": v, "window_start": v, "window_end": v,
                              "window_days": [v], "expires_at": v, "throttle_per_minute": v}),
        ("/campaigns/schedule-preview", {"kind": "recurring", "repeat": v, "cron": v,
                                         "timezone": v, "repeat_time": v, "repeat_days": v}),
        (f"/campaigns/{campaign}/review", {"x": v}),
    ]


def test_hostile_form_posts_never_fail_nor_write_when_rejected(app, ids, admin_client):
    problems, statuses = [], set()
    for value in HOSTILE:
        for path, data in forms(ids, value):
            for headers in ({}, {"HX-Request": "true", "HX-Trigger-Name": "r-0-type"}):
                before = row_counts()
                response = fetch(admin_client, "post", path, data=data, headers=headers)
                label = f"POST {path[:70]} {value[:20]!r} {'htmx' if headers else ''}"
                check_page(problems, label, response)
                statuses.add(response.status_code)
                if 400 <= response.status_code < 500 and row_counts() != before:
                    problems.append(f"{label}: {response.status_code} but rows were written")
                if response.status_code == 422 and not MESSAGE.search(
                        response.get_data(as_text=True)):
                    problems.append(f"{label}: 422 without a message")
    # What was accepted is stored: every page showing it must still render, escaped.
    for path in ("/contacts/", "/templates/", "/segments/", "/notifications/", "/dashboard",
                 "/settings/operators/", "/settings/api-keys/", "/settings/audit/",
                 "/contacts/import/", *(p for p, _ in forms(ids, "x") if "/" in p[1:])):
        response = fetch(admin_client, "get", path)
        check_page(problems, f"GET {path} after the hostile posts", response)
        for link in links(response):
            check_page(problems, f"link {link} after the hostile posts",
                       fetch(admin_client, "get", link))
    report(problems)
    assert {400, 404, 422} <= statuses  # refused input was seen, not just accepted


def valid_forms(ids: dict, n: int) -> list[tuple[str, dict]]:
    """(path, a valid form) for the main writes; `n` keeps unique names unique."""
    content = {"name": "Order shipped", "category": "orders", "default_locale": "en",
               "locales": "en", "en.push.title": "Hi {{ contact.first_name }}",
               "en.push.body": "Order shipped", "en.push.badge": "1",
               "en.sms.text": "Order {{ order }} shipped", "en.email.subject": "Order",
               "en.email.html": "<p>Order</p>", "sample_data": '{"order": "A-1"}'}
    template, campaign = ids["template_id"], ids["campaign_id"]
    return [
        (f"/templates/{template}", content),
        (f"/templates/{template}/locales", {**content, "new_locale": "it"}),
        ("/templates/preview", content),
        ("/templates/new", {"name": "Welcome", "key": f"welcome-{n}", "category": "orders",
                            "default_locale": "en", "description": "First message"}),
        ("/segments/new", {"name": f"Segment {n}", "description": "d", "match": "all",
                           "r-0-type": "attribute", "r-0-key": "plan", "r-0-op": "equals",
                           "r-0-value": "pro"}),
        ("/segments/preview", {"match": "all", "r-0-type": "created", "r-0-op": "date_between",
                               "r-0-value": "2024-01-01", "r-0-value2": "2025-01-01"}),
        (f"/contacts/import/{ids['uploaded_import_id']}/map",
         {"action": "preview", "field-0": "external_id", "field-1": "email", "field-2": "phone",
          "field-3": "attribute", "name-3": "plan", "type-3": "number", "tag_separator": ";",
          "tag_mode": "add", "default_region": "GB"}),
        ("/settings/operators/new", {"email": f"new{n}@example.com", "name": "New",
                                     "role": "viewer"}),
        ("/settings/api-keys/new", {"name": f"key {n}", "scopes": "send"}),
        (f"/templates/{template}/test-send", {**content, "test_contact": "user-1",
                                              "test_channels": "sms"}),
        ("/templates/sms-count", {"locale": "en", "en.sms.text": "Hi {{ order }}",
                                  "sample_data": '{"order": 1}'}),
        (f"/contacts/{ids['contact_id']}/preferences", {"cell": ["orders:email", "orders:sms"],
                                                       "opted_in": "orders:sms"}),
        ("/segments/builder", {"action": "add-group:", "match": "any", "r-0-type": "tag",
                               "r-0-op": "has_any", "r-0-value": "vip, beta"}),
        (f"/segments/{ids['segment_id']}", {"name": "VIP customers", "match": "all",
                                            "r-0-type": "last_seen", "r-0-op": "within_last_days",
                                            "r-0-value": "30"}),
        ("/settings/system/redrive", {"channel": "email"}),
        (f"/campaigns/{campaign}/edit/content", {"name": f"Sale {n}", "mode": "split",
                                                 "variant-0": "order-shipped:1", "share-0": "60",
                                                 "variant-1": "order-shipped:2", "share-1": "40"}),
        (f"/campaigns/{campaign}/edit/audience",
         {"segment_id": str(ids["segment_id"]), "channel_mode": "fallback", "category": "orders",
          "order": ["email", "push", "sms"], "channels": ["email", "push"],
          "holdout_percent": "5"}),
        (f"/campaigns/{campaign}/edit/schedule",
         {"kind": "recurring", "repeat": "weekly", "repeat_time": "09:00",
          "repeat_days": ["0", "3"], "timezone": "Europe/Paris"}),
        (f"/campaigns/{campaign}/edit/delivery",
         {"window": "on", "window_start": "09:00", "window_end": "20:00",
          "window_days": ["0", "1"], "expires_at": "", "throttle_per_minute": "100"}),
    ]


ONE_AT_A_TIME = ["x" * 5000, "مرحبا \u202eevil\u202c 👩‍👩‍👧", "{{ 7*7 }}", SCRIPT, HUGE_INT,
                 "²", "[" * 50_000, '{"a": ' + "[" * 900 + "]" * 900 + "}", "null",
                 '{"order": NaN, "x": 1e999}', "%_\\", "  "]


def test_one_hostile_field_at_a_time_in_valid_forms(ids, admin_client):
    """Each field of a valid form gets each hostile value: deeper code paths than all at once."""
    problems, n = [], 0
    for index, (path, data) in enumerate(valid_forms(ids, 0)):
        for name in data:
            for value in ONE_AT_A_TIME:
                n += 1
                form = {**valid_forms(ids, n)[index][1], name: value}
                before = row_counts()
                response = fetch(admin_client, "post", path, data=form)
                label = f"POST {path} {name}={value[:20]!r}"
                check_page(problems, label, response)
                if 400 <= response.status_code < 500 and row_counts() != before:
                    problems.append(f"{label}: {response.status_code} but rows were written")
    report(problems)


def test_writes_beyond_the_role_are_refused_without_a_row(app, ids, client, clients):
    problems = []
    before = row_counts()
    for role, c in {"anonymous": client, **clients}.items():
        rank = ROLE_RANK.get(role, -1)
        for rule in console_rules(app, "POST"):
            needed = required_role(app, rule.endpoint)
            if needed is None or rank >= ROLE_RANK[needed]:
                continue
            response = fetch(c, "post", build(rule, ids), data={"name": "x", "role": "admin"})
            check_page(problems, f"{role} POST {rule.rule}", response)
            if response.status_code not in (302, 401, 403):
                problems.append(f"{role} POST {rule.rule}: {response.status_code}")
    assert row_counts() == before
    report(problems)


def test_hostile_sign_in_never_fails(app, client):
    problems = []
    for value in HOSTILE:
        for data in ({"email": value, "password": value},
                     {"email": "ada@example.com", "password": value}):
            response = fetch(client, "post", f"/login?next={quote(value)}", data=data)
            check_page(problems, f"sign in {value[:20]!r}", response)
        check_page(problems, f"set password {value[:20]!r}",
                   fetch(client, "post", f"/set-password/{quote(value, safe='') or 'x'}",
                         data={"password": value, "confirm": value}))
    report(problems)


def test_hostile_uploads_are_refused_without_a_row(ids, editor_client):
    problems = []
    for value in HOSTILE:
        for filename, data in ((f"{value}.csv", CSV), ("contacts.csv", value),
                               ("contacts.csv", f"external_id,{value}\nu-1,{value}\n")):
            before = row_counts()
            response = fetch(editor_client, "post", "/contacts/import/new", data={
                "file": (io.BytesIO(data.encode()), filename)},
                content_type="multipart/form-data")
            check_page(problems, f"upload {filename[:30]!r} {data[:30]!r}", response)
            if response.status_code >= 400 and row_counts() != before:
                problems.append(f"upload {filename[:30]!r}: rejected but rows were written")
    report(problems)


# --- regressions found by the crawl ------------------------------------------------------

def test_ids_past_bigint_are_not_found(ids, viewer_client):
    template = ids["template_id"]
    for url in (f"/contacts/{HUGE_INT}", f"/segments/{HUGE_INT}/count",
                f"/templates/{template}/versions/{2**40}", f"/contacts/import/{HUGE_INT}"):
        assert viewer_client.get(url).status_code == 404, url
    for url in (f"/contacts/?before={HUGE_INT}", f"/templates/?after={HUGE_INT}",
                f"/templates/{template}/versions?a={2**40}"):
        assert viewer_client.get(url).status_code in (200, 404), url


def test_a_url_past_the_limit_is_a_414_page(app, viewer_client, client):
    limit = app.extensions["herald_config"].MAX_URL_BYTES
    for who in (viewer_client, client):
        response = who.get("/contacts/?q=" + "x" * limit)
        assert response.status_code == 414 and response.mimetype == "text/html"
        assert "That address is too long" in response.get_data(as_text=True)
    shorter = viewer_client.get("/contacts/?q=" + "x" * (limit - 20))
    assert shorter.status_code == 422  # reaches the search, which says the term is too long


@pytest.mark.parametrize("extra", ["_method=POST", "endpoint=x", "contact_id=abc"])
def test_pager_links_never_pass_query_arguments_to_url_for(ids, viewer_client, extra):
    contact, newest = ids["contact_id"], "ffffffff-ffff-ffff-ffff-ffffffffffff"
    for path in (f"/contacts/?before={UNKNOWN_INT}&has=email&has=phone",
                 f"/notifications/?before={newest}", f"/contacts/{contact}?before={newest}"):
        page = viewer_client.get(f"{path}&{extra}")
        assert page.status_code in (200, 422), path
        newer = re.search(r'href="([^"]*)" rel="prev"', page.get_data(as_text=True))
        assert newer and extra in html.unescape(newer[1]), path
    listed = viewer_client.get(f"/contacts/?before={UNKNOWN_INT}&has=email&has=phone")
    assert "has=email&amp;has=phone" in listed.get_data(as_text=True)  # repeated filters kept


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example", "//evil.example",
                                    "https://evil.example", "/\n/evil.example"])
def test_sign_in_never_sends_the_operator_to_another_site(app, client, admin, target):
    response = client.post(f"/login?next={quote(target)}",
                           data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/dashboard"


def test_audit_filter_ignores_an_operator_that_is_not_an_id(ids, admin_client):
    for value in (HUGE_INT, "²", "abc"):
        page = admin_client.get(f"/settings/audit/?operator={quote(value)}")
        assert page.status_code == 200 and "segment.create" in page.get_data(as_text=True)


def test_nul_characters_are_refused_with_a_message_and_nothing_written(ids, editor_client):
    before = row_counts()
    search = editor_client.get("/contacts/?q=a%00b")
    saved = editor_client.post("/templates/new", data={"name": "a\x00b", "key": "nul",
                                                       "category": "orders"})
    for response in (search, saved):
        assert response.status_code == 400
        assert "NUL character" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_badge_in_other_digits_is_a_field_error(ids, editor_client):
    response = editor_client.post(f"/templates/{ids['template_id']}", data={
        "name": "Order shipped", "category": "orders", "default_locale": "en",
        "locales": "en", "en.push.title": "Hi", "en.push.body": "Shipped",
        "en.push.badge": "²"})
    assert response.status_code == 422
    assert "a whole number from 0 to" in response.get_data(as_text=True)


def test_sample_data_nested_too_deeply_is_a_field_error(ids, editor_client):
    response = editor_client.post("/templates/preview", data={
        "locales": "en", "en.sms.text": "Hi", "sample_data": "[" * 50_000})
    assert response.status_code == 200
    assert "The sample data is nested too deeply." in response.get_data(as_text=True)


def test_a_csv_with_a_nul_character_is_refused_at_upload(ids, editor_client):
    before = row_counts()
    response = editor_client.post("/contacts/import/new", data={
        "file": (io.BytesIO(b"external_id,email\nu-1,a\x00b@example.com\n"), "c.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "NUL character at position" in response.get_data(as_text=True)
    assert row_counts() == before
