"""The shipped catalogs: complete, honest about provenance, well-formed for each language."""

import json
import re
import unicodedata

import polib
import pytest
from babel import Locale

from service import plural_forms
from service.catalog_files import (
    article_template_path,
    catalog_files,
    interface_template_path,
    languages,
)
from tests.helpers import (
    ICD10CM_OID,
    NOT_REVIEWED,
    SECTION_IDS,
    SHIPPED_TRANSLATIONS,
    SLUG,
    TRANSLATED_LANGUAGES,
)

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
        # An "also called" term may be the English one: Latin medical terms (striae
        # distensae) are cited as they are in many languages' patient texts.
        if not (entry.msgctxt or "").endswith("/also-called"):
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
        assert section["direction"] == Locale.parse(tag.replace("-", "_")).text_direction
        assert len(section["paragraphs"]) == len(english_section["paragraphs"])
        assert (section["heading"] is None) == (english_section["heading"] is None)
        assert not english_paragraphs & set(section["paragraphs"])
        english_blocks = json.loads(
            client.get(f"/v1/articles/{SLUG}/sections/{section_id}?lang=en").data
        )["blocks"]
        assert block_shape(section["blocks"]) == block_shape(english_blocks)


def block_shape(blocks: list[dict]) -> list:
    """The blocks without their words: types, list kinds, item counts, marks and links."""
    return [
        (
            block["type"],
            block.get("ordered"),
            [span_shape(item["text"]) for item in block.get("items", [])],
            span_shape(block.get("text", [])),
        )
        for block in blocks
    ]


def span_shape(spans: list[dict]) -> list:
    return [(tuple(span.get("marks", ())), span.get("href")) for span in spans if "href" in span]


@pytest.mark.parametrize("tag", ["ar", "fa", "ur"])
def test_right_to_left_languages_say_so_everywhere(client, tag):
    """JSON, the HTML fragment, FHIR's narrative and the Infobutton feed all carry rtl."""
    article = json.loads(client.get(f"/v1/articles/{SLUG}?lang={tag}").data)
    assert article["direction"] == "rtl"
    assert {section["direction"] for section in article["sections"]} == {"rtl"}
    fragment = client.get(
        f"/v1/articles/{SLUG}/sections/pain?lang={tag}", headers={"Accept": "text/html"}
    ).data.decode()
    assert fragment.startswith(f'<section lang="{tag}" dir="rtl">')
    fhir = client.get(
        f"/v1/articles/{SLUG}?lang={tag}", headers={"Accept": "application/fhir+json"}
    ).get_json()
    for part in fhir["section"]:
        assert f'lang="{tag}" xml:lang="{tag}" dir="rtl"' in part["text"]["div"]
    feed = client.get(
        "/v1/infobutton",
        query_string={
            "mainSearchCriteria.v.c": "L90.6",
            "mainSearchCriteria.v.cs": ICD10CM_OID,
            "informationRecipient.languageCode.c": tag,
            "knowledgeResponseType": "application/json",
        },
    ).get_json()["feed"]
    assert feed["lang"] == tag  # MedlinePlus Connect's JSON spelling of xml:lang
    assert feed["entry"][0]["summary"]["_value"].startswith(f'<div lang="{tag}" dir="rtl">')
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
        assert language["provenance"]["medical_review"] == NOT_REVIEWED
        assert language["articles"][0]["translation"]["medical_review"] == NOT_REVIEWED
        assert language["revision_date"]
    assert languages["ar"]["direction"] == "rtl"
    assert languages["zh-Hans"]["native_name"] == "中文 (简体)"
    assert languages["de"]["name"] == "alemán"  # in the response's language (es), from CLDR
