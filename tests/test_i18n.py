"""Language tags and negotiation, tested directly on the pure functions."""

import time
import tracemalloc

import jsonschema_rs
import pytest

from service.i18n import (
    LANGUAGE_TAG_PATTERN,
    MEMO_ENTRIES,
    MEMO_KEY_CHARACTERS,
    Negotiator,
    parse_tag,
)
from tests.helpers import (
    ACCEPT_LANGUAGE_CASES,
    FIRST_LANGUAGES,
    LANG_PARAMETER_CASES,
    OFFERED_LANGUAGES,
)

# What DESIGN.md and issue 19 add (fil is CLDR's locale for Tagalog), and languages
# that only aliases (he, id, yi, ro) or other scripts (pa, sr) reach.
WIDER_OFFER = (
    *OFFERED_LANGUAGES,
    *("pa", "sr", "he", "id", "yi", "ro"),
)


@pytest.fixture(scope="module")
def negotiate():
    return Negotiator(OFFERED_LANGUAGES).negotiate


@pytest.mark.parametrize(("header", "served"), ACCEPT_LANGUAGE_CASES)
def test_accept_language(negotiate, header, served):
    assert negotiate((), header).served == served


@pytest.mark.parametrize(("lang", "header", "served", "requested"), LANG_PARAMETER_CASES)
def test_lang_parameter(negotiate, lang, header, served, requested):
    negotiation = negotiate((lang,), header)
    assert (negotiation.served, negotiation.requested, negotiation.lang_error) == (
        served,
        requested,
        None,
    )


@pytest.mark.parametrize(
    ("header", "served"),
    [
        ("pt-PT;q=0, pt-BR", "pt-BR"),
        ("es-ES;q=0, es-MX", "es"),
        ("en-US;q=0, en;q=0.5, de;q=0.4", "en"),
        ("fr-CA;q=0, fr-FR", "fr"),
        ("zh-CN;q=0, zh", "zh-Hans"),
        ("zh-Hans-CN;q=0, zh-SG", "zh-Hans"),
        ("pt-BR;q=0, pt, fr;q=0.1", "fr"),  # the offered tag itself
        ("zh;q=0, zh-CN, fr;q=0.1", "fr"),  # a prefix of it
        ("cmn;q=0, zh-CN, fr;q=0.1", "fr"),  # a prefix, spelled as an alias
        ("ar-arb;q=0, ar-EG, fr;q=0.1", "fr"),
        ("spa;q=0, es-MX, fr;q=0.1", "fr"),
    ],
)
def test_a_refusal_covers_only_the_tags_the_range_is_a_prefix_of(negotiate, header, served):
    """q=0 on a regional range (pt-PT) refuses that region, not the language's offered
    tag (pt-BR): RFC 4647 filtering, as README rule 2 says."""
    assert negotiate((), header).served == served


@pytest.mark.parametrize(
    ("header", "served"),
    [
        ("cmn-Hans-CN", "zh-Hans"),
        ("zh-cmn-Hans-CN", "zh-Hans"),
        ("arb", "ar"),
        ("ar-arb", "ar"),
        ("arb-EG", "ar"),
        ("iw", "he"),
        ("iw-IL", "he"),
        ("in", "id"),
        ("ji", "yi"),
        ("mo", "ro"),
        ("tl", "fil"),
        ("tl-PH", "fil"),
        ("kor", "ko"),
        ("jpn", "ja"),
        ("ukr-UA", "uk"),
        ("spa-MX", "es"),
        ("fre", "fr"),
        ("ger-AT", "de"),
        ("ara", "ar"),
        ("rus", "ru"),
        ("vie", "vi"),
        ("por-PT", "pt-BR"),
        ("zho", "zh-Hans"),
        ("chi-TW", "zh-Hant"),
        ("es-724", "es"),  # a numeric region: Spain
    ],
)
def test_every_spelling_of_a_language_gets_its_answer(header, served):
    """Deprecated, three-letter, macrolanguage-member and extlang spellings resolve
    through CLDR's aliases as their usual form does."""
    assert Negotiator(WIDER_OFFER).negotiate((), header).served == served


@pytest.mark.parametrize(
    ("language_range", "served_by_the_first_nine", "served_with_traditional"),
    [
        ("zh-TW", "fr", "zh-Hant"),
        ("zh-HK", "fr", "zh-Hant"),
        ("zh-MO", "fr", "zh-Hant"),
        ("zh-158", "fr", "zh-Hant"),  # numeric regions: Taiwan, Hong Kong, Macao
        ("zh-344", "fr", "zh-Hant"),
        ("zh-446", "fr", "zh-Hant"),
        ("zh-Hant-CN", "fr", "zh-Hant"),
        ("cmn-Hant-TW", "fr", "zh-Hant"),
        ("yue", "fr", "zh-Hant"),  # Cantonese reads Traditional characters
        ("yue-HK", "fr", "zh-Hant"),
        ("zh-yue", "fr", "zh-Hant"),
        ("zh-yue-HK", "fr", "zh-Hant"),
        ("nan-TW", "fr", "zh-Hant"),
        ("yue-CN", "zh-Hans", "zh-Hans"),  # in the mainland, Simplified
        ("zh-Hans-TW", "zh-Hans", "zh-Hans"),
        ("zh-SG", "zh-Hans", "zh-Hans"),
        ("wuu", "zh-Hans", "zh-Hans"),
    ],
)
def test_chinese_gets_its_script_in_every_spelling(
    language_range, served_by_the_first_nine, served_with_traditional
):
    """A Traditional-Chinese range never gets zh-Hans: the next range (French) with the
    first nine languages, zh-Hant once it is offered."""
    header = f"{language_range}, fr;q=0.5"
    assert Negotiator(FIRST_LANGUAGES).negotiate((), header).served == served_by_the_first_nine
    assert Negotiator(OFFERED_LANGUAGES).negotiate((), header).served == served_with_traditional


@pytest.mark.parametrize(
    ("language_range", "served"),
    [
        ("pa-Arab", "fr"),
        ("pa-PK", "fr"),  # written in Arabic script there
        ("pa-Guru", "pa"),
        ("ur-Deva", "fr"),
        ("sr-Latn", "fr"),
        ("sh", "fr"),  # CLDR: Serbian in Latin script
        ("sr-ME", "fr"),  # Latin script in Montenegro
        ("sr-Cyrl-ME", "sr"),
        ("ar-Latn", "fr"),
        ("ru-Latn", "fr"),
        ("zh-Latn", "fr"),
    ],
)
def test_a_script_we_do_not_serve_never_gets_another(language_range, served):
    assert Negotiator(WIDER_OFFER).negotiate((), f"{language_range}, fr;q=0.5").served == served


@pytest.mark.parametrize(
    ("language_range", "served"),
    [
        # Traditional Chinese: its regions, its script, and Cantonese (read in it).
        *((tag, "zh-Hant") for tag in ("zh-TW", "zh-HK", "zh-MO", "zh-Hant-TW", "zh-Hant-HK")),
        *((tag, "zh-Hant") for tag in ("yue", "yue-HK", "zh-yue")),
        # Simplified: no region, its regions, Mandarin in every spelling.
        *((tag, "zh-Hans") for tag in ("zh", "zh-CN", "zh-SG", "cmn", "zh-cmn-Hans")),
        ("cmn-Hans-CN", "zh-Hans"),
        # Tagalog is CLDR's fil (tl, tgl are its aliases).
        *((tag, "fil") for tag in ("tl", "tl-PH", "fil-PH", "tgl")),
        # ISO 639-2 three-letter codes, bibliographic (per) and terminology (fas) alike.
        ("kor", "ko"),
        ("jpn", "ja"),
        ("ukr", "uk"),
        ("fas", "fa"),
        ("per", "fa"),
        ("urd", "ur"),
        ("hin", "hi"),
        ("ben", "bn"),
        ("pol", "pl"),
        ("ita", "it"),
        ("hat", "ht"),
        ("iw", "fr"),  # he: not offered here (aliased still: see the next test)
        # Dari is Persian as written in Afghanistan, in the same script (CLDR: prs is
        # fa-AF): a Dari reader is better served by Persian than by the next range.
        ("prs", "fa"),
        ("prs-AF", "fa"),
        ("fa-AF", "fa"),
        # A script we do not serve gets the next range: never the language in another
        # script (ur-Deva is not ur), never another language in that script (nor hi).
        ("ur-Deva", "fr"),
        ("ur-Arab", "ur"),
        ("hi-Arab", "fr"),
        ("pa-Arab", "fr"),
        ("sr-Latn", "fr"),
    ],
)
def test_the_twenty_one_languages_in_every_spelling(language_range, served):
    negotiation = Negotiator(OFFERED_LANGUAGES).negotiate((), f"{language_range}, fr;q=0.5")
    assert negotiation.served == served


@pytest.mark.parametrize(
    ("language_range", "served"),
    [("iw", "he"), ("iw-IL", "he"), ("in", "id"), ("ji", "yi"), ("mo", "ro"), ("tl", "fil")],
)
def test_deprecated_codes_still_resolve_with_the_twenty_one(language_range, served):
    offer = (*OFFERED_LANGUAGES, "he", "id", "yi", "ro")
    assert Negotiator(offer).negotiate((), f"{language_range}, fr;q=0.5").served == served


@pytest.mark.parametrize(
    ("lang", "error"),
    [
        (("../../x",), "malformed"),
        (("..%2F..%2Fetc%2Fpasswd",), "malformed"),
        (("e",), "malformed"),
        (("es-",), "malformed"),
        (("es mx",), "malformed"),
        (("x" * 100,), "malformed"),
        (("x",), "malformed"),
        (("x-",), "malformed"),
        (("x-toolongsubtag",), "malformed"),
        (("i-foo",), "malformed"),  # i- tags are only the registered ones
        (("en-GB-oed-x",), "malformed"),
        (("x-\u0661",), "malformed"),  # an Arabic-Indic digit
        (("",), "empty"),
        (("es", "fr"), "repeated"),
        (("es", "es"), "repeated"),
    ],
)
def test_lang_parameter_errors(negotiate, lang, error):
    negotiation = negotiate(lang, "fr")
    assert negotiation.lang_error == error
    assert negotiation.served == "fr"  # the error itself is in the header's language


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("en", "en"),
        ("EN-gb", "en-GB"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("pt_BR", "pt-BR"),
        ("es-419", "es-419"),
        ("sl-rozaj-biske", "sl-rozaj-biske"),
        ("de-CH-x-phonebk", "de-CH-x-phonebk"),
        ("en-CA-x-CA", "en-CA-x-ca"),  # after a singleton, lowercase (RFC 5646 2.1.1)
        ("de-u-CO-phonebk", "de-u-co-phonebk"),
        ("X-Private", "x-private"),
        ("EN-gb-OED", "en-GB-oed"),
        ("SGN-be-fr", "sgn-BE-FR"),
    ],
)
def test_parse_tag_canonical_case(text, canonical):
    tag = parse_tag(text)
    assert tag is not None
    assert tag.tag == canonical


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("zh-Hans-CN", ("zh", "Hans", "CN")),
        ("zh-yue-HK", ("zh", None, "HK")),
        ("es-419", ("es", None, "419")),
        ("de-1996", ("de", None, None)),
        ("sr-Latn", ("sr", "Latn", None)),
        ("de-CH-x-phonebk", ("de", None, "CH")),
        ("en-CA-x-ca", ("en", None, "CA")),
        ("x-ab", ("x", None, None)),  # private use: no region
        ("x-abcd", ("x", None, None)),  # nor script
        ("i-klingon", ("i", None, None)),
    ],
)
def test_parse_tag_parts(text, parts):
    tag = parse_tag(text)
    assert tag is not None
    assert (tag.language, tag.script, tag.region) == parts


def test_negotiation_memo_is_bounded_in_bytes():
    """Distinct headers (a client's choice) must not each stay in memory: the audit grew a
    worker by 635 MB with 1,700 of them. Once the memo is full, more cost nothing."""
    negotiator = Negotiator(OFFERED_LANGUAGES)
    filler = ", ".join(f"x-{index:04d}" for index in range(1200))[:8000]

    def distinct_headers(start: int):
        for index in range(start, start + 300):
            negotiator.negotiate((), f"es;q=0.{index % 10}, {index}{filler}")
        for index in range(start, start + MEMO_ENTRIES + 500):
            negotiator.negotiate((), f"es;q=0.{index % 10}, x-{index}")

    tracemalloc.start()
    distinct_headers(1_000_000)
    full = tracemalloc.get_traced_memory()[0]
    distinct_headers(2_000_000)  # as many new headers again, spelled as long
    grown = tracemalloc.get_traced_memory()[0] - full
    tracemalloc.stop()
    assert full < MEMO_ENTRIES * (MEMO_KEY_CHARACTERS + 1024)  # about 8 MB at most
    assert grown < 1024 * 1024  # the raw-header memo grew by 2.4 MB here (300 x 8 KB)


def test_one_huge_header_is_parsed_in_bounded_time():
    negotiator = Negotiator(OFFERED_LANGUAGES)
    header = "x-a, " * 80_000 + "es"  # 400 KB: only the first ranges are read
    started = time.perf_counter()
    assert negotiator.negotiate((), header).served == "en"
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    ("header", "available", "best"),
    [
        ("es, fr", {"en", "fr"}, "fr"),
        ("es, fr", {"en"}, "en"),
        ("es, en, fr", {"en", "fr"}, "en"),  # English is accepted before French
        ("es", {"en", "fr"}, "en"),
        ("fr;q=0, es", {"en", "fr"}, "en"),
    ],
)
def test_each_article_takes_the_first_candidate_it_is_available_in(header, available, best):
    negotiation = Negotiator(OFFERED_LANGUAGES).negotiate((), header)
    assert negotiation.best_of(frozenset(available)) == best


@pytest.mark.parametrize(
    "text",
    [
        "es",
        "x-private",
        "X_Foo_bar",
        "i-klingon",
        "I-Navajo",
        "en-gb-oed",
        "sgn-CH-DE",
        "zh-min-nan",
        "en-CA-x-ca",
        "x",
        "i-foo",
        "en-GB-oed-x",
        "es-",
        "x-\u0661",
        "e\u017f",  # a long s: case-folds to "s" under IGNORECASE
    ],
)
def test_the_documented_pattern_reads_tags_as_python_does(text):
    """The OpenAPI document's `lang` pattern (JSON Schema) accepts exactly what parse_tag does."""
    schema = {"type": "string", "pattern": LANGUAGE_TAG_PATTERN}
    assert jsonschema_rs.is_valid(schema, text) == (parse_tag(text) is not None)
