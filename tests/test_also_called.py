"""An article's "also called" terms: validated, one catalog entry each, served translated
(all or none) in the JSON article, in JSON-LD and in the preview."""

import json

import polib
import pytest
import yaml

from service import create_app
from service.catalog_files import article_template_path
from service.content.loader import ContentError, parse_article, parse_article_file
from tests.helpers import (
    ARTICLE_FILE,
    MARKUP_ARTICLE,
    MARKUP_SLUG,
    OFFERED_LANGUAGES,
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    SLUG,
    article_po,
    compile_catalogs,
)

ARTICLE = f"/v1/articles/{SLUG}"
CONTEXT = f"{SLUG}/also-called"
TERMS = ["striae", "striae distensae", "striae atrophicae"]
SHIPPED_LINE = "also_called: [striae, striae distensae, striae atrophicae]"


def with_terms(line: str) -> bytes:
    """The shipped article file with its also_called line replaced."""
    text = ARTICLE_FILE.read_text(encoding="utf-8")
    assert SHIPPED_LINE in text
    return text.replace(SHIPPED_LINE, line, 1).encode()


def line_of_terms() -> int:
    lines = ARTICLE_FILE.read_text(encoding="utf-8").splitlines()
    return lines.index(SHIPPED_LINE) + 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("also_called: striae", "also_called: Not a valid list."),
        ("also_called: [striae, '']", "also_called.1: an empty term"),
        ("also_called: [striae, '  ']", "also_called.1: an empty term"),
        ("also_called: [3]", "also_called.0: Not a valid string."),
        ("also_called: [' striae']", "also_called.0: ' striae': no spaces before or after a term"),
        (
            'also_called: ["striae\\nrubrae"]',
            "also_called.0: 'striae\\nrubrae': a term is one line, without control characters",
        ),
        (f"also_called: [{'x' * 101}]", "also_called.0: a term is at most 100 characters"),
        (
            f"also_called: [{', '.join(f'term {n}' for n in range(21))}]",
            "also_called: at most 20 terms, 21 given",
        ),
        (
            "also_called: [striae, Striae  Distensae, striae distensae]",
            "also_called: 'striae distensae' is listed twice (as 'Striae  Distensae')",
        ),
    ],
)
def test_a_bad_list_is_one_line_naming_file_line_and_term(line, message):
    with pytest.raises(ContentError) as raised:
        parse_article_file(with_terms(line), str(ARTICLE_FILE))
    assert str(raised.value) == f"{ARTICLE_FILE}:{line_of_terms()}: {message}"


def test_terms_are_optional_and_read_from_toml_articles_too():
    assert parse_article_file(with_terms(""), str(ARTICLE_FILE)).also_called == ()
    assert parse_article_file(with_terms("also_called: []"), str(ARTICLE_FILE)).also_called == ()
    title = 'title = "Markup check"\n'
    toml = MARKUP_ARTICLE.replace(title, title + 'also_called = ["check", "test"]\n')
    article = parse_article(toml.encode(), f"{MARKUP_SLUG}.toml")
    assert article.also_called == ("check", "test")
    context = f"{MARKUP_SLUG}/also-called"
    assert article.messages()[1:3] == ((context, "check"), (context, "test"))
    with pytest.raises(ContentError, match=r"also_called: 'check' is listed twice"):
        parse_article(toml.replace('"test"', '"check"').encode(), f"{MARKUP_SLUG}.toml")


def test_each_term_is_one_template_entry_with_its_context_and_a_note():
    template = polib.pofile(str(article_template_path(SHIPPED_TRANSLATIONS, SLUG)))
    entries = [entry for entry in template if entry.msgctxt == CONTEXT]
    assert [entry.msgid for entry in entries] == TERMS
    assert [entry.msgctxt for entry in template][:4] == [f"{SLUG}/title", *[CONTEXT] * 3]
    for number, entry in enumerate(entries, start=1):
        assert entry.comment.startswith(f"Also called, term {number} of 3: another name")
        assert "patients may search for" in entry.comment


def translation(catalog: polib.POFile, term: str) -> str:
    entry = catalog.find(term, msgctxt=CONTEXT)
    assert entry is not None, term
    return entry.msgstr


def get(client, url, language, accept="application/json"):
    response = client.get(url, query_string={"lang": language}, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    return response, json.loads(response.data)


def test_the_article_gives_its_terms_in_english_and_spanish(client):
    response, english = get(client, ARTICLE, "en")
    assert english["also_called"] == TERMS
    assert response.headers["Content-Language"] == "en"
    response, spanish = get(client, ARTICLE, "es")
    assert spanish["also_called"] == ["estrías", "estrías de distensión", "estrías atróficas"]
    assert response.headers["Content-Language"] == "es"


def test_two_terms_a_language_names_alike_are_given_once(translations_copy):
    """A language may have one word for two English terms: patients see it once."""
    path = article_po(translations_copy, "zh_Hans")
    catalog = polib.pofile(str(path))
    first, second, third = (translation(catalog, term) for term in TERMS)
    catalog.find(TERMS[1], msgctxt=CONTEXT).msgstr = first  # type: ignore[union-attr]
    catalog.save()
    compile_catalogs(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()
    _, chinese = get(client, ARTICLE, "zh-Hans")
    assert second != first
    assert chinese["also_called"] == [first, third]


@pytest.mark.parametrize("tag", OFFERED_LANGUAGES)
def test_every_language_serves_the_article_whole_with_its_terms(client, tag):
    response, article = get(client, ARTICLE, tag)
    assert article["language"] == tag
    assert response.headers["Content-Language"] == tag
    assert article["also_called"]
    if tag != "en":
        catalog = polib.pofile(str(article_po(SHIPPED_TRANSLATIONS, tag.replace("-", "_"))))
        translated = [translation(catalog, term) for term in TERMS]
        assert article["also_called"] == list(dict.fromkeys(translated))
    _, languages = get(client, "/v1/languages", "en")
    [language] = [each for each in languages["languages"] if each["tag"] == tag]
    [entry] = language["articles"]
    assert (entry["percent"], entry["available"]) == (100.0, True)


@pytest.fixture
def partial_client(translations_copy):
    """Spanish with one term untranslated, served at an 80% threshold."""
    path = article_po(translations_copy, "es")
    catalog = polib.pofile(str(path))
    entry = catalog.find("striae atrophicae", msgctxt=CONTEXT)
    assert entry is not None
    entry.msgstr = ""
    catalog.save()
    compile_catalogs(translations_copy)
    config = {"TRANSLATIONS_DIR": translations_copy, "TRANSLATION_COMPLETENESS_THRESHOLD": 80}
    return create_app({**config, "PREVIEW_ENABLED": True}).test_client()


def test_one_untranslated_term_gives_them_all_in_english(partial_client):
    response, article = get(partial_client, ARTICLE, "es")
    assert article["language"] == "es"
    assert article["title"] != "What Cosmetic Laser Treatment For Stretch Marks Is"
    assert article["also_called"] == TERMS
    assert response.headers["Content-Language"] == "es, en"
    response, page = get(partial_client, ARTICLE, "es", "application/ld+json")
    assert page["about"]["alternateName"] == TERMS
    assert response.headers["Content-Language"] == "es, en"
    _, languages = get(partial_client, "/v1/languages", "en")
    [spanish] = [each for each in languages["languages"] if each["tag"] == "es"]
    assert (spanish["articles"][0]["translated"], spanish["articles"][0]["total"]) == (14, 15)
    html = partial_client.get(f"/preview/{SLUG}", query_string={"lang": "es"}).data.decode()
    also_called = html[html.index('id="also-called"') : html.index('id="section-overview"')]
    assert "Patients get these names in English until every one of them is translated." in (
        also_called
    )
    assert also_called.count(">Translated</strong>") == 2
    assert also_called.count(">Untranslated</strong>") == 1


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_json_ld_names_the_condition_by_its_terms(client, tag):
    _, article = get(client, ARTICLE, tag)
    _, page = get(client, ARTICLE, tag, "application/ld+json")
    assert page["about"]["@type"] == "MedicalCondition"
    assert page["about"]["alternateName"] == article["also_called"]
    assert "alternateName" not in page  # names of the condition, not of the page


def test_an_article_without_terms_has_an_empty_list_and_no_alternate_name(
    tmp_path, translations_copy
):
    content = tmp_path / "articles"
    content.mkdir()
    for path in SHIPPED_CONTENT.iterdir():
        (content / path.name).write_bytes(path.read_bytes())
    (content / f"{MARKUP_SLUG}.toml").write_text(MARKUP_ARTICLE, encoding="utf-8")
    app = create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations_copy})
    client = app.test_client()
    url = f"/v1/articles/{MARKUP_SLUG}"
    response, article = get(client, url, "en")
    assert article["also_called"] == []
    _, page = get(client, url, "en", "application/ld+json")
    assert "alternateName" not in page["about"]
    response, article = get(client, url, "es")  # no Spanish catalog: English, as a whole
    assert (article["language"], article["also_called"]) == ("en", [])
    assert response.headers["Content-Language"] == "en"


def test_the_openapi_document_requires_the_list(client):
    document = yaml.safe_load(client.get("/openapi.yaml").data)
    article = document["components"]["schemas"]["Article"]
    assert "also_called" in article["required"]
    assert article["properties"]["also_called"]["items"] == {"type": "string"}
    condition = document["components"]["schemas"]["MedicalConditionNode"]
    assert condition["properties"]["alternateName"]["minItems"] == 1
