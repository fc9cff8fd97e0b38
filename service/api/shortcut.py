"""Article resources answered before Flask's dispatch: the hot path, made short.

GET or HEAD of an article, its section index or one section is answered here from the
payload store by the function the Flask views call (`serving.answer_article_resource`),
without Flask's request and app contexts, URL adapter, hooks and signals, which cost
more than the rest of the answer (in process, a section request over 1,000 articles
and 10,000 Accept-Language values: 68 -> 19 us; `make bench`, README "Benchmark"). A
query string's `lang` values are parsed by Flask's own request class, unbound.
Everything else goes to Flask as it came, and Flask answers it as it would without
this: a path or Host it might refuse or redirect, a listed-origin CORS request (an
`after_request` hook adds its header), and any Problem the answer raises (an unknown or
withdrawn article, a bad `lang` or header, 406): errors, redirects and OPTIONS keep
their one implementation, and a request the shortcut gives up on costs only the few
microseconds it took to do so.

`ROUTES` must route as Flask does: tests/test_shortcut.py checks each against the
app's URL map, and that both ways give the same status, headers and body.
"""

import re

from flask import Flask

from service.api.serving import answer_article_resource, query_lang_values
from service.host_header import has_valid_host
from service.observability import ROUTE
from service.urls import ResourceKey

# The Flask rules (api/v1.py) this answers, by resource kind; `_PATH` matches them as
# werkzeug's default converter does (a segment of one or more characters but "/").
ROUTES = {
    "article": "/v1/articles/<slug>",
    "sections": "/v1/articles/<slug>/sections",
    "section": "/v1/articles/<slug>/sections/<section_id>",
}
_PATH = re.compile(
    r"/v1/articles/(?P<slug>[^/]+)(?P<sections>/sections(?:/(?P<section_id>[^/]+))?)?"
)
_METHODS = frozenset({"GET", "HEAD"})


def resource_key(path: str) -> ResourceKey | None:
    """The article resource an ASCII path names, as Flask would route it; else None."""
    match = _PATH.fullmatch(path) if path.isascii() else None
    if match is None:
        return None
    if match["sections"] is None:
        return ResourceKey("article", match["slug"])
    if match["section_id"] is None:
        return ResourceKey("sections", match["slug"])
    return ResourceKey("section", match["slug"], match["section_id"])


class ArticleShortcut:
    """WSGI middleware in front of Flask's own (`app.wsgi_app`), answering the requests
    for article resources that need nothing of Flask's itself."""

    def __init__(self, app: Flask, flask_wsgi_app):
        self.app = app
        self.flask_wsgi_app = flask_wsgi_app

    def __call__(self, environ, start_response):
        response = self._answer(environ)
        if response is None:
            return self.flask_wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _answer(self, environ):
        """The stored answer to a request for an article resource, or None for Flask to
        answer."""
        if environ["REQUEST_METHOD"] not in _METHODS:
            return None
        key = resource_key(environ.get("PATH_INFO", ""))
        if key is None or not has_valid_host(environ):
            return None
        store = self.app.extensions["payload_store"]  # the one of the moment (reloads)
        if "HTTP_ORIGIN" in environ and not store.policy.any_origin:
            return None
        try:
            lang_values = (
                query_lang_values(self.app.request_class(environ, populate_request=False))
                if environ.get("QUERY_STRING")
                else ()
            )
            response = answer_article_resource(store, environ, key, lang_values)
        except Exception:  # a Problem, mostly: Flask answers it again, with its handlers
            return None
        environ[ROUTE] = ROUTES[key.kind]
        return response
