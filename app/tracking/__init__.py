"""Recipient-facing endpoints: provider webhooks, the open pixel, tracked and short links
(and, later, preferences)."""


# Recipient-facing paths: opens, clicks, short links (preference pages to come).
LINK_PATHS = ("/o/", "/c/", "/s/", "/p/")


def init_app(app):
    from app import security
    from app.tracking import hooks, links

    # Provider signatures and signed tokens authenticate these requests, not a session.
    security.exempt(app, hooks.bp, "/hooks/", *LINK_PATHS)
    security.exempt(app, links.bp)
    app.register_blueprint(hooks.bp)
    app.register_blueprint(links.bp)
