"""`/api/v1/`: the CLI listings as JSON arrays (the same fields), a page at a time.

A listing answers a JSON array, as `spacewatch <listing> --json` prints it; the page is chosen
with `limit` (1-1000, default 100) and `offset`, and the answer says where the rest is with
`X-Total-Count` and a `Link: <...>; rel="next"` header.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage import paged
from web import params
from web.openapi import openapi
from web.security import csrf_protected, csrf_token

Lister = Callable[..., paged.Page]
LISTINGS: dict[str, Lister] = {"articles": paged.article_page, "stories": paged.story_page,
                               "facts": paged.fact_page, "changes": paged.change_page}


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _paged(request: Request, rows: list[dict[str, Any]], total: int, limit: int, offset: int) -> JSONResponse:
    headers = {"x-total-count": str(total)}
    if offset + limit < total:
        nxt = request.url.include_query_params(offset=offset + limit, limit=limit)
        headers["link"] = f'<{nxt}>; rel="next"'
    return JSONResponse(rows, headers=headers)


def listing(name: str) -> Callable[[Request], Response]:
    lister = LISTINGS[name]

    def endpoint(request: Request) -> Response:
        try:
            filters = params.filters(request.query_params)
            limit, offset = params.page(request.query_params)
            extra: dict[str, Any] = {}
            if name == "articles":
                extra["with_text"] = bool(params.boolean(request.query_params, "text"))
        except params.BadParameter as exc:
            return _error(str(exc))
        with request.app.state.sessions() as session:
            page = lister(session, filters, limit=limit, offset=offset, **extra)
        return _paged(request, page.rows, page.total, limit, offset)

    endpoint.__name__ = f"api_{name}"
    return endpoint


def sources(request: Request) -> Response:
    try:
        limit, offset = params.page(request.query_params)
    except params.BadParameter as exc:
        return _error(str(exc))
    rows = request.app.state.settings.control.status()["sources"]
    return _paged(request, rows[offset:offset + limit], len(rows), limit, offset)


def status(request: Request) -> Response:
    return JSONResponse(request.app.state.settings.control.status())


@csrf_protected
async def crawl(request: Request) -> Response:
    names: list[str] = []
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            return _error("the body is not JSON")
        names = body.get("sources", []) if isinstance(body, dict) else []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return _error("sources: a list of source names")
    else:
        names = [value for value in request.query_params.getlist("source") if value]
    known = {row["name"] for row in request.app.state.settings.control.status()["sources"] if row["configured"]}
    unknown = [name for name in names if name not in known]
    if unknown:
        return _error(f"sources: no source named {unknown[0]!r}", 404)
    job = request.app.state.settings.control.crawl(names)
    return JSONResponse({"id": job.id, "sources": job.sources, "state": job.state,
                         "started_at": job.started_at.isoformat()}, status_code=202)


def crawls(request: Request) -> Response:
    return JSONResponse([{"id": j.id, "sources": j.sources, "state": j.state, "summary": j.summary,
                          "started_at": j.started_at.isoformat()} for j in request.app.state.settings.control.jobs()])


def csrf(request: Request) -> Response:
    """The CSRF token (also set as a cookie) for clients that POST without a bearer token."""
    return JSONResponse({"csrf_token": csrf_token(request), "header": "X-CSRF-Token"})


def spec(request: Request) -> Response:
    return JSONResponse(openapi())


routes = [
    *[Route(f"/api/v1/{name}", listing(name), methods=["GET"]) for name in LISTINGS],
    Route("/api/v1/sources", sources, methods=["GET"]),
    Route("/api/v1/status", status, methods=["GET"]),
    Route("/api/v1/crawl", crawl, methods=["POST"]),
    Route("/api/v1/crawls", crawls, methods=["GET"]),
    Route("/api/v1/csrf", csrf, methods=["GET"]),
    Route("/api/v1/openapi.json", spec, methods=["GET"]),
]
