"""Query parameters read strictly: a bad value is a 400 that names the parameter."""
from __future__ import annotations

from datetime import datetime, timezone

from starlette.datastructures import QueryParams

from storage.paged import Filters

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it."""


def since(params: QueryParams) -> datetime | None:
    raw = params.get("since")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"since: {raw[:40]!r} is not an ISO 8601 date or time") from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def boolean(params: QueryParams, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise BadParameter(f"{name}: {raw[:40]!r} is not true or false")


def integer(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name}: {raw[:40]!r} is not a whole number") from None
    if not low <= value <= high:
        raise BadParameter(f"{name}: must be between {low} and {high}")
    return value


def text(params: QueryParams, name: str, longest: int = 200) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > longest:
        raise BadParameter(f"{name}: longer than {longest} characters")
    return raw


def filters(params: QueryParams) -> Filters:
    return Filters(since=since(params), source=text(params, "source"), subject=text(params, "subject"),
                   relevant=boolean(params, "relevant"))


def page(params: QueryParams) -> tuple[int, int]:
    return (integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
            integer(params, "offset", 0, 0, 10**9))
