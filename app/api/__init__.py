"""JSON API under /api/v1: resources declared with @route, errors as problem+json."""

from flask import Blueprint

URL_PREFIX = "/api/v1"


def init_app(app) -> None:
    """Register the API blueprint, its error handlers and its OpenAPI routes."""
    from app import security
    from app.api import (  # noqa: F401  (importing a resource module declares its routes)
        campaigns,
        categories,
        contacts,
        devices,
        events,
        health,
        notifications,
        openapi,
        preferences,
        problems,
        suppressions,
        templates,
    )
    from app.api.registry import OPERATIONS, rate_limit_headers
    from app.core.access.rate_limits import ApiRateLimiter

    blueprint = Blueprint("api", __name__, url_prefix=URL_PREFIX)
    for op in OPERATIONS:
        blueprint.add_url_rule(op.rule, endpoint=op.endpoint, view_func=op.view,
                               methods=[op.method])
    openapi.add_routes(blueprint, URL_PREFIX)
    problems.register(app, blueprint)
    app.extensions["api_rate_limiter"] = ApiRateLimiter(app.extensions["redis"])
    blueprint.after_request(rate_limit_headers)
    # Bearer-token requests carry no cookie, so CSRF protection does not apply to them.
    security.exempt(app, blueprint, "/api/")
    security.cookieless(app, "/api/")
    app.register_blueprint(blueprint)
