"""A channel worker makes its providers before its first batch (workers.jobs.warm)."""
import workers.jobs
from tests.helpers.console import app_with


def test_a_channel_worker_makes_its_providers_in_use_before_the_first_batch(app):
    workers.jobs.use_app(app)
    try:
        config = app.extensions["herald_config"]
        jpush = ["jpush"] if config.JPUSH_APP_KEY else []
        assert workers.jobs.warm("push") == ["fcm", "apns", "webpush", *jpush]
        assert workers.jobs.warm("sms") == list(config.SMS_PROVIDERS)
        assert workers.jobs.warm("email") == list(config.EMAIL_PROVIDERS)
    finally:
        workers.jobs.close()


def test_a_worker_that_cannot_reach_the_database_still_starts(app):
    workers.jobs.use_app(app_with(
        app, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/nowhere"))
    try:
        assert workers.jobs.warm("sms") == []  # made at its first batch instead
    finally:
        workers.jobs.use_app(app)
        workers.jobs.close()
