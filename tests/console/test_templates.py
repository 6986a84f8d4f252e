"""Console → Templates: list, create, edit, publish, locales, versions, diff, rollback, roles."""
import pytest
from sqlalchemy import select

from app.core.templates import store as core
from app.models import AuditLog, Template, TemplateVersion
from tests import factories
from tests.helpers.console import editor_form, make_template

pytestmark = pytest.mark.usefixtures("orders")


@pytest.fixture()
def orders(db):
    return factories.category()


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_list_shows_templates_with_status(db, viewer_client):
    make_template(db)
    draft = make_template(db, key="welcome", publish=False)
    page = viewer_client.get("/templates/").get_data(as_text=True)
    assert "order-shipped" in page and "Live · v1" in page
    assert "welcome" in page and "Not published" in page
    assert "New template" not in page  # viewers cannot create
    found = viewer_client.get("/templates/?q=welc", headers={
        "HX-Request": "true", "HX-Target": "template-results"}).get_data(as_text=True)
    assert "welcome" in found and "order-shipped" not in found and "<html" not in found
    assert draft.id


def test_empty_list_invites_to_create(editor_client):
    page = editor_client.get("/templates/").get_data(as_text=True)
    assert "No templates yet" in page and "/templates/new" in page


def test_create_a_template(db, editor_client):
    response = editor_client.post("/templates/new", data={
        "name": "Password reset", "key": "password-reset", "category": "orders",
        "default_locale": "en_gb", "description": "When someone forgets"})
    assert response.status_code == 302
    template = db.session.scalar(select(Template).where(Template.key == "password-reset"))
    assert response.location.endswith(f"/templates/{template.id}")
    draft = core.current_draft(db.session, template)
    assert (draft.default_locale, draft.content, draft.status) == ("en-GB", {"en-GB": {}}, "draft")
    assert actions(db) == ["template.create"]


def test_create_errors_rerender_422(db, editor_client):
    make_template(db)
    response = editor_client.post("/templates/new", data={
        "name": "", "key": "order-shipped", "category": "orders", "default_locale": "xx-!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a BCP 47 language tag" in page and 'aria-invalid="true"' in page
    response = editor_client.post("/templates/new", data={
        "name": "Dup", "key": "order-shipped", "category": "orders", "default_locale": "en"})
    assert response.status_code == 422
    assert "another template has this key" in response.get_data(as_text=True)


def test_viewer_reads_but_cannot_write(db, viewer_client):
    template = make_template(db)
    page = viewer_client.get(f"/templates/{template.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Order {{ order }} shipped" in html and "readonly" in html
    assert "Publish" not in html and "Send a test" not in html
    for url in (f"/templates/{template.id}", f"/templates/{template.id}/publish", "/templates/new",
                "/templates/preview", "/templates/sms-count", f"/templates/{template.id}/test-send",
                f"/templates/{template.id}/versions/1/rollback"):
        assert viewer_client.post(url, data=editor_form()).status_code == 403, url
    assert viewer_client.get("/templates/new").status_code == 403


def test_save_draft_then_publish_switches_the_live_version(db, editor_client):
    template = make_template(db)
    form = editor_form(**{"en.sms.text": "Parcel {{ order }} left the warehouse",
                          "en.push.title": "Shipped", "en.push.body": "On its way",
                          "en.push.badge": "2", "en.push.data.key": ["order", ""],
                          "en.push.data.value": ["{{ order }}", "ignored"]})
    response = editor_client.post(f"/templates/{template.id}", data=form)
    assert response.status_code == 302
    draft = core.current_draft(db.session, template)
    assert draft.version == 2
    assert draft.content == {"en": {
        "push": {"title": "Shipped", "body": "On its way", "badge": 2,
                 "data": {"order": "{{ order }}"}},
        "sms": {"text": "Parcel {{ order }} left the warehouse"}}}
    assert db.session.get(Template, template.id).published_version.version == 1

    response = editor_client.post(f"/templates/{template.id}/publish", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    template = db.session.get(Template, template.id)
    assert template.published_version.version == 2
    assert core.current_draft(db.session, template) is None
    assert actions(db) == ["template.save_draft", "template.publish"]
    page = editor_client.get(response.location).get_data(as_text=True)
    assert "Version 2 is live" in page


def test_saving_unchanged_content_makes_no_version(db, editor_client):
    template = make_template(db)
    form = editor_form(**{"en.sms.text": "Order {{ order }} shipped", "en.push.title": "Shipped",
                          "en.push.body": "Order {{ order }} is on its way"})
    response = editor_client.post(f"/templates/{template.id}", data=form, follow_redirects=True)
    assert "No changes to save." in response.get_data(as_text=True)
    response = editor_client.post(f"/templates/{template.id}/publish", data=form,
                                  follow_redirects=True)
    assert "Nothing new to publish" in response.get_data(as_text=True)
    assert len(core.list_versions(db.session, template)) == 1 and actions(db) == []


def test_syntax_error_is_shown_next_to_the_field_not_500(db, editor_client):
    template = make_template(db)
    response = editor_client.post(f"/templates/{template.id}", data=editor_form(**{
        "en.sms.text": "Order {{ order ", "en.push.badge": "lots"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    slot = page[page.index('id="err-en-sms-text"'):]
    assert "unexpected end of template" in slot[:400]
    assert "a whole number from 0 to 99999" in page[page.index('id="err-en-push-badge"'):][:400]
    assert "Order {{ order " in page  # the operator's text is kept
    assert core.current_draft(db.session, template) is None


def test_publish_errors_rerender_422(db, editor_client):
    template = make_template(db)
    response = editor_client.post(f"/templates/{template.id}/publish", data=editor_form(**{
        "en.email.preheader": "Only a preheader"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "required" in page[page.index('id="err-en-email-subject"'):][:400]
    assert db.session.get(Template, template.id).published_version.version == 1
    assert core.current_draft(db.session, template) is None  # rolled back with the publish


def test_add_and_remove_a_locale(db, editor_client):
    template = make_template(db)
    form = editor_form(**{"en.sms.text": "Order {{ order }} shipped", "new_locale": "fr_fr",
                          "copy_default": "1"})
    response = editor_client.post(f"/templates/{template.id}/locales", data=form)
    assert response.status_code == 302 and "locale=fr-FR" in response.location
    draft = core.current_draft(db.session, template)
    assert draft.content["fr-FR"] == {"sms": {"text": "Order {{ order }} shipped"}}
    page = editor_client.get(response.location).get_data(as_text=True)
    assert 'id="panel-fr-FR"' in page and "French" in page

    bad = editor_client.post(f"/templates/{template.id}/locales", data={
        **form, "locales": ["en", "fr-FR"], "new_locale": "fr-FR"})
    assert bad.status_code == 422 and "already a fr-FR variant" in bad.get_data(as_text=True)

    response = editor_client.post(f"/templates/{template.id}/locales/fr-FR/remove", data={
        **form, "locales": ["en", "fr-FR"], "fr-FR.sms.text": "Commande"})
    assert response.status_code == 302
    db.session.expire_all()
    assert list(core.current_draft(db.session, template).content) == ["en"]
    default = editor_client.post(f"/templates/{template.id}/locales/en/remove", data=form)
    assert default.status_code == 422
    assert actions(db) == ["template.save_draft", "template.add_locale",
                           "template.save_draft", "template.remove_locale"]


def test_versions_page_diff_and_rollback(db, editor_client):
    template = make_template(db)
    v2, _ = core.save_draft(db.session, template, {"en": {"sms": {"text": "Second {{ order }}"}}},
                            "en")
    core.publish(db.session, template, v2)
    db.session.commit()

    page = editor_client.get(f"/templates/{template.id}/versions").get_data(as_text=True)
    assert "v2" in page and "Live" in page and "Roll back" in page
    assert "English (en) · SMS · Text" in page
    assert "<del>Order</del>" in page and "<ins>Second</ins>" in page

    unified = editor_client.get(f"/templates/{template.id}/diff?a=1&b=2&view=unified", headers={
        "HX-Request": "true", "HX-Target": "version-diff"}).get_data(as_text=True)
    assert "<html" not in unified and 'class="d-insert"' in unified
    assert "Second {{ order }}" in unified

    response = editor_client.post(f"/templates/{template.id}/versions/1/rollback")
    assert response.status_code == 302
    db.session.expire_all()
    template = db.session.get(Template, template.id)
    assert template.published_version.version == 3
    assert template.published_version.content["en"]["sms"]["text"] == "Order {{ order }} shipped"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "template.rollback"))
    assert entry.before["version"] == 2 and entry.after["restored_from"] == 1
    again = editor_client.post(f"/templates/{template.id}/versions/3/rollback",
                               follow_redirects=True)
    assert "already the live version" in again.get_data(as_text=True)


def test_view_an_old_version_read_only(db, editor_client):
    template = make_template(db)
    v2, _ = core.save_draft(db.session, template, {"en": {"sms": {"text": "New"}}}, "en")
    core.publish(db.session, template, v2)
    db.session.commit()
    page = editor_client.get(f"/templates/{template.id}/versions/1").get_data(as_text=True)
    assert "Version 1" in page and "Roll back to v1" in page and "readonly" in page
    assert "Order {{ order }} shipped" in page
    assert editor_client.get(f"/templates/{template.id}/versions/9").status_code == 404


def test_discard_draft(db, editor_client):
    template = make_template(db)
    core.save_draft(db.session, template, {"en": {"sms": {"text": "wip"}}}, "en")
    db.session.commit()
    response = editor_client.post(f"/templates/{template.id}/draft/discard")
    assert response.status_code == 302
    assert core.current_draft(db.session, template) is None
    assert db.session.scalar(select(TemplateVersion.id).where(TemplateVersion.version == 2)) is None
    assert actions(db) == ["template.discard_draft"]


def test_unknown_template_is_404(editor_client):
    assert editor_client.get("/templates/999").status_code == 404
    assert editor_client.post("/templates/999/publish", data=editor_form()).status_code == 404
