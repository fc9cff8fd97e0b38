"""Offline bundles (service/bundles.py): the index, and one language's bundle streamed
from the file it was written to when the store was built."""

from flask import Response, request

from service.api.serving import acceptable_media_type, refuse_unknown_parameters, send, send_payload
from service.encodings import accepted_codings
from service.errors import BUNDLE_NOT_FOUND, Problem
from service.payloads import current_store

# A bundle takes no query parameter: the problem lists none (a dash, in every language).
NO_PARAMETERS = "—"


def _refuse_parameters() -> None:
    if request.args:
        refuse_unknown_parameters(NO_PARAMETERS)


def serve_bundle_index() -> Response:
    _refuse_parameters()
    acceptable_media_type()
    return send_payload(current_store().bundles.index)


def serve_bundle(language: str) -> Response:
    _refuse_parameters()
    bundles = current_store().bundles
    bundle = bundles.find(language)
    if bundle is None:
        raise Problem(BUNDLE_NOT_FOUND)
    acceptable_media_type()
    stored = bundle.stored(accepted_codings(request.environ.get("HTTP_ACCEPT_ENCODING", "")))
    if stored is None:
        return send(None)
    return send(stored.encoded, chunks=bundles.chunks(stored))
