"""URLs as deduplication sees them: one canonical form per page, one key per AMP/mobile variant.

The tracking parameters and the variant rules are data: `analysis/data/tracking_params.txt` and
`analysis/data/url_variants.toml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from analysis.datafiles import read_data, read_data_toml

HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class TrackingParams:
    names: frozenset[str]
    prefixes: tuple[str, ...]

    def match(self, name: str) -> bool:
        folded = name.casefold()
        return folded in self.names or folded.startswith(self.prefixes)


@dataclass(frozen=True)
class VariantRules:
    host_prefixes: tuple[str, ...]
    path: tuple[tuple[re.Pattern[str], str], ...]
    query: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def tracking_params() -> TrackingParams:
    lines = read_data("tracking_params.txt").splitlines()
    entries = [line.strip().casefold() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return TrackingParams(frozenset(e for e in entries if not e.endswith("*")),
                          tuple(e[:-1] for e in entries if e.endswith("*")))


@lru_cache(maxsize=1)
def variant_rules() -> VariantRules:
    raw = read_data_toml("url_variants.toml")
    return VariantRules(
        host_prefixes=tuple(raw.get("host_prefixes", ())),
        path=tuple((re.compile(rule["pattern"]), rule["replacement"]) for rule in raw.get("path", ())),
        query={name.casefold(): re.compile(value) for name, value in raw.get("query", {}).items()})


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.casefold() in HTTP_SCHEMES and bool(parts.netloc)


def canonical_url(url: str, declared: str | None) -> str:
    """The URL to deduplicate on: the page's declared canonical when it is a usable http(s) URL,
    else the fetched one; tracking parameters, fragment, default port removed, query sorted."""
    chosen = declared if _usable_declaration(url, declared) else url
    return normalise_url(chosen)  # type: ignore[arg-type]


def normalise_url(url: str) -> str:
    """`url` without tracking parameters, fragment, credentials or default port; host lower-cased,
    query sorted, percent-encoding made uniform. A URL that is not http(s) comes back stripped."""
    url = url.strip()
    if not is_http_url(url):
        return url
    parts = urlsplit(url)
    params = tracking_params()
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not params.match(k)])
    try:
        cleaned = canonicalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))
    except ValueError:  # an unparsable port or host: keep what we have rather than fail the article
        return urlunsplit((parts.scheme.casefold(), parts.netloc.casefold(), parts.path, query, ""))
    return _without_default_port(cleaned)


def url_variants_key(url: str) -> str:
    """One key for a page and its AMP and mobile variants (scheme, `www.`/`m.`/`amp.` host labels,
    `/amp` path parts, `?amp=1` and `outputType=amp` parameters folded away)."""
    return variant_key_of_normal(normalise_url(url))


def variant_key_of_normal(url: str) -> str:
    """`url_variants_key` of a URL that `normalise_url` returned already (saves normalising twice)."""
    if not is_http_url(url):
        return url
    parts = urlsplit(url)
    rules = variant_rules()
    host = _strip_host_prefixes((parts.hostname or "").casefold(), rules.host_prefixes)
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    path = parts.path
    for pattern, replacement in rules.path:
        path = pattern.sub(replacement, path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not ((rule := rules.query.get(k.casefold())) and rule.fullmatch(v))]
    return f"{host}{path or ''}" + (f"?{urlencode(query)}" if query else "")


def _usable_declaration(url: str, declared: str | None) -> bool:
    """A declared canonical that is http(s); one that points at a site's home page from a deeper
    page is a common template mistake and would make every page of the site one duplicate."""
    if not is_http_url(declared):
        return False
    declared_path = urlsplit(declared.strip()).path.strip("/")  # type: ignore[union-attr]
    fetched_path = urlsplit(url.strip()).path.strip("/")
    return bool(declared_path) or not fetched_path


def _strip_host_prefixes(host: str, prefixes: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            rest = host[len(prefix):]
            if host.startswith(prefix) and "." in rest:
                host, changed = rest, True
    return host


def _without_default_port(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if port is not None and DEFAULT_PORTS.get(parts.scheme) != port:
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme, host, parts.path or "/", parts.query, ""))
