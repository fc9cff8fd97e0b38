"""Media types the API answers with, and the choice among them from a request's Accept.

Werkzeug's MIMEAccept.best_match compares media type parameters for equality, so
`Accept: application/fhir+json` would never match `application/fhir+json;
fhirVersion=4.3`; this chooser follows RFC 9110 12.5.1 instead: the most specific
range that matches a type gives its quality, a range's parameters must be among the
type's, ties go to the server's order (JSON first).
"""

from werkzeug.http import parse_accept_header, parse_options_header

from service.header_values import memoized_for_short_values
from service.headers import JSON

JSON_LD = "application/ld+json"
FHIR_JSON = "application/fhir+json; fhirVersion=4.3"  # FHIR R4B

# What a kind of resource (a payload key's first part) can be served as, preferred
# (the default) first; any other kind is JSON only.
HTML_FRAGMENT = "text/html; charset=utf-8"  # a section as sanitized HTML, no page around it
MEDIA_TYPES_BY_KIND = {
    "article": (JSON, JSON_LD, FHIR_JSON),
    "section": (JSON, HTML_FRAGMENT),
}

MediaRange = tuple[str, str, frozenset[tuple[str, str]]]


def _parse(media_type: str) -> MediaRange | None:
    """(type, subtype, parameters) in lower case, or None when it is not type/subtype."""
    essence, parameters = parse_options_header(media_type)
    kind, slash, subtype = essence.lower().partition("/")
    if not (kind and slash and subtype) or (kind == "*" and subtype != "*"):
        return None
    return (
        kind,
        subtype,
        frozenset((name.lower(), value.lower()) for name, value in parameters.items()),
    )


def _quality(offered: MediaRange, ranges: list[tuple[MediaRange, float]]) -> float:
    """The quality the most specific matching range gives a type (0 when none matches)."""
    kind, subtype, parameters = offered
    best_specificity, best_quality = (-1, -1, -1), 0.0
    for (range_kind, range_subtype, range_parameters), quality in ranges:
        matches = (range_kind in ("*", kind)) and (
            range_subtype == "*" or (range_subtype == subtype and range_parameters <= parameters)
        )
        specificity = (range_kind != "*", range_subtype != "*", len(range_parameters))
        if matches and specificity > best_specificity:
            best_specificity, best_quality = specificity, quality
    return best_quality


@memoized_for_short_values(maxsize=256)
def preferred_media_type(accept: str, available: tuple[str, ...]) -> str | None:
    """The available type an Accept value prefers; None when it accepts none (406).

    A header with no well-formed range at all is treated as absent: the first type.
    Memoized per distinct short (header, types); a long header's first ranges only.
    """
    ranges = [
        (parsed, quality)
        for value, quality in parse_accept_header(accept)
        if (parsed := _parse(value))
    ]
    if not ranges:
        return available[0]
    chosen, chosen_quality = None, 0.0
    for media_type in available:
        quality = _quality(_parse(media_type), ranges)  # type: ignore[arg-type]  # ours parse
        if quality > chosen_quality:
            chosen, chosen_quality = media_type, quality
    return chosen
