"""Recipient-facing endpoints: provider webhooks (and, later, pixels, links, preferences)."""


def init_app(app):
    from app.tracking.hooks import bp

    app.register_blueprint(bp)
