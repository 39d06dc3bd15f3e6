"""dedup_keys and dedup_counts: the dedup and story index as indexed rows, backfilled from the articles

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dedup_keys',
                    sa.Column('kind', sa.SmallInteger(), nullable=False),
                    sa.Column('key', sa.BigInteger(), nullable=False),
                    sa.Column('article_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['article_id'], ['articles.id']),
                    sa.PrimaryKeyConstraint('kind', 'key', 'article_id'),
                    sqlite_with_rowid=False)
    op.create_table('dedup_counts',
                    sa.Column('kind', sa.SmallInteger(), nullable=False),
                    sa.Column('key', sa.BigInteger(), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('kind', 'key'),
                    sqlite_with_rowid=False)
    # The keys are the product's own (URL forms, LSH bands, story terms): computed by the code that
    # writes them for every new article, so a backfilled database answers as a crawled one.
    from crawler.dedup_keys import backfill
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table('dedup_counts')
    op.drop_table('dedup_keys')
