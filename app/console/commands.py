"""`flask --app wsgi herald create-operator EMAIL --role admin [--password X]`."""

import click
from flask import current_app

from app.cli import herald_cli
from app.core.access import audit, operators
from app.extensions import db
from app.models.auth import ROLES


@click.command("create-operator")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="admin", show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None,
              help="Set this password; without it, print a one-time set-password link.")
def create_operator_command(email: str, role: str, name: str, password: str | None):
    """Create a console operator (does nothing if the email already exists)."""
    if operators.find_by_email(db.session, email) is not None:
        click.echo(f"operator {operators.fold_email(email)} already exists; unchanged")
        return
    try:
        operator = operators.create_operator(db.session, email, role, name, password)
    except operators.OperatorError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(db.session, None, "operator.create", "operator", operator.id,
                 after=operators.snapshot(operator))
    db.session.commit()
    click.echo(f"operator {operator.email} created with role {operator.role}")
    if password is None:
        click.echo(f"set the password at: {_set_password_link(operator)}")


def _set_password_link(operator) -> str:
    from app.console.operators import set_password_link

    with current_app.test_request_context():
        return set_password_link(operator)


def register() -> None:
    """Add the console's commands to the `herald` command group."""
    herald_cli.add_command(create_operator_command)
