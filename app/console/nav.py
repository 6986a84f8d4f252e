"""The sidebar: one NavItem per console area, grouped in sections."""

from dataclasses import dataclass

from flask import request
from flask_login import current_user

from app import herald_config
from app.core.access.operators import has_role
from app.core.ops.startup import providers_on_sandbox


def on_sandbox() -> bool:
    return bool(providers_on_sandbox(herald_config()))


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str  # e.g. "console.contacts.index"; the item is active for its blueprint
    icon: str  # a macro name in templates/_partials/icons.html
    section: str = "main"  # "main" or "settings"
    role: str = "viewer"  # lowest role that sees the entry
    also: tuple[str, ...] = ()  # other blueprints whose pages belong to this entry
    sandbox_only: bool = False  # shown only while some provider points at the sandbox

    @property
    def blueprint(self) -> str:
        return self.endpoint.rsplit(".", 1)[0]


NAV = [
    NavItem("Dashboard", "console.dashboard.index", "home"),
    NavItem("Contacts", "console.contacts.index", "users", also=("console.imports",)),
    NavItem("Templates", "console.templates.index", "file"),
    NavItem("Segments", "console.segments.index", "filter"),
    NavItem("Campaigns", "console.campaigns.index", "send"),
    NavItem("Analytics", "console.analytics.index", "bar-chart"),
    NavItem("Notifications log", "console.notifications.index", "list"),
    NavItem("Sandbox inbox", "console.sandbox.index", "inbox", sandbox_only=True),
    NavItem("Operators", "console.operators.index", "shield", "settings", "admin"),
    NavItem("API keys", "console.api_keys.index", "key", "settings", "admin"),
    NavItem("Audit log", "console.audit.index", "clock", "settings", "admin"),
    NavItem("Queues", "console.queues.index", "layers", "settings"),
    NavItem("System", "console.system.index", "activity", "settings", "admin"),
    NavItem("Providers", "console.providers.index", "layers", "settings", "admin"),
    NavItem("Data", "console.data.index", "database", "settings", "admin"),
]
SECTIONS = {"main": None, "settings": "Settings"}


def nav_sections() -> list[tuple[str | None, list[tuple[NavItem, bool]]]]:
    """Return [(section title, [(item, is_active)])] for the signed-in operator."""
    current = request.blueprint or ""
    sections = []
    for key, title in SECTIONS.items():
        items = [(item, current in (item.blueprint, *item.also)) for item in NAV
                 if item.section == key and has_role(current_user, item.role)
                 and (not item.sandbox_only or on_sandbox())]
        if items:
            sections.append((title, items))
    return sections
