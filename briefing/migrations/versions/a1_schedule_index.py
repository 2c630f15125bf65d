"""Scheduled updates: an index for the scheduler's "what is due next"

Revision ID: a1_schedule_index
Revises: a1_series
Create Date: 2026-12-01

"""

from alembic import op

revision = "a1_schedule_index"
down_revision = "a1_series"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.create_index("ix_updates_schedule", ["status", "publish_at"], unique=False)


def downgrade():
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.drop_index("ix_updates_schedule")
