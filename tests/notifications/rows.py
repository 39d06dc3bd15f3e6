"""Rows for notification tests, inserted directly (no crawler): sources, stories, articles, changes."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from storage.models import Article, Change, Source, Story

BASE = "http://news.test"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def story(session: Session, title: str) -> Story:
    row = Story(title=title, first_seen=T0, last_seen=T0)
    session.add(row)
    session.flush()
    return row


def article(session: Session, path: str, *, source: str = "orbit-daily", title: str | None = None,
            story: Story | None = None, relevant: bool = True, duplicate_of: Article | None = None,
            canonical: str | None = None, text: str = "", days: float = 0, reference: bool = False) -> Article:
    url = path if "://" in path or path.startswith("javascript:") else f"{BASE}/{source}/{path}"
    body = text or f"Body of {title or path}. " * 5
    row = Article(url=url, canonical_url=canonical or url, source=source, title=title or path, text=body,
                  text_hash=hashlib.sha256(body.encode()).hexdigest(), relevant=relevant,
                  published_at=T0 + timedelta(days=days), fetched_at=T0 + timedelta(days=days),
                  story_id=story.id if story else None, duplicate_of_id=duplicate_of.id if duplicate_of else None,
                  is_reference=reference)
    session.add(row)
    session.flush()
    return row


def change(session: Session, reported_by: Article, subject: str, attribute: str, old: str | None, new: str | None,
           snippet: str = "", corroborated_by: Article | None = None) -> Change:
    row = Change(subject=subject, attribute=attribute, old=old, new=new, article_id=reported_by.id,
                 snippet=snippet or f"{attribute} is now {new}", detected_at=reported_by.fetched_at,
                 corroborated_by_id=corroborated_by.id if corroborated_by else None)
    session.add(row)
    session.flush()
    return row


def source(session: Session, name: str, *, failures: int = 0, error: str | None = None) -> Source:
    row = Source(name=name, type="feed", url=f"{BASE}/feeds/{name}.xml", consecutive_failures=failures,
                 failing_since=T0 - timedelta(hours=failures) if failures else None, last_error=error)
    session.add(row)
    session.flush()
    return row
