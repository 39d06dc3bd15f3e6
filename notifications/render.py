"""Jinja2 rendering of a digest or alert into a subject, a plain-text part and an HTML part.

Autoescape is on for every template. In the plain-text templates (`*.txt`) values go through
the `text`, `text_clip` or `text_wrap` filters, which clean them for text (control characters
out) and mark the result safe; those filters refuse to run in any other template, so a title
can never reach HTML unescaped. A text value that forgets its filter is HTML-escaped: ugly,
never unsafe. HTML templates import no `*.txt` macro. The HTML part keeps its CSS in one
<style> block that css-inline moves into style attributes, as mail clients want.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from notifications.digest import DigestContent, one_line, shorten, web_url
from notifications.options import bare_uri

SUBJECT_LIMIT = 150
TEXT_WIDTH = 72


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def make_environment() -> Environment:
    env = Environment(loader=PackageLoader("notifications", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(text=text, text_clip=text_clip, text_wrap=text_wrap, clip=clip, summary=summary,
                       when=when, day=day, plural=plural)
    return env


def render(content: DigestContent, *, timezone: str = "UTC", sender: str = "",
           unsubscribe: str | None = None, env: Environment | None = None) -> Rendered:
    """Subject, text and HTML of `content`; times are shown in `timezone`."""
    env = env or make_environment()
    context = {"mail": content, "tz": ZoneInfo(timezone), "sender": sender,
               "unsubscribe": unsubscribe_link(unsubscribe), "unsubscribe_text": unsubscribe}
    subject = subject_line(env.get_template(f"{content.kind}_subject.txt").render(context))
    text = env.get_template(f"{content.kind}.txt").render(context)
    html = env.get_template(f"{content.kind}.html").render({**context, "subject": subject})
    return Rendered(subject=subject, text=text, html=inline_css(html))


def subject_line(text: str) -> str:
    """One line, however hostile the titles in it, cut at a word to SUBJECT_LIMIT characters."""
    return shorten(one_line(text), SUBJECT_LIMIT) or "spacewatch"


def inline_css(html: str) -> str:
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    return inliner.inline(html)


def unsubscribe_link(value: str | None) -> str | None:
    """The List-Unsubscribe URI fit for an href (mailto: or http(s)), else None."""
    if not value:
        return None
    uri = bare_uri(value)
    if uri.lower().startswith("mailto:") and "@" in uri and web_url("http://x/" + uri[7:]):
        return uri
    return web_url(uri)


def _line(value: object) -> str:
    return one_line("" if value is None else str(value))


def _text_template(context: Context, name: str) -> None:
    if not (context.name or "").endswith(".txt"):
        raise RuntimeError(f"{context.name}: the {name} filter marks text safe; it is for *.txt templates only")


@pass_context
def text(context: Context, value: object) -> Markup:
    """A value for a plain-text template: on one line, no control characters."""
    _text_template(context, "text")
    return Markup(_line(value))


@pass_context
def text_clip(context: Context, value: object, limit: int = 80) -> Markup:
    """`text`, cut at a word to `limit` characters: keeps one hostile title from taking a line."""
    _text_template(context, "text_clip")
    return Markup(shorten(_line(value), limit))


@pass_context
def text_wrap(context: Context, value: object, indent: str = "", width: int = TEXT_WIDTH,
              first: str | None = None) -> Markup:
    """A paragraph for a plain-text template, wrapped at `width` without breaking words or URLs."""
    _text_template(context, "text_wrap")
    lines = textwrap.wrap(_line(value), width=width,
                          initial_indent=indent if first is None else first, subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False)
    return Markup("\n".join(lines))


def clip(value: object, limit: int = 80) -> str:
    """For HTML templates: cut at a word to `limit` characters (autoescape then escapes it)."""
    return shorten(_line(value), limit)


def summary(content: DigestContent) -> str:
    """"3 changes and 2 new stories", "1 change", "nothing new"."""
    parts = [plural(len(content.changes), "change")] if content.changes else []
    if content.stories:
        parts.append(plural(content.story_count, "new story", "new stories"))
    return " and ".join(parts) or "nothing new"


def when(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "an unknown time"
    local = value.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".strip()


def day(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    local = value.astimezone(tz)
    return f"{local.day} {local:%B %Y}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
