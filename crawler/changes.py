"""From stored observations to current facts and changes (the change rule of INTERFACE.md).

Articles are applied in publication order. A value different from the current one (or a first
value) is a change; restating the current value, or stating it less precisely ("2023-04" for
"2023-04-20"), is not. An article published no later than the latest one that stated the current
value changes nothing. History (an observation marked `is_past`) fills a gap or refines the
current value ("Soyuz" -> "Soyuz MS-19") but never replaces it. A copy (duplicate_of set) only
counts for what its originals do not say. Reference items set values without reporting changes.
A title an article only uses (one of the film's other names) never replaces the current one;
only a title it states as such does ("now titled X"). Cast is a set: additions and removals are changes. A change stays single-source until an
independent outlet (another source, not a copy of the same item) later states the same value.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.models import Article, Change, Fact, Observation, as_utc, utcnow

MAX_COPY_DEPTH = 20


def detect_changes(factory: sessionmaker[Session], article_ids: Sequence[int]) -> list[int]:
    """Apply the given stored articles to the facts table; the ids of the Change rows created."""
    ids = sorted({int(i) for i in article_ids if i is not None})
    if not ids:
        return []
    created: list[int] = []
    with transaction(factory) as session:
        articles = list(session.scalars(select(Article).where(Article.id.in_(ids), Article.relevant.is_(True))))
        articles.sort(key=lambda a: (_when(a), a.id))
        for article in articles:
            created += _Applier(session, article).apply()
    return created


def _when(article: Article) -> datetime:
    return as_utc(article.published_at or article.fetched_at or utcnow())


def _norm(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _originals(session: Session, article: Article):
    """The articles `article` copies, nearest first (at most MAX_COPY_DEPTH of them)."""
    for _ in range(MAX_COPY_DEPTH):
        if article.duplicate_of_id is None:
            return
        original = session.get(Article, article.duplicate_of_id)
        if original is None:
            return
        yield original
        article = original


def _root(session: Session, article: Article) -> Article:
    chain = list(_originals(session, article))
    return chain[-1] if chain else article


class _Applier:
    """One article applied to the facts: the Change rows it creates."""

    def __init__(self, session: Session, article: Article) -> None:
        self.session = session
        self.article = article
        self.when = _when(article)
        self.created: list[int] = []

    def apply(self) -> list[int]:
        observations = list(self.session.scalars(
            select(Observation).where(Observation.article_id == self.article.id).order_by(Observation.id)))
        said_before = self._said_by_originals()
        fresh = [o for o in observations if (o.subject, o.attribute, _norm(o.value), o.removed) not in said_before]
        chosen: dict[tuple[str, str], Observation] = {}
        for obs in fresh:
            if obs.attribute == "cast":
                self._cast(obs)
                continue
            key = (obs.subject, obs.attribute)
            if key not in chosen or (chosen[key].is_past and not obs.is_past) or (
                    chosen[key].mention_only and not obs.mention_only):
                chosen[key] = obs  # news before history, a stated title before one only used
        for obs in chosen.values():
            self._single(obs)
        self.session.flush()
        return self.created

    def _said_by_originals(self) -> set[tuple[str, str, str, bool]]:
        """What the items this article copies already said (nothing for an original)."""
        said: set[tuple[str, str, str, bool]] = set()
        for original in _originals(self.session, self.article):
            for obs in self.session.scalars(select(Observation).where(Observation.article_id == original.id)):
                said.add((obs.subject, obs.attribute, _norm(obs.value), obs.removed))
        return said

    # ---------------------------------------------------------------- single-valued details

    def _single(self, obs: Observation) -> None:
        fact = self.session.scalar(select(Fact).where(Fact.subject == obs.subject, Fact.attribute == obs.attribute)
                                   .order_by(Fact.id))
        if fact is None:
            self._set(None, obs)
            return
        current, new = _norm(fact.value), _norm(obs.value)
        if current == new:
            self._restated(fact, obs)
            return
        if self.when <= (as_utc(fact.published_at) or self.when):
            return  # older than what set the current value
        if current.startswith(new):
            return  # the same value, less precisely
        if obs.is_past and not new.startswith(current):
            return  # history does not replace the current value
        if obs.mention_only:
            return  # another name of the film used in passing: only "titled X", "released as X" retitle it
        self._set(fact, obs)

    def _set(self, fact: Fact | None, obs: Observation) -> None:
        old = fact.value if fact is not None else None
        if fact is None:
            fact = Fact(subject=obs.subject, attribute=obs.attribute, value=obs.value)
            self.session.add(fact)
        else:
            fact.value = obs.value
        self._provenance(fact, obs)
        self._change(obs, old, obs.value)

    def _restated(self, fact: Fact, obs: Observation) -> None:
        if self.when > (as_utc(fact.published_at) or self.when) and self.article.duplicate_of_id is None:
            self._provenance(fact, obs)
        self._corroborate(obs.subject, obs.attribute, fact.value)

    def _provenance(self, fact: Fact, obs: Observation) -> None:
        fact.article_id = self.article.id
        fact.snippet = obs.snippet
        fact.published_at = self.when
        fact.updated_at = utcnow()

    # ---------------------------------------------------------------- cast

    def _cast(self, obs: Observation) -> None:
        people = {_norm(f.value): f for f in self.session.scalars(
            select(Fact).where(Fact.subject == obs.subject, Fact.attribute == "cast"))}
        fact = people.get(_norm(obs.value))
        if obs.removed:
            if fact is not None and self.when >= (as_utc(fact.published_at) or self.when):
                self.session.delete(fact)
                self.session.flush()
                self._change(obs, fact.value, None)
            return
        if fact is not None:
            self._restated(fact, obs)
            return
        if self._removed_later(obs):
            return
        fact = Fact(subject=obs.subject, attribute="cast", value=obs.value)
        self.session.add(fact)
        self._provenance(fact, obs)
        self._change(obs, None, obs.value)

    def _removed_later(self, obs: Observation) -> bool:
        """A later article already took this person out of the cast."""
        rows = self.session.scalars(
            select(Observation).join(Article, Observation.article_id == Article.id)
            .where(Observation.subject == obs.subject, Observation.attribute == "cast",
                   Observation.removed.is_(True), Article.relevant.is_(True), Article.id != self.article.id))
        return any(_norm(r.value) == _norm(obs.value) and (as_utc(r.published_at) or self.when) > self.when for r in rows)

    # ---------------------------------------------------------------- changes

    def _change(self, obs: Observation, old: str | None, new: str | None) -> None:
        if self.article.is_reference:
            return  # a reference item is what was known before monitoring began
        change = Change(subject=obs.subject, attribute=obs.attribute, old=old, new=new, article_id=self.article.id,
                        snippet=obs.snippet, detected_at=utcnow())
        self.session.add(change)
        self.session.flush()
        self.created.append(change.id)

    def _corroborate(self, subject: str, attribute: str, value: str) -> None:
        change = self.session.scalar(
            select(Change).where(Change.subject == subject, Change.attribute == attribute, Change.new == value)
            .order_by(Change.id.desc()))
        if change is None or change.corroborated_by_id is not None or change.article_id == self.article.id:
            return
        reporter = self.session.get(Article, change.article_id)
        if reporter is None or reporter.source == self.article.source or self.when < _when(reporter):
            return
        if _root(self.session, reporter).id == _root(self.session, self.article).id:
            return
        change.corroborated_by_id = self.article.id
