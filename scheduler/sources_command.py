"""`spacewatch sources list|add|remove|pause|resume|import|export`: the `[[sources]]` of the
config file, edited in place with its comments kept (scheduler.sources_file), and OPML in and out."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from crawler.options import SOURCE_TYPES
from scheduler import sources_file
from scheduler.config import DEFAULT_FILE, Config
from scheduler.errors import UserError


def register(commands: argparse._SubParsersAction) -> None:
    sources = commands.add_parser("sources", help="list, add, remove, pause or resume sources; OPML import/export")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the configured sources")
    listing.add_argument("--json", action="store_true", help="a JSON array on stdout")
    listing.set_defaults(handler=cmd_list)
    add = actions.add_parser("add", help="add a source to the config file")
    add.add_argument("name", help="the new source's name (unique)")
    add.add_argument("url", help="its feed, start page or sitemap URL (http or https)")
    add.add_argument("--type", choices=SOURCE_TYPES, default="feed", help="the kind of source (default feed)")
    add.add_argument("--every", default="1h", help="polling interval (default 1h)")
    add.add_argument("--follow", action="append", default=[], metavar="REGEX",
                     help="for a site: paths to follow (repeatable)")
    add.set_defaults(handler=cmd_add)
    for name, help_text, handler in (("remove", "remove a source", cmd_remove),
                                     ("pause", "stop polling a source (enabled = false)", cmd_pause),
                                     ("resume", "poll a paused source again", cmd_resume)):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("name", help="the source's name")
        action.set_defaults(handler=handler)
    imp = actions.add_parser("import", help="add the feeds of an OPML file")
    imp.add_argument("file", type=Path, help="an OPML file of feeds")
    imp.add_argument("--every", default="1h", help="polling interval of the imported feeds (default 1h)")
    imp.set_defaults(handler=cmd_import)
    exp = actions.add_parser("export", help="the sources as OPML (stdout, or FILE)")
    exp.add_argument("file", nargs="?", type=Path, help="where to write the OPML (default: stdout)")
    exp.set_defaults(handler=cmd_export)


def config_file(config: Config) -> Path:
    """The file to edit: the one the config came from, else ./spacewatch.toml (created)."""
    return Path(config.path) if config.path else Path(DEFAULT_FILE)


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    rows = [{"name": s.name, "type": s.type, "url": s.url, "every": s.every, "enabled": s.enabled,
             "follow": list(s.follow)} for s in config.sources]
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not rows:
        print("no sources")
    else:
        for row in rows:
            print("\t".join([row["name"], row["type"], row["every"], "enabled" if row["enabled"] else "paused",
                             row["url"]]))
    return 0


def cmd_add(config: Config, args: argparse.Namespace) -> int:
    print(sources_file.add_source(config_file(config), args.name, args.type, args.url, args.every, args.follow))
    return 0


def cmd_remove(config: Config, args: argparse.Namespace) -> int:
    print(sources_file.remove_source(config_file(config), args.name))
    return 0


def cmd_pause(config: Config, args: argparse.Namespace) -> int:
    print(sources_file.set_enabled(config_file(config), args.name, False))
    return 0


def cmd_resume(config: Config, args: argparse.Namespace) -> int:
    print(sources_file.set_enabled(config_file(config), args.name, True))
    return 0


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "feed"


def read_opml(path: Path) -> list[tuple[str, str]]:
    """(title, feed URL) of every outline with an xmlUrl, at any depth."""
    try:
        root = ET.fromstring(path.read_bytes())
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ET.ParseError as exc:
        raise UserError(f"{path}: not OPML (XML error: {exc})") from None
    if root.tag != "opml":
        raise UserError(f"{path}: not OPML (the root element is <{root.tag}>)")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            feeds.append(((outline.get("title") or outline.get("text") or url).strip(), url))
    return feeds


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    feeds = read_opml(args.file)
    taken = {s.name for s in config.sources}
    known = {s.url for s in config.sources}
    wanted: list[tuple[str, str]] = []
    skipped = 0
    for title, url in feeds:
        if url in known:
            skipped += 1
            continue
        name, n = slug(title), 2
        while name in taken:
            name, n = f"{slug(title)}-{n}", n + 1
        taken.add(name)
        known.add(url)
        wanted.append((name, url))
    if wanted:
        sources_file.add_sources(config_file(config), [(name, "feed", url, args.every, []) for name, url in wanted])
    print(f"imported {len(wanted)} feed(s) from {args.file}" + (f", {skipped} already configured" if skipped else ""))
    return 0


def opml(config: Config) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "spacewatch sources"
    body = ET.SubElement(root, "body")
    for source in config.sources:
        attrs = {"text": source.name, "title": source.name}
        if source.type == "feed":
            attrs.update(type="rss", xmlUrl=source.url)
        else:
            attrs.update(type="link", htmlUrl=source.url)
        ET.SubElement(body, "outline", attrs)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    data = opml(config)
    if args.file is None:
        sys.stdout.write(data.decode("utf-8") + "\n")
        return 0
    try:
        args.file.write_bytes(data)
    except OSError as exc:
        raise UserError(f"{args.file}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {len(config.sources)} source(s) to {args.file}")
    return 0
