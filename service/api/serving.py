"""The request path every content view shares: negotiate, look up, answer (or 304)."""

from flask import Response, request

from service.errors import ARTICLE_NOT_FOUND, INVALID_LANGUAGE, SECTION_NOT_FOUND, Problem
from service.payloads import Payload, current_store, section_index_url


def send_payload(payload: Payload) -> Response:
    """Answer with the payload's bytes, or 304 when If-None-Match matches (weakly)."""
    if_none_match = request.if_none_match
    if if_none_match and if_none_match.contains_weak(payload.etag[1:-1]):
        return Response(status=304, headers=payload.not_modified_headers)
    return Response(payload.body, headers=payload.headers)


def serve(key: tuple[str, ...]) -> Response:
    """Serve the representation of `key` in the request's negotiated language."""
    store = current_store()
    negotiation = store.negotiator.negotiate(
        tuple(request.args.getlist("lang")), request.headers.get("Accept-Language", "")
    )
    if negotiation.lang_error:
        raise Problem(INVALID_LANGUAGE[negotiation.lang_error])
    payload = store.get(key, negotiation.served)
    if payload is None:
        slug = key[1]
        if slug in store.articles:
            raise Problem(SECTION_NOT_FOUND, sections_url=section_index_url(slug))
        raise Problem(ARTICLE_NOT_FOUND)
    requested = negotiation.requested
    if requested and requested.lower() != payload.language.lower():
        payload = payload.for_requested_language(requested)
    return send_payload(payload)
