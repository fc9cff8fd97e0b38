"""XLIFF 1.2 for translators' CAT tools: one language's catalogs out, the translations back.

translate-toolkit's XLIFF store writes and reads the XML. Its po2xliff/xliff2po are not
used: they drop msgctxt, and article strings are told apart by it (the same English can
stand in two sections, each translated in its own way). Here:

- each catalog is one `<file>`, `original` its .po path relative to translations/
  (`es/LC_MESSAGES/articles/<slug>.po`, `es/LC_MESSAGES/messages.po`);
- each entry is one `<trans-unit>`: `resname` its msgctxt (none for interface strings),
  `id` a digest of msgctxt and English (the same in every export while they are), the
  English as `<source>`, the translation as `<target>` with `state="translated"`,
  `"needs-review-translation"` (fuzzy) or `"new"` (empty), the `#.` comments as a
  `<note from="developer">`, a translator's `#` comment as `<note from="translator">`,
  and a fuzzy entry's previous English as `<note from="previous-english">`.

An import finds each unit's catalog by `original` and its entry by msgctxt and English,
and writes the targets with polib the way the other commands write catalogs. A target
whose state is `translated`, `signed-off` or `final` (or that has no state) becomes a
translation; any other state with text (`needs-review-translation`, `new`,
`needs-translation`...) becomes fuzzy; an empty target leaves the entry untranslated.
Nothing is written unless every catalog it changes passes the checks `translate check`
runs, and every unit is found with the English it was exported with.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib
from translate.storage import xliff

from service.catalog_checks import check_catalog
from service.catalog_files import CatalogError, CatalogFile, catalog_files
from service.catalog_maintenance import now, po_text, read_for_edit, replace
from service.catalogs import PO_DATE_FORMAT

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
DEVELOPER_NOTE = "developer"
TRANSLATOR_NOTE = "translator"
PREVIOUS_ENGLISH_NOTE = "previous-english"
TRANSLATED_STATES = frozenset({"translated", "signed-off", "final"})
_FUZZY = "fuzzy"


class Xliff12Unit(xliff.xliffunit):
    namespace = NAMESPACE


class Xliff12File(xliff.xlifffile):
    """translate-toolkit's XLIFF store, in the 1.2 namespace (its default is 1.1)."""

    UnitClass = Xliff12Unit
    namespace = NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{NAMESPACE}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def unit_id(context: str | None, msgid: str) -> str:
    """A unit's id: the same for the same msgctxt and English, in every export."""
    key = f"{context or ''}\x04{msgid}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def _original(translations_dir: Path, file: CatalogFile) -> str:
    return file.po_path.relative_to(translations_dir).as_posix()


def _add_unit(store: Xliff12File, entry: polib.POEntry) -> None:
    unit = store.UnitClass(entry.msgid)
    store.addunit(unit)
    unit.setid(unit_id(entry.msgctxt, entry.msgid))
    if entry.msgctxt is not None:
        unit.xmlelement.set("resname", entry.msgctxt)
    unit.target = entry.msgstr
    if not entry.msgstr:
        unit.set_state_n(unit.S_UNTRANSLATED + 1)  # state="new"
    elif entry.fuzzy:
        unit.set_state_n(unit.S_NEEDS_REVIEW)  # state="needs-review-translation"
    if entry.comment:
        unit.addnote(entry.comment, origin=DEVELOPER_NOTE)
    if entry.tcomment:
        unit.addnote(entry.tcomment, origin=TRANSLATOR_NOTE)
    if entry.fuzzy and entry.previous_msgid:
        unit.addnote(entry.previous_msgid, origin=PREVIOUS_ENGLISH_NOTE)


def export(translations_dir: Path, files: Iterable[CatalogFile], tag: str) -> tuple[bytes, int]:
    """The XLIFF of `files` (one language's catalogs) and how many units it has.
    Plural entries (which no catalog has) have no unit."""
    store = Xliff12File(sourcelanguage="en", targetlanguage=tag)
    count = 0
    for file in files:
        po = read_for_edit(file.po_path)
        store.switchfile(_original(translations_dir, file), createifmissing=True)
        for entry in po:
            if entry.obsolete or entry.msgid_plural:
                continue
            _add_unit(store, entry)
            count += 1
    return bytes(store), count


@dataclass(frozen=True)
class ImportedUnit:
    """What an import reads from one trans-unit."""

    original: str
    id: str
    context: str | None
    source: str
    target: str
    fuzzy: bool

    def __str__(self) -> str:
        english = self.source if len(self.source) <= 40 else self.source[:39] + "…"
        entry = f"{self.context}|{english!r}" if self.context is not None else repr(english)
        return f"unit {self.id or '(no id)'} {entry}"


def _state_is_fuzzy(unit: xliff.xliffunit) -> bool:
    target = unit.getlanguageNode(lang=None, index=1)
    state = target.get("state") if target is not None else None
    if state is None:
        return unit.xmlelement.get("approved") == "no"
    return state not in TRANSLATED_STATES


def read_units(data: bytes) -> list[ImportedUnit]:
    """The units of an XLIFF 1.x file; ValueError if it is not one."""
    try:
        store = Xliff12File.parsestring(data)
    except SyntaxError as error:  # lxml's XMLSyntaxError
        raise ValueError(f"not XML: {error}") from None
    except (StopIteration, AssertionError):  # XML, but no <xliff> with a <file>
        raise ValueError("not an XLIFF document (no <xliff> with a <file>)") from None
    if not isinstance(store, Xliff12File):  # translate-toolkit's PO-flavoured store
        raise ValueError("made by po2xliff, not by `translate export-xliff`")
    units = []
    for unit in store.units:
        file_node = next(unit.xmlelement.iterancestors(unit.namespaced("file")), None)
        target = unit.target or ""
        units.append(
            ImportedUnit(
                original=file_node.get("original", "") if file_node is not None else "",
                id=unit.xmlelement.get("id", ""),
                context=unit.xmlelement.get("resname"),
                source=unit.source or "",
                target=target,
                fuzzy=bool(target) and _state_is_fuzzy(unit),
            )
        )
    return units


@dataclass
class _Catalog:
    file: CatalogFile
    po: polib.POFile
    entries: dict[tuple[str | None, str], polib.POEntry]
    changed: int = 0


def _open_catalogs(translations_dir: Path) -> dict[str, CatalogFile]:
    return {_original(translations_dir, file): file for file in catalog_files(translations_dir)}


def _missing(unit: ImportedUnit, catalog: _Catalog) -> str:
    """Why a unit has no entry: stale (its entry's English changed) or unknown."""
    by_id = {unit_id(*key): entry for key, entry in catalog.entries.items()}
    if (known := by_id.get(unit.id)) is not None:
        return (
            f"its English differs from the catalog's {known.msgid[:40]!r}: "
            "a stale or edited export; export again"
        )
    if unit.context is not None and any(key[0] == unit.context for key in catalog.entries):
        return (
            f"{unit.context} has no entry with this English any more: the English changed "
            "since the export (stale); export again"
        )
    return (
        f"unknown unit: {unit.original} has no such entry (if its English changed since "
        "the export, export again)"
    )


def _apply(entry: polib.POEntry, unit: ImportedUnit) -> bool:
    """Write a unit's target into its entry; say whether the entry changed."""
    before = (entry.msgstr, entry.fuzzy and bool(entry.msgstr))
    if before == (unit.target, unit.fuzzy):
        return False
    entry.msgstr = unit.target
    if unit.fuzzy and not entry.fuzzy:
        entry.flags.insert(0, _FUZZY)
    elif not unit.fuzzy and entry.fuzzy:
        entry.flags.remove(_FUZZY)
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    return True


@dataclass(frozen=True)
class ImportResult:
    problems: list[str]
    written: dict[Path, int]  # each catalog written, with how many entries changed


def import_units(translations_dir: Path, units: list[ImportedUnit], label: str) -> ImportResult:
    """Write `units` into their catalogs, or nothing at all if any unit or the result is
    wrong: then the problems, one line each, naming the unit (`label` is the XLIFF)."""
    files = _open_catalogs(translations_dir)
    catalogs: dict[str, _Catalog] = {}
    problems: list[str] = []
    owners: dict[tuple[str, str | None, str], ImportedUnit] = {}  # entry -> its unit
    for unit in units:
        where = f"{label}: {unit}"
        if unit.original not in files:
            problems.append(f"{where}: {unit.original!r} is not a catalog of this project")
            continue
        if unit.original not in catalogs:
            po = read_for_edit(files[unit.original].po_path)
            entries: dict[tuple[str | None, str], polib.POEntry] = {
                (entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete
            }
            catalogs[unit.original] = _Catalog(files[unit.original], po, entries)
        catalog = catalogs[unit.original]
        key = (unit.context, unit.source)
        if (entry := catalog.entries.get(key)) is None:
            problems.append(f"{where}: {_missing(unit, catalog)}")
            continue
        if (unit.original, *key) in owners:
            problems.append(f"{where}: this entry has another unit before it in the file")
            continue
        owners[(unit.original, *key)] = unit
        catalog.changed += _apply(entry, unit)
    results: dict[Path, bytes] = {}
    for original, catalog in catalogs.items():
        if not catalog.changed:
            continue
        catalog.po.metadata["PO-Revision-Date"] = now().strftime(PO_DATE_FORMAT)
        text = po_text(catalog.po)
        problems += _checked(text, catalog.file, original, owners, label)
        results[catalog.file.po_path] = text.encode("utf-8")
    if problems:
        return ImportResult(problems, {})
    for path, data in results.items():
        replace(path, data)
    return ImportResult(
        [],
        {catalog.file.po_path: catalog.changed for catalog in catalogs.values() if catalog.changed},
    )


def _checked(
    text: str,
    file: CatalogFile,
    original: str,
    owners: dict[tuple[str, str | None, str], ImportedUnit],
    label: str,
) -> list[str]:
    """`translate check`'s problems with the catalog as it would be written: those of an
    entry a unit wrote name that unit; the others (the header...) the catalog."""
    try:
        written = polib.pofile(text, check_for_duplicates=False)
    except (OSError, ValueError) as error:
        raise CatalogError(f"{file.po_path}: the import would not parse: {error}") from None
    by_line = {entry.linenum: (original, entry.msgctxt, entry.msgid) for entry in written}
    problems = []
    for problem in check_catalog(written, file.po_path, file.babel_name):
        unit = owners.get(by_line.get(problem.line, ("", None, "")))
        if unit is not None:
            problems.append(f"{label}: {unit}: {problem.problem}")
        else:
            problems.append(f"{label}: {original}: {problem.entry}: {problem.problem}")
    return problems
