"""The request path every content view shares: negotiate, look up, answer (or 304).

This is the hot path: it reads the WSGI environ directly (not werkzeug's parsed
request attributes, which cost a proxy lookup and a parse each) and parses a header
only when it is present.
"""

from collections.abc import Iterable

from flask import Response, request
from werkzeug.http import parse_etags

from service.content.model import Withdrawal
from service.encoding import Encoded, Payload
from service.encodings import accepted_codings
from service.errors import (
    ARTICLE_NOT_FOUND,
    ARTICLE_WITHDRAWN,
    ENCODING_NOT_ACCEPTABLE,
    INVALID_LANGUAGE,
    INVALID_PAGE,
    NOT_ACCEPTABLE,
    PAGE_NOT_FOUND,
    SECTION_NOT_FOUND,
    UNKNOWN_PARAMETER,
    Problem,
)
from service.header_values import memoized_for_short_values
from service.headers import JSON, Headers
from service.i18n import Negotiation
from service.media_types import MEDIA_TYPES_BY_KIND, preferred_media_type
from service.observability import REQUESTED_LANGUAGE, SERVED_LANGUAGE
from service.parameters import positive_whole_number
from service.payloads import ArticleSelection, PayloadStore, current_store
from service.urls import ResourceKey, section_index_url

_parsed_etags = memoized_for_short_values(maxsize=256)(parse_etags)


def _none_match(if_none_match: str, etag: str) -> bool:
    """If-None-Match with weak comparison; the ETag sent back as is needs no parsing."""
    if if_none_match in (etag, f"W/{etag}", "*"):
        return True
    return _parsed_etags(if_none_match).contains_weak(etag[1:-1])


class StoredResponse(Response):
    """The answer with a stored payload (200) or without it (304), whose headers were
    built at start-up, Content-Length included, and checked there (build_payload).
    werkzeug's per-response copy, validation and IRI quoting of each header
    are skipped (measured in-process: 72 -> 52 us per section request; a Flask view
    returning constant bytes takes 65).

    So `headers` holds only what the app adds per request (a listed CORS origin), sent
    after the stored ones; what is stored is `stored_headers`, and `sent_headers` is the
    whole list as sent. An `after_request` hook that must see or change a stored header
    (Content-Type, ETag, Vary...) cannot do it here: change `HeaderPolicy` or
    `build_payload`, where they are made once. And no hook runs at all for the article
    resources api/shortcut.py answers before Flask (its tests fail on a new hook)."""

    default_mimetype = None  # Content-Type is a stored header (a 304 has none)
    automatically_set_content_length = False  # so is Content-Length

    def __init__(self, status: int, headers: Headers, body: bytes | Iterable[bytes] = b""):
        super().__init__(status=status)
        # A body too large to hold (a bundle) comes as an iterable of chunks.
        self.response = ([body] if body else []) if isinstance(body, bytes) else body
        self.stored_headers = headers

    @property
    def sent_headers(self) -> list[tuple[str, str]]:
        """Every header as the WSGI server gets it: the stored ones, then the added ones."""
        return [*self.stored_headers, *self.headers]

    def get_wsgi_response(self, environ):
        """(body iterable, status, headers) for the WSGI server, as werkzeug's, minus
        its header pass (`get_wsgi_headers`)."""
        return self.get_app_iter(environ), self.status, self.sent_headers


def send(encoded: Encoded | None, environ=None, chunks: Iterable[bytes] | None = None) -> Response:
    """Answer with the bytes (or `chunks`, streamed), or 304 when If-None-Match matches
    (weak comparison); 406 when the request accepts no coding the bytes have (None)."""
    if encoded is None:
        raise Problem(ENCODING_NOT_ACCEPTABLE, status=ENCODING_NOT_ACCEPTABLE.status)
    if_none_match = (environ or request.environ).get("HTTP_IF_NONE_MATCH")
    if if_none_match and _none_match(if_none_match, encoded.etag):
        return StoredResponse(304, encoded.not_modified_headers)
    return StoredResponse(200, encoded.headers, encoded.body if chunks is None else chunks)


def send_payload(payload: Payload, environ=None) -> Response:
    """Answer with a payload that is not negotiated by language (only by encoding)."""
    environ = environ or request.environ
    codings = accepted_codings(environ.get("HTTP_ACCEPT_ENCODING", ""))
    return send(payload.encoded(codings), environ)


def query_lang_values(parsed_request) -> tuple[str, ...]:
    """The `lang` values of a request's query string, as werkzeug parses it: Flask's
    request, or one api/shortcut.py makes from the environ with Flask's request class.
    (Callers skip it when there is no query string: parsing nothing costs a microsecond.)"""
    return tuple(parsed_request.args.getlist("lang"))


def _requested_lang_values(environ) -> tuple[str, ...]:
    """The `lang` values of Flask's current request (whose environ this is)."""
    return query_lang_values(request) if environ.get("QUERY_STRING") else ()


def _negotiate(store: PayloadStore, environ, lang_values=None) -> Negotiation:
    if lang_values is None:
        lang_values = _requested_lang_values(environ)
    negotiation = store.negotiator.negotiate(lang_values, environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    environ[REQUESTED_LANGUAGE] = negotiation.requested
    environ[SERVED_LANGUAGE] = negotiation.served
    return negotiation


def negotiate(lang_values: tuple[str, ...] | None = None) -> Negotiation:
    """Negotiate from `lang` (or the given values) then Accept-Language; log the outcome."""
    return _negotiate(current_store(), request.environ, lang_values)


def _checked(negotiation: Negotiation) -> Negotiation:
    if negotiation.lang_error:
        raise Problem(INVALID_LANGUAGE[negotiation.lang_error])
    return negotiation


def negotiate_lang() -> Negotiation:
    """The request's language, from `lang` then Accept-Language (400 for a bad `lang`)."""
    return _checked(negotiate())


def _send_negotiated(store: PayloadStore, environ, payload: Payload, negotiation) -> Response:
    """Answer with a payload, with `requested_language` when it differs, gzip if accepted."""
    codings = accepted_codings(environ.get("HTTP_ACCEPT_ENCODING", ""))
    return send(store.encoded(payload, negotiation.requested, codings), environ)


# A client-chosen name shown in a problem's detail is cut to this many characters.
SHOWN_PARAMETER_LENGTH = 40


def refuse_unknown_parameters(*taken: str) -> None:
    """A 400 naming the first query parameter outside `taken`: on lists and other
    answers that filter or page, a misspelt filter must not give the unfiltered answer."""
    for name in request.args:
        if name not in taken:
            shown = name if len(name) <= SHOWN_PARAMETER_LENGTH else name[:39] + "…"
            raise Problem(UNKNOWN_PARAMETER, parameter=shown, parameters=", ".join(taken))


def acceptable_media_type(available: tuple[str, ...] = (JSON,), environ=None) -> str:
    """The media type to answer with, from Accept (406 when it accepts none of them)."""
    accept = (environ or request.environ).get("HTTP_ACCEPT")
    if not accept:
        return available[0]
    chosen = preferred_media_type(accept, available)
    if chosen is None:
        raise Problem(NOT_ACCEPTABLE, media_types=", ".join(available))
    return chosen


def serve(key: ResourceKey) -> Response:
    """Serve an article resource (the Flask views' way in; see answer_article_resource)."""
    environ = request.environ
    return answer_article_resource(current_store(), environ, key, _requested_lang_values(environ))


def answer_article_resource(
    store: PayloadStore, environ, key: ResourceKey, lang_values: tuple[str, ...]
) -> Response:
    """An article resource in the request's type and in the first language the request
    accepts among those the article is available in (its `lang` query values given);
    a Problem for anything else.

    The hot path, and the one implementation of it: the Flask views call it through
    `serve`, and api/shortcut.py calls it before Flask's dispatch. So it reads only the
    store and the WSGI environ it is given, never Flask's request or app context."""
    negotiation = _checked(_negotiate(store, environ, lang_values))
    available = store.available.get(key.slug)
    if available is None:
        if withdrawal := store.withdrawn.get(key.slug):
            raise withdrawn_problem(withdrawal)
        raise Problem(ARTICLE_NOT_FOUND)
    served = negotiation.best_of(available)
    environ[SERVED_LANGUAGE] = served
    payload = store.get(key, served)
    if payload is None:
        raise Problem(SECTION_NOT_FOUND, sections_url=section_index_url(key.slug))
    media_type = acceptable_media_type(MEDIA_TYPES_BY_KIND.get(key.kind, (JSON,)), environ)
    if media_type != JSON:
        # JSON-LD and FHIR have no `requested_language` member: only encoding varies.
        return send_payload(store.alternate(key, served, media_type), environ)
    return _send_negotiated(store, environ, payload, negotiation)


def withdrawn_problem(withdrawal: Withdrawal) -> Problem:
    """410 for a withdrawn article and everything under it, with when and why."""
    day = withdrawal.date.isoformat()
    return Problem(
        ARTICLE_WITHDRAWN,
        members={"withdrawn_at": withdrawal.date, "reason": withdrawal.reason},
        date=day,
    )


def requested_page(last: int) -> int:
    """The `page` parameter of a list of `last` pages (1 if absent): 400 if malformed,
    404 past the end."""
    pages = request.args.getlist("page")
    if not pages:
        return 1
    page = positive_whole_number(pages[0]) if len(pages) == 1 else None
    if page is None:
        raise Problem(INVALID_PAGE, pages=last)
    if page > last:
        raise Problem(PAGE_NOT_FOUND, pages=last)
    return page


def serve_built(build, *arguments) -> Response:
    """Serve `build(store, negotiation, *arguments)`, a JSON payload over several
    articles (or none), built once per distinct query in the store's memo."""
    store, environ = current_store(), request.environ
    negotiation = _checked(_negotiate(store, environ))
    acceptable_media_type(environ=environ)
    payload = build(store, negotiation, *arguments)
    return _send_negotiated(store, environ, payload, negotiation)


def serve_selection(selection: ArticleSelection) -> Response:
    """Serve a page of the list of the selected articles, each in its best language."""
    page = requested_page(current_store().page_count(len(selection.slugs)))
    return serve_built(PayloadStore.list_page, selection, page)


def _language_list(store: PayloadStore, negotiation: Negotiation, page: int) -> Payload:
    if page == 1:
        return store.language_pages[negotiation.served]
    return store.query_payload(PayloadStore.language_list_page, negotiation.served, page)


def serve_language_list() -> Response:
    """Serve a page of the language list: page 1 is built at start-up, the others on
    first request (they hold per-article figures only, and only for their articles)."""
    return serve_built(_language_list, requested_page(current_store().article_pages))
