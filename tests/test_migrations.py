"""The schema is owned by Alembic: one head, and upgrading from empty yields the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from briefing.database import MIGRATIONS
from briefing.extensions import db, migrate


def test_migrations_have_a_single_head(app):
    config = migrate.get_config(MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_schema_matches_the_models(app):
    # The test database was built by running every migration from empty.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []
