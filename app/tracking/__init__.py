"""Recipient-facing endpoints: provider webhooks (and, later, pixels, links, preferences)."""


# Recipient-facing paths to come: opens, clicks, short links, preference pages.
LINK_PATHS = ("/o/", "/c/", "/s/", "/p/")


def init_app(app):
    from app import security
    from app.tracking.hooks import bp

    # Provider signatures and signed tokens authenticate these requests, not a session.
    security.exempt(app, bp, "/hooks/", *LINK_PATHS)
    app.register_blueprint(bp)
