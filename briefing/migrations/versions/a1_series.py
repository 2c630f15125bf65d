"""series: the editions of a running story

Revision ID: a1_series
Revises: a1_user_language
Create Date: 2026-12-01 02:45:35.440540

"""
from alembic import op
import sqlalchemy as sa

import briefing.models.base


# revision identifiers, used by Alembic.
revision = 'a1_series'
down_revision = 'a1_user_language'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', briefing.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', briefing.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lineup', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_briefings_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_briefings_series_id_series'), 'series', ['series_id'], ['id'])


def downgrade():
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_briefings_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_briefings_series_id'))
        batch_op.drop_column('series_id')

    op.drop_table('series')
