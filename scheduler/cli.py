"""The `spacewatch` command: the one place where errors become a line on stderr and an exit code."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from notifications import NotificationError
from scheduler import jobs, listings, logs, sources_command
from scheduler.config import Config, ConfigError, load_config
from scheduler.errors import UserError
from storage.db import DatabaseError, safe_url

WEB_HOST, WEB_PORT = "127.0.0.1", 8470


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spacewatch",
        description="Monitor news outlets for one story: crawl, deduplicate, track details, mail digests.")
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: $SPACEWATCH_CONFIG, else ./spacewatch.toml, else built-in defaults)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    crawl = commands.add_parser("crawl", help="crawl all sources, or the named ones, now")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: all)")
    crawl.add_argument("--quiet", action="store_true", help="no progress display")
    crawl.add_argument("--trigger", default="manual", choices=["manual", "schedule"], help=argparse.SUPPRESS)
    crawl.add_argument("--wait", action="store_true", help="wait for a source that another crawl holds")
    crawl.set_defaults(handler=cmd_crawl)

    imp = commands.add_parser("import", help="store a plain-text article as a reference item")
    imp.add_argument("file", type=Path)
    imp.add_argument("--url", required=True)
    imp.add_argument("--title")
    imp.add_argument("--published", metavar="YYYY-MM-DD")
    imp.set_defaults(handler=cmd_import)

    for name, help_text in (("articles", "list stored articles"), ("stories", "list stories"),
                            ("facts", "current launch and casting details"),
                            ("changes", "detected changes of those details")):
        listing = commands.add_parser(name, help=help_text)
        listing.add_argument("--json", action="store_true", help="a JSON array on stdout")
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
    run.add_argument("--log-format", choices=["text", "json"], default="text")
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
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)

    init = commands.add_parser("init", help="write a starter spacewatch.toml")
    init.add_argument("path", nargs="?", type=Path, default=Path("spacewatch.toml"))
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=cmd_init)

    demo = commands.add_parser("demo", help="crawl a bundled sample news world served on loopback")
    demo.add_argument("--dir", type=Path, default=Path("spacewatch-demo"), help="where to put its files")
    demo.set_defaults(handler=cmd_demo)
    return parser


def cmd_crawl(config: Config, args: argparse.Namespace) -> int:
    summary = jobs.crawl(config, args.sources, progress=not args.quiet and sys.stderr.isatty(),
                         trigger=args.trigger, wait=args.wait)
    print(summary.describe())
    return 0 if summary.succeeded else 1


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    print(jobs.import_reference(config, args.file, args.url, args.title, args.published))
    return 0


def cmd_listing(config: Config, args: argparse.Namespace) -> int:
    rows = listings.listing(config, args.listing, text=getattr(args, "text", False),
                            relevant_only=getattr(args, "relevant", False))
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(listings.human(args.listing, rows))
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
    except (ConfigError, DatabaseError, UserError) as exc:
        print(f"spacewatch: error: {exc}", file=sys.stderr)
        return 2
    except NotificationError as exc:  # a mail kept pending (sent by the next call) or refused for good
        print(f"spacewatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("spacewatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
