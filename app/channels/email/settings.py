"""The email providers' settings: light to import (no provider SDK), so the
configuration of every process can name them all."""

from typing import Annotated, Literal

from app.settings import (
    PUBLIC,
    SANDBOX_HOST,
    SANDBOX_HTTP,
    SANDBOX_SMTP_PORT,
    SECRET,
    Derived,
    Flag,
    Port,
    SettingsGroup,
)


class SendGridSettings(SettingsGroup):
    """HERALD_SENDGRID_*: the API endpoint and key, the Event Webhook's verification key."""

    endpoint = "SENDGRID_URL"
    real_endpoint = "https://api.sendgrid.com"
    credentials = ("SENDGRID_API_KEY",)

    SENDGRID_URL: Annotated[str, SANDBOX_HTTP] = ""
    SENDGRID_API_KEY: Annotated[str, PUBLIC, SECRET] = "SG.sandbox"
    SENDGRID_WEBHOOK_PUBLIC_KEY: str = ""


class SmtpSettings(SettingsGroup):
    """HERALD_SMTP_*: the relay, its credentials and how the connection is encrypted."""

    real_endpoint = "your mail relay"
    credentials = ("SMTP_USERNAME", "SMTP_PASSWORD")

    SMTP_HOST: Annotated[str, SANDBOX_HOST] = ""
    SMTP_PORT: Annotated[Port, SANDBOX_SMTP_PORT] = 25
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: Annotated[str, SECRET] = ""
    # auto: implicit TLS on port 465, else STARTTLS when offered; or starttls (required),
    # implicit, none. HERALD_SMTP_STARTTLS=1 is the older spelling of starttls.
    SMTP_STARTTLS: Flag = False
    SMTP_TLS: Annotated[Literal["auto", "starttls", "implicit", "none"], Derived(
        lambda c: "starttls" if c.SMTP_STARTTLS else "auto")] = "auto"
    SMTP_CA_FILE: str = ""  # trust this CA for the relay (else the system's)


class MailchimpSettings(SettingsGroup):
    """HERALD_MAILCHIMP_*: the Transactional API host (without /api/1.3) and key."""

    endpoint = "MAILCHIMP_URL"
    real_endpoint = "https://mandrillapp.com"
    credentials = ("MAILCHIMP_API_KEY",)

    MAILCHIMP_URL: Annotated[str, SANDBOX_HTTP] = ""
    MAILCHIMP_API_KEY: Annotated[str, PUBLIC, SECRET] = "md-sandbox"
    MAILCHIMP_WEBHOOK_KEY: Annotated[str, SECRET] = ""
