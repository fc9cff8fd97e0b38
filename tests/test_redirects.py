"""Routing redirects (doubled slashes, a missing trailing slash): a relative Location
whatever the Host header says, no HTML page, the headers every response carries."""

import pytest

from service import create_app
from tests.helpers import SLUG

# Well-formed hosts that are not ours: a redirect must not name them.
HOSTILE_HOSTS = ["evil.example", "evil.example:8000", "[::1]", ""]
# Not host[:port] at all: refused before routing (service/host_header.py).
MALFORMED_HOSTS = ["evil.example/phishing", "user@evil.example", "evil.example?x="]


@pytest.fixture(scope="module")
def preview_client():
    """The app with the translators' preview, whose /preview/ has a trailing slash."""
    return create_app({"PREVIEW_ENABLED": True}).test_client()


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1//articles", "/v1/articles"),
        ("/v1//articles?page=1&lang=es", "/v1/articles?page=1&lang=es"),
        (f"/v1///articles/{SLUG}//sections", f"/v1/articles/{SLUG}/sections"),
        ("/v1//articles/%C3%A9t%C3%A9%22%3E", "/v1/articles/%C3%A9t%C3%A9%22%3E"),
        ("/preview", "/preview/"),
        ("/preview?lang=ar", "/preview/?lang=ar"),
    ],
)
@pytest.mark.parametrize("host", HOSTILE_HOSTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_redirects_are_relative_whatever_the_host(preview_client, path, location, host, method):
    response = preview_client.open(path, method=method, headers={"Host": host})
    assert response.status_code == 308
    assert response.headers["Location"] == location
    assert response.data == b""
    assert "Content-Type" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["X-Request-ID"]
    assert "evil" not in str(response.headers)


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
def test_a_malformed_host_is_refused_before_any_redirect(preview_client, host):
    response = preview_client.get("/v1//articles", headers={"Host": host})
    assert response.status_code == 400
    assert response.get_json()["type"] == "urn:patient-info:problem:invalid-host"
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("//evil.example/v1//articles", None),  # not one of our paths: a 404
        ("//v1//articles", "/v1/articles"),
        ("/\\/v1//articles", None),
    ],
)
def test_a_location_never_names_another_host(client, path, location):
    """A Location starting with // (or /\\) is another host to a browser."""
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.status_code == (404 if location is None else 308)
    assert response.headers.get("Location") == location


def test_a_raw_query_is_escaped_not_reinterpreted(client):
    """The query goes back as the client's bytes (WSGI gives them as latin-1): escaped,
    so no quote, space or byte outside ASCII reaches the header."""
    response = client.get("/v1//articles", environ_overrides={"QUERY_STRING": 'a=\xe9" <x>#y'})
    assert response.headers["Location"] == "/v1/articles?a=%E9%22%20%3Cx%3E%23y"


def test_redirects_vary_by_origin_with_a_cors_list(translations_copy):
    app = create_app(
        {"TRANSLATIONS_DIR": translations_copy, "CORS_ALLOWED_ORIGINS": ("https://portal.example",)}
    )
    response = app.test_client().get(
        "/v1//languages", headers={"Origin": "https://portal.example", "Host": "evil.example"}
    )
    assert response.status_code == 308
    assert response.headers["Location"] == "/v1/languages"
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Access-Control-Allow-Origin"] == "https://portal.example"
