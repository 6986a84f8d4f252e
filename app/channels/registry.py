"""Which provider classes exist, and which ones serve a channel/platform."""
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


def provider_class(name: str) -> type[Provider]:
    module, _, attr = PROVIDERS[name].partition(":")
    return getattr(import_module(module), attr)


def webhook_providers() -> list[str]:
    """The providers that post webhooks to /hooks/<name>."""
    return [name for name in PROVIDERS if provider_class(name).webhooks]


def webhook_provider(name: str, hook: str) -> type[Provider] | None:
    """The provider class serving /hooks/<name>[/<hook>], or None if there is none."""
    if name not in PROVIDERS:
        return None
    cls = provider_class(name)
    return cls if hook in cls.webhooks else None


def settings_groups() -> list[type[SettingsGroup]]:
    """Each provider's settings, declared as `Settings` in the provider's module."""
    modules = dict.fromkeys(path.partition(":")[0] for path in PROVIDERS.values())
    return [import_module(module).Settings for module in modules]


def settings_group(name: str) -> type[SettingsGroup]:
    """The settings the named provider declares."""
    return import_module(PROVIDERS[name].partition(":")[0]).Settings


def provider_chain(channel: str, config, device_provider: str | None = None) -> list[str]:
    """Return the provider names to try for a send, primary first, fallbacks after."""
    if channel == "push":
        return [device_provider] if device_provider else []
    return list(config.SMS_PROVIDERS if channel == "sms" else config.EMAIL_PROVIDERS)
