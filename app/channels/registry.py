"""Which provider classes exist, and which ones serve a channel/platform.

A provider's module (and its SDK) is imported when the provider is first used: a
channel worker loads its own channel's providers only. Their settings are declared in a
light module per channel, so every process's configuration names them all.
"""
from importlib import import_module

from app.channels.base import Provider
from app.settings import SettingsGroup

PROVIDERS = {
    "fcm": "app.channels.push.fcm:FcmProvider",
    "apns": "app.channels.push.apns:ApnsProvider",
    "webpush": "app.channels.push.webpush:WebPushProvider",
    "jpush": "app.channels.push.jpush:JPushProvider",
    "twilio": "app.channels.sms.twilio:TwilioProvider",
    "vonage": "app.channels.sms.vonage:VonageProvider",
    "sendgrid": "app.channels.email.sendgrid:SendGridProvider",
    "smtp": "app.channels.email.smtp:SmtpProvider",
    "mailchimp": "app.channels.email.mailchimp:MailchimpProvider",
}
SETTINGS = {
    "fcm": "app.channels.push.settings:FcmSettings",
    "apns": "app.channels.push.settings:ApnsSettings",
    "webpush": "app.channels.push.settings:WebPushSettings",
    "jpush": "app.channels.push.settings:JPushSettings",
    "twilio": "app.channels.sms.settings:TwilioSettings",
    "vonage": "app.channels.sms.settings:VonageSettings",
    "sendgrid": "app.channels.email.settings:SendGridSettings",
    "smtp": "app.channels.email.settings:SmtpSettings",
    "mailchimp": "app.channels.email.settings:MailchimpSettings",
}
# The providers that post webhooks to /hooks/<name>: each declares them (`webhooks`).
WEBHOOKS = ("twilio", "sendgrid", "mailchimp")


def _load(path: str):
    module, _, attr = path.partition(":")
    return getattr(import_module(module), attr)


def channel_of(name: str) -> str:
    """The channel a provider serves: its package (app.channels.<channel>.<module>)."""
    return PROVIDERS[name].split(".")[2]


def provider_class(name: str) -> type[Provider]:
    return _load(PROVIDERS[name])


def webhook_provider(name: str, hook: str) -> type[Provider] | None:
    """The provider class serving /hooks/<name>[/<hook>], or None if there is none."""
    if name not in WEBHOOKS:
        return None
    cls = provider_class(name)
    return cls if hook in cls.webhooks else None


def settings_groups() -> list[type[SettingsGroup]]:
    """Each provider's settings group (without importing any provider SDK)."""
    return [_load(path) for path in SETTINGS.values()]


def settings_group(name: str) -> type[SettingsGroup]:
    """The settings the named provider declares."""
    return _load(SETTINGS[name])


def provider_chain(channel: str, config, device_provider: str | None = None) -> list[str]:
    """Return the provider names to try for a send, primary first, fallbacks after."""
    if channel == "push":
        return [device_provider] if device_provider else []
    return list(config.SMS_PROVIDERS if channel == "sms" else config.EMAIL_PROVIDERS)
