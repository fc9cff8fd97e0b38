"""The shipped catalogs: complete, honest about provenance, well-formed for each language."""

import json
import re
import unicodedata

import polib
import pytest

from service import plural_forms
from service.catalog_files import (
    article_template_path,
    catalog_files,
    interface_template_path,
    languages,
)
from tests.helpers import SECTION_IDS, SHIPPED_TRANSLATIONS, SLUG, TRANSLATED_LANGUAGES

# Each language's interface catalog and its catalog of the first article.
CATALOGS = {(file.tag, file.article): file.po_path for file in catalog_files(SHIPPED_TRANSLATIONS)}
TEMPLATES = {
    None: interface_template_path(SHIPPED_TRANSLATIONS),
    SLUG: article_template_path(SHIPPED_TRANSLATIONS, SLUG),
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|\{[a-z_]*\}")
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def test_every_offered_language_is_shipped_with_both_catalogs():
    assert tuple(languages(SHIPPED_TRANSLATIONS)) == TRANSLATED_LANGUAGES
    assert set(CATALOGS) == {
        (tag, article) for tag in TRANSLATED_LANGUAGES for article in TEMPLATES
    }


def _keys(path) -> set:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path))}


@pytest.mark.parametrize("tag", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize("article", TEMPLATES)
def test_catalog_is_complete_and_well_formed(tag, article):
    po = polib.pofile(str(CATALOGS[tag, article]))
    entries = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    assert set(entries) == _keys(TEMPLATES[article])
    for key, entry in entries.items():
        assert entry.msgstr, f"untranslated: {key}"
        assert not entry.fuzzy, f"fuzzy: {key}"
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(
            PLACEHOLDER.findall(entry.msgid)
        ), key
        assert entry.msgstr != entry.msgid, f"English left in: {key}"
        assert unicodedata.is_normalized("NFC", entry.msgstr), key
        assert not PRESENTATION_FORMS.search(entry.msgstr), key
        assert "&#" not in entry.msgstr, key
        assert "Ã" not in entry.msgstr, key  # UTF-8 read as Latin-1
    assert not [entry for entry in po if entry.obsolete]


@pytest.mark.parametrize("tag", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize("article", TEMPLATES)
def test_catalog_headers_are_correct_and_honest(tag, article):
    metadata = polib.pofile(str(CATALOGS[tag, article])).metadata
    babel_name = tag.replace("-", "_")
    assert metadata["Language"] == babel_name
    assert plural_forms.problem(babel_name, metadata["Plural-Forms"]) is None
    assert "patient-information API project team" in metadata["Language-Team"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}", metadata["PO-Revision-Date"])
    assert "AI" in metadata["X-Translated-By"]
    assert metadata["X-Medical-Review"] == "none"


@pytest.mark.parametrize("tag", TRANSLATED_LANGUAGES)
def test_every_section_is_served_in_the_language(client, tag):
    english = json.loads(client.get(f"/v1/articles/{SLUG}?lang=en").data)
    english_paragraphs = {p for section in english["sections"] for p in section["paragraphs"]}
    for section_id, english_section in zip(SECTION_IDS, english["sections"], strict=True):
        response = client.get(f"/v1/articles/{SLUG}/sections/{section_id}?lang={tag}")
        section = json.loads(response.data)
        assert section["language"] == tag
        assert response.headers["Content-Language"] == tag
        assert len(section["paragraphs"]) == len(english_section["paragraphs"])
        assert (section["heading"] is None) == (english_section["heading"] is None)
        assert not english_paragraphs & set(section["paragraphs"])


def test_arabic_is_right_to_left(client):
    article = json.loads(client.get(f"/v1/articles/{SLUG}?lang=ar").data)
    assert article["direction"] == "rtl"
    assert {section["direction"] for section in article["sections"]} == {"rtl"}
    english = json.loads(client.get(f"/v1/articles/{SLUG}?lang=en").data)
    assert english["direction"] == "ltr"


def test_languages_endpoint_lists_the_21_complete_languages(client):
    body = json.loads(client.get("/v1/languages?lang=es").data)
    languages = {language["tag"]: language for language in body["languages"]}
    assert set(languages) == {"en", *TRANSLATED_LANGUAGES}
    assert languages["en"]["status"] == "source"
    for tag in TRANSLATED_LANGUAGES:
        language = languages[tag]
        assert language["status"] == "complete"
        assert language["offered"] is True
        assert language["completeness"]["percent"] == 100.0
        assert language["completeness"]["fuzzy"] == 0
        assert language["articles_available"] == 1
        assert language["articles"][0]["percent"] == 100.0
        assert language["articles"][0]["available"] is True
        assert "AI" in language["provenance"]["translated_by"]
        not_reviewed = {"reviewed": False, "reviewer": None, "qualification": None, "date": None}
        assert language["provenance"]["medical_review"] == not_reviewed
        assert language["articles"][0]["translation"]["medical_review"] == not_reviewed
        assert language["revision_date"]
    assert languages["ar"]["direction"] == "rtl"
    assert languages["zh-Hans"]["native_name"] == "中文 (简体)"
    assert languages["de"]["name"] == "alemán"  # in the response's language (es), from CLDR
