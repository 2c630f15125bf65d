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


def test_upgrading_remakes_stored_body_text_as_prose(app, briefing, make_update):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import update as sql_update

    from briefing.models import Update

    item = make_update(briefing, body="Toll rises to **5**, he says.\n\n| A | B |\n|---|---|")
    old = "Toll rises to 5 , he says. A B"  # as the text was made before
    db.session.execute(sql_update(Update).where(Update.id == item.id).values(body_text=old))
    db.session.commit()
    scripts = ScriptDirectory.from_config(migrate.get_config(MIGRATIONS))
    downgrade(MIGRATIONS, revision=scripts.get_revision("a1_prose_body_text").down_revision)
    upgrade(MIGRATIONS)
    db.session.expire_all()
    assert db.session.get(Update, item.id).body_text == "Toll rises to 5, he says. A, B"
