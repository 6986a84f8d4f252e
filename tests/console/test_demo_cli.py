"""`flask herald demo seed|remove`, and the first run's seed that `make run` asks for.

No app context is pushed around the commands: the CLI pushes the runner's app's own.
"""
import sqlalchemy as sa

from app.extensions import db
from app.models import Contact, DemoRow, Device
from tests import factories
from tests.helpers.console import app_with


def scalar(app, query):
    with app.app_context():
        return db.session.scalar(query)


def contacts(app) -> int:
    return scalar(app, sa.select(sa.func.count()).select_from(Contact))


def test_first_run_seeds_only_an_empty_install_and_only_when_asked(app):
    off = app_with(app, DEMO=False)
    assert off.test_cli_runner().invoke(args=["herald", "demo", "seed", "--first-run"]
                                        ).exit_code == 0
    assert contacts(app) == 0
    with app.app_context():
        factories.contact("own-1")
    result = app.test_cli_runner().invoke(args=["herald", "demo", "seed", "--first-run"])
    assert result.exit_code == 0 and contacts(app) == 1


def test_seed_then_remove(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["herald", "demo", "seed", "--first-run"])
    assert first.exit_code == 0, first.output
    assert "2000 contacts" in first.output and "demo remove" in first.output
    # The providers point at the sandbox: web devices subscribe to its push service.
    endpoint = scalar(app, sa.select(Device.token).where(Device.platform == "web").limit(1))
    assert "/wp/demo-web-" in endpoint
    again = runner.invoke(args=["herald", "demo", "seed"])
    assert "already there" in again.output and contacts(app) == 2000
    removed = runner.invoke(args=["herald", "demo", "remove"])
    assert removed.exit_code == 0 and "Removed" in removed.output
    assert contacts(app) == 0 and scalar(app, sa.select(DemoRow.id)) is None
