"""SQLite: an FTS5 index of article titles for the dashboard's search (PostgreSQL uses to_tsvector)

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, content='articles', content_rowid='id')")
    op.execute("CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN "
               "INSERT INTO articles_fts(rowid, title) VALUES (new.id, new.title); END")
    op.execute("CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title) VALUES ('delete', old.id, old.title); END")
    op.execute("CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title) VALUES ('delete', old.id, old.title); "
               "INSERT INTO articles_fts(rowid, title) VALUES (new.id, new.title); END")
    op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
