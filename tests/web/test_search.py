"""Story search matches whole words through the database's own full-text index (SQLite FTS5)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from storage.db import open_database
from storage.models import Article, Story
from web.queries import story_list


def test_sqlite_search_uses_fts5_and_matches_whole_words(tmp_path):
    engine, factory = open_database(f"sqlite:///{tmp_path / 'search.db'}")
    try:
        with factory() as session:
            for n, title in enumerate(["Crew films in orbit", "Orbital drama casts its lead", "Gala night in orbit"], 1):
                story = Story(title=title)
                session.add(story)
                session.flush()
                session.add(Article(url=f"http://news.test/{n}", canonical_url=f"http://news.test/{n}", source="s",
                                    title=title, text=title, text_hash=str(n), relevant=True, story_id=story.id,
                                    published_at=datetime(2031, 1, n, tzinfo=timezone.utc)))
            session.commit()
            indexed = session.execute(text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'orbit'")).scalar()
            found = story_list(session, query="orbit")["stories"]
            titles = sorted(entry["story"].title for entry in found)
        assert indexed == 2  # the triggers keep the index; "Orbital" is another word
        assert titles == ["Crew films in orbit", "Gala night in orbit"]
    finally:
        engine.dispose()
