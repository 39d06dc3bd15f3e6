"""The dashboard, the JSON API and the Atom feeds: an ASGI app (Starlette) over storage.

`web.app.create_app(settings)` builds the app; `web.server` serves it with uvicorn. The
scheduler (`spacewatch web`, `spacewatch run --web`) builds the settings from the config and
hands in what only it can do (status, crawls, pausing sources) as a `web.settings.Control`.
"""
