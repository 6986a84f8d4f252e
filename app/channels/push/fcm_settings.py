"""Which FCM project the push provider sends as; start-up checks ask the same question."""
import json
from pathlib import Path

from app.settings import ConfigurationError, Problem

SANDBOX_FCM_PROJECT = "herald-sandbox"


def fcm_project_id(config) -> str:
    """The FCM project: the service account's own; HERALD_FCM_PROJECT_ID only without one."""
    if not config.FCM_CREDENTIALS_FILE:
        return config.FCM_PROJECT_ID or SANDBOX_FCM_PROJECT
    try:
        account = json.loads(Path(config.FCM_CREDENTIALS_FILE).read_text())
        project = account.get("project_id")
    except (OSError, ValueError, AttributeError) as exc:
        raise ConfigurationError([Problem(
            "HERALD_FCM_CREDENTIALS_FILE", f"is not a readable service-account JSON file: {exc}",
        )]) from exc
    if not project:
        raise ConfigurationError([Problem(
            "HERALD_FCM_CREDENTIALS_FILE", "has no project_id: download the service-account "
            "key again from the Firebase console")])
    if config.FCM_PROJECT_ID not in ("", project):
        raise ConfigurationError([Problem(
            "HERALD_FCM_PROJECT_ID", f"is {config.FCM_PROJECT_ID!r} but the service account in "
            f"HERALD_FCM_CREDENTIALS_FILE belongs to {project!r}: unset it, or use that "
            "project's credentials")])
    return project
