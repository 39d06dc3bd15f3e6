"""`spacewatch analyse`: judge texts with the config's rules and print the verdict; stores nothing."""
from __future__ import annotations

import json
import sys
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from analysis.analyse import Analysis, analyse_article
from analysis.rules import Rules
from scheduler.errors import UserError

MAX_FETCH_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 20.0


def parse_published(value: str | None, where: str) -> datetime | None:
    """'2027-03-01' or ISO 8601 -> an aware datetime (UTC when no offset is given)."""
    if value is None or not str(value).strip():
        return None
    try:
        when = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date like 2027-03-01 or an ISO 8601 time") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def as_json(result: Analysis) -> dict[str, Any]:
    return {"relevant": result.relevant, "score": result.score, "reasons": list(result.reasons),
            "details": [{"subject": d.subject, "attribute": d.attribute, "value": d.value, "past": d.is_past,
                         "removed": d.removed, "snippet": d.snippet} for d in result.details]}


def analyse_jsonl(rules: Rules, lines: IO[str], out: IO[str]) -> None:
    """One JSON object a line in, one verdict a line out, in order; a bad line gets {"error": ...}."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            result = as_json(_analyse_record(rules, line, number))
        except ValueError as exc:
            result = {"error": str(exc)}
        except Exception as exc:  # a text that breaks the analysis must not cost the lines after it
            result = {"error": f"line {number}: could not be analysed: {type(exc).__name__}: {exc}"}
            print(f"spacewatch: {result['error']}", file=sys.stderr)
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


def _analyse_record(rules: Rules, line: str, number: int) -> Analysis:
    where = f"line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ValueError(f"{where}: expected a JSON object with a string \"text\"")
    title = record.get("title") or ""
    if not isinstance(title, str):
        raise ValueError(f"{where}: \"title\" must be a string")
    published = parse_published(record.get("published"), f"{where}: published")
    return analyse_article(title, record["text"], published, rules)


def analyse_one(rules: Rules, source: str, *, title: str | None, published: str | None) -> Analysis:
    """A file, `-` for stdin, or an http(s) URL (its main text extracted)."""
    when = parse_published(published, "--published") if published else None
    text, page_title, page_published = _read_source(source)
    return analyse_article(title if title is not None else page_title, text, when or page_published, rules)


def _read_source(source: str) -> tuple[str, str, datetime | None]:
    if source.startswith(("http://", "https://")):
        return _fetch(source)
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise UserError(f"{source}: is binary, not text")
    return raw.decode("utf-8", errors="replace"), "", None


def _fetch(url: str) -> tuple[str, str, datetime | None]:
    from analysis.extract import extract_page

    request = urllib.request.Request(url, headers={"User-Agent": "spacewatch-analyse/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            body = response.read(MAX_FETCH_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except OSError as exc:
        raise UserError(f"{url}: cannot fetch: {getattr(exc, 'reason', None) or exc}") from None
    if len(body) > MAX_FETCH_BYTES:
        raise UserError(f"{url}: larger than {MAX_FETCH_BYTES // (1024 * 1024)} MiB")
    page = extract_page(body.decode(charset, errors="replace"), url)
    return page.text, page.title, page.published_at


def describe(result: Analysis) -> str:
    """The readable verdict: relevant or not and why, then each detail with its sentence."""
    lines = [f"{'relevant' if result.relevant else 'not relevant'} (score {result.score:g})"]
    lines += [f"  why: {reason}" for reason in result.reasons]
    if not result.details:
        lines.append("no details of the watched productions")
    for d in result.details:
        flags = "".join(f" [{flag}]" for flag, on in (("past", d.is_past), ("removed", d.removed)) if on)
        lines.append(f"{d.subject} {d.attribute}: {d.value}{flags}\n    \"{d.snippet}\"")
    return "\n".join(lines)
