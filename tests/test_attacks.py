"""Hostile requests against real gunicorn: each gets its documented status, nothing leaks,
and the next ordinary request is served correctly.

Requests gunicorn itself refuses (oversized or malformed request lines and headers,
request-smuggling shapes) never reach the app: gunicorn answers them with its own short
text/html page. Everything else is answered by the app as problem+json.
"""

import json

import pytest

from tests.helpers import SLUG, running_gunicorn

SECTION = f"/v1/articles/{SLUG}/sections/pain".encode()
PREFLIGHT = (
    b"Origin: https://portal.example\r\nAccess-Control-Request-Method: GET\r\n"
    b"Access-Control-Request-Headers: accept-language\r\n"
)
APP, GUNICORN = "app", "gunicorn"


def request(path=SECTION, method=b"GET", headers=b"", body=b""):
    return (
        method
        + b" "
        + path
        + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + headers
        + b"\r\n"
        + body
    )


# (case, raw request, expected status, who answers)
ATTACKS = [
    (
        "8 KB Accept-Language",
        request(headers=b"Accept-Language: " + b"a" * 8192 + b"\r\n"),
        431,
        GUNICORN,
    ),
    (
        "64 KB Accept-Language",
        request(headers=b"Accept-Language: " + b"a" * 65536 + b"\r\n"),
        431,
        GUNICORN,
    ),
    ("1,000 ranges", request(headers=b"Accept-Language: " + b"zz," * 1000 + b"es\r\n"), 200, APP),
    ("q=NaN", request(headers=b"Accept-Language: es;q=NaN, fr\r\n"), 200, APP),
    ("q=2", request(headers=b"Accept-Language: es;q=2\r\n"), 200, APP),
    ("q=-1", request(headers=b"Accept-Language: es;q=-1\r\n"), 200, APP),
    ("q=1e400", request(headers=b"Accept-Language: es;q=1e400\r\n"), 200, APP),
    ("UTF-8 in a header", request(headers="Accept-Language: es,é中\r\n".encode()), 200, APP),
    ("Latin-1 in a header", request(headers=b"Accept-Language: es,\xe9\r\n"), 200, APP),
    ("NUL in a header", request(headers=b"Accept-Language: es\x00\r\n"), 400, GUNICORN),
    ("NUL in the path", request(path=b"/v1/articles/a\x00b"), 400, GUNICORN),
    ("Latin-1 in the path", request(path=b"/v1/articles/\xe9"), 400, GUNICORN),
    ("UTF-8 in the path", request(path="/v1/articles/é".encode()), 400, GUNICORN),
    ("%00 in the path", request(path=b"/v1/articles/%00"), 404, APP),
    ("percent-encoded UTF-8 slug", request(path=b"/v1/articles/%C3%A9"), 404, APP),
    ("NUL in the query", request(path=b"/v1/articles?lang=\x00"), 400, GUNICORN),
    ("%00 in lang", request(path=b"/v1/articles?lang=%00"), 400, APP),
    ("Latin-1 in the query", request(path=b"/v1/articles?lang=\xe9"), 400, GUNICORN),
    ("traversal in slug", request(path=b"/v1/articles/..%2F..%2Fetc%2Fpasswd"), 404, APP),
    (
        "traversal in section",
        request(path=b"/v1/articles/" + SLUG.encode() + b"/sections/..%2F..%2Fetc%2Fpasswd"),
        404,
        APP,
    ),
    ("traversal in lang", request(path=b"/v1/articles?lang=..%2F..%2Fetc%2Fpasswd"), 400, APP),
    ("3 KB slug", request(path=b"/v1/articles/" + b"a" * 3000), 404, APP),
    ("10 KB slug", request(path=b"/v1/articles/" + b"a" * 10240), 414, GUNICORN),
    ("repeated lang", request(path=SECTION + b"?lang=es&lang=fr"), 400, APP),
    ("empty lang", request(path=SECTION + b"?lang="), 400, APP),
    ("unknown query parameters", request(path=SECTION + b"?utm_source=x&debug=1"), 200, APP),
    ("PUT", request(method=b"PUT"), 405, APP),
    ("DELETE", request(method=b"DELETE"), 405, APP),
    ("PATCH", request(method=b"PATCH"), 405, APP),
    ("TRACE", request(method=b"TRACE"), 405, APP),
    ("OPTIONS", request(method=b"OPTIONS"), 204, APP),
    (
        "CORS preflight",
        request(method=b"OPTIONS", headers=PREFLIGHT),
        204,
        APP,
    ),
    ("Range", request(headers=b"Range: bytes=0-10\r\n"), 200, APP),
    (
        "malformed If-None-Match",
        request(headers=b'If-None-Match: "unterminated, W/, *x\r\n'),
        200,
        APP,
    ),
    ("body on GET", request(headers=b"Content-Length: 5\r\n", body=b"hello"), 200, APP),
    (
        "Content-Length with Transfer-Encoding",
        request(headers=b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", body=b"0\r\n\r\n"),
        400,
        GUNICORN,
    ),
    (
        "two Content-Lengths",
        request(headers=b"Content-Length: 5\r\nContent-Length: 6\r\n", body=b"hello"),
        400,
        GUNICORN,
    ),
    (
        "100 headers",
        request(headers=b"".join(b"X-Header-%d: v\r\n" % i for i in range(100))),
        431,
        GUNICORN,
    ),
    ("garbage request line", b"\x16\x03\x01 GARBAGE\r\n\r\n", 400, GUNICORN),
    ("request line without a version", b"GET /v1/articles\r\n\r\n", 400, GUNICORN),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_gunicorn(tmp_path_factory.mktemp("attacks")) as running:
        yield running


def header(head: bytes, name: bytes) -> bytes | None:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


@pytest.mark.parametrize(
    ("case", "data", "status", "answered_by"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_attack(server, case, data, status, answered_by):
    got, head, body = server.raw(data)
    assert got == status, (case, head)
    if answered_by == APP:
        assert header(head, b"X-Content-Type-Options") == b"nosniff"
        content_type = header(head, b"Content-Type")
        if status == 200:
            assert content_type == b"application/json; charset=utf-8"
        elif status >= 400:
            assert content_type == b"application/problem+json; charset=utf-8"
            assert header(head, b"Cache-Control") == b"no-store"
            assert json.loads(body)["status"] == status
    for leak in (b"Traceback", b"/work/", b"site-packages", b'File "'):
        assert leak not in body
    # Never a version; gunicorn's own error pages name no server at all.
    assert header(head, b"Server") == (b"gunicorn" if answered_by == APP else None)
    # The worker is alive and the next ordinary request is served correctly.
    status_after, _, body_after = server.fetch(SECTION.decode(), **{"Accept-Language": "es"})
    assert status_after == 200
    assert json.loads(body_after)["language"] == "es"
