"""The app factory: `create_app(settings)` -> a Starlette app over the settings' database."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from storage.db import open_database
from web import api, feeds, pages
from web.params import BadParameter
from web.render import Pages
from web.security import SecurityMiddleware
from web.settings import WebSettings


def create_app(settings: WebSettings) -> Starlette:
    """The app; the database is opened (and migrated) here and closed when the app shuts down."""
    engine, sessions = open_database(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.dispose()

    app = Starlette(routes=[*pages.routes, *api.routes, *feeds.routes],
                    middleware=[Middleware(SecurityMiddleware, token=settings.token)],
                    exception_handlers={BadParameter: _bad_parameter, HTTPException: _http_error},
                    lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.labels = {w.name: w.label or w.name for w in settings.watches}
    app.state.pages = Pages(app.state.labels)
    app.state.style = resources.files("web").joinpath("static/style.css").read_bytes()
    return app


async def _bad_parameter(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": str(exc)}, status_code=400)
    return request.app.state.pages.render("error.html", status_code=400, status="Bad request", message=str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith(("/api/", "/feeds/")):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return request.app.state.pages.render("error.html", status_code=exc.status_code, status=str(exc.status_code),
                                          message=exc.detail)
