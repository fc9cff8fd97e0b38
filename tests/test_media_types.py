"""Content negotiation on Accept: q-values, ranges, JSON by default, 406 otherwise."""

import pytest

from service.headers import JSON
from service.media_types import FHIR_JSON, JSON_LD, MEDIA_TYPES_BY_KIND, preferred_media_type
from tests.helpers import SLUG

ARTICLE = f"/v1/articles/{SLUG}"
ARTICLE_TYPES = MEDIA_TYPES_BY_KIND["article"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("application/ld+json", JSON_LD),
        ("application/fhir+json", FHIR_JSON),
        ("application/fhir+json; fhirVersion=4.3", FHIR_JSON),
        ("APPLICATION/LD+JSON", JSON_LD),
        ("application/json; charset=utf-8", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("application/ld+json;q=0.5, application/fhir+json", FHIR_JSON),
        ("application/fhir+json;q=0.5, application/ld+json;q=0.5", JSON_LD),  # tie: our order
        ("application/json;q=0.1, application/ld+json;q=0.2", JSON_LD),
        ("application/json;q=0, */*", JSON_LD),  # the more specific range wins
        ("application/ld+json;q=0, application/*;q=0.5", JSON),
        ("not a media type", JSON),  # nothing well-formed: as if absent
        ("text/html", None),
        ("application/fhir+json; fhirVersion=4.0", None),  # R4 is not what we serve
        ("*/*;q=0", None),
        ("application/json;q=0, application/ld+json;q=0, application/fhir+json;q=0", None),
    ],
)
def test_the_preferred_available_type_is_chosen(accept, chosen):
    assert preferred_media_type(accept, ARTICLE_TYPES) == chosen


def test_json_is_the_default(client):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/*"}):
        response = client.get(ARTICLE, headers=headers)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == JSON
        assert response.headers["Vary"] == "Accept, Accept-Language, Accept-Encoding"


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Format not available"), ("es", "Formato no disponible"), ("ar", "التنسيق غير متاح")],
)
def test_an_unavailable_type_is_a_localized_406_listing_what_is(client, language, title):
    response = client.get(ARTICLE, headers={"Accept": "text/html", "Accept-Language": language})
    assert response.status_code == 406
    assert response.content_type == "application/problem+json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    problem = response.get_json()
    assert problem["type"] == "urn:patient-info:problem:not-acceptable"
    assert (problem["title"], problem["status"], problem["language"]) == (title, 406, language)
    for media_type in ARTICLE_TYPES:
        assert media_type in problem["detail"]


def test_resources_with_fewer_representations_refuse_others(client):
    section = f"{ARTICLE}/sections/pain"
    response = client.get(section, headers={"Accept": "application/ld+json"})
    assert response.status_code == 406
    detail = response.get_json()["detail"]
    assert JSON in detail
    assert "text/html" in detail  # a section is also an HTML fragment
    assert JSON_LD not in detail
    preferred = client.get(section, headers={"Accept": "application/json, text/html;q=0.5"})
    assert (preferred.status_code, preferred.content_type) == (200, JSON)
    assert preferred.headers["Vary"].startswith("Accept, ")
    index = client.get(f"{ARTICLE}/sections", headers={"Accept": "text/html"})
    assert index.status_code == 406
    ok = client.get(f"{ARTICLE}/sections", headers={"Accept": "application/json, text/html"})
    assert ok.status_code == 200
    # Only the error depends on Accept there, and errors are never cached.
    assert "Accept," not in ok.headers["Vary"]


def test_an_unknown_article_is_404_whatever_the_accept(client):
    response = client.get("/v1/articles/no-such-article", headers={"Accept": "text/html"})
    assert response.status_code == 404
