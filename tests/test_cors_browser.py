"""CORS from a real browser: clients/browser/portal.html, served from one loopback port,
reads the API on gunicorn's port in Debian's headless Chromium, as a portal on another
origin does; a page on an origin that is not on the list cannot.

Needs the chromium Debian package (`make test-deps`); without it the tests skip, except
under CI."""

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator

import pytest

from service.config import REPOSITORY_DIR
from tests.helpers import CHROMIUM, make_article_copies, running_gunicorn

pytestmark = pytest.mark.clients

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("the CORS test needs Debian's chromium", pytrace=False)
    pytest.skip("the CORS test needs Debian's chromium (make test-deps)", allow_module_level=True)

PORTAL = REPOSITORY_DIR / "clients" / "browser"
REQUEST_ID = "portal-0001"  # what portal.html sends as X-Request-ID


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        """The portal's requests are not the test's output."""


@contextlib.contextmanager
def portal_origin() -> Iterator[str]:
    """clients/browser/ served on a free loopback port: its origin."""
    handler = functools.partial(QuietHandler, directory=str(PORTAL))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join()


@pytest.fixture(scope="module")
def origins():
    """(the portal's origin, another page's origin): two loopback ports."""
    with portal_origin() as allowed, portal_origin() as other:
        yield allowed, other


@pytest.fixture(scope="module")
def api(tmp_path_factory, origins):
    """gunicorn with three articles, two a page, allowing the portal's origin only."""
    content = tmp_path_factory.mktemp("content")
    make_article_copies(content, 2)
    with running_gunicorn(
        tmp_path_factory.mktemp("gunicorn"),
        CONTENT_DIR=str(content),
        ARTICLES_PER_PAGE="2",
        CORS_ALLOWED_ORIGINS=origins[0],
    ) as running:
        yield running


def portal_report(browser, origin: str, api_url: str) -> tuple[dict, list[str]]:
    """Open the portal on `origin` against the API: (window.report, console errors)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []

        def console(message) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", console)
        page.goto(f"{origin}/portal.html?api={api_url}")
        page.wait_for_function("window.report !== undefined", timeout=15_000)
        return page.evaluate("window.report"), errors
    finally:
        context.close()


def test_a_portal_on_an_allowed_origin_reads_the_exposed_headers(browser, origins, api):
    report, errors = portal_report(browser, origins[0], api.base_url)
    assert errors == []
    assert report["status"] == 200
    assert report["articles"] == 2
    assert report["link"] == (
        '</v1/articles?lang=es>; rel="first", </v1/articles?page=2&lang=es>; rel="next", '
        '</v1/articles?page=2&lang=es>; rel="last"'
    )
    assert report["nextUrl"] == f"{api.base_url}/v1/articles?page=2&lang=es"
    assert report["etag"].startswith('"')
    assert report["language"] == "es, en"  # the two copies are English only
    assert report["requestId"] == REQUEST_ID
    # If-None-Match is not a CORS-safelisted header: Chromium asked first (a preflight).
    assert report["revalidated"] == 304
    assert '"method":"OPTIONS"' in api.log()


def test_a_page_on_another_origin_cannot_read_the_api(browser, origins, api):
    report, errors = portal_report(browser, origins[1], api.base_url)
    assert report == {"error": "TypeError: Failed to fetch"}
    assert any("blocked by CORS policy" in error for error in errors), errors
