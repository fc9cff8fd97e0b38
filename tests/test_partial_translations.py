"""Honest partial translations: whole-section fallback, fuzzy, the availability threshold."""

import json

import pytest

from service import create_app
from tests.helpers import SLUG, compile_catalogs, make_partial_spanish


@pytest.fixture
def partial_client(translations_copy):
    make_partial_spanish(translations_copy)
    compile_catalogs(translations_copy)
    app = create_app(
        {"TRANSLATIONS_DIR": translations_copy, "TRANSLATION_COMPLETENESS_THRESHOLD": 80}
    )
    return app.test_client()


def body(client, url, language="es"):
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response, json.loads(response.data)


def test_a_section_with_a_missing_string_is_served_whole_in_english(partial_client):
    response, section = body(partial_client, f"/v1/articles/{SLUG}/sections/pain")
    assert section["language"] == "en"
    assert section["heading"] == "Is It A Painful Treatment?"
    assert section["paragraphs"][0].startswith("Cosmetic laser treatment")
    assert section["requested_language"] == "es"
    assert response.headers["Content-Language"] == "en"


def test_a_fuzzy_string_counts_as_untranslated(partial_client):
    _, section = body(partial_client, f"/v1/articles/{SLUG}/sections/effectiveness")
    assert section["language"] == "en"
    assert section["heading"] == "How Effective Is The Treatment?"


def test_the_article_mixes_sections_never_paragraphs(partial_client):
    response, article = body(partial_client, f"/v1/articles/{SLUG}")
    assert article["language"] == "es"
    languages = {section["id"]: section["language"] for section in article["sections"]}
    assert languages == {
        "overview": "es",
        "what-it-is": "es",
        "sewing-up": "es",
        "effectiveness": "en",
        "pain": "en",
    }
    assert response.headers["Content-Language"] == "es, en"
    english = {
        section["id"]: section
        for section in body(partial_client, f"/v1/articles/{SLUG}", "en")[1]["sections"]
    }
    for section in article["sections"]:
        if section["language"] == "en":
            assert section == english[section["id"]]
        else:
            assert not set(section["paragraphs"]) & set(english[section["id"]]["paragraphs"])
    _, index = body(partial_client, f"/v1/articles/{SLUG}/sections")
    assert [entry["language"] for entry in index["sections"]] == list(languages.values())


def test_languages_endpoint_reports_the_gaps(partial_client):
    _, listing = body(partial_client, "/v1/languages")
    spanish = next(language for language in listing["languages"] if language["tag"] == "es")
    article = spanish["articles"][0]
    total = article["total"]
    assert (article["translated"], article["fuzzy"]) == (total - 2, 1)
    assert article["percent"] == (total - 2) * 1000 // total / 10
    assert article["available"] is True  # 13/15 meets an 80% threshold
    assert spanish["completeness"]["percent"] == 100.0  # the interface catalog
    assert (spanish["status"], spanish["offered"], spanish["articles_available"]) == (
        "complete",
        True,
        1,
    )
    assert listing["completeness_threshold"] == 80


def test_below_the_threshold_the_article_is_english_and_the_language_still_offered(
    translations_copy,
):
    make_partial_spanish(translations_copy)
    compile_catalogs(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()  # 100%
    _, section = body(client, f"/v1/articles/{SLUG}/sections/overview", "es-MX, es;q=0.9")
    assert section["language"] == "en"
    assert section["requested_language"] == "es-MX"
    _, listing = body(client, "/v1/languages", "en")
    spanish = next(language for language in listing["languages"] if language["tag"] == "es")
    assert (spanish["status"], spanish["offered"], spanish["articles_available"]) == (
        "complete",
        True,
        0,
    )
    assert spanish["articles"][0]["available"] is False
    _, section = body(client, f"/v1/articles/{SLUG}/sections/overview?lang=es", "fr")
    assert section["language"] == "fr"  # not available in es: the header decides
    assert section["requested_language"] == "es"
    assert "es" in client.get("/readyz").get_json()["languages"]
    response = client.get("/v1/articles/nope", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    problem = response.get_json()  # errors: the interface catalog is complete
    assert (problem["title"], problem["language"]) == ("Artículo no encontrado", "es")
