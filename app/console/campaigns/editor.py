"""The campaign editor, as steps (content, audience, schedule, delivery), and the review."""

from app.console.campaigns.views import bp  # noqa: F401
