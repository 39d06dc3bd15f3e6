"""The `spacewatch` command end to end, as a user runs it: a real process, a loopback site."""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import LoopbackSite

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Orbit Test</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="{published}T09:00:00+00:00">
</head><body><nav><a href="/">Home</a> <a href="/launches/">Launches</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Copyright Orbit Test. All rights reserved.</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Orbit Test</title><link>{base}/</link><description>test</description>
{items}</channel></rss>"""

ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>"

ARTICLES = [
    ("film-in-orbit", "Director and actress fly to the space station to shoot a film", "2022-03-01",
     ["The Russian actress and her director will shoot a feature film aboard the International Space "
      "Station, the first movie filmed in orbit.",
      "The crew launches from the Baikonur Cosmodrome on a Soyuz spacecraft; the film crew spends twelve "
      "days on the station shooting scenes with two cosmonauts."]),
    ("film-in-orbit-syndicated", "Director and actress fly to the space station to shoot a film", "2022-03-01",
     None),
    # three weeks after the film's launch: a day after it, in a database of four articles, this report
    # shares enough (the station, "crew", "launches") to join the film's story when the crawl happens to
    # store it second, and so be lent its relevance
    ("cargo-launch", "Cargo ship launches to the space station", "2022-03-23",
     ["A cargo ship carrying food, fuel and experiments launched to the International Space Station on "
      "Tuesday.", "It will dock with the station two days later; no crew is aboard."]),
]


def spacewatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scheduler.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)


def write_config(tmp_path: Path, db_url: str, site: LoopbackSite) -> Path:
    path = tmp_path / "spacewatch.toml"
    path.write_text(f"""
[database]
url = "{db_url}"
[crawl]
user_agent = "spacewatch-test/1.0"
[[sources]]
name = "orbit-test"
type = "feed"
url = "{site.url('/feed.xml')}"
[[sources]]
name = "broken"
type = "feed"
url = "{site.url('/missing.xml')}"
[[watch]]
name = "orbital-film"
label = "The orbital film"
aliases = ["orbital film"]
[email]
to = ["desk@example.org"]
from = "spacewatch@example.org"
outbox = "{tmp_path / 'outbox'}"
""", encoding="utf-8")
    return path


def serve_world(site: LoopbackSite) -> None:
    items = []
    for slug, title, date, paragraphs in ARTICLES:
        url = site.url(f"/news/{slug}.html")
        body = "".join(f"<p>{p}</p>" for p in paragraphs or ARTICLES[0][3])  # None: a copy of the first
        site.add(f"/news/{slug}.html", PAGE.format(title=title, canonical=url, published=date, paragraphs=body))
        items.append(ITEM.format(title=title, link=url + "?utm_source=rss", date=f"{date}T09:00:00Z"))
    site.add("/feed.xml", FEED.format(base=site.base, items="".join(items)), content_type="application/rss+xml")
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")


COMMANDS = {"crawl", "import", "articles", "stories", "facts", "changes", "digest", "run", "status", "db", "init",
            "demo"}


def listed_commands(help_text: str) -> dict[str, str]:
    """The commands the help lists, each on its own line under COMMAND, with their help."""
    section = help_text.split("\n  COMMAND\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.match(r"^    (\S+)\s+(\S.*)$", line).groups() for line in section.splitlines()
                if re.match(r"^    \S", line))


def test_help_lists_every_command(tmp_path):
    out = spacewatch("--help", cwd=tmp_path).stdout
    listed = listed_commands(out)
    assert set(listed) >= COMMANDS, sorted(COMMANDS - set(listed))
    assert all(text.strip() for text in listed.values())
    assert "exit status:" in out


def test_every_argument_of_every_command_has_help():
    from scheduler.cli import build_parser

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, command in action.choices.items():
                    yield from walk(command, f"{path} {name}")
            elif action.help != argparse.SUPPRESS and not isinstance(action, argparse._HelpAction):
                yield f"{path} {'/'.join(action.option_strings) or action.dest}", action.help

    missing = [where for where, text in walk(build_parser(), "spacewatch") if not (text or "").strip()]
    assert missing == []


def test_version_and_crawl_exit_status_are_documented(tmp_path):
    version = spacewatch("--version", cwd=tmp_path)
    assert version.returncode == 0 and re.fullmatch(r"spacewatch \d+\.\d+\S*\n", version.stdout)
    assert "exit status: 0 unless every source failed" in spacewatch("crawl", "--help", cwd=tmp_path).stdout


def test_config_works_before_and_after_the_command(tmp_path):
    (tmp_path / "conf").mkdir()
    config = tmp_path / "conf" / "watch.toml"
    config.write_text('[database]\nurl = "sqlite:///after.db"\n', encoding="utf-8")
    for args in (("--config", str(config), "db", "upgrade"), ("db", "upgrade", "--config", str(config)),
                 ("status", "--json", "--config", str(config)), ("articles", "--config", str(config))):
        result = spacewatch(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
    assert (tmp_path / "conf" / "after.db").exists() and not (tmp_path / "spacewatch.db").exists()


def test_broken_config_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "spacewatch.toml").write_text('[[sources]]\nname = "x"\ntype = "feed"\nurl = "ftp://x/"\n')
    result = spacewatch("crawl", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "spacewatch.toml: sources[0] \"x\".url:" in result.stderr
    assert not (tmp_path / "spacewatch.db").exists()


def test_unknown_source_and_missing_import_file_are_one_line_errors(tmp_path, site):
    serve_world(site)
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    result = spacewatch("--config", str(config), "crawl", "nope", cwd=tmp_path)
    assert result.returncode == 2 and "no source named 'nope'" in result.stderr
    result = spacewatch("--config", str(config), "import", str(tmp_path / "absent.txt"), "--url",
                        "http://127.0.0.1/ref", cwd=tmp_path)
    assert result.returncode == 2 and "absent.txt: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_writes_a_valid_config_and_refuses_to_overwrite(tmp_path):
    assert spacewatch("init", cwd=tmp_path).returncode == 0
    assert spacewatch("--config", "spacewatch.toml", "db", "upgrade", cwd=tmp_path).returncode == 0
    again = spacewatch("init", cwd=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr


@pytest.mark.slow
def test_crawl_then_listings_and_digest(tmp_path, site, db_url):
    serve_world(site)
    config = str(write_config(tmp_path, db_url, site))
    reference = tmp_path / "reference.txt"
    reference.write_text("Studio module planned for the space station\n\nA start-up plans a film studio module for "
                         "the International Space Station where actors and directors could shoot movies in orbit; "
                         "it would launch in 2027 on a commercial rocket and dock with the station for ten years.\n")
    imported = spacewatch("--config", config, "import", str(reference), "--url", site.url("/ref/original.html"),
                          "--published", "2022-02-20", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr

    crawl = spacewatch("--config", config, "crawl", "--quiet", cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr  # one source broken, the other fine
    assert "broken" in crawl.stdout + crawl.stderr

    articles = json.loads(spacewatch("--config", config, "articles", "--json", "--text", cwd=tmp_path).stdout)
    by_canonical = {a["canonical_url"]: a for a in articles}
    film = by_canonical[site.url("/news/film-in-orbit.html")]
    copy = by_canonical[site.url("/news/film-in-orbit-syndicated.html")]
    cargo = by_canonical[site.url("/news/cargo-launch.html")]
    for field in ("url", "canonical_url", "title", "source", "published_at", "relevant", "story_id",
                  "duplicate_of", "text"):
        assert field in film
    assert film["relevant"] is True and cargo["relevant"] is False
    # the same text twice: whichever was stored first is the original, the other its duplicate
    original, duplicate = (film, copy) if copy["duplicate_of"] else (copy, film)
    assert original["duplicate_of"] is None and duplicate["duplicate_of"] == original["url"]
    assert duplicate["story_id"] == original["story_id"]
    assert film["url"].endswith("?utm_source=rss") or film["url"] == film["canonical_url"]
    assert film["published_at"].startswith("2022-03-01")
    assert "Baikonur Cosmodrome" in film["text"] and "All rights reserved" not in film["text"]

    stories = json.loads(spacewatch("--config", config, "stories", "--json", cwd=tmp_path).stdout)
    assert any(film["url"] in s["urls"] for s in stories)
    for listing in ("facts", "changes"):
        out = spacewatch("--config", config, listing, "--json", cwd=tmp_path)
        assert out.returncode == 0 and isinstance(json.loads(out.stdout), list)

    sent = spacewatch("--config", config, "digest", "send", cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    mails = list((tmp_path / "outbox" / "new").iterdir())
    assert len(mails) == 1
    mail = mails[0].read_text(errors="replace")
    assert original["canonical_url"] in mail and duplicate["canonical_url"] not in mail
    again = spacewatch("--config", config, "digest", "send", cwd=tmp_path)
    assert again.returncode == 0 and len(list((tmp_path / "outbox" / "new").iterdir())) == 1


def test_commands_from_another_folder_use_the_database_beside_the_config(tmp_path):
    home = tmp_path / "watch"
    home.mkdir()
    (home / "spacewatch.toml").write_text('[database]\nurl = "sqlite:///watch.db"\n', encoding="utf-8")
    assert spacewatch("--config", "spacewatch.toml", "db", "upgrade", cwd=home).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    status = spacewatch("--config", str(home / "spacewatch.toml"), "status", "--json", cwd=elsewhere)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["service"]["database"].endswith(str(home / "watch.db"))
    assert list(elsewhere.iterdir()) == []  # no stray empty database


def test_a_disabled_source_is_not_crawled_unless_named(tmp_path, site):
    serve_world(site)
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    config.write_text(config.read_text().replace('name = "broken"', 'name = "broken"\nenabled = false'))
    crawl = spacewatch("--config", str(config), "crawl", "--quiet", cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr
    assert "/missing.xml" not in site.paths_requested() and "/feed.xml" in site.paths_requested()
    named = spacewatch("--config", str(config), "crawl", "--quiet", "broken", cwd=tmp_path)
    assert named.returncode == 1 and "/missing.xml" in site.paths_requested()


@pytest.mark.parametrize("content", [
    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,  # an executable
    "A film crew flies to the station.\x00 More text.".encode(),  # UTF-8 with a NUL
    "Un équipage de tournage".encode("latin-1")])  # not UTF-8
def test_import_refuses_binary_input_in_one_line_and_stores_nothing(tmp_path, db_url, content):
    config = tmp_path / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(content)
    result = spacewatch("--config", str(config), "import", "blob.bin", "--url", "http://news.test/a.html", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "blob.bin: not" in result.stderr and "plain UTF-8 text" in result.stderr
    assert json.loads(spacewatch("--config", str(config), "articles", "--json", cwd=tmp_path).stdout) == []


@pytest.mark.parametrize("url", ["notaurl", "ftp://news.test/a.txt", "http://news.test/a b.html", "http:///path"])
def test_import_refuses_a_url_that_is_not_http(tmp_path, url):
    config = tmp_path / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("A film crew flies to the station to shoot a film in orbit.\n")
    result = spacewatch("--config", str(config), "import", "a.txt", "--url", url, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--url:" in result.stderr and "not an http(s) URL" in result.stderr
    assert not (tmp_path / "db.sqlite").exists()


LOG_LINE = re.compile(r"^ts=\S+Z level=(debug|info|warning|error) event=[a-z_.]+( [a-z_]+=\S.*)?$")


def test_a_crawl_with_unreachable_hosts_logs_one_line_per_failing_source(tmp_path, site):
    from tests.loopback import free_port

    serve_world(site)
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    dead = "".join(f'[[sources]]\nname = "gone-{i}"\ntype = "feed"\nurl = "http://127.0.0.1:{free_port()}/feed.xml"\n'
                   for i in range(3))
    config.write_text(config.read_text().replace("[[watch]]", dead + "[[watch]]"))
    crawl = spacewatch("--config", str(config), "crawl", cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr
    lines = crawl.stderr.splitlines()
    assert "Traceback" not in crawl.stderr
    assert all(LOG_LINE.match(line) for line in lines), lines
    failed = [line for line in lines if "event=source.failed" in line]
    assert sorted(re.search(r"source=(\S+)", line).group(1) for line in failed) == \
        ["broken", "gone-0", "gone-1", "gone-2"]
    assert all("level=warning" in line for line in failed)
    assert not any("level=info" in line and "failed" in line for line in lines)
