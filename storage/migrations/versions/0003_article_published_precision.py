"""articles.published_precision: a page dated only to the month or the year

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch_op:
        batch_op.add_column(sa.Column('published_precision', sa.String(length=5), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('articles') as batch_op:
        batch_op.drop_column('published_precision')
