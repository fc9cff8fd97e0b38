"""Honest partial translations: whole-section fallback, fuzzy, the offering threshold."""

import json

import polib
import pytest

from service import create_app
from tests.conftest import SLUG, compile_catalogs

PAIN = f"{SLUG}/pain"
EFFECTIVENESS = f"{SLUG}/effectiveness"


def make_partial_spanish(translations_dir):
    """Spanish with one pain paragraph untranslated and one effectiveness string fuzzy."""
    path = translations_dir / "es" / "LC_MESSAGES" / "messages.po"
    catalog = polib.pofile(str(path))
    pain = [entry for entry in catalog if entry.msgctxt == PAIN]
    pain[-1].msgstr = ""
    effectiveness = [entry for entry in catalog if entry.msgctxt == EFFECTIVENESS]
    effectiveness[0].flags.append("fuzzy")
    catalog.save()
    compile_catalogs(translations_dir)


@pytest.fixture
def partial_client(translations_copy):
    make_partial_spanish(translations_copy)
    app = create_app(
        {"TRANSLATIONS_DIR": translations_copy, "TRANSLATION_COMPLETENESS_THRESHOLD": 90}
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
    total = spanish["completeness"]["total"]
    assert spanish["completeness"]["translated"] == total - 2
    assert spanish["completeness"]["fuzzy"] == 1
    assert spanish["completeness"]["percent"] == (total - 2) * 1000 // total / 10
    assert spanish["articles"][0]["translated"] == spanish["articles"][0]["total"] - 2
    assert spanish["status"] == "complete"  # 31/33 meets a 90% threshold
    assert spanish["offered"] is True
    assert listing["completeness_threshold"] == 90


def test_below_the_threshold_a_language_is_not_offered(translations_copy):
    make_partial_spanish(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()  # 100%
    _, section = body(client, f"/v1/articles/{SLUG}/sections/overview", "es-MX, es;q=0.9")
    assert section["language"] == "en"
    assert section["requested_language"] == "es-MX"
    _, listing = body(client, "/v1/languages", "en")
    spanish = next(language for language in listing["languages"] if language["tag"] == "es")
    assert (spanish["status"], spanish["offered"]) == ("in_progress", False)
    _, section = body(client, f"/v1/articles/{SLUG}/sections/overview?lang=es", "fr")
    assert section["language"] == "fr"  # lang=es is "not offered": the header decides
    assert section["requested_language"] == "es"
    assert "es" not in client.get("/readyz").get_json()["languages"]
