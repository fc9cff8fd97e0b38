"""Language tags and the one negotiation function every request goes through.

Werkzeug's best_match and Babel's negotiate_locale cannot do RFC 4647 lookup with
scripts (neither maps zh-CN to zh-Hans), so this module does it, using Babel's CLDR
likely-subtags data to find the script a range implies.
"""

import functools
import math
import re
from dataclasses import dataclass

from babel import Locale
from babel.core import get_global

SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark an English string for extraction; it is translated where it is used."""
    return message


# RFC 5646's irregular grandfathered tags: well-formed (its grammar lists them) though
# they fit no other form. The regular ones (art-lojban, zh-min-nan...) fit langtag.
IRREGULAR_GRANDFATHERED_TAGS = (
    "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
    "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL",
    "sgn-CH-DE",
)  # fmt: skip


def _any_case(tag: str) -> str:
    """A pattern for one tag in any case, "_" accepted for "-" (i-ami: [Ii][-_][Aa][Mm][Ii])."""
    return "".join(f"[{char.upper()}{char.lower()}]" if char.isalpha() else "[-_]" for char in tag)


# A well-formed RFC 5646 language tag (Language-Tag: langtag, privateuse such as
# x-private, or grandfathered), with "_" accepted for "-". Written so that Python and
# JSON Schema (the OpenAPI document) read it alike: no flags, no named groups.
LANGUAGE_TAG_PATTERN = (
    r"^(?:(?:[A-Za-z]{2,3}(?:[-_][A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:[-_][A-Za-z]{4})?"
    r"(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:[-_](?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:[-_][A-WYZa-wyz0-9](?:[-_][A-Za-z0-9]{2,8})+)*"
    r"(?:[-_][Xx](?:[-_][A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:[-_][A-Za-z0-9]{1,8})+"
    f"|{'|'.join(map(_any_case, IRREGULAR_GRANDFATHERED_TAGS))})$"
)
_LANGTAG = re.compile(LANGUAGE_TAG_PATTERN)
MAX_TAG_LENGTH = 64
# Ranges beyond this many in one Accept-Language header are ignored (hostile input).
_MAX_RANGES = 64
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")


@dataclass(frozen=True)
class LanguageTag:
    """A well-formed BCP 47 tag, split into the parts lookup needs."""

    tag: str
    language: str
    script: str | None
    region: str | None

    @property
    def likely_script(self) -> str | None:
        """The script this tag implies, from CLDR likely subtags (zh-TW -> Hant)."""
        if self.script:
            return self.script
        likely = get_global("likely_subtags")
        for key in (f"{self.language}_{self.region}", self.language):
            if key in likely:
                parts = likely[key].split("_")
                return parts[1] if len(parts) > 2 else None
        return None

    @property
    def babel_name(self) -> str:
        """The name Babel and the catalog directories use (pt_BR, zh_Hans)."""
        return self.tag.replace("-", "_")


def parse_tag(text: str) -> LanguageTag | None:
    """Return the tag in canonical case, or None if it is not well-formed BCP 47.

    An underscore is accepted as a hyphen (pt_BR is pt-BR).
    """
    if len(text) > MAX_TAG_LENGTH or not _LANGTAG.fullmatch(text):
        return None
    subtags = text.replace("_", "-").split("-")
    # Scripts and regions come before the first singleton; what follows it (extensions,
    # private use: en-CA-x-ca) is lowercase, as is a tag that starts with one (x-, i-).
    singleton = next((at for at, subtag in enumerate(subtags) if len(subtag) == 1), None)
    canonical = [subtags[0].lower()]
    for position, subtag in enumerate(subtags[1:], 1):
        if singleton is not None and position >= singleton:
            canonical.append(subtag.lower())
        elif len(subtag) == 4 and subtag.isalpha():
            canonical.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            canonical.append(subtag.upper())
        else:
            canonical.append(subtag.lower())
    # The grammar fixes the order: language, 3-letter extlangs, script, region, ...
    rest = canonical[1:singleton]
    while rest and len(rest[0]) == 3 and rest[0].isalpha():
        rest.pop(0)
    script = rest.pop(0) if rest and len(rest[0]) == 4 and rest[0].isalpha() else None
    is_region = rest and (len(rest[0]) == 2 or (len(rest[0]) == 3 and rest[0].isdigit()))
    region = rest[0] if is_region else None
    return LanguageTag(
        tag="-".join(canonical),
        language=canonical[0],
        script=script,
        region=region,
    )


@functools.lru_cache(maxsize=64)
def text_direction(tag: str) -> str:
    """'rtl' or 'ltr' for a supported tag, from CLDR."""
    return Locale.parse(tag.replace("-", "_")).text_direction


def _lookup(range_tag: LanguageTag, offered: tuple[LanguageTag, ...]) -> str | None:
    """RFC 4647 lookup of one range with likely-script matching; None if nothing fits.

    Truncation from the right first (es-MX -> es); then a supported tag with the same
    language and the same likely script (zh-CN -> zh-Hans, pt-PT -> pt-BR). Scripts
    must always agree, so a Traditional-Chinese range never lands on zh-Hans.
    """
    script = range_tag.likely_script
    by_lower_tag = {tag.tag.lower(): tag for tag in offered}
    subtags = range_tag.tag.lower().split("-")
    while subtags:
        found = by_lower_tag.get("-".join(subtags))
        if found and found.likely_script == script:
            return found.tag
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:  # never end on a singleton (x, u, ...)
            subtags.pop()
    for tag in offered:
        if tag.language == range_tag.language and tag.likely_script == script:
            return tag.tag
    return None


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    """Parse Accept-Language into (range, q) in preference order; drop what is malformed."""
    ranges = []
    for position, item in enumerate(header.split(",")[:_MAX_RANGES]):
        name, _, params = item.strip().partition(";")
        name = name.strip()
        quality = 1.0
        params = params.strip()
        if params:
            key, _, value = params.partition("=")
            if key.strip().lower() != "q" or not _QVALUE.match(value.strip()):
                continue
            quality = float(value)
        if not name or not math.isfinite(quality):
            continue
        ranges.append((position, name, quality))
    ranges.sort(key=lambda entry: (-entry[2], entry[0]))
    return [(name, quality) for _, name, quality in ranges]


@dataclass(frozen=True)
class Negotiation:
    """What a request asked for and what it gets."""

    served: str
    requested: str | None = None
    lang_error: str | None = None  # "empty", "repeated" or "malformed"


class Negotiator:
    """Pick the language of a response among the offered ones (the brief's three rules)."""

    def __init__(self, offered: tuple[str, ...], memo_size: int = 16384):
        self.offered = tuple(parse_tag(tag) for tag in offered)
        # Bounded per distinct (lang, Accept-Language): hostile variety cannot grow it.
        self.negotiate = functools.lru_cache(maxsize=memo_size)(self._negotiate)

    def _negotiate(self, lang_values: tuple[str, ...], accept_language: str) -> Negotiation:
        """Negotiate from the `lang` query values and the Accept-Language header."""
        requested = None
        if lang_values:
            if len(lang_values) > 1:
                return Negotiation(self._from_header(accept_language)[0], lang_error="repeated")
            if not lang_values[0]:
                return Negotiation(self._from_header(accept_language)[0], lang_error="empty")
            lang = parse_tag(lang_values[0])
            if lang is None:
                return Negotiation(self._from_header(accept_language)[0], lang_error="malformed")
            requested = lang.tag
            if found := _lookup(lang, self.offered):
                return Negotiation(found, requested)
        served, first_range = self._from_header(accept_language)
        return Negotiation(served, requested or first_range)

    def _from_header(self, accept_language: str) -> tuple[str, str | None]:
        """Rule 2 then rule 3: (served tag, the client's first well-formed range)."""
        ranges = []
        for name, quality in _parse_accept_language(accept_language):
            if name != "*" and (tag := parse_tag(name)):
                ranges.append((tag, quality))
        refused = {_lookup(tag, self.offered) for tag, quality in ranges if quality == 0}
        first_range = next((tag.tag for tag, quality in ranges if quality > 0), None)
        for tag, quality in ranges:
            if quality > 0:
                found = _lookup(tag, self.offered)
                if found and found not in refused:
                    return found, first_range
        return SOURCE_LANGUAGE, first_range
