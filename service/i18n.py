"""Language tags and the one negotiation function every request goes through.

Werkzeug's best_match and Babel's negotiate_locale cannot do RFC 4647 lookup with
scripts (neither maps zh-CN to zh-Hans), so this module does it, on tags put in
canonical form with Babel's CLDR data (service.canonical_tags): aliases resolved, and
the script a range implies.
"""

import functools
import math
import operator
import re
from dataclasses import dataclass

from babel import Locale

from service.canonical_tags import canonicalize

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
        return canonicalize(self).script

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


class _Offered:
    """The offered tags in canonical form, for lookup."""

    def __init__(self, tags: tuple[str, ...]):
        self.tags = tags
        self.canonical = tuple((canonicalize(parse_tag(tag)), tag) for tag in tags)
        self.by_subtags = {canonical.subtags: (canonical, tag) for canonical, tag in self.canonical}

    def lookup(self, range_tag: LanguageTag) -> str | None:
        """RFC 4647 lookup of one range with likely-script matching; None if nothing fits.

        Both sides are canonical (aliases resolved: `iw` is `he`, `zh-158` is `zh-TW`).
        Truncation from the right first (es-MX -> es); then an offered tag with the same
        language and the same likely script (zh-CN -> zh-Hans, pt-PT -> pt-BR); then one
        with the same written language and script (yue -> zh-Hant). Scripts must always
        agree, so a Traditional-Chinese range never lands on zh-Hans.
        """
        wanted = canonicalize(range_tag)
        for subtags in wanted.lookup_order():
            canonical, tag = self.by_subtags.get(subtags, (None, None))
            if canonical and canonical.script == wanted.script:
                return tag
        # Same written language and script, the same language first (offered order).
        matches = [
            (canonical.language != wanted.language, tag)
            for canonical, tag in self.canonical
            if canonical.written_language == wanted.written_language
            and canonical.script == wanted.script
        ]
        return min(matches, key=operator.itemgetter(0))[1] if matches else None

    def refused_by(self, range_tags: list[LanguageTag]) -> set[str]:
        """The offered tags that q=0 ranges refuse: a range refuses the tags it is or is
        a prefix of (`es` refuses es and es-MX; `es-ES` does not refuse es)."""
        refusals = [canonicalize(range_tag) for range_tag in range_tags]
        return {
            tag
            for canonical, tag in self.canonical
            if any(canonical.is_matched_by(refusal) for refusal in refusals)
        }


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    """Parse Accept-Language into (range, q) in preference order; drop what is malformed."""
    ranges = []
    for position, item in enumerate(header.split(",", _MAX_RANGES)[:_MAX_RANGES]):
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
    """What a request asked for, and the offered languages it accepts, best first.

    Each article takes the first candidate it is available in (`best_of`), so one
    negotiation serves every article of a multi-article answer."""

    candidates: tuple[str, ...]  # offered tags in preference order, ending at English
    requested: str | None = None
    lang_error: str | None = None  # "empty", "repeated" or "malformed"

    @property
    def served(self) -> str:
        """The language of an answer that every offered language can give (lists, errors)."""
        return self.candidates[0] if self.candidates else SOURCE_LANGUAGE

    def best_of(self, available: frozenset[str]) -> str:
        """The first candidate in `available` (an article's languages); else English."""
        return first_available(self.candidates, available)


def first_available(candidates: tuple[str, ...], available: frozenset[str]) -> str:
    """The first of `candidates` in `available`; English, which every article has, else."""
    for tag in candidates:
        if tag in available:
            return tag
    return SOURCE_LANGUAGE


# The negotiation memo keeps answers for headers up to MEMO_KEY_CHARACTERS long, so its
# size is bounded in bytes (MEMO_ENTRIES x MEMO_KEY_CHARACTERS: at most 4 MB of keys,
# about 10 MB in all), not only in entries: a longer header (rare; browsers send under
# 100 characters) is negotiated afresh each time, its parse capped at _MAX_RANGES
# ranges. More entries than the 10,000 distinct headers `make bench` rotates through:
# an LRU smaller than a cycle misses on every request.
MEMO_ENTRIES = 16384
MEMO_KEY_CHARACTERS = 256


class Negotiator:
    """Rank the offered languages for a request (the brief's three rules), memoized."""

    def __init__(self, offered: tuple[str, ...]):
        self.offered = _Offered(offered)
        self._memoized = functools.lru_cache(maxsize=MEMO_ENTRIES)(self._negotiate)

    def __reduce__(self):
        """Pickled (in a compiled store) as what it is made from: its memo is not kept."""
        return Negotiator, (self.offered.tags,)

    def negotiate(self, lang_values: tuple[str, ...], accept_language: str) -> Negotiation:
        """Negotiate from the `lang` query values and the Accept-Language header."""
        if len(accept_language) + sum(map(len, lang_values)) <= MEMO_KEY_CHARACTERS:
            return self._memoized(lang_values, accept_language)
        return self._negotiate(lang_values, accept_language)

    def _answer(self, candidates, requested=None, lang_error=None) -> Negotiation:
        return Negotiation(tuple(dict.fromkeys(candidates)), requested, lang_error)

    def _negotiate(self, lang_values: tuple[str, ...], accept_language: str) -> Negotiation:
        candidates, first_range = self._from_header(accept_language)
        if not lang_values:
            return self._answer(candidates, first_range)
        if len(lang_values) > 1:
            return self._answer(candidates, lang_error="repeated")
        if not lang_values[0]:
            return self._answer(candidates, lang_error="empty")
        lang = parse_tag(lang_values[0])
        if lang is None:
            return self._answer(candidates, lang_error="malformed")
        found = self.offered.lookup(lang)
        return self._answer(((found,) if found else ()) + candidates, lang.tag)

    def _from_header(self, accept_language: str) -> tuple[tuple[str, ...], str | None]:
        """Rule 2 then rule 3: (offered tags in preference order up to English, the
        client's first well-formed range)."""
        ranges = []
        for name, quality in _parse_accept_language(accept_language):
            if name != "*" and (tag := parse_tag(name)):
                ranges.append((tag, quality))
        refused = self.offered.refused_by([tag for tag, quality in ranges if quality == 0])
        first_range = next((tag.tag for tag, quality in ranges if quality > 0), None)
        candidates = []
        for tag, quality in ranges:
            if quality > 0:
                found = self.offered.lookup(tag)
                if found and found not in refused:
                    candidates.append(found)
                    if found == SOURCE_LANGUAGE:
                        break  # every article has English: nothing after it is ever used
        if SOURCE_LANGUAGE not in candidates:
            candidates.append(SOURCE_LANGUAGE)
        return tuple(candidates), first_range
