"""Core commands behind the templates and suppressions APIs (and the console): each change
is audited once, repeats change nothing, refusals write nothing."""
import pytest
from sqlalchemy import func, select

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM, Actor
from app.core.contacts import suppressions
from app.core.templates import commands
from app.errors import Conflict, ValidationFailed
from app.models import AuditLog, Suppression, Template
from tests import factories

EN = {"en": {"sms": {"text": "Order {{ data.order }} shipped"}}}


@pytest.fixture()
def key(db) -> Actor:
    row, _ = create_api_key(db.session, "shop-backend", ["manage"], actor=SYSTEM)
    db.session.commit()
    return Actor.of(row)


def audit(db, prefix: str) -> list[tuple[str, str | None]]:
    return [tuple(r) for r in db.session.execute(
        select(AuditLog.action, AuditLog.actor_kind).where(AuditLog.action.like(f"{prefix}%"))
        .order_by(AuditLog.id))]


def test_suppression_add_and_remove_are_idempotent_and_audited_once(db, key):
    row, created = suppressions.add(db.session, "email", "Ada@Example.COM", actor=key)
    db.session.commit()
    assert (row.address, row.reason, created) == ("Ada@example.com", "manual", True)
    again, created = suppressions.add(db.session, "email", "Ada@example.com",
                                      reason="complaint", actor=key)
    db.session.commit()
    assert (again.id, again.reason, created) == (row.id, "manual", False)
    assert suppressions.remove(db.session, "email", "ada@EXAMPLE.com", actor=key) is None
    assert suppressions.remove(db.session, "email", "Ada@example.com", actor=key).id == row.id
    assert suppressions.remove(db.session, "email", "Ada@example.com", actor=key) is None
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0
    assert audit(db, "suppression.") == [("suppression.add", "api_key"),
                                         ("suppression.remove", "api_key")]


def test_suppression_lists_filter_and_page(db, key):
    for n in range(3):
        suppressions.add(db.session, "sms", f"+1415555010{n}", reason="stop", actor=key)
    suppressions.add(db.session, "email", "a@example.com", actor=key)
    db.session.commit()
    newest = suppressions.list_suppressions(db.session, channel=["sms"], limit=2)
    assert [s.address for s in newest] == ["+14155550102", "+14155550101"]
    rest = suppressions.list_suppressions(db.session, channel=["sms"], before_id=newest[-1].id)
    assert [s.address for s in rest] == ["+14155550100"]
    assert [s.channel for s in suppressions.list_suppressions(db.session, reason=["manual"])] \
        == ["email"]
    with pytest.raises(ValidationFailed):
        suppressions.add(db.session, "sms", "0612", actor=key)


def test_template_commands_audit_each_change_with_its_actor(db, key):
    factories.category()
    template = commands.create(db.session, "order-shipped", "Order shipped", "orders",
                               content=EN, actor=key)
    assert commands.update_details(db.session, template, name="Order shipped",
                                   category="orders", description="", actor=key) is False
    draft = commands.publish(db.session, template, actor=key)
    assert draft.created_by == "shop-backend"
    with pytest.raises(Conflict):
        commands.publish(db.session, template, actor=key)
    commands.save_draft(db.session, template, {"en": {"sms": {"text": "v2"}}}, "en", actor=key)
    commands.publish(db.session, template, actor=key)
    commands.roll_back(db.session, template, draft, actor=key)
    db.session.commit()
    assert [v.version for v in commands.list_versions(db.session, template, before=3)] == [2, 1]
    assert audit(db, "template.") == [
        ("template.create", "api_key"), ("template.publish", "api_key"),
        ("template.save_draft", "api_key"), ("template.publish", "api_key"),
        ("template.rollback", "api_key")]


def test_a_refused_template_writes_nothing(db, key):
    factories.category()
    with pytest.raises(ValidationFailed) as refused:
        commands.create(db.session, "bad key", "", "nope", content={"en": {"sms": {
            "text": "{{ unclosed"}}}, actor=key)
    db.session.rollback()
    assert {e["field"] for e in refused.value.errors} == {"/key", "/name", "/category",
                                                          "/en/sms/text"}
    assert db.session.scalar(select(func.count()).select_from(Template)) == 0
    assert audit(db, "template.") == []
