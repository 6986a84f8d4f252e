"""The operator console: server-rendered pages (Jinja + htmx), one blueprint per area.

Every area module defines `bp = Blueprint("<area>", __name__, url_prefix=...)`; they are
nested under the "console" blueprint, so endpoints read "console.<area>.<view>" and the
console's sign-in guard and error pages apply to all of them.
"""

from importlib import import_module

from flask import Blueprint

from app.console import errors, filters, inputs, security
from app.console.nav import nav_sections
from app.console.pagination import url_with
from app.console.security import can

# Area modules, in registration order.
AREAS = ("auth", "dashboard", "contacts", "imports", "templates", "segments", "campaigns",
         "analytics", "notifications", "sandbox", "operators", "api_keys", "audit", "system",
         "queues", "providers", "data",
         "account")


def _console_blueprint() -> Blueprint:
    console = Blueprint("console", __name__)
    console.before_request(security.guard_console_request)
    console.before_request(inputs.reject_nul_characters)
    errors.register(console)
    for name in AREAS:
        console.register_blueprint(import_module(f"app.console.{name}").bp)
    return console


def init_app(app) -> None:
    security.init_app(app)
    app.url_map.converters["int"] = inputs.IdConverter  # before the console's rules bind
    app.register_blueprint(_console_blueprint())
    errors.register_fallbacks(app)
    app.jinja_env.globals.update(nav_sections=nav_sections, url_with=url_with, can=can)
    app.jinja_env.filters.update(filters.FILTERS)
    security.check_every_view_declares_access(app)

    from app.console import commands

    commands.register()
