"""The headers every response carries (caching, CORS, security), computed once per config.

With the default CORS policy (any origin) every header set here is constant, so a
content response costs no per-request header work. With a list of origins, the one
dynamic header (Access-Control-Allow-Origin) is added by `apply_cors_origin`.
"""

import functools
from dataclasses import dataclass

JSON = "application/json; charset=utf-8"
PROBLEM_JSON = "application/problem+json; charset=utf-8"
YAML = "application/yaml; charset=utf-8"

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Request headers a browser portal may send cross-origin (preflight answer).
CORS_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, X-Request-ID"
# Response headers a browser portal's script may read: validators, languages, the
# canonical URL, paging links and the request id to quote in a support ticket.
CORS_EXPOSED_HEADERS = "ETag, Content-Language, Content-Location, Link, X-Request-ID"
PREFLIGHT_MAX_AGE = "86400"

Headers = tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1024)
def shared(name: str, value: str) -> tuple[str, str]:
    """One tuple for a header that many stored payloads carry (Content-Type, Vary,
    Content-Language...): with tens of thousands of payloads, copies cost tens of MB."""
    return (name, value)


@dataclass(frozen=True)
class HeaderPolicy:
    """Header sets for each kind of response, from CACHE_MAX_AGE and CORS_ALLOWED_ORIGINS."""

    max_age: int
    allowed_origins: tuple[str, ...]

    @property
    def any_origin(self) -> bool:
        return self.allowed_origins == ("*",)

    def _common(self) -> Headers:
        cors = (
            (
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS),
            )
            if self.any_origin
            else (("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS),)
        )
        return (("X-Content-Type-Options", "nosniff"), *cors)

    def vary(self, *request_headers: str) -> str:
        """The Vary value: what the representation depends on, plus Origin for a CORS list."""
        names = request_headers if self.any_origin else (*request_headers, "Origin")
        return ", ".join(names)

    def cacheable(self, content_type: str, etag: str, vary: tuple[str, ...], extra=()) -> Headers:
        """Headers of a 200 that shared caches may store."""
        return (
            shared("Content-Type", content_type),
            *extra,
            ("ETag", etag),
            shared("Cache-Control", f"public, max-age={self.max_age}"),
            *((shared("Vary", self.vary(*vary)),) if vary or not self.any_origin else ()),
            *self._common(),
        )

    @staticmethod
    def not_modified(cacheable: Headers) -> Headers:
        """A 304 carries what RFC 9110 15.4.5 asks for (ETag, Cache-Control, Vary,
        Content-Location)."""
        dropped = {"Content-Type", "Content-Language", "Content-Encoding", "Content-Length"}
        return tuple(header for header in cacheable if header[0] not in dropped)

    def uncacheable(self, content_type: str) -> Headers:
        """Headers of errors and probes: never stored by a cache."""
        return (("Content-Type", content_type), ("Cache-Control", "no-store"), *self._common())

    def preflight(self, allow: str) -> Headers:
        """An OPTIONS answer: the methods allowed, and a CORS preflight response."""
        return (
            ("Allow", allow),
            ("Access-Control-Allow-Methods", allow),
            ("Access-Control-Allow-Headers", CORS_REQUEST_HEADERS),
            ("Access-Control-Max-Age", PREFLIGHT_MAX_AGE),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            *(() if self.any_origin else (("Vary", "Origin"),)),
            *self._common(),
        )

    def redirect(self, location: str) -> Headers:
        """A routing redirect to a path (service/redirects.py): as cacheable as content."""
        return (
            ("Location", location),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            *(() if self.any_origin else (("Vary", "Origin"),)),
            *self._common(),
        )

    def apply_cors_origin(self, response, origin: str | None):
        """Allow a listed Origin on this response (only used with a list of origins)."""
        if origin and origin in self.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
        return response
