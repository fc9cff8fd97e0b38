"""The change feed: `modified` per article and language, and ?modified_since= for mirrors."""

import datetime

import polib
import pytest

from service import create_app
from service.catalog_files import article_template_path
from tests.helpers import SHIPPED_TRANSLATIONS, SLUG, article_po, compile_catalogs

ARTICLES = "/v1/articles"


def catalog_date(path, header: str) -> datetime.datetime:
    value = polib.pofile(str(path)).metadata[header]
    return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M%z")


def feed(client, since: str, language: str = "es", **query) -> list[str]:
    response = client.get(
        ARTICLES, query_string={"modified_since": since, "lang": language, **query}
    )
    assert response.status_code == 200, response.data
    return [entry["slug"] for entry in response.get_json()["articles"]]


@pytest.mark.parametrize(("language", "babel_name"), [("en", None), ("es", "es"), ("ar", "ar")])
def test_each_article_says_when_its_text_in_this_language_changed(client, language, babel_name):
    extracted = catalog_date(article_template_path(SHIPPED_TRANSLATIONS, SLUG), "POT-Creation-Date")
    revised = (
        catalog_date(article_po(SHIPPED_TRANSLATIONS, babel_name), "PO-Revision-Date")
        if babel_name
        else extracted
    )
    expected = max(extracted, revised)
    (entry,) = client.get(ARTICLES, query_string={"lang": language}).get_json()["articles"]
    assert datetime.datetime.fromisoformat(entry["modified"]) == expected
    article = client.get(f"{ARTICLES}/{SLUG}", query_string={"lang": language}).get_json()
    assert article["modified"] == entry["modified"]
    assert article["dates"]["modified"] is None  # the source's own date stays unknown


def test_modified_since_selects_what_changed_at_or_after_it(client):
    (entry,) = client.get(ARTICLES, query_string={"lang": "es"}).get_json()["articles"]
    modified = datetime.datetime.fromisoformat(entry["modified"])
    just_after = modified + datetime.timedelta(seconds=1)
    assert feed(client, modified.isoformat()) == [SLUG]  # the same minute comes again
    assert feed(client, "2000-01-01T00:00:00Z") == [SLUG]
    assert feed(client, just_after.isoformat()) == []
    # The same moment in another offset, and lower-case t and z (RFC 3339 allows both).
    assert (
        feed(
            client,
            just_after.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).isoformat(),
        )
        == []
    )
    assert feed(client, "2000-01-01t00:00:00z") == [SLUG]


def test_an_empty_feed_is_a_200_with_its_own_canonical_url_and_etag(client):
    query = {"modified_since": "2999-01-01T01:00:00+01:00", "lang": "ar"}
    response = client.get(ARTICLES, query_string=query)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["articles"], body["pagination"]["total_articles"]) == ([], 0)
    canonical = f"{ARTICLES}?modified_since=2999-01-01T00%3A00%3A00Z&lang=ar"
    assert response.headers["Content-Location"] == canonical
    again = client.get(
        ARTICLES, query_string=query, headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_it_composes_with_the_code_filter(client):
    assert feed(client, "2000-01-01T00:00:00Z", code="L90") == [SLUG]
    assert feed(client, "2999-01-01T00:00:00Z", code="L90") == []
    assert feed(client, "2000-01-01T00:00:00Z", code="A00") == []
    response = client.get(
        ARTICLES, query_string={"modified_since": "2000-01-01T00:00:00Z", "code": "l906"}
    )
    assert response.headers["Content-Location"] == (
        f"{ARTICLES}?code=L90.6&modified_since=2000-01-01T00%3A00%3A00Z&lang=en"
    )


def test_each_language_has_its_own_revision_date(translations_copy):
    path = article_po(translations_copy, "es")
    catalog = polib.pofile(str(path))
    catalog.metadata["PO-Revision-Date"] = "2030-06-01 09:30+0000"
    catalog.save()
    compile_catalogs(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()
    assert feed(client, "2030-06-01T09:30:00Z", "es") == [SLUG]
    assert feed(client, "2030-06-01T09:30:00Z", "fr") == []
    (entry,) = client.get(ARTICLES, query_string={"lang": "es"}).get_json()["articles"]
    assert entry["modified"] == "2030-06-01T09:30:00+00:00"


@pytest.mark.parametrize(
    "since",
    [
        "2026-01-31",  # a date alone
        "2026-01-31T12:00:00",  # no offset
        "2026-01-31 12:00:00Z",  # a space, not T
        "2026-02-30T12:00:00Z",  # no such day
        "2026-01-31T12:00:00 01:00",  # a "+" sent unencoded arrives as a space
        "yesterday",
        "",
    ],
)
@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Invalid date and time"),
        ("es", "Fecha y hora no válidas"),
        ("ar", "التاريخ والوقت غير صالحين"),
    ],
)
def test_an_invalid_timestamp_is_a_localized_400(client, since, language, title):
    response = client.get(ARTICLES, query_string={"modified_since": since, "lang": language})
    assert response.status_code == 400
    assert response.content_type == "application/problem+json; charset=utf-8"
    problem = response.get_json()
    assert (problem["type"], problem["title"]) == (
        "urn:patient-info:problem:invalid-timestamp",
        title,
    )
    assert "modified_since" in problem["detail"]


def test_a_repeated_timestamp_is_a_400(client):
    query = [("modified_since", "2026-01-01T00:00:00Z")] * 2
    response = client.get(ARTICLES, query_string=query)
    assert response.status_code == 400
    assert response.get_json()["type"] == "urn:patient-info:problem:invalid-timestamp"
