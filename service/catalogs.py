"""Compile, load and measure the translation catalogs.

`compile_catalog` is the one gate between a translator's `.po` and the service: it runs
every check (service/catalog_checks.py) and only then writes the `.mo`, stamped with
the SHA-256 of the `.po` it came from and the number of fuzzy entries (which a `.mo`
leaves out). The service reads only `.mo` files, a tenth of the cost of parsing `.po`
(thousands of article catalogs), and refuses one whose stamp does not match its `.po`:
a catalog edited but not compiled (or compiled from a broken `.po`) never serves.

A medical review is recorded with the digest of the text it covered
(`flask translate review`, X-Medical-Review-Digest). `compile_catalog` stamps the digest
of the text as compiled into the `.mo` (X-Text-Digest), and a review whose digest is not
that one is *outdated*: the service publishes the catalog as not reviewed, and says so.
"""

import datetime
import gettext
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polib

from service.catalog_checks import (
    MEDICAL_REVIEW,
    MEDICAL_REVIEW_DATE,
    MEDICAL_REVIEW_DIGEST,
    MEDICAL_REVIEW_QUALIFICATION,
    NO_REVIEW,
    TRANSLATED_BY,
    CatalogProblem,
    check_catalog,
)
from service.catalog_files import (
    CatalogError,
    CatalogFile,
    article_templates,
    catalog_files,
    check_readable,
    interface_template_path,
    unparsable,
)

PO_DATE_FORMAT = "%Y-%m-%d %H:%M%z"  # POT-Creation-Date, PO-Revision-Date
SOURCE_DIGEST = "X-Source-Digest"  # written into the .mo only
FUZZY_ENTRIES = "X-Fuzzy-Entries"  # written into the .mo only
TEXT_DIGEST = "X-Text-Digest"  # written into the .mo only: text_digest of its .po

MessageKey = tuple[str | None, str]  # (msgctxt, msgid)
CONTEXT_SEPARATOR = "\x04"  # between msgctxt and msgid in a .mo


def parse_po_date(text: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(text or "", PO_DATE_FORMAT)
    except ValueError:
        return None


def text_digest(po: polib.POFile) -> str:
    """The digest of a catalog's text, as a medical review covers it: "sha256:" and the
    hex SHA-256 of its translated entries (not fuzzy, not obsolete, every form filled).

    Each entry is the JSON array [msgctxt or null, msgid, msgstr]; a plural entry is
    written as a .mo writes it, msgid and msgid_plural joined by NUL (U+0000) and the
    msgstr forms, in index order, joined by NUL. The entries are sorted (those without a
    msgctxt first, then by msgctxt, then msgid, by code point) into one JSON array with
    no white space and non-ASCII characters as themselves, encoded in UTF-8. So headers
    (PO-Revision-Date, the review's own), comments, flags of translated entries other
    than fuzzy, entry order and line wrapping do not change it; any change to a
    translated text, or an entry translated, emptied or made fuzzy, does."""
    entries = []
    for entry in po:
        if not entry.translated():  # polib: False for obsolete and fuzzy entries too
            continue
        if entry.msgid_plural:
            msgid = f"{entry.msgid}\0{entry.msgid_plural}"
            msgstr = "\0".join(text for _, text in sorted(entry.msgstr_plural.items()))
        else:
            msgid, msgstr = entry.msgid, entry.msgstr
        entries.append((entry.msgctxt is not None, entry.msgctxt or "", msgid, msgstr))
    entries.sort()
    canonical = [
        [context if has_context else None, msgid, msgstr]
        for has_context, context, msgid, msgstr in entries
    ]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# MedicalReview.status's values, as the API's schema lists them.
MEDICAL_REVIEW_STATUSES = ("reviewed", "outdated", "none")


@dataclass(frozen=True)
class MedicalReview:
    """A qualified medical translator's sign-off of a catalog, or none; `outdated` when
    the catalog's text is no longer the text reviewed (or the review records no digest
    to show it is), which counts as not reviewed."""

    reviewer: str | None
    qualification: str | None
    date: datetime.date | None
    outdated: bool = False

    @property
    def reviewed(self) -> bool:
        return self.reviewer is not None and not self.outdated

    @property
    def status(self) -> str:
        return "reviewed" if self.reviewed else "outdated" if self.reviewer else "none"

    def as_dict(self) -> dict:
        """The API's `medical_review`: reviewer, qualification and date only of a review
        that covers the text (as in v1 before outdated reviews); an outdated one is in
        `outdated_review`."""
        recorded = {
            "reviewer": self.reviewer,
            "qualification": self.qualification,
            "date": self.date,
        }
        current = self.reviewed
        return {
            "reviewed": current,
            **(recorded if current else dict.fromkeys(recorded)),
            "status": self.status,
            "outdated_review": recorded if self.outdated else None,
        }


NOT_REVIEWED = MedicalReview(None, None, None)


@dataclass(frozen=True)
class Provenance:
    """Who made a catalog's text and who checked it, as its headers say (None: unknown)."""

    translated_by: str | None
    last_translator: str | None
    language_team: str | None
    revised: datetime.datetime | None  # PO-Revision-Date
    medical_review: MedicalReview

    def as_dict(self) -> dict:
        return {
            "translated_by": self.translated_by,
            "last_translator": self.last_translator,
            "revised": self.revised,
            "medical_review": self.medical_review.as_dict(),
        }


def _header(metadata: dict, name: str) -> str | None:
    return metadata.get(name.lower(), "").strip() or None


def compiled_provenance(metadata: dict) -> Provenance:
    """Provenance from a compiled catalog's headers, which carry its text's digest."""
    return provenance_of(metadata, metadata.get(TEXT_DIGEST.lower()))


def provenance_of(metadata: dict, digest: str | None) -> Provenance:
    """Provenance from a catalog's headers (names in lower case, as gettext gives them);
    `digest` is the text_digest of the catalog's text now (None: unknown, so a review
    is outdated)."""
    reviewer = _header(metadata, MEDICAL_REVIEW)
    if reviewer in (None, NO_REVIEW):
        review = NOT_REVIEWED
    else:
        recorded = _header(metadata, MEDICAL_REVIEW_DIGEST)
        review = MedicalReview(
            reviewer,
            _header(metadata, MEDICAL_REVIEW_QUALIFICATION),
            datetime.date.fromisoformat(_header(metadata, MEDICAL_REVIEW_DATE) or ""),
            outdated=recorded is None or recorded != digest,
        )
    return Provenance(
        translated_by=_header(metadata, TRANSLATED_BY),
        last_translator=_header(metadata, "Last-Translator"),
        language_team=_header(metadata, "Language-Team"),
        revised=parse_po_date(_header(metadata, "PO-Revision-Date")),
        medical_review=review,
    )


def review_of(po: polib.POFile) -> MedicalReview:
    """A .po's medical review, against its text as it is now (ValueError: a bad date)."""
    metadata = {name.lower(): value for name, value in po.metadata.items()}
    return provenance_of(metadata, text_digest(po)).medical_review


def outdated_review(po: polib.POFile) -> str | None:
    """Why a .po's recorded medical review does not cover its text, if it does not (the
    review then counts as none: `translate check` warns, never fails)."""
    try:
        review = review_of(po)
    except ValueError:
        return None  # a bad review date: check_catalog reports it
    if not review.outdated:
        return None
    who = f"the medical review by {review.reviewer} ({review.date})"
    if not po.metadata.get(MEDICAL_REVIEW_DIGEST, "").strip():
        return (
            f"{who} has no {MEDICAL_REVIEW_DIGEST} (written by hand?), so it is published as "
            "outdated, not reviewed: the reviewer records it with `translate review`"
        )
    return (
        f"{who} is outdated: the text changed since it was reviewed, so it is published as "
        "not reviewed; ask for a new review (`translate review`), or undo the change"
    )


@dataclass(frozen=True)
class Catalog:
    """One language's translations of the interface or of one article."""

    file: CatalogFile
    translated: dict[MessageKey, str]  # reviewed (non-fuzzy) translations only
    fuzzy_entries: int
    provenance: Provenance

    @property
    def tag(self) -> str:
        return self.file.tag

    def translate(self, key: MessageKey) -> str | None:
        """The translation of a message, or None (untranslated or fuzzy)."""
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
    def of(cls, catalog: Catalog | None, keys: tuple[MessageKey, ...], *, source=False):
        """Measure a catalog over keys: `source` for the English (all done), None for a
        language with no catalog for them (nothing done)."""
        if source:
            return cls(len(keys), 0, len(keys))
        if catalog is None:
            return cls(0, 0, len(keys))
        translated = sum(key in catalog.translated for key in keys)
        fuzzy = min(catalog.fuzzy_entries, len(keys) - translated)
        return cls(translated, fuzzy, len(keys))


@dataclass(frozen=True)
class Template:
    """The interface messages every language must translate to be offered."""

    keys: tuple[MessageKey, ...]
    created: datetime.datetime  # POT-Creation-Date: when the English was last extracted


def read_po(path: Path) -> polib.POFile:
    """Parse a .po or .pot; one CatalogError line naming the file and line if it is broken."""
    try:
        return polib.pofile(str(path), encoding="utf-8", check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as error:  # polib's name the line
        raise unparsable(path, error) from None


# The header line a template's date is on. Reading it alone, rather than parsing a
# thousand templates whole, saves a tenth of start-up at a thousand articles.
_CREATION_DATE_LINE = re.compile(rb'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.MULTILINE)


def template_created(path: Path) -> datetime.datetime:
    """When a template's English was extracted (its POT-Creation-Date header)."""
    try:
        with path.open("rb") as template:
            head = template.read(4096)
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read: {error.strerror}") from None
    match = _CREATION_DATE_LINE.search(head)
    created = match[1].decode("ascii", "replace") if match else ""
    moment = parse_po_date(created)
    if moment is None:
        raise CatalogError(
            f"{path}: POT-Creation-Date {created!r} is not a date like 2026-11-24 10:00+0000; "
            "run `make translations-update`"
        )
    return moment


def load_interface_template(translations_dir: Path) -> Template:
    check_readable(translations_dir)
    path = interface_template_path(translations_dir)
    if not path.is_file():
        raise CatalogError(f"{path}: the template is missing; run `make translations-update`")
    keys = tuple((entry.msgctxt, entry.msgid) for entry in read_po(path) if not entry.obsolete)
    return Template(keys, template_created(path))


def source_digest(path: Path) -> str:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read: {error.strerror}") from None


def compile_catalog(file: CatalogFile) -> list[CatalogProblem]:
    """Check one .po and, if it passes, write its .mo; return the problems found."""
    po = read_po(file.po_path)
    if problems := check_catalog(po, file.po_path, file.babel_name):
        return problems
    po.metadata[SOURCE_DIGEST] = source_digest(file.po_path)
    po.metadata[FUZZY_ENTRIES] = str(len(po.fuzzy_entries()))
    po.metadata[TEXT_DIGEST] = text_digest(po)
    po.save_as_mofile(str(file.mo_path))
    return []


def load_catalog(file: CatalogFile, shared_keys: dict[MessageKey, MessageKey]) -> Catalog:
    """Load one compiled catalog; refuse it when it is missing or stale against its .po.

    Keys found in `shared_keys` (the articles' and the template's) are stored as that
    one object: with a thousand articles, a copy of the English per catalog was a fifth
    of the memory."""
    if not file.mo_path.is_file():
        raise CatalogError(f"{file.mo_path}: not compiled; run `make translations`")
    try:
        with file.mo_path.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)
    except Exception as error:  # gettext raises whatever the bytes trip: all mean corrupted
        raise CatalogError(f"{file.mo_path}: corrupted compiled catalog: {error}") from None
    metadata = compiled.info()
    if metadata.get(SOURCE_DIGEST.lower()) != source_digest(file.po_path):
        raise CatalogError(
            f"{file.mo_path}: stale against {file.po_path.name} (edited since it was "
            "compiled, or it fails the checks); run `make translations`"
        )
    translated = {}
    # gettext has no public lookup that tells a missing translation from one equal to
    # the English, so the parsed catalog is read directly.
    for raw_key, msgstr in compiled._catalog.items():  # type: ignore[attr-defined]
        if not isinstance(raw_key, str) or not raw_key:
            continue  # the header entry, and plural forms (which articles do not use)
        context, separator, msgid = raw_key.partition(CONTEXT_SEPARATOR)
        key: MessageKey = (context, msgid) if separator else (None, raw_key)
        translated[shared_keys.get(key, key)] = msgstr
    return Catalog(
        file=file,
        translated=translated,
        fuzzy_entries=int(metadata.get(FUZZY_ENTRIES.lower(), "0")),
        provenance=compiled_provenance(metadata),
    )


@dataclass(frozen=True)
class Catalogs:
    """Every compiled catalog the service serves from."""

    template: Template  # the interface's
    interface: dict[str, Catalog]  # by tag: the languages with a catalog
    articles: dict[tuple[str, str], Catalog]  # by (slug, tag)
    # When each article's English was last extracted (its template's POT-Creation-Date).
    extracted: dict[str, datetime.datetime]

    def of_article(self, slug: str, tag: str) -> Catalog | None:
        return self.articles.get((slug, tag))


def load_catalogs(translations_dir: Path, article_keys: Mapping[str, tuple[MessageKey, ...]]):
    """Load the interface template and every compiled catalog of the articles given
    (slug -> message keys). A catalog of an article that does not exist is not loaded
    (`flask translate check` reports it)."""
    template = load_interface_template(translations_dir)
    shared_keys = {key: key for keys in (template.keys, *article_keys.values()) for key in keys}
    interface, articles = {}, {}
    for file in catalog_files(translations_dir):
        if file.article is None:
            interface[file.tag] = load_catalog(file, shared_keys)
        elif file.article in article_keys:
            articles[file.article, file.tag] = load_catalog(file, shared_keys)
    templates = article_templates(translations_dir)
    extracted = {
        slug: template_created(templates[slug]) for slug in article_keys if slug in templates
    }
    return Catalogs(template, interface, articles, extracted)
