"""The payload store, compiled ahead of serving the way catalogs are compiled to `.mo`.

Building every payload (parse, localize, dump through the schemas, serialize, gzip,
hash) takes tens of seconds for a thousand articles in twenty languages; loading the
result takes about a second. So `make store` (`flask store compile`, also run by the
Docker build) builds the store once and writes it to STORE_PATH, and every server
start and reload loads it. The file starts with one line of JSON saying what it was
built from (format version, a digest of the content, catalogs and code, the settings
that shape payloads, and the digest of the rest); loading checks each, so a store that
is stale or damaged refuses to start with one line naming what differs, and one that
loads serves exactly what an in-process build would.

After the pickle come the offline bundles' bytes (service/bundles.py): the loaded store
keeps the file open and streams them from it, so no worker holds them.

The search index (service/search) is built with it, into a directory beside the file
that the header names (`<store>.search-<id>`): workers open it by memory map and share
its pages. `make store` keeps the index the previous store named (workers forked before
a reload may still open it) and removes older ones.

Without STORE_PATH (tests, tools, a developer's custom directories) the store, its
bundles (in a temporary file) and its index are built in-process.
"""

import gc
import hashlib
import json
import os
import pickle
import shutil
import time
from importlib import metadata
from pathlib import Path

from service.bundles import Bundles
from service.config import PACKAGE_DIR, StartupError
from service.payloads import PayloadStore, build_store
from service.search.index import SearchIndex, build_index

# Bump when the pickled classes change shape in a way the code digest would not show.
# 2: the bundles' bytes follow the pickle; 3: the header names the search index.
FORMAT_VERSION = 3
MAGIC = b"patient-info-store"
# The settings compiled into payloads (their headers, links and language availability).
COMPILED_SETTINGS = (
    "CACHE_MAX_AGE",
    "CORS_ALLOWED_ORIGINS",
    "PUBLIC_BASE_URL",
    "ARTICLES_PER_PAGE",
    "TRANSLATION_COMPLETENESS_THRESHOLD",
)
# Libraries whose output is in the payloads (names, schemas, Markdown, catalogs).
LIBRARIES = ("babel", "marshmallow", "markdown-it-py", "polib", "Flask")
# Libraries whose output is in the search index (its format, stems, word boundaries).
SEARCH_LIBRARIES = ("tantivy", "PyStemmer", "regex")


class StoreError(StartupError):
    """The compiled store is missing, stale or damaged: one line says which, and how to fix it."""


def _files(directory: Path, patterns: tuple[str, ...]) -> list[Path]:
    return sorted(path for pattern in patterns for path in directory.rglob(pattern))


def _digest_files(digest, directory: Path, patterns: tuple[str, ...]) -> None:
    for path in _files(directory, patterns):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def input_digests(config: dict) -> dict[str, str]:
    """What the store is built from, each as a digest: content, catalogs, code, libraries."""
    parts = {
        "content": (config["CONTENT_DIR"], ("*.md", "*.toml")),
        "catalogs": (config["TRANSLATIONS_DIR"], ("*.po", "*.pot")),
        "code": (PACKAGE_DIR, ("*.py",)),
    }
    digests = {}
    for name, (directory, patterns) in parts.items():
        digest = hashlib.sha256()
        _digest_files(digest, Path(directory), patterns)
        digests[name] = digest.hexdigest()
    versions = ",".join(
        f"{name}={metadata.version(name)}" for name in (*LIBRARIES, *SEARCH_LIBRARIES)
    )
    digests["libraries"] = hashlib.sha256(versions.encode()).hexdigest()
    return digests


def compiled_settings(config: dict) -> dict[str, object]:
    """The settings as the header holds them (JSON: tuples become lists)."""
    return json.loads(json.dumps({name: config[name] for name in COMPILED_SETTINGS}))


def _header(config: dict, body_sha256: str, search_index: str) -> dict:
    return {
        "format": FORMAT_VERSION,
        "inputs": input_digests(config),
        "settings": compiled_settings(config),
        "body_sha256": body_sha256,
        "search_index": search_index,
    }


def _search_index_path(path: Path, header: dict) -> Path:
    """The index directory the header names, beside the store file."""
    name = header.get("search_index")
    if not isinstance(name, str) or not name.startswith(path.name + ".search-") or "/" in name:
        raise StoreError(f"{path}: damaged (no search index named); run `make store`")
    return path.with_name(name)


def _open_search_index(path: Path, header: dict) -> SearchIndex:
    directory = _search_index_path(path, header)
    index = SearchIndex(directory)
    try:
        index.check()
    except (ValueError, OSError):
        raise StoreError(
            f"{directory}: missing or damaged search index; run `make store`"
        ) from None
    return index


def _remove_old_indexes(path: Path, kept: set[str]) -> None:
    for directory in path.parent.glob(path.name + ".search-*"):
        if directory.name not in kept:
            shutil.rmtree(directory, ignore_errors=True)


class _HashingWriter:
    """A file for pickle.dump that hashes what it writes: the body is never held whole."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.file.write(data)


def compile_store(config: dict, path: Path) -> Bundles | None:
    """Build the store and write it to `path` (atomically): its bundles, to report on;
    None when the file there is already up to date, so `make` can call this on every run."""
    if path.is_file():
        try:
            header, start = _read_header(path)
            _check_header(config, path, header)
            with path.open("rb") as file:
                _check_body(path, file, start, header)
            _open_search_index(path, header)
            return None
        except (StoreError, OSError):
            pass  # stale or damaged: rebuild
    previous = _previous_index(path)
    store = build_store(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    search_index = f"{path.name}.search-{time.time_ns():x}"
    build_index(store, path.with_name(search_index))
    body_path = path.with_name(path.name + ".body")
    partial = path.with_name(path.name + ".partial")
    try:
        # The body is pickled to a file, hashed as it goes, then copied after the header
        # (which names its digest): memory holds the store once, never its bytes too.
        with body_path.open("w+b") as body:
            writer = _HashingWriter(body)
            pickle.dump(store, writer, protocol=pickle.HIGHEST_PROTOCOL)
            # The bundles' bytes follow the pickle (service/bundles.py), never unpickled.
            bundles_at = body.tell()
            bundle_file = store.bundles.file
            assert bundle_file is not None, "a built store has its bundle file"
            bundle_file.seek(0)
            shutil.copyfileobj(bundle_file, writer, 1 << 20)
            header = {
                **_header(config, writer.digest.hexdigest(), search_index),
                "bundles_at": bundles_at,
            }
            line = json.dumps(header, sort_keys=True)
            body.seek(0)
            with partial.open("wb") as file:
                file.write(MAGIC + b" " + line.encode() + b"\n")
                shutil.copyfileobj(body, file, 1 << 20)
        os.replace(partial, path)
    except BaseException:
        shutil.rmtree(path.with_name(search_index), ignore_errors=True)
        raise
    finally:
        body_path.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    _remove_old_indexes(path, {search_index, *previous})
    return store.bundles


def _previous_index(path: Path) -> tuple[str, ...]:
    """The index directory the store at `path` names now, if any."""
    try:
        header, _ = _read_header(path)
        return (_search_index_path(path, header).name,)
    except StoreError:
        return ()


def _read_header(path: Path) -> tuple[dict, int]:
    """The header and where the body starts."""
    try:
        with path.open("rb") as file:
            line = file.readline(1 << 16)
    except FileNotFoundError:
        raise StoreError(f"{path}: no compiled store; run `make store`") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read: {error.strerror}") from None
    magic, _, header = line.partition(b" ")
    try:
        if magic != MAGIC:
            raise ValueError("not a store file")
        decoded = json.loads(header)
        if not isinstance(decoded, dict):
            raise ValueError("header is not an object")
    except ValueError:
        raise StoreError(f"{path}: not a compiled store (damaged?); run `make store`") from None
    return decoded, len(line)


def _check_header(config: dict, path: Path, header: dict) -> None:
    """Refuse a store built by another format, from other inputs or with other settings."""
    if header.get("format") != FORMAT_VERSION:
        raise StoreError(
            f"{path}: compiled by another version of the service (format "
            f"{header.get('format')}, this one reads {FORMAT_VERSION}); run `make store`"
        )
    built_from, now = header.get("inputs") or {}, input_digests(config)
    if changed := [name for name in now if built_from.get(name) != now[name]]:
        raise StoreError(
            f"{path}: stale: the {' and '.join(changed)} changed since it was compiled; "
            "run `make store`"
        )
    built_with, settings = header.get("settings") or {}, compiled_settings(config)
    if differing := [name for name in settings if built_with.get(name) != settings[name]]:
        shown = ", ".join(
            f"{name}={built_with.get(name)!r} (configured: {settings[name]!r})"
            for name in differing
        )
        raise StoreError(
            f"{path}: compiled with other settings: {shown}; run `make store` "
            "with the settings the service runs with"
        )


def _check_body(path: Path, file, start: int, header: dict) -> None:
    """Refuse a body whose digest is not the header's (read as a stream)."""
    file.seek(start)
    if hashlib.file_digest(file, "sha256").hexdigest() != header.get("body_sha256"):
        raise StoreError(f"{path}: damaged (its digest does not match); run `make store`")


def load_store(config: dict, path: Path) -> PayloadStore:
    """Load the compiled store at `path`, refusing one that is stale or damaged.

    The file is read twice, as a stream (its digest, then the objects), so loading
    never holds its bytes and the objects made from them at once."""
    header, start = _read_header(path)
    _check_header(config, path, header)
    try:
        # Kept open by the store: its bundles are streamed from it (service/bundles.py),
        # and this inode stays readable when a new `make store` replaces the path.
        file = path.open("rb")
    except OSError as error:
        raise StoreError(f"{path}: cannot be read: {error.strerror}") from None
    try:
        _check_body(path, file, start, header)
        file.seek(start)
        gc.disable()  # a collection every few thousand objects made loading 5x slower
        try:
            store = pickle.load(file)  # noqa: S301 - our own build artifact, digest checked
        finally:
            gc.enable()
        if not isinstance(store, PayloadStore) or not isinstance(header.get("bundles_at"), int):
            raise StoreError(f"{path}: damaged (not a payload store); run `make store`")
        store.bundles.attach(file, start + header["bundles_at"])
        store.search = _open_search_index(path, header)
    except OSError as error:
        file.close()
        raise StoreError(f"{path}: cannot be read: {error.strerror}") from None
    except BaseException:
        file.close()
        raise
    return store


def serving_store(config: dict) -> PayloadStore:
    """The store to serve: loaded from STORE_PATH when it is set, else built here."""
    if config.get("STORE_PATH"):
        return load_store(config, Path(config["STORE_PATH"]))
    store = build_store(config)
    try:
        store.search = SearchIndex.built_in_process(store)
    except (ValueError, OSError) as error:
        raise StoreError(f"the search index could not be built: {error}") from None
    return store
