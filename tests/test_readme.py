"""The README stays true: every setting Herald reads is documented there."""
import re
from pathlib import Path

from app.config import Config

ROOT = Path(__file__).resolve().parents[1]


def settings_read() -> set[str]:
    return set(Config.variables().values())


def test_every_provider_setting_is_read():
    """Each provider's own settings are part of Config, read from HERALD_* variables."""
    assert {"HERALD_TWILIO_AUTH_TOKEN", "HERALD_SMTP_TLS", "HERALD_WEBPUSH_ALLOWED_HOSTS",
            "HERALD_FCM_CREDENTIALS_FILE", "HERALD_DATABASE_URL", "HERALD_BIND"} \
        <= settings_read()
    assert "HERALD_TESTING" not in settings_read()


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert settings_read() - set(re.findall(r"HERALD_[A-Z0-9_]+", readme)) == set()


def test_the_readme_names_both_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
