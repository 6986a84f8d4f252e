"""`flask --app wsgi herald …` commands for operators of a Herald install."""
import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import herald_config, redis_client
from app.core.ops.bootstrap import seed_categories
from app.extensions import db

herald_cli = AppGroup("herald", help="Herald administration commands.")


@herald_cli.command("seed")
def seed_command():
    """Create the default categories."""
    added = seed_categories(db.session)
    db.session.commit()
    click.echo(f"{added} categories added")


@herald_cli.command("bootstrap")
def bootstrap_command():
    """Seed categories; on a new install create an admin and an API key, printed once."""
    from app.core.access.api_keys import create_api_key
    from app.core.access.audit import SYSTEM
    from app.core.access.operators import create_operator
    from app.models import ApiKey, Operator

    seed_categories(db.session)
    lines = []
    if db.session.scalar(select(func.count()).select_from(Operator)) == 0:
        password = secrets.token_urlsafe(12)
        create_operator(db.session, "admin@example.com", "admin", "Administrator", password)
        lines.append(f"  console  admin@example.com / {password}")
    if db.session.scalar(select(func.count()).select_from(ApiKey)) == 0:
        _, plaintext = create_api_key(db.session, "default", ["send", "manage"],
                                      actor=SYSTEM)
        lines.append(f"  API key  {plaintext}")
    db.session.commit()
    if lines:
        click.echo("\nFirst start: these are shown only once, keep them.\n" + "\n".join(lines))


@herald_cli.command("sweep")
def sweep_command():
    """Run one sweep now (release due rows, re-queue stale ones)."""
    from app.core.delivery.sweeper import sweep

    result = sweep(db.session, redis_client(),
                   herald_config())
    click.echo(result)


@herald_cli.command("openapi")
def openapi_command():
    """Print the API's OpenAPI document (what `make client` generates the client from)."""
    from flask import json

    from app.api import URL_PREFIX
    from app.api.openapi import build_document

    click.echo(json.dumps(build_document(URL_PREFIX), indent=2, ensure_ascii=False,
                          sort_keys=False))


@herald_cli.command("rotate-keys")
def rotate_keys_command():
    """Seal the provider settings stored in the console again with the first of
    HERALD_ENCRYPTION_KEY's keys; the older keys may then be dropped from it."""
    from app.core.access.audit import SYSTEM, record
    from app.core.providers.accounts import rotate
    from app.core.providers.sealing import InvalidToken

    try:
        count = rotate(db.session, herald_config())
    except InvalidToken:
        db.session.rollback()
        raise click.ClickException("a stored row opens with none of HERALD_ENCRYPTION_KEY's "
                                   "keys: list the key it was sealed with too") from None
    record(db.session, SYSTEM, "provider.rotate_keys", "provider", None, None,
           {"rows": count})
    db.session.commit()
    click.echo(f"{count} provider setting row{'s' if count != 1 else ''} sealed with the "
               "first key")


@herald_cli.command("log-maintain")
def log_maintain_command():
    """Make the log's partitions ahead and apply retention now."""
    from app.core.ops.retention import maintain

    click.echo(maintain(db.session, redis_client(), herald_config()))


@herald_cli.command("log-load-archive")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--table", "into", required=True, help="A new table to load the archive into.")
@click.option("--like", default="notifications",
              type=click.Choice(["notifications", "notification_statuses", "events"]),
              help="The log table the archive was written from.")
def log_load_archive_command(path, into, like):
    """Load an archived day of the log into a table of its own, for an audit."""
    from app.core.ops.archive import load

    try:
        rows = load(db.engine, path, into, like)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(f"{rows:,} rows loaded into {into}")


demo_cli = AppGroup("demo", help="The demo workspace: seed it, or remove it all.")
herald_cli.add_command(demo_cli)


@demo_cli.command("seed")
@click.option("--first-run", is_flag=True,
              help="Only on a database without contacts, not in production mode, and "
                   "unless HERALD_DEMO=0.")
def demo_seed_command(first_run):
    """Seed the demo workspace (nothing happens when it is already there)."""
    from app.core.demo.seed import seed
    from app.core.ops.startup import providers_on_sandbox
    from app.models import Contact

    config = herald_config()
    # A first run seeds only a development install that has no contacts yet.
    if first_run and (not config.DEMO or config.ENV == "production"
                      or db.session.scalar(select(Contact.id).limit(1))):
        return
    web = None
    if providers_on_sandbox(config):  # web devices subscribe to the sandbox push service
        from app.sandbox.webpush import subscription

        base = f"https://{config.SANDBOX_HOST}:{config.SANDBOX_TLS_PORT}"
        web = lambda name: subscription(base, name)  # noqa: E731
    seeded = seed(db.session, config, web_subscription=web)
    db.session.commit()
    if seeded is None:
        click.echo("The demo workspace is already there (`herald demo remove` removes it).")
    else:
        click.echo("Demo workspace: " + ", ".join(f"{n} {k}" for k, n in seeded.items())
                   + " (`flask --app wsgi herald demo remove` removes it all)")


@demo_cli.command("remove")
def demo_remove_command():
    """Delete every row of the demo workspace."""
    from app.core.demo.remove import remove

    removed = remove(db.session)
    db.session.commit()
    click.echo(f"Removed {sum(removed.values())} demo rows.")


def init_app(app) -> None:
    app.cli.add_command(herald_cli)
