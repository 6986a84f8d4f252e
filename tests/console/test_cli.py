"""`flask herald create-operator`."""
from sqlalchemy import select

from app.models import AuditLog, Operator
from tests.helpers.console import sign_in


def test_create_operator_with_password(app, client, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["herald", "create-operator", "Boss@Example.com", "--role",
                                 "admin", "--password", "a long enough secret"])
    assert result.exit_code == 0, result.output
    operator = db.session.scalar(select(Operator))
    assert (operator.email, operator.role) == ("boss@example.com", "admin")
    assert sign_in(client, "boss@example.com", "a long enough secret").status_code == 302
    entry = db.session.scalar(select(AuditLog))
    assert entry.action == "operator.create" and entry.operator_id is None


def test_create_operator_without_password_prints_a_link_and_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["herald", "create-operator", "ed@example.com", "--role", "editor"])
    assert "http://herald.test/set-password/" in first.output
    again = runner.invoke(args=["herald", "create-operator", "ed@example.com"])
    assert again.exit_code == 0 and "already exists" in again.output
    assert db.session.scalar(select(db.func.count()).select_from(Operator)) == 1


def test_weak_password_is_refused(app, db):
    result = app.test_cli_runner().invoke(
        args=["herald", "create-operator", "x@example.com", "--password", "short"])
    assert result.exit_code != 0 and "at least 12" in result.output
    assert db.session.scalar(select(Operator)) is None
