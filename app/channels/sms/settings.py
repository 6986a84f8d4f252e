"""The SMS providers' settings: light to import (no provider SDK), so the
configuration of every process can name them all."""

from typing import Annotated

from app.settings import (
    PUBLIC,
    SANDBOX_CA,
    SANDBOX_HTTP,
    SANDBOX_HTTPS,
    SECRET,
    SettingsGroup,
)


class TwilioSettings(SettingsGroup):
    """HERALD_TWILIO_*: the API endpoint, the account's credentials and sender."""

    endpoint = "TWILIO_URL"
    real_endpoint = "https://api.twilio.com"
    credentials = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")

    TWILIO_URL: Annotated[str, SANDBOX_HTTP] = ""
    TWILIO_ACCOUNT_SID: Annotated[str, PUBLIC] = "AC" + "0" * 32
    TWILIO_AUTH_TOKEN: Annotated[str, PUBLIC, SECRET] = "sandbox-token"
    TWILIO_FROM: str = "+15005550006"


class VonageSettings(SettingsGroup):
    """HERALD_VONAGE_*: the SMS API host, the account's key and secret, the sender."""

    endpoint = "VONAGE_URL"
    real_endpoint = "https://rest.nexmo.com"
    credentials = ("VONAGE_API_KEY", "VONAGE_API_SECRET")

    VONAGE_URL: Annotated[str, SANDBOX_HTTPS] = ""
    VONAGE_CA_FILE: Annotated[str, SANDBOX_CA] = ""
    VONAGE_API_KEY: Annotated[str, PUBLIC] = "sandbox"
    VONAGE_API_SECRET: Annotated[str, PUBLIC, SECRET] = "sandbox-secret"
    VONAGE_FROM: str = "Herald"
