"""Offline bundles: every article available in a language, whole, in one document.

GET /v1/bundles/{lang} is what a mobile app downloads once to read offline; it then
keeps current with the change feed (README "Offline bundles"). The document is

    {"language", "direction", "format", "modified",
     "manifest": {"articles": [slug, url, modified, etag...], "removed": [...]},
     "articles": [each article's payload]}

whose `articles` are the very bytes GET /v1/articles/{slug}?lang= sends (identity), so
a bundle never says anything the API does not. Articles not available in the language
are left out: the English bundle has every published one.

At a thousand articles a bundle is tens of MB per language, too much to hold twenty
of in every worker. So the bundles are written once, when the store is built, to a
file outside the heap (identity and gzip, hashed for their ETags as they are written):
a temporary file for a store built in-process, the compiled store's own file after its
pickle for `make store` (service/compiled_store.py). A request streams its byte range
with os.pread (no shared file position, so threads and forked workers share the file),
and a worker holds only offsets and headers.
"""

import datetime
import hashlib
import os
import tempfile
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from service import schemas
from service.encoding import BuildError, Encoded, Payload, build_payload, etag_of, with_headers
from service.encodings import AcceptedCodings
from service.headers import JSON, shared
from service.i18n import SOURCE_LANGUAGE, text_direction
from service.urls import ResourceKey, article_url, bundle_url, with_lang
from service.validation import serialize

if TYPE_CHECKING:
    from service.payloads import PayloadStore

FORMAT = 1
BUNDLE_SCHEMA = schemas.BundleSchema()
INDEX_SCHEMA = schemas.BundleIndexSchema()
# What the head of a bundle ends with when dumped with no articles: they go in its place.
EMPTY_TAIL = b'"articles":[]}'
# zlib's level 6: over the first article in its 21 languages, level 9 saved 0.4% of the
# bytes for 45% more time.
GZIP_LEVEL = 6
GZIP_WINDOW = 16 + zlib.MAX_WBITS  # a gzip member (header with mtime 0), not raw zlib
CHUNK_BYTES = 1 << 20  # what one read of a streamed bundle takes from the file
VARY = ("Accept-Encoding",)


@dataclass(frozen=True, eq=False, slots=True)
class StoredBody:
    """One encoding of a bundle: where its bytes are in the bundle file, and its headers
    (its `encoded.body` is empty: the bytes are streamed)."""

    offset: int
    length: int
    encoded: Encoded


@dataclass(frozen=True, eq=False, slots=True)
class Bundle:
    language: str
    articles: int
    modified: datetime.datetime
    identity: StoredBody
    gzip: StoredBody

    def stored(self, codings: AcceptedCodings) -> StoredBody | None:
        """The encoding the request accepts, gzip first; None when neither is (a 406)."""
        return codings.choose(self.identity, self.gzip)


class Bundles:
    """Every offered language's bundle, the index of them, and the file with their bytes."""

    def __init__(self, by_language: dict[str, Bundle], index: Payload, file: BinaryIO, built_in):
        self.by_language = by_language
        self.by_lower = {tag.lower(): bundle for tag, bundle in by_language.items()}
        self.index = index
        self.built_in = built_in  # seconds the build took (make store and make bench say)
        self.file: BinaryIO | None = None
        self.base = 0  # where the bundle bytes start in `file`
        self.attach(file, 0)

    def __getstate__(self) -> dict:
        """The compiled store pickles everything but the file; it copies the file's bytes
        after its pickle and attaches its own file on loading."""
        return {name: value for name, value in vars(self).items() if name != "file"}

    def __setstate__(self, state: dict):
        vars(self).update(state)
        self.file = None

    def attach(self, file: BinaryIO, base: int) -> None:
        """Read the bytes from `file` at `base`, and close it when this is dropped (a
        replaced store, on a reload)."""
        self.file, self.base = file, base
        weakref.finalize(self, file.close)

    def summary(self) -> str:
        """One line for `make store` and `make bench`: sizes and build time."""
        sizes = sum(bundle.identity.length for bundle in self.by_language.values())
        zipped = sum(bundle.gzip.length for bundle in self.by_language.values())
        return (
            f"bundles: {len(self.by_language)} languages, {sizes / 1e6:.1f} MB "
            f"({zipped / 1e6:.1f} MB gzip), built in {self.built_in:.1f} s"
        )

    def find(self, tag: str) -> Bundle | None:
        """The bundle a path names: tags match in any case, `_` as `-` (pt_br is pt-BR)."""
        return self.by_lower.get(tag.replace("_", "-").lower())

    def chunks(self, body: StoredBody) -> Iterator[bytes]:
        """The bytes of one stored body, a chunk at a time."""
        assert self.file is not None, "a loaded store has its file attached"
        descriptor = self.file.fileno()
        position, end = self.base + body.offset, self.base + body.offset + body.length
        while position < end:
            chunk = os.pread(descriptor, min(CHUNK_BYTES, end - position), position)
            if not chunk:
                raise OSError(f"bundle file ends {end - position} bytes early")
            position += len(chunk)
            yield chunk


def _stored(
    file: BinaryIO, pieces: Iterable[bytes], store: "PayloadStore", extra, *, gzip: bool
) -> StoredBody:
    """Write one encoding of a bundle at the end of `file`, hashing it as it goes."""
    offset, digest, length = file.tell(), hashlib.sha256(), 0
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WINDOW) if gzip else None

    def write(data: bytes):
        nonlocal length
        digest.update(data)
        length += file.write(data)

    for piece in pieces:
        write(compressor.compress(piece) if compressor else piece)
    if compressor:
        write(compressor.flush())
    if gzip:
        extra = (*extra, ("Content-Encoding", "gzip"))
    headers = with_headers(b"", store.policy, JSON, etag_of(digest), length, vary=VARY, extra=extra)
    return StoredBody(offset, length, headers)


def _content_languages(payloads: list[Payload], tag: str) -> str:
    """Every language in the bundle, its own first (sections may be served in English)."""
    languages = [tag]
    for payload in payloads:
        for name, value in payload.recipe.extra:
            if name == "Content-Language":
                languages += value.split(", ")
    return ", ".join(dict.fromkeys(languages))


def _write_bundle(store: "PayloadStore", tag: str, removed: list[dict], file: BinaryIO) -> Bundle:
    slugs = [slug for slug in store.articles if tag in store.available[slug]]
    payloads = [store.payloads[ResourceKey("article", slug), tag] for slug in slugs]
    modified = max(
        [store.modified[slug, tag] for slug in slugs] + [entry["removed_at"] for entry in removed],
        default=store.catalogs.template.created,
    )
    head = serialize(
        BUNDLE_SCHEMA,
        {
            "language": tag,
            "direction": text_direction(tag),
            "format": FORMAT,
            "modified": modified,
            "manifest": {
                "articles": [
                    {
                        "slug": slug,
                        "url": with_lang(article_url(slug), tag),
                        "modified": store.modified[slug, tag],
                        "etag": payload.identity.etag,
                        "etag_gzip": payload.gzip.etag if payload.gzip else None,
                    }
                    for slug, payload in zip(slugs, payloads, strict=True)
                ],
                "removed": removed,
            },
            "articles": [],
        },
        f"{bundle_url(tag)}",
    )
    if not head.endswith(EMPTY_TAIL):
        raise BuildError(f"{bundle_url(tag)}: BundleSchema must dump `articles` last")

    def pieces() -> Iterator[bytes]:
        yield head[: -len(b"]}")]
        for number, payload in enumerate(payloads):
            if number:
                yield b","
            yield payload.identity.body
        yield b"]}"

    extra = (
        shared("Content-Language", _content_languages(payloads, tag)),
        ("Content-Location", bundle_url(tag)),
    )
    return Bundle(
        tag,
        len(slugs),
        modified,
        _stored(file, pieces(), store, extra, gzip=False),
        _stored(file, pieces(), store, extra, gzip=True),
    )


def build_bundles(store: "PayloadStore") -> Bundles:
    """Write every offered language's bundle to a new temporary file, and their index."""
    started = time.perf_counter()
    file = tempfile.TemporaryFile()  # noqa: SIM115 - kept open by the store (attach)
    removed = store.removed_entries(sorted(store.withdrawn))
    by_language = {tag: _write_bundle(store, tag, removed, file) for tag in store.offered}
    file.flush()
    body = serialize(
        INDEX_SCHEMA,
        {
            "bundles": [
                {
                    "language": tag,
                    "url": bundle_url(tag),
                    "articles": bundle.articles,
                    "modified": bundle.modified,
                    "etag": bundle.identity.encoded.etag,
                    "size": bundle.identity.length,
                    "etag_gzip": bundle.gzip.encoded.etag,
                    "size_gzip": bundle.gzip.length,
                }
                for tag, bundle in by_language.items()
            ]
        },
        "bundle index",
    )
    index = build_payload(body, SOURCE_LANGUAGE, store.policy, JSON)
    return Bundles(by_language, index, file, time.perf_counter() - started)
