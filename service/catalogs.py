"""Load the translation catalogs, check them, and measure how complete each one is.

The .po is read with polib for its translations and for what a compiled .mo drops:
fuzzy flags, line numbers and the provenance headers. Start-up refuses a .mo that
disagrees with its .po (a catalog edited but not compiled). Flask-Babel's gettext
reads a catalog of the interface strings only, built from the same translations.
"""

import datetime
import functools
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polib
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from service.catalog_checks import (
    MEDICAL_REVIEW,
    MEDICAL_REVIEW_DATE,
    NO_REVIEW,
    TRANSLATED_BY,
    check_catalog,
)
from service.config import StartupError
from service.i18n import parse_tag

DOMAIN = "messages"
TEMPLATE_NAME = f"{DOMAIN}.pot"
PO_DATE_FORMAT = "%Y-%m-%d %H:%M%z"  # POT-Creation-Date, PO-Revision-Date


class CatalogError(StartupError):
    """A catalog or the template is missing, unreadable or inconsistent."""


MessageKey = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass(frozen=True)
class MedicalReview:
    reviewer: str | None
    date: datetime.date | None

    @property
    def reviewed(self) -> bool:
        return self.reviewer is not None


@dataclass(frozen=True)
class LanguageCatalog:
    """One language's catalog: its translations and what the .po says about them."""

    tag: str
    po_path: Path
    translations: Translations  # the interface strings only, for Flask-Babel
    translated: dict[MessageKey, str]
    fuzzy: frozenset[MessageKey]
    revision_date: str | None
    last_translator: str | None
    language_team: str | None
    translated_by: str
    medical_review: MedicalReview

    def translate(self, key: MessageKey) -> str | None:
        """The reviewed (non-fuzzy) translation of a message, or None."""
        return self.translated.get(key)


@dataclass(frozen=True)
class Completeness:
    """How many of a set of messages a catalog translates (fuzzy counts as untranslated)."""

    translated: int
    fuzzy: int
    total: int

    @property
    def percent(self) -> float:
        """Rounded down to one decimal, so 99.96% never shows as 100%."""
        return (self.translated * 1000 // self.total) / 10 if self.total else 100.0

    def as_dict(self) -> dict:
        return {**vars(self), "percent": self.percent}

    def meets(self, threshold_percent: int) -> bool:
        return self.translated * 100 >= threshold_percent * self.total

    @classmethod
    def of(cls, catalog: "LanguageCatalog | None", keys) -> "Completeness":
        """Measure a catalog over keys; None stands for the source language (all done)."""
        keys = tuple(keys)
        if catalog is None:
            return cls(len(keys), 0, len(keys))
        return cls(
            translated=sum(key in catalog.translated for key in keys),
            fuzzy=sum(key in catalog.fuzzy for key in keys),
            total=len(keys),
        )


@dataclass(frozen=True)
class Template:
    """The messages every catalog should translate (translations/messages.pot)."""

    keys: tuple[MessageKey, ...]
    # When the strings were last extracted from the source (POT-Creation-Date).
    creation_date: datetime.datetime | None = None

    def article_keys(self, slug: str) -> tuple[MessageKey, ...]:
        """The messages of one article (their contexts are "<slug>/...")."""
        return self._keys_by_article.get(slug, ())

    @functools.cached_property
    def _keys_by_article(self) -> dict[str, tuple[MessageKey, ...]]:
        """Every article's messages, grouped once (not rescanned per article and language)."""
        grouped: dict[str, list[MessageKey]] = {}
        for key in self.keys:
            slug, separator, _ = (key[0] or "").partition("/")
            if separator:
                grouped.setdefault(slug, []).append(key)
        return {slug: tuple(keys) for slug, keys in grouped.items()}


def _key(entry: polib.POEntry) -> MessageKey:
    return entry.msgctxt, entry.msgid


def _read_po(path: Path) -> polib.POFile:
    try:
        return polib.pofile(str(path), encoding="utf-8", check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: cannot be parsed: {error}") from None


def _check_readable(translations_dir: Path):
    if not translations_dir.is_dir() or not os.access(translations_dir, os.R_OK | os.X_OK):
        raise CatalogError(f"{translations_dir}: not a readable directory")


def load_template(translations_dir: Path) -> Template:
    _check_readable(translations_dir)
    path = translations_dir / TEMPLATE_NAME
    if not path.is_file():
        raise CatalogError(f"{path}: the template is missing; run `make translations-extract`")
    pot = _read_po(path)
    created = pot.metadata.get("POT-Creation-Date", "")
    try:
        creation_date = datetime.datetime.strptime(created, PO_DATE_FORMAT)
    except ValueError:
        raise CatalogError(
            f"{path}: POT-Creation-Date {created!r} is not a date like 2026-11-24 10:00+0000; "
            "run `make translations-extract`"
        ) from None
    return Template(
        keys=tuple(_key(entry) for entry in pot if not entry.obsolete),
        creation_date=creation_date,
    )


def catalog_paths(translations_dir: Path) -> dict[str, Path]:
    """Map each catalog's BCP 47 tag to its .po file, in tag order."""
    _check_readable(translations_dir)
    try:
        paths = sorted(translations_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    except OSError as error:
        raise CatalogError(f"{translations_dir}: cannot be read: {error.strerror}") from None
    found = {}
    for path in paths:
        directory = path.parent.parent.name
        tag = parse_tag(directory)
        if tag is None or tag.babel_name != directory:
            raise CatalogError(f"{path}: directory {directory!r} is not a Babel locale name")
        found[tag.tag] = path
    return found


def _medical_review(metadata: dict) -> MedicalReview:
    """The review named by a checked catalog's headers."""
    reviewer = metadata[MEDICAL_REVIEW].strip()
    if reviewer == NO_REVIEW:
        return MedicalReview(None, None)
    return MedicalReview(reviewer, datetime.date.fromisoformat(metadata[MEDICAL_REVIEW_DATE]))


def _load_mo(mo_path: Path) -> Translations:
    if not mo_path.is_file():
        raise CatalogError(f"{mo_path}: not compiled; run `make translations`")
    try:
        with mo_path.open("rb") as mo_file:
            return Translations(mo_file, domain=DOMAIN)
    except Exception as error:  # gettext raises whatever the bytes trip: all mean corrupted
        raise CatalogError(f"{mo_path}: corrupted compiled catalog: {error}") from None


def _interface_translations(babel_name: str, translated: dict[MessageKey, str]) -> Translations:
    """The interface strings as a gettext catalog, for Flask-Babel: the messages without
    a msgctxt (every content string has one, "<slug>/<section>"). The whole .mo, kept,
    held another copy of every article's English: 30 MB at a thousand articles."""
    catalog = Catalog(locale=babel_name, domain=DOMAIN)
    for (context, msgid), msgstr in translated.items():
        if context is None:
            catalog.add(msgid, msgstr)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def load_catalog(
    tag: str, po_path: Path, shared_keys: Mapping[MessageKey, MessageKey] = MappingProxyType({})
) -> LanguageCatalog:
    """Load one language's .po and .mo; raise CatalogError naming the file and entry.

    Keys found in `shared_keys` (the template's) are stored as that one object, and
    each translation as the .mo's string: with a thousand articles, a copy of the
    English per catalog and of each translation per file was a fifth of the memory.
    """
    po = _read_po(po_path)
    if problems := check_catalog(po, po_path, po_path.parent.parent.name):
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CatalogError(f"{problems[0]}{more}; run `make translations-check`")
    translated, fuzzy = {}, set()
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        key = _key(entry)
        key = shared_keys.get(key, key)
        if entry.fuzzy:
            fuzzy.add(key)
        elif entry.msgstr:
            translated[key] = entry.msgstr
    metadata = po.metadata
    del po  # its parsed entries (tens of MB per catalog at a thousand articles) go

    translations = _load_mo(po_path.with_suffix(".mo"))
    for key, msgstr in translated.items():
        context, msgid = key
        compiled = translations.pgettext(context, msgid) if context else translations.gettext(msgid)
        if compiled != msgstr:
            raise CatalogError(
                f"{po_path.with_suffix('.mo')}: stale against {po_path.name} "
                f"(entry {context or ''}|{msgid[:40]!r}); run `make translations`"
            )
        translated[key] = compiled
    return LanguageCatalog(
        tag=tag,
        po_path=po_path,
        translations=_interface_translations(po_path.parent.parent.name, translated),
        translated=translated,
        fuzzy=frozenset(fuzzy),
        revision_date=metadata.get("PO-Revision-Date") or None,
        last_translator=metadata.get("Last-Translator") or None,
        language_team=metadata.get("Language-Team") or None,
        translated_by=metadata[TRANSLATED_BY].strip(),
        medical_review=_medical_review(metadata),
    )


def load_catalogs(translations_dir: Path, template: Template) -> dict[str, LanguageCatalog]:
    """Load every catalog under translations_dir, keyed by BCP 47 tag."""
    shared_keys = {key: key for key in template.keys}
    return {
        tag: load_catalog(tag, path, shared_keys)
        for tag, path in catalog_paths(translations_dir).items()
    }
