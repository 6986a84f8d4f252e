"""Herald: self-hosted push, SMS and email notifications."""
from inspect import iscoroutinefunction
from weakref import WeakKeyDictionary

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config
from app.core.ops import startup
from app.core.providers.accounts import ProviderSettings
from app.extensions import Commands, db, init_redis


class Herald(Flask):
    """Flask, asking once per function whether it is a coroutine: Flask asks on every call
    of every hook and view (15 per API request), through inspect's unwrapping."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._coroutine: WeakKeyDictionary = WeakKeyDictionary()
        self.cli = Commands()

    def ensure_sync(self, func):
        try:
            coroutine = self._coroutine.get(func)
            if coroutine is None:
                coroutine = self._coroutine[func] = iscoroutinefunction(func)
        except TypeError:  # not weakly referenceable: ask each time
            return super().ensure_sync(func)
        return self.async_to_sync(func) if coroutine else func


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask app: config, extensions, blueprints.

    Raises startup.ConfigurationError, naming each setting, when the settings are unusable
    (in production mode: sandbox endpoints, development credentials, missing key files).
    """
    config = config or Config()
    startup.check(config)
    app = Herald(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config)
    app.extensions["herald_config"] = config
    app.extensions["provider_settings"] = ProviderSettings(config)
    db.init_app(app)
    init_redis(app)

    from app import (
        api,
        cli,
        console,
        edge,
        http_limits,
        metrics,
        models,  # noqa: F401  (register every table with the metadata)
        probes,
        replica,
        security,
        tracking,
        unavailable,
    )

    for surface in (http_limits, security, api, console, tracking, metrics, probes, cli,
                    replica, unavailable):
        surface.init_app(app)
    # Around everything but ProxyFix: each response's id and common headers.
    app.wsgi_app = edge.Edge(app.wsgi_app, app.extensions[security.APP_HEADERS_KEY])
    if config.TRUSTED_PROXIES:
        # Behind a load balancer: the client's address (sign-in limits per IP, audit
        # entries, tracking's network checks) and scheme come from its X-Forwarded-*
        # headers, read from exactly this many proxies and no further.
        hops = config.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def redis_client():
    """Return the current app's Redis connection."""
    return current_app.extensions["redis"]


def herald_config() -> Config:
    """Return the current app's Config object (attribute access, for app.core)."""
    return current_app.extensions["herald_config"]


def provider_config() -> Config:
    """The Config with the provider settings stored in the console laid over it (the
    environment's still win): what providers and their webhooks use."""
    from app.extensions import db

    return current_app.extensions["provider_settings"].current(db.session, redis_client())
