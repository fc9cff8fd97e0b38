"""Our negotiation against an independent one (langcodes, CLDR's language matching) on
a corpus of Accept-Language headers generated from CLDR's locale list.

The comparison, per header: langcodes' `closest_supported_match` takes one tag, so it is
applied range by range in q order (ties in header order; `*` skipped), as README rule 2
says, and the first range it matches decides; none matching is English (rule 3). A q=0
range refuses the offered tags it matches by RFC 4647 basic filtering (it is the tag
or a prefix of it, compared in langcodes' canonical form), as rule 2 says.

langcodes scores a match by distance: the same language and script in another region
is at most 5; another language (CLDR's fallbacks: ca -> es, uk -> ru, am -> en) or
script (ar-Latn -> ar) is 10 or more. Rule 2 serves only the same language in the same
script, so the comparison takes matches below 10.

Every header must get the same answer, except where a range's language is listed in
DIVERGENCES, each with the README rule that makes us answer differently; a divergence
not listed fails the test, and so does a listed one that no longer occurs.
"""

import collections
import functools
import random

import langcodes
import pytest
from babel.core import get_global
from babel.localedata import locale_identifiers

from service.i18n import Negotiator
from tests.helpers import FIRST_LANGUAGES, OFFERED_LANGUAGES

SAME_LANGUAGE_AND_SCRIPT = 9  # langcodes distances below 10 (see the module docstring)
CORPUS_SIZE = 3000

# Each reason (with the README rule behind it) and the range languages it explains.
DIVERGENCES = {
    "README rule 2: a Chinese language matches zh in its script (written Chinese is "
    "shared); langcodes scores these 10-14, as another language": frozenset(
        {"cdo", "cjy", "cnp", "csp", "czh", "gan", "hak", "hsn", "ltc", "nan", "wuu", "yue"}
    ),
    "README rule 2: lookup is RFC 4647's, within a language (written Chinese aside); "
    "CLDR's matching data, which langcodes uses, scores Swiss German and Luxembourgish "
    "readers as German readers (4)": frozenset({"gsw", "lb"}),
}
DIVERGENT_LANGUAGES = frozenset().union(*DIVERGENCES.values())


def _chinese_languages() -> set[str]:
    """The languages CLDR writes in Simplified or Traditional Han by default."""
    return {
        language
        for language, likely in get_global("likely_subtags").items()
        if "_" not in language and likely.split("_")[1] in ("Hans", "Hant")
    }


def _language_tags() -> list[str]:
    """Every CLDR locale as a BCP 47 tag, and its other spellings: numeric regions
    (zh-158), deprecated and three-letter codes (iw, kor, cmn), extlangs (zh-yue)."""
    tags = {
        identifier.replace("_", "-") for identifier in locale_identifiers() if identifier != "root"
    }
    numeric_regions = {
        replacements[0]: numeric
        for numeric, replacements in get_global("territory_aliases").items()
        if numeric.isdigit() and len(replacements) == 1 and len(replacements[0]) == 2
    }
    by_language = collections.defaultdict(list)
    for tag in sorted(tags):
        language, *rest = tag.split("-")
        by_language[language].append(tag)
        if len(rest) == 2:  # as browsers send it, without the script: zh-TW
            tags.add(f"{language}-{rest[1]}")
        if rest and rest[-1] in numeric_regions:
            tags.add(f"{language}-{numeric_regions[rest[-1]]}")  # zh-158
    for alias, replacement in get_global("language_aliases").items():
        language = replacement.split("_")[0]
        tags.add(alias)
        tags.update(alias + tag.removeprefix(language) for tag in by_language[language][:4])
        if len(alias) == 3 and len(language) == 2:
            tags.add(f"{language}-{alias}")  # the extlang spelling (zh-cmn, ar-arb)
    for language in _chinese_languages() - {"zh"}:
        for region in ("", "-CN", "-TW", "-HK"):
            tags.update((f"{language}{region}", f"zh-{language}{region}"))
    return sorted(tags)


def _corpus() -> list[list[tuple[str, str]]]:
    """Headers as lists of (range, q), drawn with a fixed seed. Most ranges are in the
    offered languages or Cantonese (so that most headers reach a decision), often with
    a sibling of the same language (es-ES;q=0, es-MX), and some are q=0 refusals."""
    generator = random.Random(17)  # noqa: S311 (a reproducible corpus, not a secret)
    tags = _language_tags()
    near_languages = {_language(tag) for tag in OFFERED_LANGUAGES} | {"yue"}
    near = [tag for tag in tags if _language(tag) in near_languages]
    siblings = collections.defaultdict(list)
    for tag in near:
        siblings[_language(tag)].append(tag)
    qualities = ["", "", ";q=0.9", ";q=0.8", ";q=0.5", ";q=0.5", ";q=0.1", ";q=0.001", ";q=0"]
    corpus: list[list[tuple[str, str]]] = []
    while len(corpus) < CORPUS_SIZE:
        ranges: list[tuple[str, str]] = []
        size = generator.randint(1, 4)
        while len(ranges) < size:
            if generator.random() < 0.03:
                ranges.append(("*", generator.choice(qualities)))
                continue
            tag = generator.choice(near if generator.random() < 0.6 else tags)
            if generator.random() < 0.2:  # a regional range's language alone
                tag = tag.split("-")[0]
            ranges.append((tag, generator.choice(qualities)))
            if generator.random() < 0.3:
                sibling = generator.choice(siblings.get(_language(tag)) or [tag])
                ranges.append((sibling, generator.choice(qualities)))
        corpus.append(ranges)
    return corpus


def _canonical(tag: str) -> str:
    """langcodes' canonical form, an extlang taken as the language (RFC 5646 §4.5)."""
    parsed = langcodes.Language.get(langcodes.standardize_tag(tag, macro=True))
    if parsed.extlangs:
        parts = parsed.to_dict() | {"language": parsed.extlangs[0], "extlangs": None}
        return _canonical(langcodes.Language.make(**parts).to_tag())
    return parsed.to_tag().lower()


def _language(tag: str) -> str:
    language = langcodes.Language.get(_canonical(tag)).language
    assert language is not None, tag
    return language


# The audit's reproducers come first, then the generated headers.
REPRODUCERS = [
    [("pt-PT", ";q=0"), ("pt-BR", "")],
    [("es-ES", ";q=0"), ("es-MX", "")],
    [("en-US", ";q=0"), ("en", ";q=0.5"), ("de", ";q=0.4")],
    *([(tag, "")] for tag in ("cmn-Hans-CN", "zh-cmn-Hans-CN", "arb", "ar-arb")),
    *([(tag, ""), ("fr", ";q=0.5")] for tag in ("zh-yue", "zh-158", "zh-344", "zh-446")),
]
CORPUS = REPRODUCERS + _corpus()


def _langcodes_answer(ranges: list[tuple[str, str]], offered: tuple[str, ...]) -> str:
    """The answer of the comparison the module docstring defines."""
    by_quality = sorted(
        (
            (float(q.removeprefix(";q=") or 1), position, tag)
            for position, (tag, q) in enumerate(ranges)
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    refusals = [_canonical(tag) for quality, _, tag in by_quality if quality == 0 and tag != "*"]
    allowed = [
        tag
        for tag in offered
        if not any(f"{_canonical(tag)}-".startswith(f"{refusal}-") for refusal in refusals)
    ]
    for quality, _, tag in by_quality:
        if quality > 0 and tag != "*":
            match = langcodes.closest_supported_match(tag, allowed, SAME_LANGUAGE_AND_SCRIPT)
            if match:
                return match
    return "en"


def _header(ranges: list[tuple[str, str]]) -> str:
    return ", ".join(tag + quality for tag, quality in ranges)


@functools.cache
def _compare(offered: tuple[str, ...]) -> tuple[list[tuple[str, str, str]], collections.Counter]:
    """(headers answered differently for no listed reason, headers per listed language).

    A header is explained only if it has a range in a listed language and, without
    those ranges, the two answers agree again (the rest of it still has to match)."""
    negotiator = Negotiator(offered)
    unexplained: list[tuple[str, str, str]] = []
    explained: collections.Counter[str] = collections.Counter()
    for ranges in CORPUS:
        ours = negotiator.negotiate((), _header(ranges)).served
        theirs = _langcodes_answer(ranges, offered)
        if ours == theirs:
            continue
        causes = {
            language
            for tag, quality in ranges
            if tag != "*"
            and quality != ";q=0"
            and (language := _language(tag)) in DIVERGENT_LANGUAGES
        }
        rest = [
            (tag, quality)
            for tag, quality in ranges
            if tag == "*" or quality == ";q=0" or _language(tag) not in causes
        ]
        if causes and negotiator.negotiate((), _header(rest)).served == _langcodes_answer(
            rest, offered
        ):
            explained.update(causes)
        else:
            unexplained.append((_header(ranges), ours, theirs))
    return unexplained, explained


def test_the_corpus_is_large_and_varied():
    headers = {_header(ranges) for ranges in CORPUS}
    ranges = [entry for header in CORPUS for entry in header]
    assert len(headers) >= 1000
    assert sum(quality == ";q=0" for _, quality in ranges) >= 300
    subtags = [tag.split("-") for tag, _ in ranges]
    aliases = get_global("language_aliases")
    assert sum(len(tag) > 1 and tag[1].isdigit() for tag in subtags) >= 100  # zh-158
    assert sum(len(tag) > 1 and len(tag[1]) == 3 for tag in subtags) >= 50  # zh-yue
    assert sum(len(tag) > 1 and len(tag[1]) == 4 for tag in subtags) >= 200  # zh-Hant
    assert sum(tag[0] in aliases for tag in subtags) >= 200  # iw, kor, cmn


@pytest.mark.parametrize(
    "offered", [FIRST_LANGUAGES, OFFERED_LANGUAGES], ids=["first nine", "shipped"]
)
def test_negotiation_agrees_with_langcodes(offered):
    unexplained, explained = _compare(offered)
    assert unexplained == []
    assert explained.total() < len(CORPUS) * 0.1


def test_every_listed_divergence_occurs():
    """A divergence that no longer occurs comes off the list, so that the list stays small."""
    met = set(_compare(FIRST_LANGUAGES)[1]) | set(_compare(OFFERED_LANGUAGES)[1])
    assert met == DIVERGENT_LANGUAGES
