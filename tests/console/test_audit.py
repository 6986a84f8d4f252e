"""The audit log: recording, filters, keyset pagination and the before/after diff."""
from datetime import timedelta

from sqlalchemy import select

from app.console.pagination import keyset_page
from app.core.access import audit
from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db
from app.models import AuditLog
from app.models.types import utcnow


def add_entries(operator, count, action="contact.update", entity="contact", at=None):
    for n in range(count):
        entry = audit.record(db.session, operator, action, entity, n, {"n": n}, {"n": n + 1},
                             "10.0.0.1")
        if at is not None:
            entry.at = at
    db.session.commit()


def test_record_is_json_safe_and_keeps_who(db, admin):
    now = utcnow()
    audit.record(db.session, admin, "thing.update", "thing", 7,
                 before={"when": now, "tags": {"a"}}, after={"when": None, "tags": ["a", "b"]},
                 ip="192.0.2.1")
    db.session.commit()
    entry = db.session.scalar(select(AuditLog))
    assert entry.before == {"when": now.isoformat(), "tags": ["a"]}
    assert (entry.operator_id, entry.operator_email, entry.entity_id, entry.ip) == \
        (admin.id, admin.email, "7", "192.0.2.1")
    assert {c.field for c in audit.changes(entry.before, entry.after)} == {"when", "tags"}


def test_changes_lists_only_differing_fields():
    diff = audit.changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    assert [(c.field, c.before, c.after) for c in diff] == [("b", 2, 3), ("c", None, 4)]


def test_keyset_pages_cover_everything_once(db, admin):
    add_entries(admin, 23)
    seen, before = [], None
    while True:
        page = keyset_page(db.session, select(AuditLog), AuditLog.id, before=before, limit=10)
        seen += [e.id for e in page.items]
        if page.next_cursor is None:
            break
        before = page.next_cursor
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 23
    back = keyset_page(db.session, select(AuditLog), AuditLog.id, after=page.items[0].id,
                       limit=10)
    assert [e.id for e in back.items] == seen[10:20]
    assert back.prev_cursor == seen[10] and back.next_cursor == seen[19]


def test_page_filters_by_action_entity_and_dates(admin_client, admin):
    add_entries(admin, 2, action="contact.update")
    add_entries(admin, 1, action="template.publish", entity="template")
    add_entries(admin, 1, action="segment.delete", entity="segment",
                at=utcnow() - timedelta(days=10))
    page = admin_client.get("/settings/audit/?action=template.publish").get_data(as_text=True)
    assert page.count("<code class=\"code\">template.publish</code>") == 1
    assert "<code class=\"code\">contact.update</code>" not in page
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    recent = admin_client.get(f"/settings/audit/?since={since}").get_data(as_text=True)
    assert "segment.delete</code>" not in recent and "contact.update</code>" in recent
    by_entity = admin_client.get("/settings/audit/?entity_type=segment&entity_id=0")
    assert "segment.delete</code>" in by_entity.get_data(as_text=True)


def test_date_filters_at_the_ends_of_the_calendar(admin_client, admin):
    add_entries(admin, 1)
    for args in ("until=9999-12-31", "since=0001-01-01", "since=0001-01-01&until=9999-12-31"):
        response = admin_client.get(f"/settings/audit/?{args}")
        assert response.status_code == 200, args
        assert "contact.update</code>" in response.get_data(as_text=True), args
    empty = admin_client.get("/settings/audit/?since=9999-12-31").get_data(as_text=True)
    assert "contact.update</code>" not in empty


def test_page_shows_diff_and_paginates(admin_client, admin):
    add_entries(admin, 55)
    first = admin_client.get("/settings/audit/").get_data(as_text=True)
    assert first.count("contact.update</code>") == 50 and 'rel="next"' in first
    assert '<td class="diff-old"><code>54</code>' in first
    assert '<td class="diff-new"><code>55</code>' in first
    older = admin_client.get("/settings/audit/?before=6").get_data(as_text=True)
    assert older.count("contact.update</code>") == 5 and 'rel="prev"' in older


def test_htmx_filter_returns_only_the_results(admin_client, admin):
    add_entries(admin, 1)
    response = admin_client.get("/settings/audit/?action=contact.update",
                                headers={"HX-Request": "true", "HX-Target": "audit-results"})
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section id="audit-results"') and "<html" not in page


def test_empty_filters_show_an_empty_state(admin_client):
    page = admin_client.get("/settings/audit/?action=nothing").get_data(as_text=True)
    assert "No entries match" in page


def test_api_changes_are_audited_as_the_api_key(admin_client, db):
    key, token = create_api_key(db.session, "checkout service", ["send", "manage"],
                                actor=SYSTEM)
    db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    assert admin_client.put("/api/v1/contacts/ada", json={"email": "ada@example.com"},
                            headers=api).status_code == 201
    assert admin_client.patch("/api/v1/contacts/ada", json={"locale": "en-GB"},
                              headers=api).status_code == 200
    db.session.expire_all()
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "contact")
                                 .order_by(AuditLog.id)).all()
    assert [(e.action, e.actor_kind, e.api_key_id, e.operator_id) for e in entries] == [
        ("contact.create", "api_key", key.id, None), ("contact.update", "api_key", key.id, None)]
    assert (entries[1].before, entries[1].after) == ({"locale": None}, {"locale": "en-GB"})
    page = admin_client.get("/settings/audit/").get_data(as_text=True)
    assert page.count("API key “checkout service”") == 2
    assert "contact.update</code>" in page and "contact.create</code>" in page


def test_erasing_a_contact_keeps_who_did_what_but_not_its_values(admin_client, db):
    _, token = create_api_key(db.session, "crm", ["manage"], actor=SYSTEM)
    db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    admin_client.put("/api/v1/contacts/ada", json={"email": "ada@example.com"}, headers=api)
    assert admin_client.delete("/api/v1/contacts/ada", headers=api).status_code == 204
    db.session.expire_all()
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "contact")
                                 .order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["contact.create", "contact.erase"]
    assert all(e.before is None and e.after is None for e in entries)
