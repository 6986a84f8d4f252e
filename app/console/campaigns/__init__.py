"""Console area: campaigns. views.py the list, a campaign's page with its live progress;
actions.py the lifecycle buttons; describe.py a definition in words; editor.py the
editor's steps and the review before scheduling; report.py what happened after a send."""
import app.console.campaigns.report  # noqa: F401  (the report's routes join bp)
from app.console.campaigns import actions, editor  # noqa: F401, E402  (their routes join bp)
from app.console.campaigns.views import bp  # noqa: F401
