"""Language tags and negotiation, tested directly on the pure functions."""

import time
import tracemalloc

import pytest

from service.i18n import MEMO_ENTRIES, MEMO_KEY_CHARACTERS, Negotiator, parse_tag

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
    ],
)
def test_parse_tag_parts(text, parts):
    tag = parse_tag(text)
    assert (tag.language, tag.script, tag.region) == parts


def test_negotiation_memo_is_bounded_in_bytes():
    """Distinct 8 KB headers (a client's choice) must not each stay in memory: the audit
    grew a worker by 635 MB with 1,700 of them."""
    negotiator = Negotiator(OFFERED)
    filler = ", ".join(f"x-{index:04d}" for index in range(1200))[:8000]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for index in range(2000):
        negotiator.negotiate((), f"es;q=0.{index % 10}, {index}{filler}")
    for index in range(MEMO_ENTRIES * 2):
        negotiator.negotiate((), f"es;q=0.{index % 10}, x-{index}")
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < MEMO_ENTRIES * (MEMO_KEY_CHARACTERS + 400)


def test_one_huge_header_is_parsed_in_bounded_time():
    negotiator = Negotiator(OFFERED)
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
    negotiation = Negotiator(OFFERED).negotiate((), header)
    assert negotiation.best_of(frozenset(available)) == best
