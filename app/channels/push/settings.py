"""The push providers' settings: light to import (no provider SDK), so the
configuration of every process can name them all."""

from typing import Annotated

from app.settings import (
    INSTANCE,
    PUBLIC,
    SANDBOX_CA,
    SANDBOX_HTTP,
    SANDBOX_HTTPS,
    SANDBOX_ORIGINS,
    SECRET,
    LowerNames,
    SettingsGroup,
)


class FcmSettings(SettingsGroup):
    """HERALD_FCM_*: the FCM endpoint and service account (the sandbox's without one)."""

    endpoint = "FCM_URL"
    real_endpoint = "https://fcm.googleapis.com"
    credentials = ("FCM_CREDENTIALS_FILE",)
    key_file = "FCM_CREDENTIALS_FILE"  # production needs it

    FCM_URL: Annotated[str, SANDBOX_HTTP] = ""
    FCM_CA_FILE: Annotated[str, SANDBOX_CA] = ""  # trusted besides the system roots
    # The service account's own project_id is used; this only without a credentials file.
    FCM_PROJECT_ID: str = ""
    FCM_CREDENTIALS_FILE: str = ""


class ApnsSettings(SettingsGroup):
    """HERALD_APNS_*: Apple's endpoint, the .p8 signing key and its ids, the app's topic."""

    endpoint = "APNS_URL"
    real_endpoint = "https://api.push.apple.com"
    credentials = ("APNS_KEY_FILE", "APNS_KEY_ID", "APNS_TEAM_ID")
    key_file = "APNS_KEY_FILE"  # production needs it

    APNS_URL: Annotated[str, SANDBOX_HTTPS] = ""
    APNS_CA_FILE: Annotated[str, SANDBOX_CA] = ""
    APNS_KEY_FILE: str = ""
    APNS_KEY_ID: Annotated[str, PUBLIC] = "SANDBOXKEY"
    APNS_TEAM_ID: Annotated[str, PUBLIC] = "HERALDTEAM"  # Apple's team and key ids are 10 long
    APNS_TOPIC: str = "com.example.herald"


class WebPushSettings(SettingsGroup):
    """HERALD_VAPID_* and HERALD_WEBPUSH_*: the VAPID key, and where subscriptions may point."""

    credentials = ("VAPID_PRIVATE_KEY",)

    VAPID_PRIVATE_KEY: Annotated[str, SECRET] = ""
    VAPID_SUBJECT: Annotated[str, PUBLIC] = "mailto:ops@example.com"
    # Made once when VAPID_PRIVATE_KEY is empty; keep it: browsers subscribed with its key.
    VAPID_KEY_FILE: str = str(INSTANCE / "vapid-private.pem")
    # Trusted besides the system roots (the sandbox plays push services over TLS).
    WEBPUSH_CA_FILE: Annotated[str, SANDBOX_CA] = ""
    # Push services a web subscription may point at: DNS names, https on port 443.
    WEBPUSH_ALLOWED_HOSTS: LowerNames = (
        "fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,"
        "*.push.apple.com")
    # Origins that may be an IP, another port or a private address: only the sandbox's.
    WEBPUSH_PRIVATE_ORIGINS: Annotated[LowerNames, SANDBOX_ORIGINS] = ()


class JPushSettings(SettingsGroup):
    """HERALD_JPUSH_*: the API endpoint and the app's key and master secret. JPush is in
    use once an app key is set."""

    endpoint = "JPUSH_URL"
    real_endpoint = "https://api.jpush.cn"
    credentials = ("JPUSH_APP_KEY", "JPUSH_MASTER_SECRET")

    JPUSH_URL: Annotated[str, SANDBOX_HTTP] = ""
    JPUSH_APP_KEY: str = ""
    JPUSH_MASTER_SECRET: Annotated[str, PUBLIC, SECRET] = "sandbox-master-secret"
