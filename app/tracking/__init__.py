"""Recipient-facing endpoints: provider webhooks, recipients' preference and unsubscribe
pages (and, later, pixels and links)."""


# Recipient-facing paths to come: opens, clicks, short links, preference pages.
LINK_PATHS = ("/o/", "/c/", "/s/", "/p/")


def init_app(app):
    from app import security
    from app.tracking import recipients
    from app.tracking.hooks import bp

    # Provider signatures and signed tokens authenticate these requests, not a session.
    security.exempt(app, bp, "/hooks/", *LINK_PATHS)
    app.register_blueprint(bp)
    recipients.init_app(app)
