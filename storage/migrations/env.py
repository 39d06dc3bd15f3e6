"""Alembic environment: runs on the engine that `storage.db` hands over (or one from the URL)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def not_search_index(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """SQLite's FTS5 title index (migration 0004) lives beside the models, not in them."""
    return not (type_ == "table" and reflected and (name or "").startswith("articles_fts"))


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                          include_object=not_search_index)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
