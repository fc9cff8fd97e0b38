"""Language tags and negotiation, tested directly on the pure functions."""

import jsonschema_rs
import pytest

from service.i18n import LANGUAGE_TAG_PATTERN, Negotiator, parse_tag

OFFERED = ("en", "es", "fr", "de", "pt-BR", "zh-Hans", "ar", "vi", "ru")


@pytest.fixture(scope="module")
def negotiate():
    return Negotiator(OFFERED).negotiate


@pytest.mark.parametrize(
    ("header", "served"),
    [
        ("es-MX,es;q=0.9", "es"),
        ("en-GB", "en"),
        ("fr;q=0, es", "es"),
        ("*", "en"),
        ("es;q=0", "en"),
        ("es;q=0, es-MX", "en"),
        ("es-MX;q=0.5, es;q=0", "en"),
        ("garbage;;;,q=,;q=x", "en"),
        ("", "en"),
        ("de;q=0.5, es;q=0.8", "es"),
        ("de, es", "de"),  # equal q: header order
        ("es;q=0.5, de;q=0.5", "es"),
        ("ES-mx", "es"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("zh-TW", "en"),
        ("zh-HK", "en"),
        ("zh-MO", "en"),
        ("zh-Hant", "en"),
        ("zh-Hant-TW, es", "es"),
        ("zh-TW, zh;q=0.5", "zh-Hans"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("ar-EG", "ar"),
        ("fr-CA", "fr"),
        ("de-AT", "de"),
        ("ru-UA", "ru"),
        ("vi-VN", "vi"),
        ("ja, es;q=0.1", "es"),
        ("es;q=NaN", "en"),
        ("es;q=2", "en"),
        ("es;q=-1", "en"),
        ("es;q=1e400", "en"),
        ("es;q=0.0001", "en"),
        ("x-klingon, i-default", "en"),
        # English is the last resort: served even when refused, when nothing else is.
        ("en;q=0", "en"),
        ("en;q=0, fr", "fr"),
        ("en;q=0, es-MX;q=0.5", "es"),
        ("en;q=0, ja", "en"),
        ("en;q=0, zh-TW", "en"),
        ("en;q=0, *", "en"),
        ("*;q=0", "en"),
        ("es;q=0, en;q=0", "en"),
        ("es-419", "es"),
    ],
)
def test_accept_language(negotiate, header, served):
    assert negotiate((), header).served == served


@pytest.mark.parametrize(
    ("lang", "header", "served", "requested"),
    [
        (("ES",), "", "es", "es"),
        (("es",), "fr", "es", "es"),  # lang beats the header
        (("pt_BR",), "", "pt-BR", "pt-BR"),
        (("pt_br",), "", "pt-BR", "pt-BR"),
        (("zh-cn",), "", "zh-Hans", "zh-CN"),
        (("ja",), "fr", "fr", "ja"),  # well-formed, not offered: the header decides
        (("ja",), "", "en", "ja"),
        (("es-MX",), "", "es", "es-MX"),
        # Private use and grandfathered tags are well-formed (RFC 5646 2.1): rule 1 goes on.
        (("x-private",), "es", "es", "x-private"),
        (("X-Foo-Bar",), "", "en", "x-foo-bar"),
        (("x-a",), "de", "de", "x-a"),
        (("i-klingon",), "fr", "fr", "i-klingon"),
        (("I_KLINGON",), "", "en", "i-klingon"),
        (("en-GB-oed",), "fr", "en", "en-GB-oed"),
        (("sgn-be-fr",), "de", "de", "sgn-BE-FR"),
        (("art-lojban",), "ar", "ar", "art-lojban"),
        (("es-x-private",), "", "es", "es-x-private"),
    ],
)
def test_lang_parameter(negotiate, lang, header, served, requested):
    negotiation = negotiate(lang, header)
    assert (negotiation.served, negotiation.requested, negotiation.lang_error) == (
        served,
        requested,
        None,
    )


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
    assert parse_tag(text).tag == canonical


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
    assert (tag.language, tag.script, tag.region) == parts


def test_negotiation_memo_is_bounded():
    negotiator = Negotiator(OFFERED, memo_size=16)
    for index in range(200):
        negotiator.negotiate((), f"es;q=0.{index % 10}, x{index}")
    assert negotiator.negotiate.cache_info().currsize == 16


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
