"""Werkzeug's routing redirects, answered without the client's Host.

Werkzeug redirects a path with doubled slashes (/v1//articles) or without a rule's
trailing slash (/preview) with a 308 whose Location is built from the request's Host
header, and an HTML page: a forged Host (or a cache storing that answer) sends clients
elsewhere. Ours goes to the same target as a path, relative like every link this API
sends, with an empty body and the headers every response carries.
"""

from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.routing import RequestRedirect

from service.payloads import current_store

# The target is computed under this host, so the client's Host never reaches it.
_PLACEHOLDER_HOST = "placeholder.invalid"
# Kept as they are in a Location (delimiters and escapes); anything else is escaped.
_URL_CHARACTERS = "/?[]@!$&'()*+,;=:%~"


def redirect_location(app: Flask) -> str:
    """The path and query werkzeug's routing redirects this request to."""
    adapter = app.url_map.bind(
        _PLACEHOLDER_HOST,
        script_name=request.script_root or None,
        path_info=request.path,
        query_args=request.query_string.decode("latin-1"),
    )
    try:
        adapter.match(method=request.method)
    except RequestRedirect as redirect:
        target = redirect.new_url.removeprefix(f"http://{_PLACEHOLDER_HOST}")
    else:  # not reached: the host plays no part in matching, so this redirects again
        target = "/"
    # The path werkzeug quoted; the query is the raw one, as WSGI gives it (latin-1).
    # One leading slash: "//host/..." would be read as another host.
    return "/" + quote(target, safe=_URL_CHARACTERS, encoding="latin-1").lstrip("/")


def redirect_response(app: Flask, redirect: RequestRedirect) -> Response:
    """The 308 (or werkzeug's code) to the relative target: no body, the usual headers."""
    headers = current_store().policy.redirect(redirect_location(app))
    response = Response(status=redirect.code, headers=headers)
    del response.headers["Content-Type"]  # no body to describe
    return response
