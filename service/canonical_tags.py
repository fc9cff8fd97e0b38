"""One spelling per language: language tags put in canonical form with CLDR's data.

Negotiation compares canonical forms, so that every spelling of a language gets one
answer: `iw` is `he`, `kor` is `ko`, `cmn-Hans-CN` and `zh-cmn-Hans-CN` are
`zh-Hans-CN`, `zh-158` is `zh-TW`, and `zh-yue` is `yue`. The data is Babel's copy of
CLDR (language, script, territory and variant aliases; likely subtags), so there is no
table of our own to keep up to date.
"""

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.core import get_global

if TYPE_CHECKING:
    from service.i18n import LanguageTag


@dataclass(frozen=True)
class CanonicalTag:
    """A tag's canonical subtags (lowercase) and the script it is written in."""

    subtags: tuple[str, ...]  # language, script, region, variants, extensions
    language: str
    script: str | None  # the tag's own script, else CLDR's likely one (zh-TW: Hant)
    written_language: str  # zh for every Chinese language (yue, nan, wuu), else language

    def lookup_order(self) -> Iterator[tuple[str, ...]]:
        """RFC 4647 lookup: the tag, then shorter and shorter prefixes of it (never one
        that ends on a singleton such as `x`)."""
        subtags = self.subtags
        while subtags:
            yield subtags
            subtags = subtags[:-1]
            if subtags and len(subtags[-1]) == 1:
                subtags = subtags[:-1]

    def is_matched_by(self, range_tag: "CanonicalTag") -> bool:
        """RFC 4647 basic filtering: the range is this tag or a prefix of it (`es`
        matches `es-MX`; `es-ES` does not match `es`)."""
        return self.subtags[: len(range_tag.subtags)] == range_tag.subtags


# Chinese languages share one written language, in Simplified or Traditional characters:
# a reader of Cantonese (yue) or Min Nan (nan) reads written Chinese (zh) in the same
# script. CLDR writes exactly the Chinese languages in these scripts by default (its
# language-matching data, which Babel does not ship, pairs them with zh likewise).
_WRITTEN_CHINESE_SCRIPTS = frozenset({"Hans", "Hant"})


def _is_extlang(subtag: str) -> bool:
    return len(subtag) == 3 and subtag.isalpha()


def _likely(key: str) -> list[str]:
    """CLDR's likely subtags for `key` (language or language_REGION), as parts."""
    likely = get_global("likely_subtags").get(key)
    return likely.split("_") if likely else []


def _likely_script(key: str) -> str | None:
    """The script CLDR's likely subtags give `key` (zh_TW: Hant); None if unknown."""
    parts = _likely(key)
    return parts[1] if len(parts) > 2 else None


def _canonical_region(region: str, language: str) -> str:
    """Replace a numeric or retired region (158, SU) with the current one; where
    CLDR lists several, prefer the language's likely one (UTS #35, annex C)."""
    replacements = get_global("territory_aliases").get(region)
    if not replacements:
        return region
    likely = _likely(language)
    return likely[-1] if likely and likely[-1] in replacements else replacements[0]


def _resolve_alias(
    language: str, script: str | None, region: str | None
) -> tuple[str, str | None, str | None]:
    """CLDR's replacement for a deprecated, three-letter or macrolanguage-member code
    (`iw` -> `he`, `spa` -> `es`, `cmn` -> `zh`, `sh` -> `sr-Latn`); the script and
    region it implies fill in only what the tag leaves out."""
    replacement = get_global("language_aliases").get(language)
    if not replacement:
        return language, script, region
    language, *implied = replacement.split("_")
    for part in implied:
        if len(part) == 4:
            script = script or part
        else:
            region = region or part
    return language, script, region


@functools.lru_cache(maxsize=4096)
def canonicalize(tag: "LanguageTag") -> CanonicalTag:
    """The canonical form of a well-formed tag (BCP 47 with CLDR's aliases), and the
    script it is written in. An extlang is the language itself (RFC 5646 §4.5:
    `zh-yue` is `yue`)."""
    subtags = tag.tag.lower().split("-")
    if len(subtags[0]) == 1:  # private use (x-...): no language to canonicalize
        return CanonicalTag(tuple(subtags), subtags[0], None, subtags[0])
    extlangs = list(itertools.takewhile(_is_extlang, subtags[1:4]))
    rest = subtags[1 + len(extlangs) + bool(tag.script) + bool(tag.region) :]
    language, script, region = _resolve_alias(
        extlangs[0] if extlangs else subtags[0], tag.script, tag.region
    )
    if script:
        script = get_global("script_aliases").get(script, script)
    if region:
        region = _canonical_region(region, language)
    variants = list(itertools.takewhile(lambda subtag: len(subtag) > 1, rest))
    variant_aliases = get_global("variant_aliases")
    rest = [variant_aliases.get(variant, variant) for variant in variants] + rest[len(variants) :]
    language_script = _likely_script(language)
    written_language = "zh" if language_script in _WRITTEN_CHINESE_SCRIPTS else language
    # A region decides the script where CLDR knows the language there (yue_CN: Hans), or
    # else the written language there (cdo_TW is written as zh_TW: Hant).
    regional_keys = (f"{language}_{region}", f"{written_language}_{region}") if region else ()
    likely_script = script or next(
        filter(None, map(_likely_script, regional_keys)), language_script
    )
    canonical = (language, *filter(None, (script, region)), *rest)
    return CanonicalTag(
        tuple(subtag.lower() for subtag in canonical), language, likely_script, written_language
    )
