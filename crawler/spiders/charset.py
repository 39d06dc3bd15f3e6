"""Bytes of an HTML page to text, even when the page lies about its charset.

Browsers trust the declared charset; a wrong declaration then shows as mojibake. Here a
declared charset that cannot decode the bytes is passed over for the next candidate, and
bytes that are valid UTF-8 win over a single-byte declaration (such text is almost never meant
as Latin-1), so the stored text is readable.
"""
from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

FALLBACK = "cp1252"


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding used) for an HTML body and its Content-Type header."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom):].decode(bom_encoding, errors="replace"), bom_encoding
    for encoding in _candidates(body, content_type):
        if _single_byte(encoding) and not body.isascii() and _decodes(body, "utf-8"):
            return body.decode("utf-8"), "utf-8"
        if _decodes(body, encoding):
            return body.decode(encoding), encoding
    return body.decode(FALLBACK, errors="replace"), FALLBACK


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    declared = [http_content_type_encoding(content_type) if content_type else None,
                html_body_declared_encoding(body)]
    names = []
    for name in [*declared, "utf-8", FALLBACK]:
        resolved = resolve_encoding(name) if name else None
        if resolved and resolved not in names:
            names.append(resolved)
    return names


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _single_byte(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name in ("latin-1", "iso8859-1", "cp1252", "ascii") or name.startswith(("iso8859-", "cp125"))
