"""Console → Segments: roles, the builder's form fields, preview, save, audit."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import AuditLog, Segment
from tests import factories

HX = {"HX-Request": "true"}
VIP_RULES = {"match": "all", "rules": [{"type": "tag", "op": "has", "value": "vip"}]}


@pytest.fixture()
def people(db):
    factories.contact("ada", "ada@example.com", tags=["vip"], locale="en-GB")
    factories.contact("bob", "bob@example.com", "+14155550101", tags=["vip", "beta"])
    factories.contact("cy", "cy@example.com", "+14155550102", tags=[],
                      attributes={"plan": "pro", "age": 41})


@pytest.fixture()
def segment(db, editor):
    row = Segment(name="VIP", description="Best customers", rules=VIP_RULES,
                  created_by_id=editor.id)
    db.session.add(row)
    db.session.commit()
    return row


def vip_form(**extra) -> dict:
    return {"name": "VIP customers", "description": "", "match": "all",
            "r-0-type": "tag", "r-0-op": "has", "r-0-value": "vip", **extra}


def audit_actions() -> list[str]:
    return list(_db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_list_empty_states(editor_client, viewer_client):
    assert "New segment" in text(editor_client.get("/segments/"))
    page = text(viewer_client.get("/segments/"))
    assert "No segments yet" in page and "New segment" not in page


def test_list_shows_rules_editor_and_live_count(editor_client, people, segment):
    editor_client.post(f"/segments/{segment.id}", data=vip_form(name="VIP"))
    page = text(editor_client.get("/segments/"))
    assert "VIP" in page and "has tag “vip”" in page and "by editor@example.com" in page
    count = editor_client.get(f"/segments/{segment.id}/count")
    assert count.status_code == 200 and ">2<" in text(count)


def test_viewer_reads_but_cannot_change(viewer_client, people, segment):
    page = viewer_client.get(f"/segments/{segment.id}")
    assert page.status_code == 200
    body = text(page)
    assert "You can read this segment" in body and 'data-testid="save"' not in body
    assert 'data-count="2"' in body
    for url in ("/segments/new", f"/segments/{segment.id}", "/segments/preview",
                "/segments/builder", "/segments/builder/row",
                f"/segments/{segment.id}/duplicate", f"/segments/{segment.id}/delete"):
        assert viewer_client.post(url, data=vip_form()).status_code == 403, url
    assert viewer_client.get("/segments/new").status_code == 403
    assert _db.session.scalar(select(Segment.name)) == "VIP"
    assert audit_actions() == []


def test_create_saves_normalised_rules_and_audits(editor_client, people):
    form = vip_form(**{"r-1-type": "group", "r-1-match": "any",
                       "r-1-0-type": "attribute", "r-1-0-key": "age", "r-1-0-op": "between",
                       "r-1-0-value": "40", "r-1-0-value2": "50",
                       "r-1-1-type": "locale", "r-1-1-op": "equals", "r-1-1-value": "en_gb"})
    response = editor_client.post("/segments/new", data=form)
    assert response.status_code == 302
    saved = _db.session.scalar(select(Segment))
    assert response.headers["Location"].endswith(f"/segments/{saved.id}")
    assert saved.rules == {"match": "all", "rules": [
        {"type": "tag", "op": "has", "value": "vip"},
        {"type": "group", "match": "any", "rules": [
            {"type": "attribute", "key": "age", "op": "between", "value": [40, 50]},
            {"type": "locale", "op": "equals", "value": "en-GB"}]}]}
    entry = _db.session.scalar(select(AuditLog))
    assert (entry.action, entry.entity_id, entry.after["name"]) == \
        ("segment.create", str(saved.id), "VIP customers")
    page = text(editor_client.get(f"/segments/{saved.id}"))
    assert 'name="r-1-0-value2" value="50"' in page and 'value="en-GB"' in page


def test_invalid_rules_rerender_422_at_the_row(editor_client, people):
    form = vip_form(**{"r-1-type": "group", "r-1-match": "any",
                       "r-1-0-type": "attribute", "r-1-0-key": "age", "r-1-0-op": "gt",
                       "r-1-0-value": "lots"})
    response = editor_client.post("/segments/new", data=form)
    assert response.status_code == 422
    slot = re.search(r'id="err-r-1-0"[^>]*>(.*?)</div>', text(response), re.S)
    assert slot and "enter a number" in slot.group(1)
    assert 'name="r-1-0-value" value="lots"' in text(response)
    assert "alert-error" not in text(response)  # said once, at the row
    assert _db.session.scalar(select(Segment)) is None and audit_actions() == []


@pytest.mark.parametrize("form, message", [
    (vip_form(name=" "), "enter a name"),
    (vip_form(name="x" * 300), "Field cannot be longer than 255 characters"),
    (vip_form(**{"r-0-type": "shoe"}), "unknown condition type"),
    (vip_form(**{"r-0-op": "gt"}), "unknown operator"),
    ({"name": "G", "r-0-type": "group", "r-0-match": "any"}, "at least one condition"),
    ({"name": "Bad match", "match": "most"}, "Input should be"),
])
def test_bad_input_is_422_never_500(editor_client, people, form, message):
    response = editor_client.post("/segments/new", data=form)
    assert response.status_code == 422
    assert message in text(response)
    assert _db.session.scalar(select(Segment)) is None


def test_duplicate_name_is_422(editor_client, segment):
    response = editor_client.post("/segments/new", data=vip_form(name="vip"))
    assert response.status_code == 422
    assert "another segment already has this name" in text(response)


def test_edit_updates_and_audits_before_after(editor_client, people, segment):
    form = vip_form(name="VIP in Britain", **{"r-1-type": "locale", "r-1-op": "language",
                                              "r-1-value": "en"})
    assert editor_client.post(f"/segments/{segment.id}", data=form).status_code == 302
    _db.session.refresh(segment)
    assert segment.name == "VIP in Britain" and len(segment.rules["rules"]) == 2
    entry = _db.session.scalar(select(AuditLog))
    assert entry.action == "segment.update"
    assert (entry.before["name"], entry.after["name"]) == ("VIP", "VIP in Britain")
    assert entry.before["rules"] == VIP_RULES


def test_preview_counts_and_links_the_sample(editor_client, people):
    response = editor_client.post("/segments/preview", data=vip_form(), headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert 'data-count="2"' in body and "of 3 contacts" in body
    assert re.findall(r'href="/contacts/(\d+)"', body) and ">ada<" in body and ">bob<" in body
    assert ">cy<" not in body
    assert 'id="err-r-0" aria-live="polite" hx-swap-oob="true"></div>' in body


@pytest.mark.parametrize(("key", "op", "value", "count"), [
    ("score", "equals", "Infinity", 0), ("score", "equals", "NaN", 0),
    ("score", "in", "1e999, -1e999", 0), ("age", "gt", "40", 1)])
def test_preview_survives_non_finite_numbers(editor_client, people, key, op, value, count):
    factories.contact_holding_non_finite("nan", plan="pro")
    form = vip_form(**{"r-0-type": "attribute", "r-0-key": key, "r-0-op": op,
                       "r-0-value": value})
    response = editor_client.post("/segments/preview", data=form, headers=HX)
    assert response.status_code == 200, text(response)
    assert f'data-count="{count}"' in text(response)


def test_preview_of_bad_rules_is_422_with_row_errors(editor_client, people):
    response = editor_client.post("/segments/preview", headers=HX,
                                  data=vip_form(**{"r-0-value": "not a tag!"}))
    assert response.status_code == 422
    body = text(response)
    assert 'data-count=""' in body
    assert re.search(r'id="err-r-0"[^>]*hx-swap-oob="true"><p class="field-error">.*tag',
                     body, re.S)


def test_builder_adds_and_removes_rows(editor_client, people):
    added = editor_client.post("/segments/builder", headers=HX,
                               data=vip_form(action="add-group"))
    body = text(added)
    assert 'name="r-1-type" value="group"' in body and 'name="r-1-0-type"' in body
    assert 'hx-swap-oob="innerHTML"' in body  # the preview comes along
    inner = editor_client.post("/segments/builder", headers=HX, data=vip_form(**{
        "action": "add:r-1", "r-1-type": "group", "r-1-match": "any",
        "r-1-0-type": "tag", "r-1-0-op": "has", "r-1-0-value": "beta"}))
    assert 'name="r-1-1-type"' in text(inner)
    removed = editor_client.post("/segments/builder", headers=HX, data=vip_form(**{
        "action": "remove:r-0", "r-1-type": "tag", "r-1-op": "has", "r-1-value": "beta"}))
    body = text(removed)
    assert 'name="r-0-value" value="beta"' in body and 'name="r-1-type"' not in body
    assert 'data-count="1"' in body


def test_changing_the_field_rerenders_the_row(editor_client, people):
    form = vip_form(**{"r-0-type": "engagement"})
    response = editor_client.post("/segments/builder/row", data=form,
                                  headers={**HX, "HX-Trigger-Name": "r-0-type"})
    body = text(response)
    assert body.lstrip().startswith('<div class="seg-cond')
    assert '<option value="opened" selected>' in body and 'name="r-0-value" value=""' in body
    assert 'data-count="0"' in body  # "opened a message at any time": nobody has
    reachable = editor_client.post("/segments/builder/row", headers={
        **HX, "HX-Trigger-Name": "r-0-type"}, data=vip_form(**{"r-0-type": "channel"}))
    assert '<option value="ios" selected>' in text(reachable)
    assert reachable.status_code == 200 and 'data-count="0"' in text(reachable)


def test_duplicate_and_delete(editor_client, segment):
    response = editor_client.post(f"/segments/{segment.id}/duplicate")
    copy = _db.session.scalar(select(Segment).where(Segment.id != segment.id))
    assert response.headers["Location"].endswith(f"/segments/{copy.id}")
    assert (copy.name, copy.rules) == ("Copy of VIP", VIP_RULES)
    response = editor_client.post(f"/segments/{segment.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/segments/")
    assert list(_db.session.scalars(select(Segment.name))) == ["Copy of VIP"]
    assert audit_actions() == ["segment.duplicate", "segment.delete"]
    assert editor_client.get(f"/segments/{segment.id}").status_code == 404


def test_saved_segment_shows_its_rule_json(viewer_client, segment):
    body = text(viewer_client.get(f"/segments/{segment.id}"))
    assert "Rule JSON" in body and '"op": "has"' in body
