"""The article as schema.org JSON-LD and as FHIR: pyld and fhir.resources read what we serve."""

import datetime
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.narrative import Narrative
from pyld import jsonld

from service import create_app, payloads
from service.payloads import ALTERNATE_REPRESENTATIONS
from service.representations import DATA_ABSENT_REASON, XHTML_NAMESPACE
from tests.helpers import (
    ARTICLE_FILE,
    SECTION_IDS,
    SLUG,
    compile_catalogs,
    make_partial_spanish,
)

ARTICLE = f"/v1/articles/{SLUG}"
LANGUAGES = ("en", "es", "ar", "zh-Hans")
SCHEMA = "http://schema.org/"  # the vocabulary IRI schema.org's own context declares
# A local excerpt of schema.org's JSON-LD context with only the terms we use (and no
# @vocab, so a term we misspell or invent is dropped by expansion and fails the test).
CONTEXT = json.loads((Path(__file__).parent / "data" / "schema-org-context.jsonld").read_text())
BASE = "http://clinic.test/v1/articles/"  # where a client fetched the document
COMPOSITION_STATUSES = {"preliminary", "final", "amended", "entered-in-error"}  # R4B, required


def load_schema_org_context(url, options=None):
    """pyld's document loader: the local context for schema.org, the network never."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"expansion tried to load {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def expand(document: dict) -> dict:
    """The one node of the expanded document; fail on any term the context does not know."""
    dropped: list[str] = []
    expanded = jsonld.expand(
        document,
        {"documentLoader": load_schema_org_context, "base": BASE},
        on_property_dropped=dropped.append,
    )
    assert not dropped, f"terms that are not schema.org's: {dropped}"
    (node,) = expanded
    return node


def values(node: dict, term: str) -> list:
    return [item.get("@value", item.get("@id")) for item in node.get(SCHEMA + term, [])]


def fetch(client, accept: str, language: str, url: str = ARTICLE):
    response = client.get(url, query_string={"lang": language}, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    return response


def json_article(client, language: str) -> dict:
    return fetch(client, "application/json", language).get_json()


@pytest.mark.parametrize("language", LANGUAGES)
def test_json_ld_expands_to_a_schema_org_medical_web_page(client, language):
    response = fetch(client, "application/ld+json", language)
    assert response.content_type == "application/ld+json"
    assert response.headers["Vary"] == "Accept, Accept-Language, Accept-Encoding"
    assert response.headers["Content-Location"] == f"{ARTICLE}?lang={language}"
    article = json_article(client, language)
    page = expand(response.get_json())

    assert page["@type"] == [SCHEMA + "MedicalWebPage"]
    assert values(page, "inLanguage") == [language]
    assert values(page, "name") == [article["title"]]
    assert values(page, "url") == [f"http://clinic.test{ARTICLE}?lang={language}"]
    (condition,) = page[SCHEMA + "about"]
    assert condition["@type"] == [SCHEMA + "MedicalCondition"]
    codes = {
        (values(code, "codingSystem")[0], values(code, "codeValue")[0])
        for code in condition[SCHEMA + "code"]
        if code["@type"] == [SCHEMA + "MedicalCode"]
    }
    assert ("ICD-10-CM", "L90.6") in codes
    assert len(codes) == len(article["codes"])

    parts = page[SCHEMA + "hasPart"]
    assert [values(part, "position") for part in parts] == [[1], [2], [3], [4], [5]]
    for part, section in zip(parts, article["sections"], strict=True):
        assert part["@type"] == [SCHEMA + "WebPageElement"]
        assert values(part, "inLanguage") == [section["language"]]
        assert values(part, "name") == ([section["heading"]] if section["heading"] else [])
        assert values(part, "text") == ["\n\n".join(section["paragraphs"])]
        assert values(part, "url")[0].endswith(f"/sections/{section['id']}")
    notices = [values(notice, "text")[0] for notice in page[SCHEMA + "usageInfo"]]
    assert notices == [article["disclaimer"]["text"], article["clinical_review"]["summary"]]
    assert values(page, "creditText") == [article["attribution"]]
    # The seed states no dates, licence or source, and is not reviewed: none are invented.
    for unknown in ("dateModified", "datePublished", "license", "isBasedOn"):
        assert SCHEMA + unknown not in page
    assert SCHEMA + "lastReviewed" not in page
    assert SCHEMA + "reviewedBy" not in page


def narrative(text: Narrative | None) -> ElementTree.Element:
    """A FHIR narrative's XHTML div, parsed."""
    assert text is not None
    assert text.div is not None
    element = ElementTree.fromstring(text.div)  # noqa: S314 (our own output, in a test)
    assert element.tag == f"{{{XHTML_NAMESPACE}}}div"
    return element


def language_of(element: ElementTree.Element) -> str | None:
    xml_lang = element.get("{http://www.w3.org/XML/1998/namespace}lang")
    assert element.get("lang") == xml_lang
    return xml_lang


def paragraphs(element: ElementTree.Element) -> list[str | None]:
    return [paragraph.text for paragraph in element.iter(f"{{{XHTML_NAMESPACE}}}p")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_fhir_is_a_valid_r4b_composition_with_one_section_per_article_section(client, language):
    response = fetch(client, "application/fhir+json", language)
    assert response.headers["Content-Type"] == "application/fhir+json; fhirVersion=4.3"
    assert response.headers["Vary"] == "Accept, Accept-Language, Accept-Encoding"
    article = json_article(client, language)
    composition = Composition.model_validate_json(response.data)

    assert composition.language == language
    assert composition.status in COMPOSITION_STATUSES
    assert composition.title == article["title"]
    assert composition.type.text
    # FHIR requires a date and an author; the source states neither: data-absent-reason.
    assert composition.date is None
    assert composition.date__ext is not None
    absent = composition.date__ext.extension or []
    assert [extension.url for extension in absent] == [DATA_ABSENT_REASON]
    author_extensions = [author.extension or [] for author in composition.author]
    assert [extension.valueCode for extension, *_ in author_extensions] == ["unknown"]
    assert composition.attester is None
    summary = narrative(composition.text)
    assert language_of(summary) == language
    assert article["disclaimer"]["text"] in paragraphs(summary)
    assert article["clinical_review"]["summary"] in paragraphs(summary)
    (attribution,) = (p for p in summary if p.text == article["attribution"])
    if language != "en":  # the attribution is only in English, and says so
        assert (language_of(attribution), attribution.get("dir")) == ("en", "ltr")

    fhir_sections = composition.section or []
    assert len(fhir_sections) == len(SECTION_IDS)
    for fhir_section, section in zip(fhir_sections, article["sections"], strict=True):
        assert fhir_section.title == section["heading"]
        div = narrative(fhir_section.text)
        assert language_of(div) == section["language"]
        assert div.get("dir") == section["direction"]
        assert paragraphs(div) == section["paragraphs"]


def test_an_untranslated_section_says_it_is_english_in_every_representation(translations_copy):
    make_partial_spanish(translations_copy)
    compile_catalogs(translations_copy)
    app = create_app(
        {"TRANSLATIONS_DIR": translations_copy, "TRANSLATION_COMPLETENESS_THRESHOLD": 80}
    )
    client = app.test_client()
    expected = {
        section["id"]: section["language"] for section in json_article(client, "es")["sections"]
    }
    assert expected["pain"] == "en"
    assert expected["overview"] == "es"

    page = expand(fetch(client, "application/ld+json", "es").get_json())
    assert values(page, "inLanguage") == ["es"]
    part_languages = [values(part, "inLanguage")[0] for part in page[SCHEMA + "hasPart"]]
    assert part_languages == list(expected.values())

    response = fetch(client, "application/fhir+json", "es")
    assert response.headers["Content-Language"] == "es, en"
    composition = Composition.model_validate_json(response.data)
    section_languages = [
        language_of(narrative(section.text)) for section in composition.section or []
    ]
    assert section_languages == list(expected.values())


def test_known_dates_licence_and_review_are_stated(tmp_path):
    """An article the source dates, licenses and had reviewed says so in both."""
    content = ARTICLE_FILE.read_text(encoding="utf-8")
    reviewed = content.replace(
        "clinical_review: not_reviewed",
        "clinical_review: reviewed\nreviewed_by: Dr A. Example\n"
        "last_reviewed: 2026-03-01\nmodified: 2026-02-01\n"
        "license: https://creativecommons.org/licenses/by/4.0/",
    )
    assert reviewed != content
    (tmp_path / ARTICLE_FILE.name).write_text(reviewed)
    # Only English is offered: the test content's strings are in no catalog.
    app = create_app({"CONTENT_DIR": tmp_path, "TRANSLATION_COMPLETENESS_THRESHOLD": 0})
    client = app.test_client()

    page = expand(fetch(client, "application/ld+json", "en").get_json())
    date = SCHEMA + "Date"
    assert page[SCHEMA + "dateModified"] == [{"@value": "2026-02-01", "@type": date}]
    assert page[SCHEMA + "lastReviewed"] == [{"@value": "2026-03-01", "@type": date}]
    assert values(page, "reviewedBy") == ["Dr A. Example"]
    assert values(page, "license") == ["https://creativecommons.org/licenses/by/4.0/"]

    composition = Composition.model_validate_json(fetch(client, "application/fhir+json", "en").data)
    assert composition.date == datetime.date(2026, 2, 1)
    (attester,) = composition.attester or []
    assert attester.party is not None
    assert (attester.mode, attester.party.display) == ("professional", "Dr A. Example")
    assert attester.time == datetime.date(2026, 3, 1)


def test_each_representation_has_its_own_etag_and_revalidates(client):
    etags = set()
    for accept in ("application/json", "application/ld+json", "application/fhir+json"):
        for encoding in ("identity", "gzip"):
            headers = {"Accept": accept, "Accept-Language": "es", "Accept-Encoding": encoding}
            response = client.get(ARTICLE, headers=headers)
            etag = response.headers["ETag"]
            etags.add(etag)
            again = client.get(ARTICLE, headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304
            assert again.data == b""
            for name in ("ETag", "Vary", "Cache-Control", "Content-Location"):
                assert again.headers[name] == response.headers[name]
            head = client.head(ARTICLE, headers=headers)
            assert (head.status_code, head.headers["ETag"]) == (200, etag)
    assert len(etags) == 6


def test_every_representation_is_built_at_start_up(app):
    store = app.extensions["payload_store"]
    per_language = len(ALTERNATE_REPRESENTATIONS) + len(SECTION_IDS)  # and HTML fragments
    assert len(store.prebuilt_alternates) == len(store.articles) * len(store.offered) * per_language
    client = app.test_client()
    fetch(client, "application/ld+json", "ar")
    assert store._built_alternate.cache_info().currsize == 0  # nothing built on request


def test_past_the_cache_they_are_built_on_request_within_the_bound(app, monkeypatch):
    monkeypatch.setattr(payloads, "ALTERNATES_CACHED", 4)  # as if the corpus were large
    lazy = create_app({"TESTING": True})
    store = lazy.extensions["payload_store"]
    assert not store.prebuilt_alternates
    store._built_alternate.cache_clear()  # the OpenAPI document's examples asked for some
    client, eager_client = lazy.test_client(), app.test_client()
    for language in ("en", "es", "ar"):
        for accept in ("application/ld+json", "application/fhir+json"):
            built = fetch(client, accept, language)
            assert built.data == fetch(eager_client, accept, language).data  # same bytes
    assert store._built_alternate.cache_info().currsize == 4


def test_json_ld_links_are_absolute_with_a_public_base_url():
    base = "https://patient-info.example.org"
    client = create_app({"PUBLIC_BASE_URL": base}).test_client()
    page = fetch(client, "application/ld+json", "fr").get_json()
    assert page["url"] == f"{base}{ARTICLE}?lang=fr"
    assert [part["url"] for part in page["hasPart"]] == [
        f"{base}{ARTICLE}/sections/{section_id}" for section_id in SECTION_IDS
    ]
