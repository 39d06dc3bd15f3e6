"""The dedup index in memory: signatures, the URL/hash/near layers, tiny and huge texts."""
from __future__ import annotations

import hashlib
import random
import time
from datetime import datetime, timedelta, timezone

import pytest

from analysis.document import Document
from analysis.shingles import signature
from crawler.dedup import DedupIndex
from analysis.shingles import MAX_WORDS, MIN_WORDS, Signature, shingles, words
from analysis.urls import canonical_url

COMMON = ("the of and to in a is that for on with as was at by it from be has have an are were "
          "said will this which its but after their more been also about new year they would who "
          "first two space film crew station launch mission film director actor orbit studio").split()
T0 = datetime(2022, 3, 1, tzinfo=timezone.utc)


def folded_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def make_doc(url: str, title: str, text: str, *, published: datetime | None = T0, declared: str | None = None,
             relevant: bool = True) -> Document:
    return Document(url=url, canonical_url=canonical_url(url, declared), source="test", title=title, text=text,
                    text_hash=folded_hash(text), published_at=published, relevant=relevant,
                    signature=signature(text))


def article(rng: random.Random, paragraphs: int = 6) -> list[list[str]]:
    """Paragraphs of sentences: common words with names and rare words of its own."""
    own = [f"{rng.choice('bcdfgklmnprstvz')}{rng.choice('aeiou')}{rng.randrange(10**6):x}" for _ in range(30)]
    return [[" ".join(rng.choice(own) if rng.random() < 0.3 else rng.choice(COMMON)
                      for _ in range(rng.randint(12, 22))).capitalize() + "."
             for _ in range(rng.randint(3, 5))] for _ in range(paragraphs)]


def render(paras: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras)


def reword(rng: random.Random, paras: list[list[str]], share: float) -> list[list[str]]:
    """A copy-edit: in `share` of the sentences, a few words swapped or replaced."""
    out = []
    for para in paras:
        new = []
        for sentence in para:
            tokens = sentence.split()
            if rng.random() < share:
                for _ in range(max(2, len(tokens) // 5)):
                    i = rng.randrange(len(tokens))
                    tokens[i] = rng.choice(COMMON)
            new.append(" ".join(tokens))
        out.append(new)
    return out


class Store:
    """Feeds documents through an index the way ingest does (ids, stories, duplicates)."""

    def __init__(self) -> None:
        self.index = DedupIndex()
        self.next_id, self.next_story = 1, 1
        self.verdicts = {}

    def put(self, doc: Document):
        verdict = self.index.check(doc)
        story = verdict.story_id
        if doc.relevant and story is None:
            story, self.next_story = self.next_story, self.next_story + 1
        article_id, self.next_id = self.next_id, self.next_id + 1
        self.index.add(article_id, doc, story if doc.relevant else None, verdict.duplicate_of_id)
        self.verdicts[article_id] = verdict
        return article_id, verdict, story


def true_jaccard(a: str, b: str) -> float:
    x, y = shingles(words(a)), shingles(words(b))
    return len(x & y) / len(x | y)


def test_signature_round_trip_and_tiny_texts():
    text = render(article(random.Random(1)))
    sig = Signature.from_bytes(signature(text))
    assert len(sig.hashvalues) == 128 and sig.words == len(words(text)) and sig.terms
    assert signature("") is None
    assert signature("Subscribe to read the whole story.") is None
    assert signature(" ".join(["word"] * (MIN_WORDS - 1))) is None
    with pytest.raises(ValueError, match="signature"):
        Signature.from_bytes(b"not a signature")


def test_huge_text_is_capped():
    rng = random.Random(2)
    body = render(article(rng, paragraphs=8))
    comments = " ".join(rng.choice(COMMON) + str(rng.randrange(5000)) for _ in range(60_000))  # ~400 KB
    huge = body + "\n\nComments\n\n" + comments
    assert len(huge) > 300_000
    started = time.process_time()
    sig = Signature.from_bytes(signature(huge))
    assert sig.words == MAX_WORDS
    assert time.process_time() - started < 1.0
    store = Store()
    original, _, _ = store.put(make_doc("https://a.example/story", "Story", body))
    started = time.process_time()
    _, verdict, _ = store.put(make_doc("https://b.example/story-with-comments", "Story", huge))
    assert time.process_time() - started < 0.5
    assert verdict.duplicate_of_id == original and verdict.layer == "near"  # its start is the story


def test_url_layers():
    rng = random.Random(3)
    store = Store()
    text = render(article(rng))
    first, _, story = store.put(make_doc("https://news.example.org/2022/09/story.html", "Story", text))
    for url, declared in [("https://news.example.org/2022/09/story.html?utm_source=feed", None),
                          ("https://news.example.org/amp/2022/09/story.html", None),
                          ("https://m.news.example.org/2022/09/story.html", None),
                          ("https://syndicator.example.net/copy/123", "https://news.example.org/2022/09/story.html")]:
        _, verdict, joined = store.put(make_doc(url, "Other title", render(article(rng)), declared=declared))
        assert (verdict.duplicate_of_id, verdict.layer, joined) == (first, "url", story), url
        assert "news.example.org/2022/09/story.html" in verdict.evidence


def test_same_text_under_another_url_is_a_hash_duplicate():
    store = Store()
    text = render(article(random.Random(4)))
    first, _, _ = store.put(make_doc("https://a.example/x", "X", text))
    _, verdict, _ = store.put(make_doc("https://b.example/y", "Y", "  " + text.upper().replace(" ", "\n ")))
    assert (verdict.duplicate_of_id, verdict.layer) == (first, "hash")


def test_short_texts_match_on_hash_only_with_the_same_title():
    store = Store()
    stub = "Subscribe to read the full article."
    store.put(make_doc("https://a.example/1", "Launch delayed", stub))
    _, other, _ = store.put(make_doc("https://a.example/2", "Actor cast", stub))
    _, same, _ = store.put(make_doc("https://b.example/3", "Launch  delayed", stub))
    assert other.duplicate_of_id is None and other.story_id is None
    assert same.layer == "hash"
    _, empty, _ = store.put(make_doc("https://c.example/4", "Launch delayed", ""))
    _, empty2, _ = store.put(make_doc("https://c.example/5", "Launch delayed", ""))
    assert empty2.duplicate_of_id is None and empty2.story_id is None


def test_planted_near_duplicates_recall_and_precision():
    rng = random.Random(5)
    store = Store()
    originals = []
    for n in range(120):
        paras = article(rng)
        article_id, _, _ = store.put(make_doc(f"https://orig.example/{n}", f"Original {n}", render(paras),
                                              published=T0 + timedelta(days=n)))
        originals.append((article_id, paras))
    found = planted = 0
    for n, (article_id, paras) in enumerate(originals[:60]):
        edits = [reword(rng, paras, 0.3),                                  # light copy-edit
                 reword(rng, paras[:-1], 0.5),                             # copy-edit, last paragraph dropped
                 [["Syndicated from our partners. Sign up for the newsletter."], *paras,
                  ["Share this story on social media and follow us for more."]]]
        copy = edits[n % 3]
        text = render(copy)
        j = true_jaccard(text, render(paras))
        if j < 0.45:
            continue
        planted += 1
        _, verdict, _ = store.put(make_doc(f"https://copy.example/{n}", f"Copy {n}", text,
                                           published=T0 + timedelta(days=200 + n)))
        found += verdict.duplicate_of_id == article_id
        assert verdict.duplicate_of_id in (None, article_id), f"copy {n} glued to the wrong original"
    assert planted >= 50
    assert found / planted >= 0.95
    false = 0
    for n in range(100):
        _, verdict, _ = store.put(make_doc(f"https://fresh.example/{n}", f"Fresh {n}", render(article(rng)),
                                           published=T0 + timedelta(days=n)))
        false += verdict.duplicate_of_id is not None or verdict.story_id is not None
    assert false == 0


def test_duplicate_of_a_duplicate_points_at_the_original():
    rng = random.Random(6)
    store = Store()
    paras = article(rng)
    first, _, story = store.put(make_doc("https://a.example/1", "One", render(paras)))
    second, v2, _ = store.put(make_doc("https://b.example/2", "Two", render(reword(rng, paras, 0.2))))
    assert v2.duplicate_of_id == first
    _, v3, joined = store.put(make_doc("https://b.example/2?utm_medium=x", "Two", "different"))
    assert (v3.duplicate_of_id, v3.layer, joined) == (first, "url", story)


def test_an_unreadable_signature_falls_back_to_url_and_hash():
    store = Store()
    text = render(article(random.Random(7)))
    first, _, _ = store.put(make_doc("https://a.example/1", "One", text))
    doc = make_doc("https://b.example/2", "Two", text)
    doc.signature = b"SWS1 damaged"
    assert store.index.check(doc).duplicate_of_id == first
    doc.text, doc.text_hash = "other", folded_hash("other")
    assert store.index.check(doc).duplicate_of_id is None


def test_band_index_finds_items_after_incremental_and_bulk_inserts():
    import numpy as np

    from crawler.lsh import MERGE_AT, BandIndex

    rng = np.random.default_rng(1)
    matrix = rng.integers(0, 2**32, size=(3 * MERGE_AT // 10, 128), dtype=np.uint32)
    index = BandIndex(42, 3, 128)
    half = len(matrix) // 2
    index.add_many(np.arange(half), matrix[:half])
    for row in range(half, len(matrix)):  # crosses MERGE_AT: pending keys merged into the sorted arrays
        index.add(row, matrix[row])
    assert len(index) == len(matrix)
    for row in (0, half - 1, half, len(matrix) - 1):
        assert index.query(matrix[row]) == {row}
    near = matrix[7].copy()
    near[3:100] = rng.integers(0, 2**32, size=97, dtype=np.uint32)  # bands from 33 on are intact
    assert 7 in index.query(near)
    with pytest.raises(ValueError, match="bands"):
        BandIndex(50, 3, 128)


def test_a_copy_cut_short_is_contained_but_a_shared_sentence_is_not():
    rng = random.Random(8)
    store = Store()
    paras = article(rng, paragraphs=8)
    first, _, _ = store.put(make_doc("https://a.example/long", "Long", render(paras)))
    _, cut, _ = store.put(make_doc("https://b.example/teaser", "Teaser", render(paras[:3]) + "\n\nRead more at A."))
    assert (cut.duplicate_of_id, cut.layer) == (first, "near") and "shorter text" in cut.evidence
    brief = article(rng, paragraphs=2)
    brief[1].append(paras[4][0])  # quotes one sentence of the long article
    _, quoted, _ = store.put(make_doc("https://c.example/brief", "Brief", render(brief)))
    assert quoted.duplicate_of_id is None


def test_signature_keeps_the_named_entities():
    text = ("The studio Brightwater Films said on Monday that Marta Quist will fly to the station. "
            "Quist trained in Star City for a year. ") * 3
    sig = Signature.from_bytes(signature(text))
    named = dict(zip(sig.entities, sig.entity_counts))
    assert named["marta quist"] == 6 and named["brightwater films"] == 3 and sig.named


def test_old_signatures_without_entities_still_read_and_deduplicate():
    from analysis.shingles import OLD_HEADER

    rng = random.Random(12)
    paras = article(rng)
    new = Signature.from_bytes(signature(render(paras)))
    old = b"".join((OLD_HEADER.pack(b"SWS1", len(new.hashvalues), len(new.terms), new.shingles, new.words),
                    new.hashvalues.astype("<u4").tobytes(), bytes(new.counts), "\n".join(new.terms).encode()))
    sig = Signature.from_bytes(old)
    assert (sig.terms, sig.counts, sig.entities, sig.named) == (new.terms, new.counts, (), False)
    assert (sig.hashvalues == new.hashvalues).all()
    store = Store()
    stored = make_doc("https://a.example/old", "Old", render(paras))
    stored.signature = old
    first, _, _ = store.put(stored)
    _, verdict, _ = store.put(make_doc("https://b.example/copy", "Copy", render(reword(rng, paras, 0.2))))
    assert (verdict.duplicate_of_id, verdict.layer) == (first, "near")
    with pytest.raises(ValueError, match="truncated"):
        Signature.from_bytes(signature(render(paras))[:-40])
