"""The Jinja2 environment of the pages: autoescape on for every template, whatever its name."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader
from starlette.responses import HTMLResponse


def web_url(url: str | None) -> bool:
    """Only http(s) URLs with a host become links; `javascript:` and the like stay text."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and url == url.strip()


def when(value: datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M UTC")


def make_environment() -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["web_url"] = web_url
    env.filters["when"] = when
    return env


class Pages:
    def __init__(self, labels: dict[str, str]) -> None:
        self.env = make_environment()
        self.labels = labels

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(labels=self.labels, **context)
        return HTMLResponse(html, status_code=status_code)
