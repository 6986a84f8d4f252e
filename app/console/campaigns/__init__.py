"""Console area: campaigns. views.py the list, a campaign's page with its live progress and
the lifecycle buttons; editor.py the editor's steps and the review before scheduling."""
import app.console.campaigns.report  # noqa: F401  (the report's routes join bp)
from app.console.campaigns import editor  # noqa: F401, E402  (its routes join bp)
from app.console.campaigns.views import bp  # noqa: F401
