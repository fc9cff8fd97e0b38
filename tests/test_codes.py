"""Lookup by medical code: systems, ICD-10-CM normalization and hierarchy, and
GET /v1/articles?code=&system= through the real app, in English, Spanish and Arabic."""

import dataclasses
import json

import pytest

from service.codes import (
    CodeIndex,
    CodeQuery,
    MalformedCode,
    UnknownCodeSystem,
    icd10cm_key,
    icd10cm_lineage,
    resolve_system,
)
from service.content.loader import ContentError, load_articles, parse_article_file
from service.content.model import MedicalCode
from tests.helpers import ARTICLE_FILE, SLUG

LANGUAGES = ("en", "es", "ar")
ICD10CM_SPELLINGS = ("icd10cm", "http://hl7.org/fhir/sid/icd-10-cm", "2.16.840.1.113883.6.90")
SNOMEDCT_SPELLINGS = ("snomedct", "http://snomed.info/sct", "2.16.840.1.113883.6.96")
HPO_SPELLINGS = ("hpo", "http://human-phenotype-ontology.org")


@pytest.mark.parametrize(
    ("spelling", "system"),
    [
        *((spelling, "icd10cm") for spelling in ICD10CM_SPELLINGS),
        *((spelling, "snomedct") for spelling in SNOMEDCT_SPELLINGS),
        *((spelling, "hpo") for spelling in HPO_SPELLINGS),
    ],
)
def test_systems_by_short_name_uri_and_oid(spelling, system):
    assert resolve_system(spelling) == system


@pytest.mark.parametrize(
    "spelling",
    ["", "ICD10CM", "icd-10-cm", "2.16.840.1.113883.6.103", "http://snomed.info/sct/", "loinc"],
)
def test_other_spellings_are_unknown(spelling):
    with pytest.raises(UnknownCodeSystem):
        resolve_system(spelling)


@pytest.mark.parametrize(
    ("code", "key", "usual"),
    [
        ("L90.6", "L906", "L90.6"),
        ("l90.6", "L906", "L90.6"),
        ("L906", "L906", "L90.6"),
        ("l906", "L906", "L90.6"),
        ("L90", "L90", "L90"),
        ("c4a.0", "C4A0", "C4A.0"),
        ("S52501a", "S52501A", "S52.501A"),
    ],
)
def test_icd10cm_codes_match_in_any_case_with_or_without_the_dot(code, key, usual):
    assert icd10cm_key(code) == key
    assert CodeQuery.parse(code, "icd10cm") == CodeQuery(usual, "icd10cm")


@pytest.mark.parametrize(
    "code",
    ["", "L9", "90.6", "L90.", "L.906", "L90..6", "L90-6", "L90.62345", " L90.6", "L90.6\n", "LL0"],
)
def test_malformed_icd10cm_codes_are_refused(code):
    assert icd10cm_key(code) is None
    with pytest.raises(MalformedCode):
        CodeQuery.parse(code, "2.16.840.1.113883.6.90")


def test_only_icd10cm_codes_have_a_checked_shape():
    assert CodeQuery.parse("HP:0001065", "hpo") == CodeQuery("HP:0001065", "hpo")
    assert CodeQuery.parse("l90.6", None) == CodeQuery("L90.6", None)  # any system: normalized
    assert CodeQuery.parse("200938002", None) == CodeQuery("200938002", None)


def test_lineage_walks_up_to_the_category():
    assert icd10cm_lineage("S52501A") == ["S52501A", "S52501", "S5250", "S525", "S52"]
    assert icd10cm_lineage("L90") == ["L90"]


def _article(base, slug: str, *codes: tuple[str, str]):
    metadata = dataclasses.replace(
        base.metadata, codes=tuple(MedicalCode(system, code, "-") for system, code in codes)
    )
    return dataclasses.replace(base, slug=slug, metadata=metadata)


@pytest.fixture(scope="module")
def index() -> CodeIndex:
    """Articles on a category, two of its codes, a child code, and other systems."""
    (base,) = load_articles(ARTICLE_FILE.parent)
    return CodeIndex(
        [
            _article(base, "striae", ("icd10cm", "L90.6")),
            _article(base, "other-atrophy", ("icd10cm", "L90.8")),
            _article(base, "atrophic-skin", ("icd10cm", "L90")),
            _article(base, "forearm", ("icd10cm", "S52.501A"), ("snomedct", "65966004")),
            _article(base, "phenotype", ("hpo", "HP:0001065"), ("icd10cm", "L90.6")),
        ]
    )


@pytest.mark.parametrize(
    ("code", "system", "found"),
    [
        ("L90", "icd10cm", ("striae", "other-atrophy", "atrophic-skin", "phenotype")),
        ("l90.6", "icd10cm", ("striae", "phenotype")),
        ("L908", "2.16.840.1.113883.6.90", ("other-atrophy",)),
        ("S52", "icd10cm", ("forearm",)),
        ("S52.5", "icd10cm", ("forearm",)),
        ("L91", "icd10cm", ()),
        ("65966004", "snomedct", ("forearm",)),
        ("65966004", None, ("forearm",)),
        ("HP:0001065", "http://human-phenotype-ontology.org", ("phenotype",)),
        ("HP:0001065", "snomedct", ()),
    ],
)
def test_search_finds_a_code_and_its_descendants(index, code, system, found):
    assert index.search(CodeQuery.parse(code, system)) == found


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("L90.6", ("striae", "phenotype")),  # the code itself
        ("L90.62", ("striae", "phenotype")),  # nearest ancestor: L90.6
        ("L90.9", ("atrophic-skin",)),  # L90 itself, not its other children
        ("S52.501", ()),  # an ancestor of a coded code: never walks down
        ("L91.0", ()),
    ],
)
def test_nearest_walks_up_to_the_nearest_ancestor_with_an_article(index, code, found):
    assert index.nearest(CodeQuery.parse(code, "icd10cm")) == found


def test_a_malformed_icd10cm_code_in_an_article_file_stops_start_up():
    text = ARTICLE_FILE.read_text(encoding="utf-8").replace("code: L90.6", "code: L9.06")
    with pytest.raises(ContentError, match=r"codes\.0\.code: not an ICD-10-CM code"):
        parse_article_file(text.encode(), str(ARTICLE_FILE))


def get(client, url, language, **headers):
    return client.get(url, headers={"Accept-Language": language, **headers})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("code", "system"),
    [
        *(("L90.6", spelling) for spelling in ICD10CM_SPELLINGS),
        *(("HP:0001065", spelling) for spelling in HPO_SPELLINGS),
        ("L90.6", None),
    ],
)
def test_articles_by_code_in_every_spelling_of_its_system(client, language, code, system):
    query = f"code={code}" + (f"&system={system}" if system else "")
    response = get(client, f"/v1/articles?{query}", language)
    assert response.status_code == 200
    body = json.loads(response.data)
    assert [article["slug"] for article in body["articles"]] == [SLUG]
    assert body["language"] == language
    assert body["direction"] == ("rtl" if language == "ar" else "ltr")
    assert response.headers["Content-Language"] == language
    canonical_system = "" if system is None else f"&system={resolve_system(system)}"
    canonical = f"/v1/articles?code={code.replace(':', '%3A')}{canonical_system}&lang={language}"
    assert response.headers["Content-Location"] == canonical
    assert response.headers["Link"] == f'<{canonical}>; rel="first", <{canonical}>; rel="last"'
    # The same list entry as the unfiltered list's, in the same language.
    unfiltered = json.loads(get(client, "/v1/articles", language).data)
    assert body["articles"] == unfiltered["articles"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", ["L90.6", "l90.6", "L906", "l906", "L90", "l90"])
def test_icd10cm_case_dot_and_category_match(client, language, code):
    response = get(client, f"/v1/articles?code={code}&system=icd10cm", language)
    body = json.loads(response.data)
    assert [article["slug"] for article in body["articles"]] == [SLUG]
    normalized = "L90" if code.upper() == "L90" else "L90.6"
    assert response.headers["Content-Location"] == (
        f"/v1/articles?code={normalized}&system=icd10cm&lang={language}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("L91", "icd10cm"),
        ("L90.61", "icd10cm"),
        *(("200938002", spelling) for spelling in SNOMEDCT_SPELLINGS),
        ("Z00", None),
    ],
)
def test_no_match_is_an_empty_list(client, language, code, system):
    query = f"code={code}" + (f"&system={system}" if system else "")
    response = get(client, f"/v1/articles?{query}", language)
    assert response.status_code == 200
    body = json.loads(response.data)
    assert body["articles"] == []
    assert body["language"] == language
    assert body["pagination"] == {"page": 1, "per_page": 50, "total_articles": 0, "total_pages": 1}


def problem(response, language, kind):
    assert response.status_code == 400
    assert response.content_type == "application/problem+json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Language"] == language
    body = json.loads(response.data)
    assert body["type"] == f"urn:patient-info:problem:{kind}"
    assert body["language"] == language
    return body


ENGLISH_TITLES = {
    "invalid-code": "Invalid medical code",
    "unknown-code-system": "Unknown code system",
    "code-required": "Missing medical code",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("code=L9&system=icd10cm", "invalid-code"),
        ("code=L90.6.2&system=2.16.840.1.113883.6.90", "invalid-code"),
        ("code=HP:0001065&system=http://hl7.org/fhir/sid/icd-10-cm", "invalid-code"),
        ("code=L90.6&system=icd-10", "unknown-code-system"),
        ("code=L90.6&system=", "unknown-code-system"),
        ("code=L90.6&system=icd10cm&system=hpo", "unknown-code-system"),
        ("system=icd10cm", "code-required"),
        ("code=&system=icd10cm", "code-required"),
        ("code=L90&code=L90.6", "code-required"),
    ],
)
def test_bad_codes_and_systems_are_localized_400s(client, language, query, kind):
    body = problem(get(client, f"/v1/articles?{query}", language), language, kind)
    if language == "en":
        assert body["title"] == ENGLISH_TITLES[kind]
    else:
        assert body["title"] != ENGLISH_TITLES[kind]
    assert ("L90" in body["detail"]) == (kind != "unknown-code-system")
    if kind == "unknown-code-system":
        assert "2.16.840.1.113883.6.96" in body["detail"]
        quoted = '"system"' if language == "en" else "«system»"  # each language's quotes
        assert quoted in body["detail"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_filtered_lists_revalidate_and_paginate(client, language):
    url = "/v1/articles?code=L90&system=icd10cm"
    first = get(client, url, language)
    again = get(client, url, language, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    for name in ("ETag", "Cache-Control", "Vary", "Content-Location"):
        assert again.headers[name] == first.headers[name]
    assert first.headers["Vary"].startswith("Accept-Language")
    beyond = get(client, f"{url}&page=2", language)
    assert json.loads(beyond.data)["type"] == "urn:patient-info:problem:page-not-found"
    assert get(client, f"{url}&page=1", language).headers["ETag"] == first.headers["ETag"]


def test_filtered_lists_say_what_was_requested(client):
    body = json.loads(client.get("/v1/articles?code=L90.6&lang=es-MX").data)
    assert (body["requested_language"], body["language"]) == ("es-MX", "es")


def test_filtered_lists_are_built_once_per_distinct_query(app, client):
    memo = app.extensions["payload_store"].query_payload
    client.get("/v1/articles?code=L90.6&system=icd10cm&lang=ar")
    hits = memo.cache_info().hits
    client.get("/v1/articles?code=l906&system=2.16.840.1.113883.6.90&lang=ar")
    assert memo.cache_info().hits == hits + 1  # the same normalized query
    assert memo.cache_info().maxsize == 256
