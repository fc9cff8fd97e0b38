"""Content codings: which of a payload's encodings (identity, or its gzip twin) a
request's Accept-Encoding allows (RFC 9110 section 12.5.3).

Identity is acceptable unless refused (`identity;q=0`, or `*;q=0` without an entry for
identity); gzip only when listed (`gzip`, `x-gzip`) or covered by `*`, and not refused.
A coding listed twice counts with its lowest q. When neither is acceptable for a body,
the answer is a 406.
"""

from dataclasses import dataclass
from typing import TypeVar

from werkzeug.http import parse_accept_header

from service.header_values import memoized_for_short_values

Encoding = TypeVar("Encoding")


@dataclass(frozen=True, slots=True)
class AcceptedCodings:
    """What an Accept-Encoding value allows among the codings we can send."""

    gzip: bool
    identity: bool

    def choose(self, identity: Encoding, gzip: Encoding | None) -> Encoding | None:
        """gzip when accepted and there is a twin, else identity when accepted; None: 406."""
        if self.gzip and gzip is not None:
            return gzip
        return identity if self.identity else None


@memoized_for_short_values(maxsize=256)
def accepted_codings(accept_encoding: str) -> AcceptedCodings:
    """Parse an Accept-Encoding value (memoized per short value; a long one's first
    codings only: service/header_values.py).

    No header, or an empty one, allows identity only."""
    qualities: dict[str, float] = {}
    for value, quality in parse_accept_header(accept_encoding):
        # A coding takes no parameters but q (gzip;level=1 is gzip).
        coding = value.partition(";")[0].strip().lower()
        qualities[coding] = min(quality, qualities.get(coding, quality))
    anything = qualities.get("*")
    gzip = min(qualities.get(name, 1) for name in ("gzip", "x-gzip"))
    listed_gzip = "gzip" in qualities or "x-gzip" in qualities
    return AcceptedCodings(
        gzip=(gzip if listed_gzip else anything or 0) > 0,
        identity=qualities.get("identity", 1 if anything is None else anything) > 0,
    )
