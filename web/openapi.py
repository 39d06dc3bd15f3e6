"""The OpenAPI 3.1 description of `/api/v1/`, written out (the routes are few and stable)."""
from __future__ import annotations

from typing import Any

_NULLABLE_STR = {"type": ["string", "null"]}
_TIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Article": {"type": "object", "required": ["url", "canonical_url", "title", "source", "published_at",
                                               "relevant", "story_id", "duplicate_of"],
                "properties": {"url": {"type": "string"}, "canonical_url": {"type": "string"},
                               "title": {"type": "string"}, "source": {"type": "string"},
                               "published_at": _TIME, "relevant": {"type": "boolean"},
                               "story_id": {"type": ["integer", "null"]}, "duplicate_of": _NULLABLE_STR,
                               "duplicate_layer": _NULLABLE_STR, "duplicate_score": {"type": ["number", "null"]},
                               "relevance_reason": _NULLABLE_STR, "is_reference": {"type": "boolean"},
                               "from_feed_only": {"type": "boolean"}, "fetched_at": _TIME,
                               "text": {"type": "string", "description": "only with text=true"}}},
    "Story": {"type": "object", "required": ["id", "title", "urls"],
              "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                             "urls": {"type": "array", "items": {"type": "string"}},
                             "first_seen": _TIME, "last_seen": _TIME}},
    "Fact": {"type": "object", "required": ["subject", "attribute", "value", "article_url", "published_at"],
             "properties": {"subject": {"type": "string"}, "attribute": {"type": "string"},
                            "value": {"type": "string"}, "article_url": {"type": "string"},
                            "published_at": _TIME, "snippet": {"type": "string"}}},
    "Change": {"type": "object", "required": ["subject", "attribute", "old", "new", "article_url", "detected_at"],
               "properties": {"subject": {"type": "string"}, "attribute": {"type": "string"},
                              "old": _NULLABLE_STR, "new": _NULLABLE_STR, "article_url": {"type": "string"},
                              "detected_at": _TIME, "snippet": {"type": "string"}}},
    "Source": {"type": "object", "description": "as in `spacewatch status --json`",
               "properties": {"name": {"type": "string"}, "type": {"type": "string"},
                              "every": _NULLABLE_STR, "enabled": {"type": "boolean"},
                              "configured": {"type": "boolean"}, "last_poll_at": _TIME, "result": _NULLABLE_STR,
                              "next_poll_at": _TIME, "consecutive_failures": {"type": "integer"},
                              "last_error": _NULLABLE_STR}},
    "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
}

_FILTERS = [
    {"name": "since", "in": "query", "schema": {"type": "string"},
     "description": "ISO 8601 date or time: articles fetched, stories last seen, facts published, changes "
                    "detected at or after it"},
    {"name": "source", "in": "query", "schema": {"type": "string"}, "description": "the article's source name"},
    {"name": "subject", "in": "query", "schema": {"type": "string"},
     "description": "a watch name (facts, changes; articles and stories stating details of it)"},
    {"name": "relevant", "in": "query", "schema": {"type": "boolean"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
_PAGE_HEADERS = {"X-Total-Count": {"schema": {"type": "integer"}},
                 "Link": {"schema": {"type": "string"}, "description": '<next page URL>; rel="next"'}}


def _listing(schema: str, summary: str, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": _FILTERS + (extra or []),
                    "responses": {"200": {"description": "one page, oldest first", "headers": _PAGE_HEADERS,
                                          "content": {"application/json": {"schema": {
                                              "type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}}}},
                                  "400": {"description": "a bad parameter",
                                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}


def openapi() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "spacewatch", "version": "1",
                 "description": "The listings of the spacewatch CLI (same fields as `--json`), paginated."},
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "SPACEWATCH_WEB_TOKEN, when set"}}},
        "security": [{}, {"token": []}],
        "paths": {
            "/api/v1/articles": _listing("Article", "every stored article (`spacewatch articles --json`)", [
                {"name": "text", "in": "query", "schema": {"type": "boolean"}, "description": "include the text"}]),
            "/api/v1/stories": _listing("Story", "stories with their article URLs"),
            "/api/v1/facts": _listing("Fact", "current value of each tracked detail"),
            "/api/v1/changes": _listing("Change", "detected changes of the tracked details"),
            "/api/v1/sources": {"get": {"summary": "sources and their health", "responses": {"200": {
                "description": "as `status --json` lists them", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Source"}}}}}}}},
            "/api/v1/status": {"get": {"summary": "what `spacewatch status --json` prints",
                                       "responses": {"200": {"description": "status"}}}},
            "/api/v1/crawl": {"post": {
                "summary": "start a manual crawl of all sources, or of those named",
                "description": "Needs a bearer token, or the CSRF token of GET /api/v1/csrf in X-CSRF-Token "
                               "with its cookie.",
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"sources": {"type": "array", "items": {"type": "string"}}}}}}},
                "responses": {"202": {"description": "started or queued"},
                              "403": {"description": "no CSRF token"},
                              "404": {"description": "no such source"}}}},
            "/api/v1/crawls": {"get": {"summary": "crawls started from the web, newest first",
                                       "responses": {"200": {"description": "crawl jobs"}}}},
            "/api/v1/csrf": {"get": {"summary": "a CSRF token (and its cookie)",
                                     "responses": {"200": {"description": "csrf_token"}}}},
            "/feeds/changes.atom": {"get": {"summary": "Atom feed of changes",
                                            "responses": {"200": {"description": "Atom 1.0"}}}},
            "/feeds/stories.atom": {"get": {"summary": "Atom feed of new stories",
                                            "responses": {"200": {"description": "Atom 1.0"}}}},
        },
    }
