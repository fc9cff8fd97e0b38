"""What the translator commands do to the files: extract templates, merge them into every
catalog, start a language, and find what is stale or left over.

Babel does the gettext work (extraction from the code, merging with fuzzy matching,
CLDR plural rules); polib writes the final file, because Babel drops the headers it
does not know, and those carry the provenance (X-Translated-By, X-Medical-Review...).
"""

import datetime
import io
import tempfile
import textwrap
from collections.abc import Iterable
from pathlib import Path

import polib
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.frontend import BaseError, CommandLineInterface
from babel.messages.pofile import read_po, write_po

from service.catalog_checks import (
    MEDICAL_REVIEW,
    MEDICAL_REVIEW_DATE,
    MEDICAL_REVIEW_DIGEST,
    MEDICAL_REVIEW_QUALIFICATION,
    NO_REVIEW,
    TRANSLATED_BY,
)
from service.catalog_files import (
    CatalogError,
    CatalogFile,
    article_catalog,
    article_template_path,
    article_templates,
    catalog_files,
    exists,
    interface_catalog,
    interface_template_path,
    languages,
    unparsable,
)
from service.catalogs import PO_DATE_FORMAT, text_digest
from service.config import REPOSITORY_DIR
from service.content.model import Article, text_unit_labels, text_units
from service.plural_forms import plural_forms

PROJECT = "patient-info-api"
BUGS_ADDRESS = "translations@patient-info.invalid"
WRAP_WIDTH = 76
COMMENT_WIDTH = WRAP_WIDTH - 6  # the text of a "#. " line, with room to spare


def now() -> datetime.datetime:
    """Now, to the minute, in UTC: what the catalogs' dates say."""
    return datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)


def _parse(data: bytes, path: Path, locale: str | None = None) -> BabelCatalog:
    try:
        return read_po(io.BytesIO(data), locale=locale)
    except Exception as error:  # Babel raises PoFileError and others: name the file
        raise unparsable(path, error) from None


def read_catalog(path: Path, locale: str | None = None) -> BabelCatalog:
    try:
        return _parse(path.read_bytes(), path, locale)
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read: {error.strerror}") from None


def _messages(catalog: BabelCatalog) -> dict:
    """Each entry's content by (context, msgid): what a translator sees, not line numbers."""
    return {
        (message.context, message.id): (
            message.string,
            sorted(message.flags),
            " ".join(message.auto_comments),  # as words: files wrap long comments
            " ".join(message.user_comments),
            message.previous_id,
        )
        for message in catalog
        if message.id
    }


def merge_differences(file: CatalogFile, template: BabelCatalog) -> list[str]:
    """What merging `template` into the catalog (as `update` does) would change."""
    catalog = read_catalog(file.po_path, file.babel_name)
    updated = read_catalog(file.po_path, file.babel_name)
    updated.update(template)
    return differences(catalog, updated)


def differences(old: BabelCatalog, new: BabelCatalog) -> list[str]:
    """Entries that differ between two catalogs, ignoring dates and line numbers.

    (Babel's Catalog.is_identical, behind `pybabel update --check`, cannot look up
    entries that have a msgctxt, and compares line numbers.)
    """
    old_messages, new_messages = _messages(old), _messages(new)
    changed = []
    for key in sorted(old_messages.keys() | new_messages.keys(), key=str):
        before, after = old_messages.get(key), new_messages.get(key)
        if before != after:
            context, msgid = key
            state = "new" if before is None else "removed" if after is None else "changed"
            changed.append(f"{state}: {context or ''}|{str(msgid)[:50]!r}")
    return changed


def _written(catalog: BabelCatalog, headers: dict[str, str]) -> bytes:
    """The .po/.pot bytes of a catalog, with `headers` set (polib keeps what Babel drops)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WRAP_WIDTH, ignore_obsolete=True, no_location=True)
    po = polib.pofile(buffer.getvalue().decode("utf-8"), wrapwidth=WRAP_WIDTH)
    po.metadata.update(headers)
    return po_text(po).encode("utf-8")


def po_text(po: polib.POFile) -> str:
    """A catalog's text as the commands write it (polib, wrapped at WRAP_WIDTH)."""
    return str(po) + "\n"


def read_for_edit(path: Path) -> polib.POFile:
    """A catalog parsed by polib to be changed and written back with po_text: unchanged,
    it gives back the same bytes."""
    try:
        return polib.pofile(
            path.read_text(encoding="utf-8"), wrapwidth=WRAP_WIDTH, check_for_duplicates=False
        )
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise unparsable(path, error) from None


def replace(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds it; say whether it changed."""
    if exists(path) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# Templates


def interface_template() -> BabelCatalog:
    """The interface strings of the code (errors, disclaimer, names), as pybabel extracts."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "messages.pot"
        try:
            status = CommandLineInterface().run(
                [
                    "pybabel",
                    "--quiet",
                    "extract",
                    f"--mapping-file={REPOSITORY_DIR / 'babel.cfg'}",
                    "--keyword=N_",
                    "--add-comments=Translators:",
                    "--no-location",
                    f"--project={PROJECT}",
                    "--version=1",
                    f"--msgid-bugs-address={BUGS_ADDRESS}",
                    f"--output-file={output}",
                    str(REPOSITORY_DIR / "service"),
                ]
            )
        except BaseError as error:
            raise CatalogError(f"pybabel extract: {error}") from None
        if status:
            raise CatalogError("pybabel extract failed")
        return read_catalog(output)


def article_template(article: Article) -> BabelCatalog:
    """One article's strings, with their contexts and comments for translators: where
    each one is (section, block) and the section's note, if any, on each of its blocks."""
    catalog = BabelCatalog(
        project=PROJECT, version="1", msgid_bugs_address=BUGS_ADDRESS, creation_date=now()
    )
    catalog.add(article.title, "", context=article.title_context, auto_comments=["The title."])
    for number, term in enumerate(article.also_called, start=1):
        explanation = (
            f"Also called, term {number} of {len(article.also_called)}: another name for "
            "what this article is about, which patients may search for. Give the term "
            "your language uses for the same thing (a medical term as its medical term)."
        )
        # Wrapped here, narrower than the file: Babel and then polib wrap a long comment
        # line again each, leaving stubs of one word.
        comments = textwrap.wrap(explanation, COMMENT_WIDTH)
        catalog.add(term, "", context=article.also_called_context, auto_comments=comments)
    for section in article.sections:
        context = article.section_context(section)
        note = [section.translator_note] if section.translator_note else []
        if section.heading:
            catalog.add(
                section.heading, "", context=context, auto_comments=[f"{section.id}: heading"]
            )
        units = text_units(section.blocks)
        for unit, label in zip(units, text_unit_labels(section.blocks), strict=True):
            comments = [f"{section.id}, {label}", *note]
            catalog.add(unit.source, "", context=context, auto_comments=comments)
    return catalog


def _english(catalog: BabelCatalog) -> set:
    return {(message.context, message.id) for message in catalog if message.id}


def write_template(path: Path, fresh: BabelCatalog) -> bool:
    """Write a template unless its messages are unchanged. Its date says when the English
    last changed (the change feed reports it): new comments alone keep the old one."""
    if exists(path):
        current = read_catalog(path)
        if not differences(current, fresh):
            return False
        if _english(current) == _english(fresh):
            fresh.creation_date = current.creation_date
    return replace(path, _written(fresh, {}))


def templates(translations_dir: Path, articles: Iterable[Article]) -> dict[Path, BabelCatalog]:
    """Every template as extraction makes it now, by the path it belongs at."""
    fresh = {interface_template_path(translations_dir): interface_template()}
    for article in articles:
        fresh[article_template_path(translations_dir, article.slug)] = article_template(article)
    return fresh


# Catalogs


def template_of(translations_dir: Path, file: CatalogFile) -> Path:
    """The template a catalog is merged from."""
    if file.article is None:
        return interface_template_path(translations_dir)
    return article_template_path(translations_dir, file.article)


def catalog_for(translations_dir: Path, tag: str, template_path: Path) -> CatalogFile:
    """The catalog of `tag` that `template_path` (interface or article) is merged into."""
    if template_path == interface_template_path(translations_dir):
        return interface_catalog(translations_dir, tag)
    return article_catalog(translations_dir, tag, template_path.stem)


def merged(file: CatalogFile, template: BabelCatalog) -> bytes:
    """The catalog with the template merged in: new strings empty, changed ones fuzzy
    with the old translation as a suggestion, removed ones dropped. Headers kept."""
    catalog = read_catalog(file.po_path, file.babel_name)
    headers = read_po_headers(file.po_path)
    catalog.update(template, update_header_comment=False)
    # Babel writes the standard headers it read; the X- ones (provenance) it drops.
    return _written(catalog, {name: value for name, value in headers.items() if name[:2] == "X-"})


def set_headers(path: Path, headers: dict[str, str]) -> None:
    """Set headers of a catalog as the tools write it, refusing (CatalogError) to write
    anything if that would change its translated text (review sign-offs and date stamps
    must never alter what they describe)."""
    po = read_for_edit(path)
    digest = text_digest(po)
    po.metadata.update(headers)
    text = po_text(po)
    if text_digest(polib.pofile(text)) != digest:
        raise CatalogError(f"{path}: rewriting it would change its text; nothing was written")
    replace(path, text.encode("utf-8"))


def record_review(file: CatalogFile, reviewer: str, qualification: str, date: datetime.date) -> str:
    """Write a medical review into a catalog's headers, with the digest of the text it
    covers (and PO-Revision-Date now: the catalog changed); return that digest. The
    caller has checked the catalog is complete and passes the checks."""
    digest = text_digest(read_for_edit(file.po_path))
    set_headers(
        file.po_path,
        {
            "PO-Revision-Date": now().strftime(PO_DATE_FORMAT),
            MEDICAL_REVIEW: reviewer,
            MEDICAL_REVIEW_QUALIFICATION: qualification,
            MEDICAL_REVIEW_DATE: date.isoformat(),
            MEDICAL_REVIEW_DIGEST: digest,
        },
    )
    return digest


def read_po_headers(path: Path) -> dict[str, str]:
    try:
        return dict(polib.pofile(str(path), encoding="utf-8").metadata)
    except (OSError, ValueError) as error:
        raise unparsable(path, error) from None


def new_catalog(file: CatalogFile, template: BabelCatalog, translated_by: str = "") -> bytes:
    """An empty catalog for a language, from a template, with honest headers: nobody has
    translated or reviewed it yet."""
    catalog = BabelCatalog(
        locale=file.babel_name,
        project=PROJECT,
        version="1",
        msgid_bugs_address=BUGS_ADDRESS,
        creation_date=template.creation_date,
        revision_date=now(),
        last_translator="",
        language_team="",
    )
    catalog.update(template)
    return _written(
        catalog,
        {
            "Last-Translator": "",
            "Language-Team": "",
            TRANSLATED_BY: translated_by,
            MEDICAL_REVIEW: NO_REVIEW,
            "Plural-Forms": plural_forms(file.babel_name),  # CLDR's, not Babel's old table
        },
    )


def orphans(translations_dir: Path, slugs: set[str]) -> list[Path]:
    """Templates and catalogs of articles that no longer exist (never deleted for you)."""
    templates = article_templates(translations_dir)
    found = [path for slug, path in templates.items() if slug not in slugs]
    found += [
        file.po_path
        for file in catalog_files(translations_dir)
        if file.article is not None and file.article not in slugs
    ]
    return found


def every_catalog(translations_dir: Path, template_paths: Iterable[Path]) -> list[CatalogFile]:
    """The catalog every language should have for each template."""
    return [
        catalog_for(translations_dir, tag, path)
        for tag in languages(translations_dir)
        for path in template_paths
    ]


def split_language(translations_dir: Path, tag: str) -> list[Path]:
    """Move one language's article entries out of its interface catalog into one catalog
    per article (the layout before per-article catalogs kept them all in messages.po),
    each keeping every msgstr, flag and comment and the catalog's headers (provenance).
    Return the article catalogs written."""
    file = interface_catalog(translations_dir, tag)
    po = polib.pofile(str(file.po_path), encoding="utf-8", wrapwidth=WRAP_WIDTH)
    by_article: dict[str, list[polib.POEntry]] = {}
    for entry in list(po):
        slug, separator, _ = (entry.msgctxt or "").partition("/")
        if separator:
            by_article.setdefault(slug, []).append(entry)
            po.remove(entry)
    targets = {slug: article_catalog(translations_dir, tag, slug).po_path for slug in by_article}
    if existing := [target for target in targets.values() if exists(target)]:
        raise CatalogError(f"{existing[0]}: already exists; nothing was moved")
    written = []
    for slug, entries in by_article.items():
        target = targets[slug]
        article_po = polib.POFile(wrapwidth=WRAP_WIDTH)
        article_po.header, article_po.metadata = po.header, dict(po.metadata)
        article_po.extend(entries)
        target.parent.mkdir(parents=True, exist_ok=True)
        article_po.save(str(target))
        written.append(target)
    po.save(str(file.po_path))
    return written
