"""Template versions: drafts, immutable publishing, rollback, diff, locale fallback."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import TemplateError

from app.core.delivery.dispatch import SendRequest, accept
from app.core.templates import content as checks
from app.core.templates import diff as template_diff
from app.core.templates import preview as template_preview
from app.core.templates import store as core
from app.core.templates.environment import compile_template
from app.core.templates.rendering import render_string
from app.errors import Conflict, ValidationFailed
from app.models import Notification, TemplateVersion
from tests import factories

EN = {"en": {"sms": {"text": "Order {{ order }} shipped"},
             "email": {"subject": "Order {{ order }}", "html": "<p>Order {{ order }}</p>"}}}


@pytest.fixture()
def orders(db):
    return factories.category()


def _create(db, content=None, key="order-shipped"):
    template = core.create_template(db.session, key, "Order shipped", "orders",
                                    content=content or EN, author="ed@example.com")
    db.session.commit()
    return template


def _fields(exc) -> dict:
    return {e["field"]: e["message"] for e in exc.value.errors}


def test_create_starts_with_a_draft(db, orders):
    template = _create(db)
    [draft] = core.list_versions(db.session, template)
    assert (draft.version, draft.status, draft.created_by) == (1, "draft", "ed@example.com")
    assert draft.content == EN
    assert template.published_version_id is None


def test_create_validates_key_category_and_syntax(db, orders):
    core.create_template(db.session, "taken", "Taken", "orders")
    with pytest.raises(ValidationFailed) as exc:
        core.create_template(db.session, "taken", " ", "nope",
                             content={"en": {"sms": {"text": "Hi {{ name "}}})
    fields = _fields(exc)
    assert fields["/key"] == "another template has this key"
    assert fields["/name"] == "required"
    assert fields["/category"] == "unknown category"
    assert "/en/sms/text" in fields
    with pytest.raises(ValidationFailed) as exc:
        core.create_template(db.session, "Bad Key!", "Name", "orders")
    assert "/key" in _fields(exc)


def test_published_versions_are_immutable(db, orders):
    template = _create(db)
    draft = core.current_draft(db.session, template)
    core.publish(db.session, template, draft)
    db.session.commit()
    assert template.published_version_id == draft.id

    draft.content = {"en": {"sms": {"text": "changed"}}}
    with pytest.raises(core.VersionImmutable):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(core.VersionImmutable):
        core.publish(db.session, template, draft)
    version = db.session.get(TemplateVersion, draft.id)
    db.session.delete(version)
    with pytest.raises(core.VersionImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(TemplateVersion, draft.id).content == EN


def test_saving_after_publish_starts_a_new_draft(db, orders):
    template = _create(db)
    core.publish(db.session, template, core.current_draft(db.session, template))
    draft, changed = core.save_draft(db.session, template, {"en": {"sms": {"text": "v2"}}}, "en")
    again, changed_again = core.save_draft(db.session, template,
                                           {"en": {"sms": {"text": "v2 edited"}}}, "en")
    db.session.commit()
    assert (draft.version, draft.status, changed) == (2, "draft", True)
    assert again.id == draft.id and changed_again
    assert [v.version for v in core.list_versions(db.session, template)] == [2, 1]
    assert template.published_version.content == EN  # sends keep using v1


def test_publish_checks_completeness(db, orders):
    template = _create(db, content={"en": {"email": {"preheader": "Hi"}, "push": {"sound": "x"}},
                                    "fr": {}})
    with pytest.raises(ValidationFailed) as exc:
        core.publish(db.session, template, core.current_draft(db.session, template))
    fields = _fields(exc)
    assert fields["/en/email/subject"] == "required"
    assert "/en/email/html" in fields and "/en/push/title" in fields and "/fr" in fields


def test_content_rules_badge_data_locale(db, orders):
    with pytest.raises(ValidationFailed) as exc:
        core.save_draft(db.session, _create(db), {
            "en_US": {"sms": {"text": "x"}},
            "en": {"push": {"title": "t", "badge": -1, "data": {"google.x": "1", "ok": "2"}}},
        }, "de")
    fields = _fields(exc)
    assert "/en_US" in fields and "/default_locale" in fields
    assert fields["/en/push/badge"].startswith("a whole number")
    assert fields["/en/push/data"] == "'google.x' is a reserved key"


def test_normalise_drops_empty_fields_and_channels():
    assert checks.normalise_content({"en": {
        "push": {"title": " ", "body": "b", "data": {" k ": "v", "": "x"}, "badge": None},
        "sms": {"text": ""}, "fax": {"text": "x"}}}) == {
        "en": {"push": {"body": "b", "data": {"k": "v"}}}}


def test_rollback_publishes_a_copy_and_keeps_the_draft(db, orders):
    template = _create(db)
    v1 = core.current_draft(db.session, template)
    core.publish(db.session, template, v1)
    v2, _ = core.save_draft(db.session, template, {"en": {"sms": {"text": "v2"}}}, "en")
    core.publish(db.session, template, v2)
    draft, _ = core.save_draft(db.session, template, {"en": {"sms": {"text": "wip"}}}, "en")
    db.session.commit()

    restored = core.rollback(db.session, template, v1, author="ed@example.com")
    db.session.commit()

    assert (restored.version, restored.status, restored.content) == (4, "published", EN)
    assert template.published_version_id == restored.id
    assert (draft.version, draft.status, draft.content["en"]["sms"]["text"]) == (5, "draft", "wip")
    assert [v.version for v in core.list_versions(db.session, template)] == [5, 4, 2, 1]
    with pytest.raises(Conflict):
        core.rollback(db.session, template, restored)
    with pytest.raises(Conflict):
        core.rollback(db.session, template, draft)


def test_api_sends_switch_to_the_published_version(db, redis, config, orders):
    factories.contact()
    template = _create(db)
    core.publish(db.session, template, core.current_draft(db.session, template))
    v2, _ = core.save_draft(db.session, template, {"en": {"sms": {"text": "New {{ order }}"}}},
                            "en")
    db.session.commit()

    def send():
        request = SendRequest(["user-1"], "orders", ["sms"], template="order-shipped",
                              data={"order": "7"})
        [row] = accept(db.session, redis, config, request).notifications
        db.session.commit()
        return db.session.get(Notification, row.id)

    assert send().content == {"text": "Order 7 shipped"}
    core.publish(db.session, template, v2)
    db.session.commit()
    row = send()
    assert (row.content, row.template_version_id) == ({"text": "New 7"}, v2.id)


def test_diff_lists_changed_fields_with_line_rows():
    old = TemplateVersion(default_locale="en", content={"en": {
        "sms": {"text": "Hi"}, "email": {"subject": "S", "html": "<p>a</p>\n<p>b</p>\n<p>c</p>"}}})
    new = TemplateVersion(default_locale="en", content={"en": {
        "email": {"subject": "S", "html": "<p>a</p>\n<p>B!</p>\n<p>c</p>\n<p>d</p>"}},
        "fr": {"sms": {"text": "Salut"}}})
    diffs = {d.path: d for d in template_diff.diff_versions(old, new)}
    assert list(diffs) == [("en", "sms", "text"), ("en", "email", "html"), ("fr", "sms", "text")]
    assert diffs[("en", "sms", "text")].status == "removed"
    assert diffs[("fr", "sms", "text")].status == "added"
    html = diffs[("en", "email", "html")]
    assert (html.status, html.added, html.removed) == ("changed", 2, 1)
    assert [r.kind for r in html.rows] == ["equal", "replace", "equal", "insert"]
    replaced = html.rows[1]
    assert ("b", True) in replaced.old.parts and ("B!", True) in replaced.new.parts
    assert ("insert", "+<p>d</p>") in html.unified
    assert html.unified[0][0] == "hunk"


def test_diff_folds_long_unchanged_runs():
    lines = [f"line {i}" for i in range(30)]
    changed = [*lines[:15], "changed", *lines[16:]]
    result = template_diff.diff_text(("en", "email", "text"), "\n".join(lines), "\n".join(changed))
    kinds = [r.kind for r in result.rows]
    assert kinds[0] == "skip" and kinds[-1] == "skip"
    assert result.rows[0].skipped == 12 and len(result.rows) == 2 + 3 + 1 + 3


def test_preview_falls_back_to_the_default_locale(db):
    content = {"en": {"sms": {"text": "Hello {{ name }}"}},
               "fr": {"sms": {"text": "Bonjour {{ name }}"}}}
    fr = template_preview.render_preview(content, "en", "fr-CA", {"name": "Zoé"})
    assert (fr.locale, fr.fell_back) == ("fr", True)
    assert fr.channels["sms"].content == {"text": "Bonjour Zoé"}
    de = template_preview.render_preview(content, "en", "de", {"name": "Max"})
    assert (de.locale, de.channels["sms"].content["text"]) == ("en", "Hello Max")
    assert de.channels["push"].missing and de.channels["email"].missing
    contact = factories.contact(locale="fr", attributes={"first_name": "Zoé"})
    by_contact = template_preview.render_preview(
        {"en": {"sms": {"text": "Hi {{ contact.first_name }}"}},
         "fr": {"sms": {"text": "Salut {{ contact.first_name }}"}}}, "en", "en", {}, contact)
    assert (by_contact.locale, by_contact.channels["sms"].content["text"]) == ("fr", "Salut Zoé")


def test_preview_reports_undefined_variables_per_field():
    preview = template_preview.render_preview(
        {"en": {"sms": {"text": "Hi {{ nme }}"}, "push": {"title": "ok", "body": "{{ x }}"}}},
        "en", "en", {})
    fields = {e["field"]: e["message"] for e in preview.errors}
    assert fields == {"/en/sms/text": "'nme' is undefined", "/en/push/body": "'x' is undefined"}
    assert preview.channels["sms"].content is None


def test_sample_skeleton_names_the_variables():
    content = {"en": {"push": {"title": "Hi {{ contact.first_name }}",
                               "data": {"id": "{{ data.order_id }}"}},
                      "email": {"subject": "{% for i in items %}{{ i.name }}{% endfor %}"}}}
    assert template_preview.sample_skeleton(content) == {
        "contact": {"first_name": "First name"}, "items": "Items", "order_id": "Order id"}


def test_parse_sample_reports_the_position():
    with pytest.raises(ValidationFailed) as exc:
        template_preview.parse_sample('{"a": 1,}')
    assert exc.value.errors[0]["message"].startswith("Invalid JSON: ")
    assert "line 1, column 9" in exc.value.errors[0]["message"]
    with pytest.raises(ValidationFailed):
        template_preview.parse_sample("[1]")
    assert template_preview.parse_sample("  ") == {}


@pytest.mark.parametrize(("text", "message"), [
    ('{"total": NaN}', "NaN is not a JSON number"),
    ('{"total": [-Infinity]}', "-Infinity is not a JSON number"),
    ('{"total": 1e999}', "1e999 is too large a number"),
    ('{"total": 1' + "0" * 5000 + "}", "a number has too many digits"),
])
def test_parse_sample_refuses_numbers_json_does_not_have(text, message):
    with pytest.raises(ValidationFailed) as exc:
        template_preview.parse_sample(text)
    assert exc.value.errors == [{"field": "/sample_data", "message": exc.value.errors[0][
        "message"]}] and message in exc.value.errors[0]["message"]


@pytest.mark.parametrize(("text", "encoding", "segments", "characters"), [
    ("a" * 160, "GSM-7", 1, 160),
    ("a" * 161, "GSM-7", 2, 161),
    ("a" * 159 + "€", "GSM-7", 2, 161),  # € costs two septets
    ("a" * 69 + "é", "GSM-7", 1, 70),  # é is in the GSM table
    ("a" * 69 + "ł", "UCS-2", 1, 70),
    ("a" * 70 + "ł", "UCS-2", 2, 71),
])
def test_sms_count_boundaries(text, encoding, segments, characters):
    count = template_preview.sms_count(text)
    assert (count.encoding, count.segments, count.characters) == (encoding, segments, characters)
    assert count.non_gsm == (["ł"] if encoding == "UCS-2" else [])


def test_test_send_request_uses_the_contact_locale(db, orders):
    template = _create(db)
    contact = factories.contact(locale="fr-FR")
    request = template_preview.test_send_request(
        template, {"en": {"sms": {"text": "en"}}, "fr": {"sms": {"text": "fr"}}}, "en",
        contact, ["sms"], {"a": 1})
    assert (request.recipients, request.category, request.channels) == (
        ["user-1"], "orders", ["sms"])
    assert request.content == {"sms": {"text": "fr"}} and request.data == {"a": 1}


@given(st.text(alphabet=st.sampled_from("ab <>&\"'{}%#\n\r\t\u00e9\U0001f600"), max_size=40),
       st.booleans())
@settings(max_examples=500, deadline=None)
def test_text_without_template_syntax_renders_as_jinja_would(source, html):
    # A literal is returned as it is, without Jinja's work: it must be what Jinja makes.
    jinja = "".join(compile_template(source, html).generate({})) if _jinja_reads(source) \
        else None
    if jinja is not None:
        assert render_string(source, {}, html=html) == jinja


def _jinja_reads(source: str) -> bool:
    try:
        compile_template(source, False)
    except TemplateError:
        return False
    return True
