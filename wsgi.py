"""WSGI entry point: gunicorn wsgi:app."""
import sys

from app import create_app, logs
from app.core.ops.startup import ConfigurationError

try:
    app = create_app()
except ConfigurationError as exc:
    print(exc, file=sys.stderr)
    sys.exit(4)  # gunicorn's "app failed to load": it stops instead of re-spawning workers
logs.configure(app.config["LOG_FORMAT"])
