"""HTTP/1.1 framing edges, sent as raw bytes to real gunicorn: the Host header (RFC 9112
section 3.2) and request bodies the API never reads."""

import json

import pytest

from tests.helpers import running_gunicorn

PROBLEM_JSON = b"content-type: application/problem+json; charset=utf-8"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_gunicorn(tmp_path_factory.mktemp("protocol-edges")) as running:
        yield running


def head_lines(version: bytes, *headers: bytes) -> bytes:
    return b"GET /healthz " + version + b"\r\n" + b"".join(h + b"\r\n" for h in headers)


def closing(version: bytes, *headers: bytes) -> bytes:
    return head_lines(version, *headers, b"Connection: close") + b"\r\n"


def case_id(request_bytes: bytes) -> str:
    """The HTTP version and the Host line: what each case varies."""
    lines = request_bytes.decode("latin-1").split("\r\n")
    host = next((line for line in lines if line.lower().startswith("host:")), "no Host")
    return f"{lines[0].rsplit(' ', 1)[1]} {host!r}"


@pytest.mark.parametrize(
    "request_bytes",
    [
        closing(b"HTTP/1.1"),
        closing(b"HTTP/1.1", b"Host: two words"),
        closing(b"HTTP/1.1", b"Host: exa<mple.org"),
        closing(b"HTTP/1.1", b"Host: example.org/path"),
        closing(b"HTTP/1.1", b"Host: user@example.org"),
        closing(b"HTTP/1.1", b"Host: example.org:80:80"),
        closing(b"HTTP/1.1", b"Host: example.org:http"),
        closing(b"HTTP/1.1", b"Host: [::1"),
        closing(b"HTTP/1.1", b"Host: [not-an-address]"),
        closing(b"HTTP/1.1", b"Host: 100%"),
        closing(b"HTTP/1.1", "Host: exämple.org".encode()),
        closing(b"HTTP/1.0", b"Host: two words"),
    ],
    ids=case_id,
)
def test_a_missing_or_invalid_host_is_a_400_problem(server, request_bytes):
    status, head, body = server.raw(request_bytes)
    assert status == 400, head
    assert PROBLEM_JSON in head.lower()
    problem = json.loads(body)
    assert problem["type"] == "urn:patient-info:problem:invalid-host"
    assert problem["status"] == 400


@pytest.mark.parametrize(
    "request_bytes",
    [
        closing(b"HTTP/1.0"),  # HTTP/1.0 may leave Host out
        closing(b"HTTP/1.1", b"Host: example.org"),
        closing(b"HTTP/1.1", b"Host: example.org:8000"),
        closing(b"HTTP/1.1", b"Host: 127.0.0.1:8000"),
        closing(b"HTTP/1.1", b"Host: [::1]:8000"),
        closing(b"HTTP/1.1", b"Host: [v1.fe80::a+en1]"),
        closing(b"HTTP/1.1", b"Host: xn--exmple-cua.org"),
        closing(b"HTTP/1.1", b"Host: a%C3%A4b.example"),
        closing(b"HTTP/1.1", b"Host:"),  # what a client sends for a target with no authority
    ],
    ids=case_id,
)
def test_a_valid_or_optional_host_is_served(server, request_bytes):
    status, head, _ = server.raw(request_bytes)
    assert status == 200, head


def test_two_host_lines_are_refused_by_gunicorn(server):
    status, head, _ = server.raw(closing(b"HTTP/1.1", b"Host: a.example", b"Host: b.example"))
    assert status == 400, head


@pytest.mark.parametrize(
    "body",
    [
        b"ZZ\r\nxx\r\n0\r\n\r\n",  # not a chunk size
        b"5\r\nhello0\r\n\r\n",  # chunk without its CRLF
        b"5\r\nhello\r\n0\r\n\r\n",  # well-formed
        b"ZZ\r\n\r\nGET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n",  # a request hidden behind
    ],
)
def test_a_chunked_body_on_get_gets_one_answer_then_the_connection_closes(server, body):
    """gunicorn would drain the body after the answer and, finding it malformed, write a
    400 on the same connection: a second response to one request."""
    request_bytes = head_lines(b"HTTP/1.1", b"Host: localhost", b"Transfer-Encoding: chunked")
    status, head, rest = server.raw(request_bytes + b"\r\n" + body)
    assert status == 200, head
    assert b"\r\nconnection: close" in head.lower()
    assert json.loads(rest) == {"status": "ok"}  # and nothing after it


def test_a_body_on_get_closes_the_connection_after_the_answer(server):
    request_bytes = head_lines(b"HTTP/1.1", b"Host: localhost", b"Content-Length: 5")
    status, head, rest = server.raw(request_bytes + b"\r\nhello")
    assert status == 200, head
    assert b"\r\nconnection: close" in head.lower()
    assert json.loads(rest) == {"status": "ok"}
