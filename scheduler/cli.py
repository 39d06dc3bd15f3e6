"""The `spacewatch` command: the one place where errors become a line on stderr and an exit code."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analysis.language import ModelMissing
from notifications import NotificationError
from scheduler import jobs, listings, logs, sources_command
from scheduler.config import Config, ConfigError, load_config
from scheduler.errors import UserError
from storage.db import DatabaseError, safe_url

WEB_HOST, WEB_PORT = "127.0.0.1", 8470


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spacewatch",
        description="Monitor news outlets for one story: crawl, deduplicate, track details, mail digests.",
        epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    crawl = commands.add_parser("crawl", help="crawl all sources, or the named ones, now",
                                epilog="exit status: 0 unless every source failed (1); 2 for a bad config or "
                                       "an unknown source; 130/143 when stopped by SIGINT/SIGTERM")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: all)")
    crawl.add_argument("--quiet", action="store_true", help="no progress display")
    crawl.add_argument("--trigger", default="manual", choices=["manual", "schedule"], help=argparse.SUPPRESS)
    crawl.add_argument("--wait", action="store_true", help="wait for a source that another crawl holds")
    crawl.set_defaults(handler=cmd_crawl)

    imp = commands.add_parser("import", help="store a plain-text article as a reference item")
    imp.add_argument("file", type=Path, metavar="FILE", help="the article as plain UTF-8 text")
    imp.add_argument("--url", required=True, help="the article's http(s) address (its identity when deduplicating)")
    imp.add_argument("--title", help="its title (default: the first line of FILE)")
    imp.add_argument("--published", metavar="YYYY-MM-DD", help="its publication date (default: unknown)")
    imp.set_defaults(handler=cmd_import)

    analyse = commands.add_parser(
        "analyse", help="judge a text with the config's rules, storing nothing",
        description="Judge articles without storing anything: relevant or not and why, and every detail "
                    "of the watched productions with its sentence.")
    analyse.add_argument("file", nargs="?", metavar="FILE", help="a text file, - for stdin, or an http(s) URL")
    analyse.add_argument("--url", help="the article's URL (informational)")
    analyse.add_argument("--title", help="the article's headline")
    analyse.add_argument("--published", metavar="DATE", help="publication date, YYYY-MM-DD or ISO 8601")
    analyse.add_argument("--json", action="store_true", help="print the verdict as a JSON object")
    analyse.add_argument("--jsonl", action="store_true",
                         help="read JSON objects (text, title, published, url) from stdin, one a line; "
                              "write one verdict a line")
    analyse.set_defaults(handler=cmd_analyse)

    for name, help_text in (("articles", "list stored articles"), ("stories", "list stories"),
                            ("facts", "current launch and casting details"),
                            ("changes", "detected changes of those details")):
        listing = commands.add_parser(name, help=help_text)
        listing.add_argument("--json", action="store_true", help="a JSON array on stdout")
        listing.add_argument("--since", metavar="DATE",
                             help="only rows from DATE on (2026-03-01 or 2026-03-01T08:00; UTC unless an offset is given)")
        listing.add_argument("--source", metavar="NAME", help="only rows of articles from this source")
        listing.add_argument("--limit", metavar="N", type=_positive, help="only the first N rows")
        if name == "articles":
            listing.add_argument("--text", action="store_true", help="include each article's main text")
            listing.add_argument("--relevant", action="store_true", help="only relevant articles")
        listing.set_defaults(handler=cmd_listing, listing=name)

    digest = commands.add_parser("digest", help="build and send (or preview) the digest email")
    digest_commands = digest.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    send = digest_commands.add_parser("send", help="send the digest of everything new since the last one")
    send.set_defaults(handler=cmd_digest_send)
    preview = digest_commands.add_parser("preview", help="print the digest that `send` would send")
    preview.add_argument("--html", metavar="FILE", type=Path, help="also write the HTML part to FILE")
    preview.set_defaults(handler=cmd_digest_preview)

    run = commands.add_parser("run", help="run the background service")
    run.add_argument("--log-format", choices=["text", "json"], default="text",
                     help="one key=value line per event (text, the default) or one JSON object per line")
    run.add_argument("--web", action="store_true", help="also serve the dashboard (see `web`)")
    run.add_argument("--web-host", default=WEB_HOST, metavar="H", help=f"dashboard address (default {WEB_HOST})")
    run.add_argument("--web-port", type=int, default=WEB_PORT, metavar="P", help=f"dashboard port (default {WEB_PORT})")
    run.set_defaults(handler=cmd_run)

    web = commands.add_parser("web", help="serve the dashboard, JSON API and Atom feeds")
    web.add_argument("--host", default=WEB_HOST, help=f"address to listen on (default {WEB_HOST}; any other "
                                                      "needs SPACEWATCH_WEB_TOKEN)")
    web.add_argument("--port", type=int, default=WEB_PORT, help=f"port (default {WEB_PORT})")
    web.set_defaults(handler=cmd_web)

    sources_command.register(commands)

    status = commands.add_parser("status", help="sources, last and next polls, digests")
    status.add_argument("--json", action="store_true", help="a JSON object on stdout")
    status.set_defaults(handler=cmd_status)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)

    init = commands.add_parser("init", help="write a starter spacewatch.toml")
    init.add_argument("path", nargs="?", type=Path, default=Path("spacewatch.toml"), metavar="PATH",
                      help="where to write it (default: ./spacewatch.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=cmd_init)

    demo = commands.add_parser("demo", help="crawl a bundled sample news world served on loopback")
    demo.add_argument("--dir", type=Path, default=Path("spacewatch-demo"), help="where to put its files")
    demo.set_defaults(handler=cmd_demo)
    _accept_config_after_commands(parser)
    return parser


CONFIG_HELP = "config file (default: $SPACEWATCH_CONFIG, else ./spacewatch.toml, else built-in defaults)"
EXIT_STATUS = """exit status: 0 on success; 1 when the work failed (a crawl in which every source failed, a
digest kept pending); 2 for a bad config or bad input, with one line on stderr saying what and where"""


def _accept_config_after_commands(parser: argparse.ArgumentParser) -> None:
    """`--config PATH` after the command too (`spacewatch crawl --config x.toml`), at every level."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                if not any("--config" in a.option_strings for a in command._actions):
                    command.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)
                _accept_config_after_commands(command)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spacewatch")
    except PackageNotFoundError:
        return "(not installed)"


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the crawl stops, what it stored stays stored."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def cmd_crawl(config: Config, args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_terminated)
    summary = jobs.crawl(config, args.sources, progress=not args.quiet and sys.stderr.isatty(),
                         trigger=args.trigger, wait=args.wait)
    print(summary.describe())
    return 0 if summary.succeeded else 1


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    print(jobs.import_reference(config, args.file, args.url, args.title, args.published))
    return 0


def cmd_analyse(config: Config, args: argparse.Namespace) -> int:
    from scheduler import analyse

    rules = jobs.rules_of(config)
    if args.jsonl:
        if args.file:
            raise UserError("analyse --jsonl reads stdin; give no FILE")
        try:
            analyse.analyse_jsonl(rules, sys.stdin, sys.stdout)
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"stdin: cannot read: {exc}") from None
        return 0
    if not args.file:
        raise UserError("analyse needs a FILE (or - for stdin, or an http(s) URL), or --jsonl")
    try:
        result = analyse.analyse_one(rules, args.file, title=args.title, published=args.published)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(json.dumps(analyse.as_json(result), ensure_ascii=False, indent=1))
    else:
        print(analyse.describe(result))
    return 0


def cmd_listing(config: Config, args: argparse.Namespace) -> int:
    rows = listings.rows(config, args.listing, text=getattr(args, "text", False),
                         relevant_only=getattr(args, "relevant", False),
                         filters=listings.Filters(since=listings.parse_since(args.since) if args.since else None,
                                                  source=args.source, limit=args.limit))
    if args.json:
        listings.write_json(rows, sys.stdout)
    else:
        listings.write_human(args.listing, rows, sys.stdout)
    return 0


def cmd_digest_send(config: Config, args: argparse.Namespace) -> int:
    print(jobs.send_digest(config))
    return 0


def cmd_digest_preview(config: Config, args: argparse.Namespace) -> int:
    print(jobs.preview_digest(config, args.html))
    return 0


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    from scheduler.service import run_service

    if not getattr(args, "web", False):
        return run_service(config, log_format=args.log_format)
    from scheduler.dashboard import check_bind, start_web_thread

    check_bind(args.web_host)  # refuse before the service starts
    started = []
    try:
        return run_service(config, log_format=args.log_format, on_ready=lambda service: started.append(
            start_web_thread(config, args.web_host, args.web_port, service)))
    finally:
        for server, control in started:
            server.stop()
            control.close()


def cmd_web(config: Config, args: argparse.Namespace) -> int:
    from scheduler.dashboard import run_web

    return run_web(config, args.host, args.port)


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    from scheduler.status import collect_status, describe_status

    report = collect_status(config)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(describe_status(report))
    return 0


def cmd_db_upgrade(config: Config, args: argparse.Namespace) -> int:
    engine, _ = jobs.open_db(config)
    engine.dispose()
    print(f"database at head: {safe_url(config.database.url)}")
    return 0


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    print(jobs.write_default_config(args.path, force=args.force))
    return 0


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from scheduler.demo import run_demo

    return run_demo(args.dir)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup("text")  # one line per event on stderr; `run --log-format json` switches to JSON
    handler: Callable[[Config, argparse.Namespace], int] = args.handler
    try:
        config = load_config(args.config) if args.command not in ("init", "demo") else Config()
        return handler(config, args)
    except (ConfigError, DatabaseError, UserError, ModelMissing) as exc:
        print(f"spacewatch: error: {exc}", file=sys.stderr)
        return 2
    except NotificationError as exc:  # a mail kept pending (sent by the next call) or refused for good
        print(f"spacewatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("spacewatch: interrupted", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        # what was stored is committed; a stop must not wait for the teardown of an interpreter
        # that may hold the language model (seconds on a busy machine)
        os._exit(143 if isinstance(exc, Terminated) else 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
