"""From an article's title and text to a judged `Document`: the understanding stages in order.

Runs in the crawl's worker processes and in `spacewatch analyse`, so everything it takes and
returns pickles.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from analysis.details import extract_details
from analysis.document import Detail, Document
from analysis.relevance import judge
from analysis.rules import Rules
from analysis.shingles import signature
from analysis.urls import canonical_url


def text_hash(text: str) -> str:
    """Hash of the text with whitespace and case folded, so re-wrapped copies hash the same."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def analyse_text(text: str, *, url: str, title: str | None, published_at: datetime | None,
                 rules: Rules) -> Document:
    """A plain-text reference item: the first line is its title unless one is given."""
    body = text.strip()
    if not body:
        raise ValueError("the file is empty")
    if title is None:
        first, _, rest = body.partition("\n")
        title, body = first.strip(), (rest.strip() or first.strip())
    return document(url=url, canonical=canonical_url(url, None), source="reference", title=title,
                    text=body, published_at=published_at, author=None, lang=None, rules=rules,
                    is_reference=True)


def document(*, url: str, canonical: str, source: str, title: str, text: str,
             published_at: datetime | None, author: str | None, lang: str | None, rules: Rules,
             is_reference: bool = False, from_feed_only: bool = False, fetch_error: str | None = None,
             published_precision: str = "") -> Document:
    """Judge one article: relevance, then the details of a relevant one, and its signature."""
    verdict = judge(title, text, rules.topic, rules.watches, rules.spacy_model)
    details = extract_details(title, text, published_at, rules.watches, rules.spacy_model) if verdict.relevant else []
    return Document(url=url, canonical_url=canonical, source=source, title=title, text=text,
                    text_hash=text_hash(text), published_at=published_at, published_precision=published_precision,
                    author=author, lang=lang,
                    is_reference=is_reference, from_feed_only=from_feed_only, fetch_error=fetch_error,
                    relevant=verdict.relevant, relevance_score=verdict.score, relevance_reason=verdict.reason,
                    signature=signature(text), details=details)


@dataclass(frozen=True)
class Analysis:
    """What `spacewatch analyse` reports of one text: the relevance verdict and every detail."""

    relevant: bool
    score: float
    reasons: tuple[str, ...]
    details: tuple[Detail, ...]


def analyse_article(title: str, text: str, published_at: datetime | None, rules: Rules) -> Analysis:
    """Judge one article without storing it; details are read whether or not it is relevant."""
    verdict = judge(title, text, rules.topic, rules.watches, rules.spacy_model)
    details = extract_details(title, text, published_at, rules.watches, rules.spacy_model)
    return Analysis(relevant=verdict.relevant, score=verdict.score,
                    reasons=tuple(part for part in verdict.reason.split("; ") if part),
                    details=tuple(details))
