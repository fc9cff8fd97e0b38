"""The rules a catalog must pass before it is served (start-up, reload, `translate check`).

Each problem names the file, the line and the entry, so a translator can go straight
to it in their editor.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polib
from babel import Locale

from service import plural_forms
from service.content.inline import markup_mismatch

TRANSLATED_BY = "X-Translated-By"
MEDICAL_REVIEW = "X-Medical-Review"
MEDICAL_REVIEW_DATE = "X-Medical-Review-Date"
MEDICAL_REVIEW_QUALIFICATION = "X-Medical-Review-Qualification"
# The digest of the text the reviewer signed off (service/catalogs.py text_digest).
MEDICAL_REVIEW_DIGEST = "X-Medical-Review-Digest"
NO_REVIEW = "none"
# What gettext tools write into a new catalog's headers for a person to replace.
PLACEHOLDER_HEADER_VALUES = ("FULL NAME", "EMAIL@ADDRESS", "LL@li.org")

# %(name)s, %s / %d, and {name} / {} placeholders.
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{[A-Za-z0-9_]*\}")
# Markup a msgstr must not add: tags, entities and links.
_MARKUP = re.compile(r"</?[A-Za-z!][^>]*>|&#?[A-Za-z0-9]+;|https?://\S+|www\.\S+")
# A msgstr equal to an English msgid this long is English left in, not a translation.
_LONG_ENGLISH = 20

# Script rules, on every msgstr of every language (the Persian, Urdu and CJK ones by the
# catalog's language). Presentation forms: the ligatures (U+FB00-U+FB4F: ﬁ, Armenian,
# Hebrew) and Arabic's (U+FB50-U+FDFF, U+FE70-U+FEFF; U+FEFF is also the byte-order
# mark, no more welcome inside a text). They are glyphs, for fonts to choose: as text
# they defeat search, sorting and screen readers.
_PRESENTATION_FORMS = re.compile(r"[\ufb00-\ufdff\ufe70-\ufeff]")
# Bidi controls (LRM, RLM, ALM, embeddings and overrides, isolates): the service sets
# the direction (`direction`, dir=); controls inside a text reorder it unseen. ZWNJ
# (U+200C) joins or parts letters and is no bidi control: Persian spelling needs it
# (the plural ending in کتاب‌ها).
_BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Letters of Arabic that Persian and Urdu write with their own code points: the same
# look in some fonts, but different letters to search, sort and shape.
_FOREIGN_LETTERS = {
    "fa": {"\u064a": "\u06cc", "\u0643": "\u06a9", "\u0649": "\u06cc"},
    "ur": {
        "\u064a": "\u06cc or \u06d2",
        "\u0643": "\u06a9",
        "\u0647": "\u06c1 or \u06be",
    },
}
# CJK characters: radicals to Han (U+2E80-U+9FFF: CJK symbols and punctuation, kana,
# bopomofo, extension A, unified ideographs), compatibility ideographs and forms,
# half- and full-width forms, and the supplementary ideographic planes.
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_FULL_WIDTH = dict(zip(",.:;?!()", "，。：；？！（）", strict=True))
_HALF_WIDTH_BY_CJK = re.compile(rf"(?<=[{_CJK}])[,.:;?!()]|[,.:;?!()](?=[{_CJK}])")
# Inline Markdown that is not running text: a link's target `](https://…)`, emphasis
# marks and link brackets.
_MARKDOWN_SYNTAX = re.compile(r"(?<=\])\([^()\s]*\)|[*_\[\]]")
_CJK_LANGUAGES = ("zh", "ja")
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})


@dataclass(frozen=True)
class CatalogProblem:
    path: Path
    line: int | None  # None for an entry not read from a file
    entry: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.entry}: {self.problem}"


def entry_label(entry: polib.POEntry) -> str:
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


def _characters(characters: list[str]) -> str:
    """Each character once, by code point and name; shown too unless invisible (a bidi
    control printed would reorder the very message)."""
    return ", ".join(
        ("" if unicodedata.category(char) in _INVISIBLE else f"{char} ")
        + f"(U+{ord(char):04X} {unicodedata.name(char, '?')})"
        for char in dict.fromkeys(characters)
    )


def _not_nfc(text: str) -> str | None:
    """Where the text first differs from its NFC form, if it does."""
    if unicodedata.is_normalized("NFC", text):
        return None
    normal = unicodedata.normalize("NFC", text)
    at = next(
        (index for index, (a, b) in enumerate(zip(text, normal, strict=False)) if a != b),
        min(len(text), len(normal)),
    )
    codes = " ".join(f"U+{ord(char):04X}" for char in text[at : at + 3])
    return (
        f"text is not Unicode NFC at {text[max(at - 3, 0) : at + 3]!r} ({codes}): "
        "save it normalised to NFC (composed characters)"
    )


def _half_width_punctuation(text: str) -> str | None:
    """ASCII sentence punctuation touching a Chinese or Japanese character.

    Chinese and Japanese running text takes full-width punctuation (，。：；？！（）), so
    `,.:;?!()` directly before or after a CJK character (Han, kana, CJK and full-width
    punctuation) is a slip: `结束.`, `第一, 第二`, `(见上文)`. Everything else is left
    alone, which is what lets ASCII stand where it belongs: between ASCII characters
    (`L90.6`, `/v1/articles`, `application/json`, `https://…`, `GET, HEAD`, a quoted
    “2026-01-31T12:00:00Z”), and in placeholders, whose `%(`/`)s` never touch a CJK
    character. Markdown syntax is read past first (a link's `](target)`, `*`, `_`,
    `[`, `]`), so `[说明](article:x)。` passes and `**注意**.` does not. A space
    between CJK text and the punctuation is not looked at.
    """
    text = _MARKDOWN_SYNTAX.sub("", text)
    slips = [
        f"{text[max(match.start() - 2, 0) : match.end() + 2]!r} (write {_FULL_WIDTH[match[0]]})"
        for match in _HALF_WIDTH_BY_CJK.finditer(text)
    ]
    if not slips:
        return None
    more = f" and {len(slips) - 3} more" if len(slips) > 3 else ""
    return (
        f"ASCII punctuation next to Chinese or Japanese characters: {', '.join(slips[:3])}"
        f"{more}; running text takes full-width punctuation"
    )


def _script_problems(text: str, language: str) -> list[str]:
    """The text's Unicode form and the characters its language writes it in."""
    problems = []
    if problem := _not_nfc(text):
        problems.append(problem)
    if found := _PRESENTATION_FORMS.findall(text):
        problems.append(
            f"presentation forms {_characters(found)}: write the plain characters they "
            "stand for (their NFKC form); fonts choose the shapes"
            + ("; delete the byte-order mark" if "\ufeff" in found else "")
        )
    if found := _BIDI_CONTROLS.findall(text):
        problems.append(
            f"bidi control characters {_characters(found)}: delete them; "
            "the service sets the text's direction (ZWNJ U+200C is allowed)"
        )
    foreign = _FOREIGN_LETTERS.get(language, {})
    if found := [char for char in text if char in foreign]:
        name = Locale.parse(language).english_name
        instead = "; ".join(f"{char} -> {foreign[char]}" for char in dict.fromkeys(found))
        problems.append(f"Arabic letters {name} writes otherwise: {_characters(found)} ({instead})")
    if language in _CJK_LANGUAGES and (problem := _half_width_punctuation(text)):
        problems.append(problem)
    return problems


def _entry_problems(entry: polib.POEntry, plural_count: int, language: str) -> list[str]:
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
        problems += _script_problems(text, language)
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
    if wrong := plural_forms.problem(babel_name, metadata.get("Plural-Forms", "")):
        problems.append(f"{wrong}: for example {plural_forms.plural_forms(babel_name)!r}")
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
    count = plural_forms.form_count(babel_name)
    language = babel_name.partition("_")[0].lower()  # the script rules' key: zh for zh_Hant
    seen = set()  # polib's own duplicate check is quadratic in the catalog's size
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid, entry.obsolete)
        if key in seen:
            found.append(CatalogProblem(path, entry.linenum, entry_label(entry), "duplicate entry"))
        seen.add(key)
        if entry.fuzzy and not entry.obsolete:
            continue  # fuzzy entries are never served; a translator is still on them
        found += [
            CatalogProblem(path, entry.linenum, entry_label(entry), text)
            for text in _entry_problems(entry, count, language)
        ]
    return found
