"""The HTML pages: overview, changes, stories, sources, articles, and the login form."""
from __future__ import annotations

import hmac
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from web import params, queries
from web.security import SESSION_COOKIE, csrf_protected, csrf_token, safe_next, session_value


def _pages(request: Request):
    return request.app.state.pages


def _offset(request: Request) -> int:
    return params.integer(request.query_params, "offset", 0, 0, 10**9)


def _base(path: str, **kept: str | None) -> str:
    """`path?kept...&` for the pager, which appends offset=N."""
    query = urlencode({k: v for k, v in kept.items() if v})
    return f"{path}?{query}&" if query else f"{path}?"


def overview(request: Request) -> Response:
    watches = [(w.name, w.label) for w in request.app.state.settings.watches]
    with request.app.state.sessions() as session:
        data = queries.overview(session, watches)
    return _pages(request).render("overview.html", nav="overview", changes=data["recent"], **data)


def changes(request: Request) -> Response:
    subject = params.text(request.query_params, "subject")
    attribute = params.text(request.query_params, "attribute")
    offset = _offset(request)
    with request.app.state.sessions() as session:
        data = queries.change_list(session, subject=subject, attribute=attribute, offset=offset)
        subjects, attributes = queries.change_choices(session)
    return _pages(request).render("changes.html", nav="changes", subject=subject, attribute=attribute,
                                  subjects=subjects, attributes=attributes, offset=offset, size=queries.PAGE_SIZE,
                                  pager_base=_base("/changes", subject=subject, attribute=attribute), **data)


def stories(request: Request) -> Response:
    query = params.text(request.query_params, "q") or ""
    irrelevant = request.query_params.get("show") == "irrelevant"
    offset = _offset(request)
    before = params.integer(request.query_params, "before", 0, 0, 2**62) or None
    with request.app.state.sessions() as session:
        if irrelevant:
            data = queries.irrelevant_list(session, query=query, offset=offset)
        else:
            data = queries.story_list(session, query=query, before=before)
    older = None
    if not irrelevant and data["next"] is not None:
        older = "/stories?" + urlencode({k: v for k, v in (("q", query), ("before", data["next"])) if v})
    return _pages(request).render("stories.html", nav="stories", query=query, irrelevant=irrelevant, offset=offset,
                                  size=queries.PAGE_SIZE, articles=data.get("articles", []),
                                  stories=data.get("stories", []), has_more=data.get("has_more", False),
                                  older=older, first=("/stories?" + urlencode({"q": query})) if before else None,
                                  pager_base=_base("/stories", q=query, show="irrelevant" if irrelevant else None))


def articles(request: Request) -> Response:
    offset = _offset(request)
    with request.app.state.sessions() as session:
        data = queries.article_list(session, offset=offset)
    return _pages(request).render("articles.html", nav="articles", offset=offset, size=queries.PAGE_SIZE,
                                  pager_base="/articles?", **data)


def article(request: Request) -> Response:
    article_id = request.path_params["article_id"]
    with request.app.state.sessions() as session:
        data = queries.article_detail(session, article_id)
    if data is None:
        return _pages(request).render("error.html", status_code=404, status="Not found",
                                      message=f"No article {article_id}.")
    return _pages(request).render("article.html", **data)


def sources(request: Request, message: str | None = None) -> Response:
    control = request.app.state.settings.control
    jobs = control.jobs()
    running = any(job.state in ("queued", "running") for job in jobs)
    message = message or request.query_params.get("message")
    return _pages(request).render("sources.html", nav="sources", status=control.status(), jobs=jobs[:10],
                                  csrf=csrf_token(request), message=(message or "")[:300],
                                  refresh=2 if running else None)


async def _source_field(request: Request) -> str | None:
    form = await request.form()
    value = form.get("source")
    return value if isinstance(value, str) and value else None


def _configured(request: Request) -> set[str]:
    return {row["name"] for row in request.app.state.settings.control.status()["sources"] if row["configured"]}


@csrf_protected
async def crawl_now(request: Request) -> Response:
    name = await _source_field(request)
    if name is not None and name not in _configured(request):
        return PlainTextResponse("no such source", status_code=404)
    job = request.app.state.settings.control.crawl([name] if name else [])
    what = name or "all sources"
    return RedirectResponse("/sources?" + urlencode({"message": f"crawl #{job.id} of {what} started"}),
                            status_code=303)


def _pause(enabled: bool):
    @csrf_protected
    async def endpoint(request: Request) -> Response:
        name = await _source_field(request)
        if name is None or name not in _configured(request):
            return PlainTextResponse("no such source", status_code=404)
        try:
            message = request.app.state.settings.control.set_enabled(name, enabled)
        except ValueError as exc:
            message = str(exc)
        return RedirectResponse("/sources?" + urlencode({"message": message}), status_code=303)

    endpoint.__name__ = "resume" if enabled else "pause"
    return endpoint


def login_form(request: Request, failed: bool = False) -> Response:
    return _pages(request).render("login.html", status_code=401 if failed else 200, csrf=csrf_token(request),
                                  next=safe_next(request.query_params.get("next")), failed=failed)


@csrf_protected
async def login(request: Request) -> Response:
    token = request.app.state.settings.token
    form = await request.form()
    sent = form.get("token")
    if token is None or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), token.encode()):
        return login_form(request, failed=True)
    nxt = form.get("next")
    answer = RedirectResponse(safe_next(nxt if isinstance(nxt, str) else "/"), status_code=303)
    answer.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="strict",
                      secure=request.url.scheme == "https", path="/")
    return answer


def style(request: Request) -> Response:
    return Response(request.app.state.style, media_type="text/css")


routes = [
    Route("/", overview, methods=["GET"]),
    Route("/changes", changes, methods=["GET"]),
    Route("/stories", stories, methods=["GET"]),
    Route("/articles", articles, methods=["GET"]),
    Route("/articles/{article_id:int}", article, methods=["GET"]),
    Route("/sources", sources, methods=["GET"]),
    Route("/sources/crawl", crawl_now, methods=["POST"]),
    Route("/sources/pause", _pause(False), methods=["POST"]),
    Route("/sources/resume", _pause(True), methods=["POST"]),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/static/style.css", style, methods=["GET"]),
]
