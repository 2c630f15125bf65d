"""body text reads as prose

`body_text` (the plain text titles, excerpts and structured data are made from) is now
made so that it reads as prose: no space before punctuation, blocks end sentences, table
cells are separated. Stored rows are remade from their stored, sanitized `body_html` with
the same function new saves use, so old updates' titles read as well as new ones.

Revision ID: a1_prose_body_text
Revises: a1_schedule_index
Create Date: 2026-12-01 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

from briefing.rendering.markdown import html_to_text


# revision identifiers, used by Alembic.
revision = 'a1_prose_body_text'
down_revision = 'a1_schedule_index'
branch_labels = None
depends_on = None

BATCH = 500
updates = sa.table(
    'updates',
    sa.column('id', sa.Integer),
    sa.column('body_html', sa.Text),
    sa.column('body_text', sa.Text),
)


def upgrade():
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(updates.c.id, updates.c.body_html, updates.c.body_text)
            .where(updates.c.id > last)
            .order_by(updates.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            text = html_to_text(row.body_html)
            if text != row.body_text:
                connection.execute(
                    updates.update().where(updates.c.id == row.id).values(body_text=text)
                )
        last = rows[-1].id


def downgrade():
    pass  # the old text read worse and nothing depends on it
