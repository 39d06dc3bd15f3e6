"""Security as an attacker would try it: a public bind without a token, POSTs without a CSRF
token or from another origin, hostile titles and links on every page, the CSP header, the token
and login cookie, open redirects, paths that try to leave the app."""
from __future__ import annotations

import io
from contextlib import redirect_stderr
from html.parser import HTMLParser

import httpx
import pytest
from starlette.routing import Route

from scheduler.cli import main
from scheduler.dashboard import check_bind, web_settings
from tests.web.conftest import HOSTILE_TITLE, seed_hostile, serve
from web.app import create_app
from web.security import CSP
from web.settings import TOKEN_ENV

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TOKEN = "s3cret-token-for-tests-0123456789"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.urls: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction"):
                self.urls.append(value or "")
            if name.startswith("on"):
                self.handlers.append(name)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def never_serve(*args, **kwargs):
    raise AssertionError("the server was started")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_a_public_bind_without_a_token_refuses_to_start_with_one_line_naming_it(monkeypatch, config_path, host):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setattr("web.server.serve", never_serve)
    err = io.StringIO()
    with redirect_stderr(err):
        status = main(["--config", str(config_path), "web", "--host", host, "--port", "0"])
    assert status != 0
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and TOKEN_ENV in lines[0], lines


def test_run_web_refuses_a_public_bind_without_a_token_too(monkeypatch, config_path):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setattr("web.server.serve_in_thread", never_serve)
    monkeypatch.setattr("scheduler.service.run_service", never_serve)
    err = io.StringIO()
    with redirect_stderr(err):
        status = main(["--config", str(config_path), "run", "--web", "--web-host", "0.0.0.0"])
    assert status != 0 and TOKEN_ENV in err.getvalue()


def test_loopback_needs_no_token_and_a_public_bind_accepts_one(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert check_bind("127.0.0.1") is None and check_bind("::1") is None and check_bind("localhost") is None
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert check_bind("0.0.0.0") == TOKEN


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(server, fake_control):
    with httpx.Client(base_url=server.url) as client:
        client.get("/sources")  # the browser has its CSRF cookie
        assert client.cookies.get("spacewatch_csrf")
        paths = ["/sources/crawl", "/sources/pause", "/sources/resume", "/login", "/api/v1/crawl"]
        for path in paths:
            answer = client.post(path, data={"source": "orbit-daily", "token": "x"})
            assert answer.status_code == 403, path
            wrong = client.post(path, data={"source": "orbit-daily", "csrf_token": "not-the-cookie"})
            assert wrong.status_code == 403, path
    assert fake_control.crawled == [] and fake_control.enabled == []


def test_every_post_route_is_csrf_protected(config, fake_control):
    app = create_app(web_settings(config, fake_control, None))
    posts = [route for route in app.routes if isinstance(route, Route) and "POST" in (route.methods or ())]
    assert len(posts) >= 5
    for route in posts:
        assert getattr(route.endpoint, "csrf_protected", False), route.path
    gets = [route for route in app.routes if isinstance(route, Route) and "POST" not in (route.methods or ())]
    assert all(route.methods <= {"GET", "HEAD"} for route in gets)


def test_a_post_with_the_token_from_another_origin_is_refused(server, fake_control):
    with httpx.Client(base_url=server.url) as client:
        client.get("/sources")
        csrf = client.cookies.get("spacewatch_csrf")
        refused = client.post("/sources/crawl", data={"csrf_token": csrf}, headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403
        accepted = client.post("/sources/crawl", data={"csrf_token": csrf, "source": "orbit-daily"},
                               headers={"Origin": server.url})
        assert accepted.status_code == 303
    assert fake_control.crawled == [["orbit-daily"]]


PAGES = ["/", "/changes", "/stories", "/stories?show=irrelevant", "/stories?q=premiere", "/sources", "/articles"]


def test_hostile_titles_links_and_text_are_escaped_on_every_page(server, factory):
    bad = seed_hostile(factory)
    with httpx.Client(base_url=server.url) as client:
        for path in PAGES + [f"/articles/{bad}", "/changes?subject=challenge"]:
            answer = client.get(path)
            assert answer.status_code == 200, path
            html = answer.text
            tags = parse(html)
            assert "script" not in tags.tags and "img" not in tags.tags and "svg" not in tags.tags, path
            assert not tags.handlers, path
            assert not [u for u in tags.urls if u.strip().lower().startswith(("javascript:", "data:"))], path
        article = client.get(f"/articles/{bad}").text
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in article
        assert "&lt;img src=x onerror=alert(3)&gt;" in article  # the relevance reason, as text
        assert "javascript:alert(document.cookie)" in article  # shown, not linked
        stories = client.get("/stories").text
        assert "&lt;b&gt;premiere&lt;/b&gt;" in stories and HOSTILE_TITLE not in stories


def test_without_a_token_only_loopback_host_names_are_answered(server):
    with httpx.Client(base_url=server.url) as client:
        for host in ("evil.example", "evil.example:80", "192.0.2.7", "127.0.0.1.evil.example"):
            answer = client.get("/api/v1/articles", headers={"Host": host})
            assert answer.status_code == 421, host
            assert TOKEN_ENV in answer.text
        port = server.url.rsplit(":", 1)[1]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
            assert client.get("/api/v1/articles", headers={"Host": host}).status_code == 200, host


def test_every_answer_carries_the_csp_and_companions(server):
    with httpx.Client(base_url=server.url) as client:
        for path in PAGES + ["/articles/1", "/articles/999999", "/api/v1/articles", "/feeds/changes.atom",
                             "/static/style.css", "/nowhere"]:
            answer = client.get(path)
            assert answer.headers["content-security-policy"] == CSP, path
            assert "script-src" not in CSP and "default-src 'none'" in CSP
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["x-frame-options"] == "DENY"


def test_paths_and_queries_never_reach_the_filesystem(server):
    with httpx.Client(base_url=server.url) as client:
        for path in ("/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/style.css/..%2f..%2fpyproject.toml",
                     "/articles/..%2f..%2fetc%2fpasswd"):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert "root:" not in answer.text
        assert client.get("/stories", params={"q": "%' OR 1=1 --"}).status_code == 200
        assert "No stories match" in client.get("/stories", params={"q": "%' OR 1=1 --"}).text
        assert client.get("/changes", params={"offset": "-5"}).status_code == 400


@pytest.fixture
def token_server(config, fake_control, seeded):
    running = serve(config, fake_control, token=TOKEN)
    try:
        yield running
    finally:
        running.stop()


def test_with_a_token_nothing_is_served_without_it(token_server):
    with httpx.Client(base_url=token_server.url) as client:
        page = client.get("/changes")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/changes"
        for path in ("/api/v1/articles", "/api/v1/status", "/feeds/changes.atom"):
            answer = client.get(path)
            assert answer.status_code == 401, path
            assert "Bearer" in answer.headers["www-authenticate"]
        assert client.get("/api/v1/articles", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/v1/articles", cookies={"spacewatch_session": TOKEN}).status_code == 401
        assert client.get("/api/v1/articles", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get("/feeds/changes.atom", auth=("reader", TOKEN)).status_code == 200
        assert client.get("/login").status_code == 200


def test_bearer_clients_post_without_csrf_and_cookie_clients_need_it(token_server, fake_control):
    with httpx.Client(base_url=token_server.url) as client:
        ok = client.post("/api/v1/crawl", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 202
        assert client.post("/api/v1/crawl", json={}).status_code == 401
    assert len(fake_control.crawled) == 1


def test_login_sets_a_cookie_that_opens_the_pages_and_never_redirects_off_site(token_server):
    with httpx.Client(base_url=token_server.url) as client:
        client.get("/login")
        csrf = client.cookies.get("spacewatch_csrf")
        wrong = client.post("/login", data={"csrf_token": csrf, "token": "nope", "next": "/changes"})
        assert wrong.status_code == 401 and "not the token" in wrong.text
        assert client.get("/changes").status_code == 303
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
            answer = client.post("/login", data={"csrf_token": csrf, "token": TOKEN, "next": target})
            assert answer.status_code == 303 and answer.headers["location"] == "/", target
        session = client.cookies.get("spacewatch_session")
        assert session and TOKEN not in session
        assert client.get("/changes").status_code == 200
        assert client.get("/api/v1/articles").status_code == 200
