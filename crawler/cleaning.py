"""Text that every database can store: no NUL, no lone surrogates, no references to either.

A feed may carry `&#0;` or `&#xD800;`: PostgreSQL refuses a NUL in text, and no UTF-8 codec
takes a surrogate. Such characters are replaced by U+FFFD, so the rest of the text is kept.
"""
from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CHAR_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def storable(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text) if _UNSTORABLE.search(text) else text


def storable_row(row: dict[str, Any]) -> dict[str, Any]:
    """`row` with every string value made storable."""
    return {key: storable(value) if isinstance(value, str) else value for key, value in row.items()}


def _is_xml_char(code: int) -> bool:
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _replace_reference(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return match.group(0) if _is_xml_char(code) else b"&#xFFFD;"


def without_bad_references(body: bytes) -> bytes:
    """XML bytes with character references to non-characters (`&#0;`, `&#xD800;`) as U+FFFD."""
    return _CHAR_REFERENCE.sub(_replace_reference, body) if b"&#" in body else body
