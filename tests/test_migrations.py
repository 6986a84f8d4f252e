"""Alembic is the only way the schema is made: migrations must match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.core.ops import partitions
from app.extensions import db


def test_there_is_one_head(app_ctx):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_match_the_models(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": partitions.include_object})
        assert compare_metadata(context, db.metadata) == []
