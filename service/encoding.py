"""A representation as sent: its bytes, a gzip twin over 1 KB, a strong ETag and every
header, computed once (at start-up, or once per distinct query)."""

import functools
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from service.config import StartupError
from service.encodings import AcceptedCodings
from service.headers import HeaderPolicy, Headers

GZIP_MINIMUM_BYTES = 1024


class BuildError(StartupError):
    """A payload does not match its schema: a bug or bad content, caught before serving."""


# Compared and hashed by identity (cheap memo keys); slots: tens of thousands are kept.
@dataclass(frozen=True, eq=False, slots=True)
class Encoded:
    """One set of bytes to send and every header for it (200 and 304)."""

    body: bytes
    etag: str
    headers: Headers
    not_modified_headers: Headers


@dataclass(frozen=True, eq=False, slots=True)
class Recipe:
    """What a payload's headers were built from: to build a variant of it."""

    policy: HeaderPolicy
    content_type: str
    vary: tuple[str, ...]
    extra: Headers


@dataclass(frozen=True, eq=False, slots=True)
class Payload:
    """One representation: its identity bytes and, over 1 KB, a gzip twin, compressed
    when built or, for one built per request (`gzip_later`), when a request takes it."""

    language: str  # the body's `language`: what a `requested_language` is compared with
    identity: Encoded
    gzip: Encoded | None
    recipe: Recipe
    gzip_later: bool = False

    @property
    def has_gzip(self) -> bool:
        return self.gzip is not None or self.gzip_later

    def encoded(
        self, codings: AcceptedCodings, zipper: "Callable[[Payload], Encoded] | None" = None
    ) -> Encoded | None:
        """The encoding the request accepts, gzip first; None when none is (a 406). A
        `gzip_later` twin is made by `zipper` (a memo of `zipped`), else anew."""
        gzip = self.gzip
        if gzip is None and self.gzip_later and codings.gzip:
            gzip = zipper(self) if zipper else self.zipped()
        return codings.choose(self.identity, gzip)

    def zipped(self) -> Encoded:
        """The gzip twin of a payload built without it (compressed anew: memoize it)."""
        return _gzip_twin(self.identity.body, self.recipe)

    def with_requested_language(self, requested: str) -> Encoded:
        """The identity bytes with `requested_language` added (the tag is well-formed BCP
        47), built per request: clients choose the tag, so there are as many variants as
        tags (10,000 spellings of Spanish), too many to keep. Only the body's start and
        two headers change, so nothing is rehashed whole: the ETag is derived from the
        original's and the tag, as unique as the bytes it names."""
        original = self.identity
        body = b"".join(
            (b'{"requested_language":"', requested.encode(), b'",', memoryview(original.body)[1:])
        )
        etag = strong_etag((original.etag + requested).encode())
        # Two headers change, at places found by C-level search (a per-header Python loop
        # cost a tenth of a request for clients that rotate their Accept-Language).
        old_etag, new_etag = ("ETag", original.etag), ("ETag", etag)
        headers = list(original.headers)
        headers[headers.index(old_etag)] = new_etag
        headers[-1] = content_length(len(body))  # built last (_encode)
        not_modified = list(original.not_modified_headers)
        not_modified[not_modified.index(old_etag)] = new_etag
        return Encoded(body, etag, tuple(headers), tuple(not_modified))

    def gzip_with_requested_language(self, requested: str) -> Encoded:
        """The gzip twin with `requested_language` added (compressed anew: memoize it)."""
        return _gzip_twin(self.with_requested_language(requested).body, self.recipe)


def etag_of(digest) -> str:
    """The strong ETag of a body whose SHA-256 `digest` (a hashlib object) is given."""
    return '"' + digest.hexdigest()[:32] + '"'


def strong_etag(body: bytes) -> str:
    return etag_of(hashlib.sha256(body))


@functools.lru_cache(maxsize=4096)
def content_length(size: int) -> tuple[str, str]:
    """The Content-Length header for a size (one tuple per size: bodies share sizes)."""
    return ("Content-Length", str(size))


def with_headers(
    body: bytes, policy: HeaderPolicy, content_type: str, etag: str, size: int, *, vary, extra
) -> Encoded:
    """A body of `size` bytes (`body` may be empty: streamed bodies are sent from a file)
    with its 200 and 304 headers, Content-Length last."""
    headers = (*policy.cacheable(content_type, etag, vary, extra), content_length(size))
    return Encoded(body, etag, headers, policy.not_modified(headers))


def _encode(body: bytes, recipe: Recipe, vary, extra) -> Encoded:
    etag = strong_etag(body)
    return with_headers(
        body, recipe.policy, recipe.content_type, etag, len(body), vary=vary, extra=extra
    )


def _gzip_twin(body: bytes, recipe: Recipe) -> Encoded:
    vary = (*recipe.vary, "Accept-Encoding")
    extra = (*recipe.extra, ("Content-Encoding", "gzip"))
    return _encode(gzip.compress(body, compresslevel=9, mtime=0), recipe, vary, extra)


def build_payload(
    body: bytes,
    language: str,
    policy: HeaderPolicy,
    content_type: str,
    *,
    vary=(),
    extra=(),
    gzip_later: bool = False,
) -> Payload:
    """Hash, compress (unless `gzip_later`: see Payload) and precompute the headers of
    one representation.

    The headers are sent as built, unchecked per response (api/serving.StoredResponse):
    the values built per payload are checked here, once."""
    for name, value in extra:
        if not value.isascii() or not value.isprintable():
            raise BuildError(f"header {name}: {value!r} is not printable ASCII")
    recipe = Recipe(policy, content_type, tuple(vary), tuple(extra))
    if len(body) <= GZIP_MINIMUM_BYTES:
        return Payload(language, _encode(body, recipe, recipe.vary, recipe.extra), None, recipe)
    identity = _encode(body, recipe, (*recipe.vary, "Accept-Encoding"), recipe.extra)
    if gzip_later:
        return Payload(language, identity, None, recipe, gzip_later=True)
    return Payload(language, identity, _gzip_twin(body, recipe), recipe)
