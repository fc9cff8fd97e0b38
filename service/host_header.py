"""The Host header a request must carry (RFC 9112 section 3.2).

A server MUST answer 400 to an HTTP/1.1 request without Host and to any request whose
Host is not `uri-host [ ":" port ]` (RFC 3986 section 3.2.2). gunicorn refuses two Host
lines itself; it lets a missing or malformed one through, so the app checks it.
"""

import ipaddress
import re

from flask import request

from service.errors import INVALID_HOST, Problem

_REG_NAME = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"  # IPv4 addresses included
_HOST = re.compile(rf"(?:\[(?P<ip_literal>[^\]]*)\]|{_REG_NAME})(?::[0-9]*)?")
_IP_FUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+")


def is_valid_host(value: str) -> bool:
    """Whether a Host value is `uri-host [ ":" port ]`; empty is valid (RFC 9112 3.2:
    the value a client sends when the target has no authority)."""
    match = _HOST.fullmatch(value)
    if match is None:
        return False
    literal = match["ip_literal"]
    if literal is None or _IP_FUTURE.fullmatch(literal):
        return True
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return "%" not in literal  # a zone id is not allowed in a URI's IP-literal


def has_valid_host(environ) -> bool:
    """Whether a request's Host is as RFC 9112 asks (absent only before HTTP/1.1)."""
    host = environ.get("HTTP_HOST")
    if host is None:
        return environ.get("SERVER_PROTOCOL") != "HTTP/1.1"
    return is_valid_host(host)


def require_valid_host():
    """Answer 400 (problem+json) before any view when the Host header is wrong."""
    if not has_valid_host(request.environ):
        raise Problem(INVALID_HOST)
