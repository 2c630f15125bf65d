"""idempotency keys name their resource

A key is now stored in the transaction that creates its resource and names that resource,
instead of holding a copy of the response written by a second commit. Stored keys are
dropped: they only serve retries within a day, and their responses cannot be mapped back.

Revision ID: 5b2e7c1d9a40
Revises: 10814d5f46a2
Create Date: 2026-12-01 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b2e7c1d9a40'
down_revision = '10814d5f46a2'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM idempotency_keys")
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resource', sa.String(length=40), nullable=False))
        batch_op.add_column(sa.Column('resource_id', sa.Integer(), nullable=False))
        batch_op.drop_column('status_code')
        batch_op.drop_column('response_body')
        batch_op.drop_column('location')
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)


def downgrade():
    op.execute("DELETE FROM idempotency_keys")
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))
        batch_op.add_column(sa.Column('location', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('response_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('status_code', sa.Integer(), nullable=True))
        batch_op.drop_column('resource_id')
        batch_op.drop_column('resource')
