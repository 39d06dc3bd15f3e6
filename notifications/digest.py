"""The digest (or alert) as data: a pure function of what is new, no database, no templates.

`build_digest` decides what a mail carries: every new change (old -> new, snippet, the article
that reported it), one entry per story with the articles no earlier mail linked, and the
sources that are failing. It also returns which article and change rows the mail accounts for,
so that recording the mail marks exactly those.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from notifications.news import ArticleInfo, ChangeInfo, FailingSource, News, StoryInfo

TEASER_LIMIT = 280
TITLE_LIMIT = 300
STORY_LIMIT = 100  # entries in one mail; a first digest over a long history names the rest only by count
SNIPPET_LIMIT = 600
KINDS = ("digest", "alert")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
_SCHEME = re.compile(r"\b[a-z][a-z0-9+.-]*://", re.I)


@dataclass(frozen=True)
class ArticleLink:
    title: str
    outlet: str
    address: str  # the canonical URL as stored, shown as text
    url: str | None  # the same when it is a web address, else None: never made a link
    published_at: datetime | None = None


@dataclass(frozen=True)
class ChangeEntry:
    subject: str
    subject_label: str
    attribute: str
    detail: str  # the attribute's label
    action: str  # "set" (first value) | "changed" | "refined" (more exact) | "added" | "removed"
    old: str | None  # values as a reader reads them (dates written out)
    new: str | None
    snippet: str
    article: ArticleLink
    corroborated_by: str | None
    detected_at: datetime
    steps: tuple[str, ...] = ()  # values reported in between, when one mail merges several changes


@dataclass(frozen=True)
class StoryEntry:
    title: str
    links: tuple[ArticleLink, ...]
    also_in: tuple[str, ...]  # other outlets that carried the story
    outlet_count: int
    teaser: str
    follow_up: bool  # an earlier mail already told of this story


@dataclass(frozen=True)
class SourceTrouble:
    name: str
    failures: int
    since: datetime | None
    last_error: str


@dataclass(frozen=True)
class DigestContent:
    kind: str
    created_at: datetime
    since: datetime | None
    changes: tuple[ChangeEntry, ...] = ()
    recap: tuple[ChangeEntry, ...] = ()  # changes an alert mail already carried
    stories: tuple[StoryEntry, ...] = ()
    more_stories: int = 0  # stories beyond STORY_LIMIT: accounted for, counted, not listed
    failing: tuple[SourceTrouble, ...] = ()
    reported_changes: int = 0  # change rows behind `changes` (several of one detail make one entry)
    article_ids: tuple[int, ...] = field(default=(), repr=False)  # rows this mail accounts for
    change_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def has_news(self) -> bool:
        return bool(self.changes or self.stories)

    @property
    def story_count(self) -> int:
        return len(self.stories) + self.more_stories

    def key(self) -> str:
        """What this mail accounts for, as text: the stable part of its Message-ID hash."""
        return f"{self.kind}:c{','.join(map(str, self.change_ids))}:a{','.join(map(str, self.article_ids))}"


def build_digest(news: News, *, kind: str, now: datetime, labels: Mapping[str, str] | None = None,
                 send_when_empty: bool = False) -> DigestContent | None:
    """The mail that `news` calls for, or None when there is nothing to send."""
    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    labels = labels or {}
    fresh = merged_entries([c for c in news.changes if not c.alerted], labels)
    recap = merged_entries([c for c in news.changes if c.alerted], labels) if kind == "digest" else ()
    stories, article_ids = story_entries(news.articles, news.stories or {}, news.linked_urls)
    content = DigestContent(
        kind=kind, created_at=now, since=news.last_sent_at, changes=fresh, recap=recap,
        stories=stories[:STORY_LIMIT], more_stories=max(len(stories) - STORY_LIMIT, 0),
        failing=tuple(trouble(s) for s in news.failing),
        reported_changes=sum(1 for c in news.changes if not c.alerted),
        article_ids=tuple(sorted(set(article_ids) | linked_by_changes(news, kind))),
        change_ids=tuple(sorted(c.id for c in news.changes if kind == "digest" or not c.alerted)))
    if content.has_news or (send_when_empty and kind == "digest"):
        return content
    return None


def linked_by_changes(news: News, kind: str) -> set[int]:
    """Articles a digest's changes link. An alert marks none: their stories still reach the digest."""
    if kind != "digest":
        return set()
    return {c.article.id for c in news.changes if not c.alerted}


def merged_entries(changes: list[ChangeInfo], labels: Mapping[str, str]) -> tuple[ChangeEntry, ...]:
    """One entry per detail: from the value before the first change to the latest, the values
    in between as steps. A set detail (cast) keeps one entry per change: each names one person."""
    groups: dict[tuple[str, ...], list[ChangeInfo]] = {}
    for change in changes:
        if detail_spec(change.attribute).get("form") == "set":
            key: tuple[str, ...] = ("set", str(change.id))
        else:
            key = (change.subject, change.attribute)
        groups.setdefault(key, []).append(change)
    # an entry takes the place of its detail's latest change; entries keep the order they were found in
    ordered = sorted(groups.values(), key=lambda group: (group[-1].detected_at, group[-1].id))
    return tuple(change_entry(replace(group[-1], old=group[0].old), labels,
                              steps=tuple(c.new or "" for c in group[:-1] if c.new))
                 for group in ordered)


def is_refinement(old: str, new: str) -> bool:
    """`new` says `old` more exactly: `Soyuz` -> `Soyuz MS-19`, `2030-04` -> `2030-04-26`."""
    if len(new) <= len(old) or not new.casefold().startswith(old.casefold()):
        return False
    return not new[len(old)].isalnum()


def change_entry(change: ChangeInfo, labels: Mapping[str, str], steps: tuple[str, ...] = ()) -> ChangeEntry:
    spec = detail_spec(change.attribute)
    old, new = change.old or None, change.new or None
    if spec.get("form") == "set":
        action = "removed" if new is None else ("changed" if old else "added")
    elif old and new and is_refinement(old, new):
        action = "refined"
    else:
        action = "changed" if old else "set"
    return ChangeEntry(
        subject=change.subject, subject_label=one_line(labels.get(change.subject) or change.subject),
        attribute=change.attribute, detail=spec.get("label") or change.attribute.replace("_", " ").capitalize(),
        action=action, old=readable_value(old, spec), new=readable_value(new, spec),
        snippet=shorten(one_line(change.snippet), SNIPPET_LIMIT), article=article_link(change.article),
        corroborated_by=change.corroborated_by, detected_at=change.detected_at,
        steps=tuple(readable_value(step, spec) or "" for step in steps))


def story_entries(articles: tuple[ArticleInfo, ...], stories: Mapping[int, StoryInfo],
                  linked_urls: frozenset[str]) -> tuple[tuple[StoryEntry, ...], list[int]]:
    """One entry per story, linking each URL once and never a URL an earlier mail linked.

    An article whose URL was linked before (an AMP or tracking variant of an article already
    sent) is accounted for but not linked again; a story none of whose articles is left is no
    entry. Returns the entries and every article id they account for.
    """
    groups: dict[tuple[str, int], list[ArticleInfo]] = {}
    used = set(linked_urls)
    accounted: list[int] = []
    for article in articles:
        accounted.append(article.id)
        if article.url in used:
            continue
        used.add(article.url)
        key = ("story", article.story_id) if article.story_id is not None else ("article", article.id)
        groups.setdefault(key, []).append(article)
    entries = []
    for (what, ident), members in groups.items():
        story = stories.get(ident) if what == "story" else None
        linked_outlets = {a.source for a in members}
        outlets = set(story.outlets if story else ()) | linked_outlets
        entries.append(StoryEntry(
            title=shorten(one_line(story.title if story and story.title.strip() else members[0].title),
                          TITLE_LIMIT) or "(untitled)",
            links=tuple(article_link(a) for a in members),
            also_in=tuple(sorted(outlets - linked_outlets)), outlet_count=len(outlets),
            teaser=teaser(next((a.teaser for a in members if a.teaser.strip()), "")),
            follow_up=bool(story and story.seen_before)))
    entries.sort(key=lambda e: (e.follow_up, -_latest(e)))
    return tuple(entries), accounted


def article_link(article: ArticleInfo) -> ArticleLink:
    return ArticleLink(title=shorten(one_line(article.title), TITLE_LIMIT) or "(untitled)", outlet=article.source,
                       address=one_line(article.url), url=web_url(article.url), published_at=article.published_at)


def trouble(source: FailingSource) -> SourceTrouble:
    # An error message is no link: its URLs lose their scheme so that no client makes them one.
    error = _SCHEME.sub("", one_line(source.last_error))
    return SourceTrouble(name=source.name, failures=source.failures, since=source.since,
                         last_error=shorten(error, 200))


def web_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address fit for an href, else None."""
    if not url or _CONTROL.search(url) or any(c.isspace() or c in "<>\"'`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def one_line(text: str | None) -> str:
    """Text on one line: control characters and line breaks become spaces, runs of space one."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c == "\u200d")
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when there is one, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def teaser(text: str) -> str:
    return shorten(one_line(text), TEASER_LIMIT)


def readable_value(value: str | None, spec: Mapping[str, str]) -> str | None:
    if value is None:
        return None
    value = one_line(value)
    if spec.get("form") == "date":
        try:
            if len(value) == 7:
                return date.fromisoformat(value + "-01").strftime("%B %Y")
            day = date.fromisoformat(value)
            return f"{day.day} {day:%B %Y}"
        except ValueError:
            return value
    return value


@cache
def detail_specs() -> dict[str, dict[str, str]]:
    raw = resources.files("notifications").joinpath("data/details.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def detail_spec(attribute: str) -> Mapping[str, str]:
    return detail_specs().get(attribute, {})


def _latest(entry: StoryEntry) -> float:
    times = [link.published_at.timestamp() for link in entry.links if link.published_at]
    return max(times, default=0.0)
