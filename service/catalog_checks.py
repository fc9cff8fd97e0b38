"""The rules a catalog must pass before it is served (start-up, reload, `translate check`).

Each problem names the file, the line and the entry, so a translator can go straight
to it in their editor.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

from service.content.inline import markup_mismatch

TRANSLATED_BY = "X-Translated-By"
MEDICAL_REVIEW = "X-Medical-Review"
MEDICAL_REVIEW_DATE = "X-Medical-Review-Date"
MEDICAL_REVIEW_QUALIFICATION = "X-Medical-Review-Qualification"
NO_REVIEW = "none"
# What gettext tools write into a new catalog's headers for a person to replace.
PLACEHOLDER_HEADER_VALUES = ("FULL NAME", "EMAIL@ADDRESS", "LL@li.org")

# %(name)s, %s / %d, and {name} / {} placeholders.
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{[A-Za-z0-9_]*\}")
# Markup a msgstr must not add: tags, entities and links.
_MARKUP = re.compile(r"</?[A-Za-z!][^>]*>|&#?[A-Za-z0-9]+;|https?://\S+|www\.\S+")
# A msgstr equal to an English msgid this long is English left in, not a translation.
_LONG_ENGLISH = 20
_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=.+$")


@dataclass(frozen=True)
class CatalogProblem:
    path: Path
    line: int | None  # None for an entry not read from a file
    entry: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.entry}: {self.problem}"


def _label(entry: polib.POEntry) -> str:
    msgid = entry.msgid if len(entry.msgid) <= 40 else entry.msgid[:39] + "…"
    return f"{entry.msgctxt}|{msgid!r}" if entry.msgctxt else repr(msgid)


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for _, text in sorted(entry.msgstr_plural.items()) if text]
    return [entry.msgstr] if entry.msgstr else []


def _sorted_matches(pattern: re.Pattern, text: str) -> list[str]:
    return sorted(pattern.findall(text))


def _formatting_error(entry: polib.POEntry, text: str) -> str | None:
    """Format a python-format msgstr the way the service will, with sample values."""
    if "python-format" not in entry.flags:
        return None
    names = re.findall(r"%\(([^)]*)\)", entry.msgid)
    try:
        text % dict.fromkeys(names, "x")
    except (KeyError, ValueError, TypeError) as error:
        return str(error)
    return None


def _entry_problems(entry: polib.POEntry, plural_count: int) -> list[str]:
    problems = []
    if entry.obsolete:
        return ["obsolete entry (#~) left in: delete it"]
    sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
    source_placeholders = _sorted_matches(_PLACEHOLDER, entry.msgid)
    source_markup = {match for text in sources for match in _MARKUP.findall(text)}
    plural_placeholders = set(_PLACEHOLDER.findall(" ".join(sources)))
    for text in _translations(entry):
        placeholders = _sorted_matches(_PLACEHOLDER, text)
        if entry.msgid_plural:  # a form may leave out the number, never invent one
            mismatch = not set(placeholders) <= plural_placeholders
        else:
            mismatch = placeholders != source_placeholders
        if mismatch:
            problems.append(
                f"placeholders {placeholders} do not match the English {source_placeholders}"
            )
        elif error := _formatting_error(entry, text):
            problems.append(f"formatting fails ({error}); write a literal % as %%")
        if entry.msgctxt:  # an article's text: inline Markdown, compared as such
            if mismatch_reason := markup_mismatch(entry.msgid, text):
                problems.append(f"markup does not match the English: {mismatch_reason}")
        elif added := sorted(set(_MARKUP.findall(text)) - source_markup):
            problems.append(f"markup or links the English does not have: {added}")
        if text == entry.msgid and len(entry.msgid) >= _LONG_ENGLISH:
            problems.append("the translation is the English text: translate it or leave it empty")
    forms = len(entry.msgstr_plural)
    if entry.msgid_plural and any(entry.msgstr_plural.values()) and forms != plural_count:
        problems.append(f"{forms} plural forms, the language has {plural_count}")
    return problems


def _header_problems(catalog: polib.POFile, babel_name: str) -> list[str]:
    metadata = catalog.metadata
    problems = [
        f"{name} header is the placeholder {value!r}: write who it is, or leave it empty"
        for name, value in metadata.items()
        if any(placeholder in value for placeholder in PLACEHOLDER_HEADER_VALUES)
    ]
    if metadata.get("Language", "").replace("-", "_") != babel_name:
        problems.append(f"Language header is {metadata.get('Language')!r}, expected {babel_name!r}")
    if "charset=utf-8" not in metadata.get("Content-Type", "").lower().replace(" ", ""):
        problems.append("Content-Type header must say charset=UTF-8")
    expected = get_plural(babel_name)
    match = _PLURAL_FORMS.match(metadata.get("Plural-Forms", ""))
    if not match or int(match[1]) != expected.num_plurals:
        problems.append(f"Plural-Forms header must be {str(expected)!r} (CLDR)")
    revision = metadata.get("PO-Revision-Date", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}", revision):
        problems.append(f"PO-Revision-Date {revision!r} is not a date like 2026-11-24 10:00+0000")
    if catalog.translated_entries() and not metadata.get(TRANSLATED_BY, "").strip():
        problems.append(f"{TRANSLATED_BY} header is missing: who translated this catalog, and how")
    reviewer = metadata.get(MEDICAL_REVIEW, "").strip()
    if not reviewer:
        problems.append(f"{MEDICAL_REVIEW} header is missing: a reviewer's name, or {NO_REVIEW!r}")
    elif reviewer != NO_REVIEW:
        try:
            datetime.date.fromisoformat(metadata.get(MEDICAL_REVIEW_DATE, "").strip())
        except ValueError:
            problems.append(f"{MEDICAL_REVIEW_DATE} must be a YYYY-MM-DD date with a reviewer")
        if not metadata.get(MEDICAL_REVIEW_QUALIFICATION, "").strip():
            problems.append(
                f"{MEDICAL_REVIEW_QUALIFICATION} header is missing: the reviewer's qualification"
            )
    return problems


def check_catalog(catalog: polib.POFile, path: Path, babel_name: str) -> list[CatalogProblem]:
    """Every problem in one parsed catalog, in file order."""
    found = [
        CatalogProblem(path, 1, "header", text) for text in _header_problems(catalog, babel_name)
    ]
    count = get_plural(babel_name).num_plurals
    seen = set()  # polib's own duplicate check is quadratic in the catalog's size
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid, entry.obsolete)
        if key in seen:
            found.append(CatalogProblem(path, entry.linenum, _label(entry), "duplicate entry"))
        seen.add(key)
        if entry.fuzzy and not entry.obsolete:
            continue  # fuzzy entries are never served; a translator is still on them
        found += [
            CatalogProblem(path, entry.linenum, _label(entry), text)
            for text in _entry_problems(entry, count)
        ]
    return found
