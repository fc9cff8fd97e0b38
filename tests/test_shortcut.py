"""The shortcut (service/api/shortcut.py) answers exactly as Flask would, and routes as
Flask does: every request below is sent both ways, through the app as built and
through Flask's own WSGI app behind the same observability middleware, and must give
the same status, headers, body, route and languages in the log;
the plain ones must not reach Flask at all (no werkzeug request is made)."""

import gzip
import itertools
from typing import NamedTuple

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder

from service import create_app
from service.api.shortcut import ROUTES, ArticleShortcut, resource_key
from service.host_header import require_valid_host
from service.observability import (
    REQUESTED_LANGUAGE,
    ROUTE,
    SERVED_LANGUAGE,
    ObservabilityMiddleware,
)
from tests.helpers import (
    ACCEPT_LANGUAGE_CASES,
    LANG_PARAMETER_CASES,
    SECTION_IDS,
    SLUG,
    WITHDRAWN_SLUG,
    content_with_withdrawn_article,
)

LISTED_ORIGIN = "https://portal.example"
ARTICLE = f"/v1/articles/{SLUG}"
PATHS = [
    ARTICLE,
    f"{ARTICLE}/sections",
    *(f"{ARTICLE}/sections/{section_id}" for section_id in SECTION_IDS),
    f"/v1/articles/{WITHDRAWN_SLUG}",
    f"/v1/articles/{WITHDRAWN_SLUG}/sections/details",
    "/v1/articles/no-such-article",
    f"{ARTICLE}/sections/no-such-section",
    f"{ARTICLE}/",
    f"{ARTICLE}/sections/",
    f"/v1/articles//{SLUG}",
    f"{ARTICLE}/sections/overview/more",
    "/v1/articles/%C3%A9t%C3%A9",
    f"{ARTICLE.upper()}",
]
# One header set a request (not their product): each exercises one way out.
HEADER_SETS = [
    {},
    *({"Accept-Language": value} for value, _ in ACCEPT_LANGUAGE_CASES),
    {"Accept-Language": "es-" + "x" * 300},  # longer than the negotiation memo keeps
    {"Accept": "application/ld+json"},
    {"Accept": "application/fhir+json", "Accept-Language": "fr"},
    {"Accept": "text/html", "Accept-Language": "ar"},
    {"Accept": "image/png"},
    {"Accept": "*/*;q=0.1, application/json"},
    {"Accept-Encoding": "gzip", "Accept-Language": "es-MX"},
    {"Accept-Encoding": "gzip;q=0, identity;q=0"},
    {"Accept-Encoding": "br"},
    {"If-None-Match": "*"},
    {"If-None-Match": 'W/"nothing", "else"'},
    {"Host": "bad host"},
    {"Origin": LISTED_ORIGIN, "Accept-Language": "de"},
    {"Origin": "https://elsewhere.example"},
    {"X-Request-ID": "client-chosen-1"},
]
QUERIES = [
    "",
    "lang=es",
    "lang=",
    "lang",
    "lang=es&lang=fr",
    "lang=%FF",
    "lang=es;lang=fr",
    "lang=+es",
    "lang=zh%2DTW&unknown=1",
    "LANG=es",
    "unknown=1",
    *(f"lang={value}" for value, *_ in LANG_PARAMETER_CASES),
]


@pytest.fixture(scope="module", params=["any origin", "listed origin"])
def app(request, tmp_path_factory):
    """The shipped content plus a withdrawn article, with CORS open to any origin (the
    default) or to a listed one."""
    content = content_with_withdrawn_article(tmp_path_factory.mktemp("shortcut") / "articles")
    origins = ("*",) if request.param == "any origin" else (LISTED_ORIGIN,)
    return create_app({"TESTING": True, "CONTENT_DIR": content, "CORS_ALLOWED_ORIGINS": origins})


def shortcut_of(app) -> ArticleShortcut:
    return app.wsgi_app.wsgi_app


class Answer(NamedTuple):
    """What a client and the log see of an answer (`seen`), and how it was made."""

    seen: tuple[str, list, bytes, tuple]  # status, headers, body, (route, languages)
    reached_flask: bool  # Flask made a request object for it


def through(wsgi_app, path: str, method: str, headers: dict, query: str = "") -> Answer:
    """Send a request with an id of its own, so problem details name the same id both
    ways."""
    headers = {"X-Request-ID": "same-both-ways", **headers}
    environ = EnvironBuilder(
        path=path, method=method, headers=headers, query_string=query
    ).get_environ()
    if "Host" in headers:
        environ["HTTP_HOST"] = headers["Host"]  # as sent, not as EnvironBuilder parses it
    started = []
    chunks = wsgi_app(
        environ, lambda status, headers, exc_info=None: started.append((status, headers))
    )
    body = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    logged = tuple(environ.get(name) for name in (ROUTE, REQUESTED_LANGUAGE, SERVED_LANGUAGE))
    ((status, sent),) = started
    return Answer((status, sent, body, logged), "werkzeug.request" in environ)


def both_ways(app, path, method, headers, query=""):
    flask_only = ObservabilityMiddleware(shortcut_of(app).flask_wsgi_app, None)
    return through(app.wsgi_app, path, method, headers, query), through(
        flask_only, path, method, headers, query
    )


def is_plain(app, path, method, headers) -> bool:
    """Whether the shortcut should answer: a stored answer Flask would give, asked plainly."""
    return (
        method in ("GET", "HEAD")
        and resource_key(path) is not None
        and headers.get("Host") != "bad host"
        and not ("Origin" in headers and app.config["CORS_ALLOWED_ORIGINS"] != ("*",))
    )


@pytest.mark.parametrize("path", PATHS)
def test_both_ways_give_the_same_answer(app, path):
    for method, headers, query in itertools.chain(
        itertools.product(["GET", "HEAD"], HEADER_SETS, [""]),
        itertools.product(["GET", "HEAD"], [{}, {"Accept-Language": "fr"}], QUERIES),
        itertools.product(["POST", "OPTIONS", "DELETE"], [{}], QUERIES[:2]),
    ):
        shortcut, flask = both_ways(app, path, method, headers, query)
        assert shortcut.seen == flask.seen, (method, path, query, headers)
        answered = shortcut.seen[0].startswith(("200", "304"))
        plain = answered and is_plain(app, path, method, headers)
        assert shortcut.reached_flask is not plain, (
            "a plain stored answer must not reach Flask; anything else must",
            method,
            path,
            query,
            headers,
        )


@pytest.mark.parametrize("path", PATHS[:3])
def test_a_conditional_request_gets_the_same_304_both_ways(app, path):
    _, sent, _, _ = both_ways(app, path, "GET", {"Accept-Language": "es-MX"})[0].seen
    etag = dict(sent)["ETag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}'):
        headers = {"Accept-Language": "es-MX", "If-None-Match": if_none_match}
        shortcut, flask = both_ways(app, path, "GET", headers)
        assert shortcut.seen[0] == "304 NOT MODIFIED"
        assert shortcut.seen == flask.seen
        assert not shortcut.reached_flask


def test_the_shortcut_serves_the_gzip_twin_of_what_it_sends_plain(app):
    path = f"{ARTICLE}/sections/overview"
    plain = both_ways(app, path, "GET", {"Accept-Language": "es-MX"})[0]
    zipped = both_ways(app, path, "GET", {"Accept-Language": "es-MX", "Accept-Encoding": "gzip"})[0]
    assert gzip.decompress(zipped.seen[2]) == plain.seen[2]
    assert not zipped.reached_flask


def flask_routes(app, path: str) -> tuple[str, dict] | None:
    """The rule and arguments Flask's URL map gives a GET of `path` when the rule is one
    of the shortcut's; None for any other answer (another rule, 404, a redirect)."""
    try:
        rule, arguments = app.url_map.bind("localhost").match(path, "GET", return_rule=True)
    except (RequestRedirect, HTTPException):
        return None
    return (rule.rule, arguments) if rule.rule in ROUTES.values() else None


def test_its_routes_are_flasks(app):
    """Each ROUTES rule is a rule of the app; every rule's sample path, and tricky ones,
    are routed by the shortcut where Flask routes them, with the same arguments."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert set(ROUTES.values()) <= rules
    samples = [rule.replace("<slug>", "a-b").replace("<section_id>", "c_d") for rule in rules]
    samples = [sample.replace("<language>", "es") for sample in samples]
    tricky = ["/v1/articles/.", "/v1/articles/..", "/v1/articles/a b", "/v1/articles/a%2Fb"]
    for path in [*samples, *PATHS, *tricky]:
        key = resource_key(path)
        if key is None and not path.isascii():
            continue  # left to Flask, whatever it routes it to
        ours = key and (
            ROUTES[key.kind],
            {k: v for k, v in key._asdict().items() if v and k != "kind"},
        )
        assert ours == flask_routes(app, path), path


def test_every_hook_a_v1_request_runs_is_one_the_shortcut_accounts_for(app):
    """A hook added later (a header on every answer, say) would not run for what the
    shortcut answers: this fails until api/shortcut.py mirrors it or steps aside for it.
    It accounts for the Host check and, with listed CORS origins, the hook adding the
    origin (it leaves requests with an Origin to Flask)."""
    scopes = (None, "v1")

    def hooks(registry) -> list:
        return [hook for scope in scopes for hook in registry.get(scope, [])]

    assert hooks(app.before_request_funcs) == [require_valid_host]
    listed = app.config["CORS_ALLOWED_ORIGINS"] != ("*",)
    assert len(hooks(app.after_request_funcs)) == int(listed)
    assert hooks(app.teardown_request_funcs) == []
    assert hooks(app.url_value_preprocessors) == []
