"""Indexes for the listings' order: articles newest first (published, else fetched), stories last seen first

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_newest", "articles", [sa.text("coalesce(published_at, fetched_at)"), "id"])
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])


def downgrade() -> None:
    op.drop_index("ix_stories_last_seen", table_name="stories")
    op.drop_index("ix_articles_newest", table_name="articles")
