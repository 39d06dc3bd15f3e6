"""The TOML config: found, parsed, validated and frozen once, then passed down.

Lookup order: `--config PATH`, then `$SPACEWATCH_CONFIG`, then `./spacewatch.toml`, then the
built-in defaults. Every problem is a `ConfigError` naming the file, the key and what is wrong.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from analysis.rules import AnalysisOptions, TopicRules, WatchSpec
from crawler.options import CrawlOptions, SourceSpec
from notifications.options import DigestOptions, MailOptions, NotifyOptions
from scheduler.triggers import digest_trigger

DEFAULT_FILE = "spacewatch.toml"
# The folder relative paths in a config file are read from, when that is not the file's own: the
# service's children read a private copy of the file, elsewhere (set by the service, not by users)
CONFIG_DIR_ENV = "SPACEWATCH_CONFIG_DIR"
SUPPORTED_DATABASES = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"
_POSTGRES_DRIVERS = ("postgres", "postgresql", "postgresql+psycopg")
_SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")


class ConfigError(Exception):
    """A config file that cannot be used; the message names file, key and problem."""


class DatabaseOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = "sqlite:///spacewatch.db"

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        return supported_database_url(url)


def supported_database_url(url: str) -> str:
    """`url` if spacewatch can use it; `postgres://` and `postgresql://` (as users write them)
    become `postgresql+psycopg://`, the driver that is installed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    scheme = url.partition("://")[0].lower()
    if scheme == "postgres":  # Heroku-style; SQLAlchemy knows only "postgresql"
        url = "postgresql" + url[len("postgres"):]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database URL; use {SUPPORTED_DATABASES}") from None
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername in _SQLITE_DRIVERS:
        return url
    raise ValueError(f"{parsed.drivername}:// databases are not supported; use {SUPPORTED_DATABASES}")


class Config(BaseModel):
    """The whole validated config; `path` is where it came from (None: built-in defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str | None = None
    database: DatabaseOptions = DatabaseOptions()
    crawl: CrawlOptions = CrawlOptions()
    sources: tuple[SourceSpec, ...] = ()
    watch: tuple[WatchSpec, ...] = ()
    topic: TopicRules = TopicRules()
    analysis: AnalysisOptions = AnalysisOptions()
    email: MailOptions = MailOptions()
    digest: DigestOptions = DigestOptions()
    notify: NotifyOptions = NotifyOptions()

    @field_validator("digest")
    @classmethod
    def _cron(cls, digest: DigestOptions) -> DigestOptions:
        try:
            trigger = digest_trigger(digest.schedule, digest.timezone, second="0")
        except ValueError as exc:
            raise ValueError(f"schedule: {digest.schedule!r} is not a cron expression: {exc}") from None
        if trigger.get_next_fire_time(None, datetime.now(timezone.utc)) is None:
            raise ValueError(f"schedule: {digest.schedule!r} never fires (no such date)")
        return digest

    @model_validator(mode="after")
    def _unique_names(self) -> "Config":
        for kind, items in (("sources", self.sources), ("watch", self.watch)):
            seen: set[str] = set()
            for item in items:
                if item.name in seen:
                    raise ValueError(f"{kind}: name {item.name!r} is used twice")
                seen.add(item.name)
        return self

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"{self.path or 'config'}: no source named {name!r} (sources: {known})")


def starter_config() -> str:
    """The commented starter config (`scheduler/default.toml`) that `spacewatch init` writes."""
    return resources.files("scheduler").joinpath("default.toml").read_text(encoding="utf-8")


def find_config_file(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    env = os.environ.get("SPACEWATCH_CONFIG")
    if env:
        return Path(env)
    default = Path(DEFAULT_FILE)
    return default if default.is_file() else None


def load_config(explicit: str | None = None) -> Config:
    """The config at `explicit`, `$SPACEWATCH_CONFIG` or ./spacewatch.toml; defaults when none."""
    path = find_config_file(explicit)
    return Config() if path is None else read_config(path)[0]


def read_config(path: Path) -> tuple[Config, bytes]:
    """The config in the file at `path`, and the bytes it was built from (read once)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    try:
        config = parse_config(data, str(path))
    except ConfigError:
        raise
    except Exception as exc:  # whatever breaks while validating, the file is refused, never the service
        raise ConfigError(f"{path}: cannot load config: {type(exc).__name__}: {str(exc)[:200]}") from None
    return anchored(config, Path(os.environ.get(CONFIG_DIR_ENV) or path.parent)), raw


def anchored(config: Config, folder: Path) -> Config:
    """`config` with a relative SQLite path and outbox read from `folder` (the config file's),
    so that every command finds the same files whatever the working directory."""
    from sqlalchemy.engine import make_url

    database = config.database
    parsed = make_url(database.url)
    if parsed.drivername in _SQLITE_DRIVERS and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        where = Path(parsed.database).expanduser()
        if not where.is_absolute():
            database = DatabaseOptions(url=parsed.set(database=str(folder.resolve() / where))
                                       .render_as_string(hide_password=False))
    email = config.email
    outbox = Path(email.outbox).expanduser()
    if not outbox.is_absolute():
        email = dataclasses.replace(email, outbox=str(folder.resolve() / outbox))
    return config.model_copy(update={"database": database, "email": email})


def parse_config(data: dict[str, Any], origin: str = "<config>") -> Config:
    data = dict(data)
    email = data.get("email")
    if isinstance(email, dict) and "from" in email:
        email = dict(email)
        email["sender"] = email.pop("from")
        data["email"] = email
    if "path" in data:
        raise ConfigError(f"{origin}: path: unknown key")
    try:
        return Config.model_validate({**data, "path": origin})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin, data)) from None


def _describe(exc: ValidationError, origin: str, data: dict[str, Any]) -> str:
    error = exc.errors()[0]
    key = _key_path(error["loc"], data)
    message = error["msg"].removeprefix("Value error, ")
    field, sep, rest = message.partition(": ")
    if sep and field.isidentifier() and field.islower():
        field = "from" if field == "sender" else field
        key, message = (f"{key}.{field}" if key else field), rest
    if error["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        message = "unknown key"
    elif error["type"] == "missing" or error["type"] == "missing_argument":
        message = "required key is missing"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{origin}: {key}: {message}{suffix}"


def _key_path(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """('sources', 2, 'url') -> 'sources[2] "cinema-wire".url', naming array entries by name."""
    parts: list[str] = []
    node: Any = data
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                name = node[step].get("name")
                if isinstance(name, str):
                    label += f' "{name}"'
            parts.append(label)
        else:
            step = "from" if step == "sender" else str(step)
            parts.append(("." if parts else "") + step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)
