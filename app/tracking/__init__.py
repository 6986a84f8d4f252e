"""Recipient-facing endpoints: provider webhooks, the open pixel, tracked and short
links, recipients' preference and unsubscribe pages."""


# Recipient-facing paths: opens, clicks, short links, preference pages.
LINK_PATHS = ("/o/", "/c/", "/s/", "/p/")


def init_app(app):
    from app import security
    from app.tracking import hooks, links, recipients

    # Provider signatures and signed tokens authenticate these requests, not a session.
    security.exempt(app, hooks.bp, "/hooks/", *LINK_PATHS)
    security.exempt(app, links.bp)
    app.register_blueprint(hooks.bp)
    app.register_blueprint(links.bp)
    app.wsgi_app = links.Hits(app.wsgi_app, app)
    recipients.init_app(app)
