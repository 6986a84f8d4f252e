"""Reads that may go to the read replica (HERALD_DATABASE_REPLICA_URL): console reports,
analytics, search and exports. Writes always use db.session, the primary."""

from flask import current_app, g

from app import json_numbers
from app.core.db import Replica
from app.extensions import db


def init_app(app) -> None:
    url = app.extensions["herald_config"].DATABASE_REPLICA_URL
    if url:
        app.extensions["replica"] = Replica(url, {
            "json_serializer": json_numbers.dumps, "json_deserializer": json_numbers.loads})
    app.teardown_appcontext(_close)


def read_session():
    """This request's session for reads: the replica's when one is set and answers, else
    the primary's (db.session)."""
    if "read_session" not in g:
        replica = current_app.extensions.get("replica")
        g.read_session = (replica.session() if replica else None) or db.session
    return g.read_session


def _close(_exc) -> None:
    session = g.pop("read_session", None)
    if session is not None and session is not db.session:
        session.close()
