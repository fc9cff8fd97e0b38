"""The request path every content view shares: negotiate, look up, answer (or 304)."""

import functools

from flask import Response, request
from werkzeug.http import parse_accept_header

from service.errors import (
    ARTICLE_NOT_FOUND,
    INVALID_LANGUAGE,
    INVALID_PAGE,
    PAGE_NOT_FOUND,
    SECTION_NOT_FOUND,
    Problem,
)
from service.observability import REQUESTED_LANGUAGE, SERVED_LANGUAGE
from service.payloads import Encoded, Payload, current_store, section_index_url


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (an explicit gzip;q=0 beats *)."""
    qualities = dict(parse_accept_header(accept_encoding))
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0))) > 0


def send(encoded: Encoded) -> Response:
    """Answer with the bytes, or 304 when If-None-Match matches (weak comparison)."""
    if_none_match = request.if_none_match
    if if_none_match and if_none_match.contains_weak(encoded.etag[1:-1]):
        return Response(status=304, headers=encoded.not_modified_headers)
    return Response(encoded.body, headers=encoded.headers)


def send_payload(payload: Payload) -> Response:
    """Answer with a payload that is not negotiated by language (only by encoding)."""
    return send(payload.encoded(accepts_gzip(request.headers.get("Accept-Encoding", ""))))


def serve(key: tuple[str, ...]) -> Response:
    """Serve the representation of `key` in the request's negotiated language."""
    store = current_store()
    headers = request.headers
    negotiation = store.negotiator.negotiate(
        tuple(request.args.getlist("lang")), headers.get("Accept-Language", "")
    )
    environ = request.environ
    environ[REQUESTED_LANGUAGE] = negotiation.requested
    environ[SERVED_LANGUAGE] = negotiation.served
    if negotiation.lang_error:
        raise Problem(INVALID_LANGUAGE[negotiation.lang_error])
    payload = store.get(key, negotiation.served)
    if payload is None:
        slug = key[1]
        if slug in store.articles:
            raise Problem(SECTION_NOT_FOUND, sections_url=section_index_url(slug))
        raise Problem(ARTICLE_NOT_FOUND)
    gzip = accepts_gzip(headers.get("Accept-Encoding", ""))
    return send(store.encoded(payload, negotiation.requested, gzip))


def article_list_page() -> str:
    """The requested page of the article list, as its payload key part ("1" if absent)."""
    pages = request.args.getlist("page")
    if not pages:
        return "1"
    last = current_store().article_pages
    if len(pages) > 1 or not pages[0].isdigit() or int(pages[0]) < 1:
        raise Problem(INVALID_PAGE, pages=last)
    if int(pages[0]) > last:
        raise Problem(PAGE_NOT_FOUND, pages=last)
    return str(int(pages[0]))
