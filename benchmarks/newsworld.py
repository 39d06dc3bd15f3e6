"""A generated news world for benchmarks: article pages with real-site boilerplate, feeds, robots.txt.

    python benchmarks/newsworld.py OUT_DIR [--articles 2000] [--feeds 20] [--seed 7]

Pages are 30-80 KB like real news pages: a header with navigation, inline CSS and scripts,
a cookie banner, the article (8-20 paragraphs), related links, reader comments and a footer.
About a third of the articles are coverage of filmmaking in space, the rest other news.
Every article has its own wording, so deduplication has real work but finds few copies.
"""
from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bra", "cle", "dri", "fo", "gu", "hen",
             "jo", "kri", "lun", "mor", "nat", "pel", "quo", "ris", "sten", "tor", "ul", "ven", "wil", "yar")
COMMON = ("the", "a", "of", "and", "to", "in", "that", "it", "was", "for", "on", "are", "with", "as", "his",
          "they", "be", "at", "one", "have", "this", "from", "by", "had", "not", "but", "what", "all", "were",
          "when", "we", "there", "can", "said", "which", "do", "their", "time", "if", "will", "way", "about",
          "many", "then", "them", "would", "like", "so", "these", "her", "long", "make", "thing", "see", "him",
          "two", "has", "look", "more", "day", "could", "go", "come", "did", "number", "sound", "most", "people",
          "over", "know", "water", "than", "call", "first", "who", "may", "down", "side", "been", "now", "find",
          "council", "market", "season", "report", "officials", "plan", "city", "company", "year", "week")
SPACE = ("The crew will shoot the film aboard the International Space Station, the director said.",
         "The actress trained for months before the launch to the ISS on a Soyuz rocket.",
         "Roscosmos confirmed that the movie scenes would be filmed in orbit by the cosmonauts.",
         "NASA said the astronaut would help the director shoot the final scenes in space.",
         "The cinema project is the first feature film shot on the space station.")
SECTIONS = ("World", "Politics", "Business", "Science", "Film", "Culture", "Sport", "Opinion", "Travel", "Tech")


@dataclass(frozen=True)
class Article:
    outlet: str
    path: str
    title: str
    published: datetime
    lead: str
    html: str


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, words: list[str]) -> str:
    picked = [rng.choice(COMMON) if rng.random() < 0.45 else rng.choice(words) for _ in range(rng.randint(9, 24))]
    return picked[0].capitalize() + " " + " ".join(picked[1:]) + "."


def paragraph(rng: random.Random, words: list[str], relevant: bool) -> str:
    sentences = [sentence(rng, words) for _ in range(rng.randint(3, 6))]
    if relevant and rng.random() < 0.5:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(SPACE))
    return " ".join(sentences)


def boilerplate_links(rng: random.Random, words: list[str], outlet: str, count: int) -> str:
    return "".join(f'<li><a href="/{outlet}/{rng.choice(SECTIONS).lower()}/{rng.choice(words)}-{rng.randint(1, 99999)}.html">'
                   f'{html.escape(sentence(rng, words)[:70])}</a></li>' for _ in range(count))


def article_page(rng: random.Random, words: list[str], outlet: str, path: str, title: str, published: datetime,
                 relevant: bool, base: str) -> tuple[str, str]:
    paragraphs = [paragraph(rng, words, relevant) for _ in range(rng.randint(8, 20))]
    lead = paragraphs[0][:200]
    css = "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
                  for i in range(rng.randint(150, 600)))
    script = "var cfg=" + repr({f"k{i}": rng.choice(words) for i in range(rng.randint(100, 500))}) + ";"
    comments = "".join(f'<div class="comment"><span class="who">{rng.choice(words).capitalize()}</span>'
                       f'<p>{html.escape(sentence(rng, words))} {html.escape(sentence(rng, words))}</p></div>'
                       for _ in range(rng.randint(5, 30)))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    iso = published.isoformat()
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {outlet.title()}</title>
<link rel="canonical" href="{base}{path}"><meta property="og:title" content="{html.escape(title)}">
<meta property="og:type" content="article"><meta property="article:published_time" content="{iso}">
<style>{css}</style><script>{script}</script></head>
<body><div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<header><a class="logo" href="/{outlet}/">{outlet.title()}</a><nav><ul>{boilerplate_links(rng, words, outlet, 60)}</ul></nav></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By {rng.choice(words).capitalize()} {rng.choice(words).capitalize()}
<time datetime="{iso}">{published:%d %B %Y}</time></p>{body}</article>
<aside class="related"><h3>Related</h3><ul>{boilerplate_links(rng, words, outlet, 25)}</ul></aside>
<section class="comments"><h3>Comments</h3>{comments}</section></main>
<footer><ul>{boilerplate_links(rng, words, outlet, 40)}</ul><p>&copy; {outlet.title()} Media</p></footer>
</body></html>"""
    return page, lead


def feed_xml(outlet: str, base: str, articles: list[Article]) -> str:
    items = "".join(f"<item><title>{html.escape(a.title)}</title><link>{base}{a.path}</link>"
                    f"<guid>{base}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate>"
                    f"<description>{html.escape(a.lead)}</description></item>"
                    for a in sorted(articles, key=lambda a: a.published, reverse=True))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>{base}/{outlet}/</link><description>{outlet} news</description>{items}</channel></rss>")


def build(out: Path, base: str, articles: int = 2000, feeds: int = 20, seed: int = 7) -> dict[str, str]:
    """Write the world under `out`; return {outlet: feed path}. `base` is the served origin."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    outlets = [f"outlet{n:02d}" for n in range(feeds)]
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    by_outlet: dict[str, list[Article]] = {o: [] for o in outlets}
    for n in range(articles):
        outlet = outlets[n % feeds]
        relevant = rng.random() < 0.33
        title = (rng.choice(SPACE).split(",")[0].rstrip(".") if relevant else sentence(rng, words)[:-1])[:90]
        title = f"{title} ({n})"
        published = start + timedelta(minutes=37 * n)
        path = f"/{outlet}/{published:%Y/%m}/story-{n}.html"
        page, lead = article_page(rng, words, outlet, path, title, published, relevant, base)
        target = out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        by_outlet[outlet].append(Article(outlet, path, title, published, lead, ""))
    (out / "feeds").mkdir(parents=True, exist_ok=True)
    paths = {}
    for outlet, items in by_outlet.items():
        (out / "feeds" / f"{outlet}.xml").write_text(feed_xml(outlet, base, items), encoding="utf-8")
        paths[outlet] = f"/feeds/{outlet}.xml"
    (out / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build(args.out, args.base, args.articles, args.feeds, args.seed)
    print(f"wrote {args.articles} articles and {args.feeds} feeds under {args.out}")


if __name__ == "__main__":
    main()
