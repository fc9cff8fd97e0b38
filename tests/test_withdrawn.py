"""Withdrawn articles: 410 everywhere under their URL, gone from every list and lookup,
listed as removed in the change feed; and `translate check` refuses a file removed
without being withdrawn first."""

import shutil
import subprocess

import pytest

from service import create_app
from service.cli import create_cli_app
from tests.helpers import (
    ICD10CM_OID,
    SHIPPED_CONTENT,
    SLUG,
    WITHDRAWN_ON,
    WITHDRAWN_REASON,
    WITHDRAWN_SLUG,
    add_withdrawn_article,
    content_with_withdrawn_article,
)

ARTICLE = f"/v1/articles/{WITHDRAWN_SLUG}"
GONE = "urn:patient-info:problem:article-withdrawn"


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return content_with_withdrawn_article(tmp_path_factory.mktemp("withdrawn") / "articles")


@pytest.fixture(scope="module")
def client(content):
    return create_app({"TESTING": True, "CONTENT_DIR": content}).test_client()


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        (ARTICLE, None),
        (ARTICLE, "application/ld+json"),
        (ARTICLE, "application/fhir+json"),
        (f"{ARTICLE}/sections", None),
        (f"{ARTICLE}/sections/details", None),
        (f"{ARTICLE}/sections/details", "text/html"),
        (f"{ARTICLE}/sections/no-such-section", None),
    ],
)
def test_a_withdrawn_article_and_everything_under_it_answer_410(client, path, accept):
    headers = {"Accept-Language": "es", **({"Accept": accept} if accept else {})}
    response = client.get(path, headers=headers)
    assert response.status_code == 410
    assert response.content_type == "application/problem+json; charset=utf-8"
    problem = response.get_json()
    assert problem["type"] == GONE
    assert (problem["withdrawn_at"], problem["reason"]) == (WITHDRAWN_ON, WITHDRAWN_REASON)
    assert WITHDRAWN_ON in problem["detail"]
    assert client.head(path, headers=headers).status_code == 410


def test_it_leaves_the_list_the_code_lookup_the_infobutton_and_readiness(client):
    listed = client.get("/v1/articles").get_json()
    assert [entry["slug"] for entry in listed["articles"]] == [SLUG]
    assert "removed" not in listed  # only the change feed says what was removed
    found = client.get("/v1/articles", query_string={"code": "L90.6"}).get_json()
    assert [entry["slug"] for entry in found["articles"]] == [SLUG]
    feed = client.get(
        "/v1/infobutton",
        query_string={
            "mainSearchCriteria.v.c": "L90.6",
            "mainSearchCriteria.v.cs": ICD10CM_OID,
            "knowledgeResponseType": "application/json",
        },
    ).get_json()
    assert [entry["link"][0]["href"] for entry in feed["feed"]["entry"]] == [
        f"/v1/articles/{SLUG}?lang=en"
    ]
    assert client.get("/readyz").get_json()["articles"] == 1
    languages = client.get("/v1/languages").get_json()
    assert {entry["slug"] for entry in languages["languages"][1]["articles"]} == {SLUG}


def test_search_does_not_find_it(client):
    """Its words ("outdated") are its own: indexed, they would be a hit."""
    for query in ("outdated", "old advice"):
        found = client.get("/v1/search", query_string={"q": query, "lang": "en"}).get_json()
        assert found["hits"] == [], query
    found = client.get("/v1/search", query_string={"q": "stretch marks", "lang": "en"})
    assert {hit["article"]["slug"] for hit in found.get_json()["hits"]} == {SLUG}


def removed(client, since: str, **query) -> list[dict]:
    response = client.get("/v1/articles", query_string={"modified_since": since, **query})
    assert response.status_code == 200, response.data
    return response.get_json()["removed"]


def test_the_change_feed_lists_it_as_removed_from_its_date(client):
    (entry,) = removed(client, "2026-11-29T23:00:00Z", lang="ar")
    assert entry == {
        "slug": WITHDRAWN_SLUG,
        "url": ARTICLE,
        "removed_at": f"{WITHDRAWN_ON}T00:00:00+00:00",
        "reason": WITHDRAWN_REASON,
    }
    assert removed(client, f"{WITHDRAWN_ON}T00:00:01Z") == []
    # Whatever the code filter: deleting a copy one does not hold is harmless.
    assert [each["slug"] for each in removed(client, "2000-01-01T00:00:00Z", code="A00")] == [
        WITHDRAWN_SLUG
    ]


def test_the_store_reads_no_catalog_of_a_withdrawn_article(client):
    store = client.application.extensions["payload_store"]
    assert list(store.articles) == [SLUG]
    assert not any(slug == WITHDRAWN_SLUG for slug, _ in store.catalogs.articles)


# `translate check` and a file removed without being withdrawn first.


def git(directory, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments],
        cwd=directory,
        check=True,
        capture_output=True,
    )


def check(content, translations, *arguments: str):
    app = create_cli_app()
    app.config.update(CONTENT_DIR=content, TRANSLATIONS_DIR=translations)
    return app.test_cli_runner().invoke(args=["translate", "check", *arguments])


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_check_refuses_a_file_removed_without_being_withdrawn_first(tmp_path, translations_copy):
    content = tmp_path / "articles"
    shutil.copytree(SHIPPED_CONTENT, content)
    withdrawn = add_withdrawn_article(content)
    published = withdrawn.read_text(encoding="utf-8").replace("withdrawn:", "former:")
    published = published.split("former:")[0] + "---" + published.split("---", 2)[2]
    withdrawn.write_text(published, encoding="utf-8")  # the same article, still published
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "published")

    withdrawn.unlink()
    result = check(content, translations_copy)
    assert result.exit_code == 1
    assert f"error: {withdrawn}: removed without being withdrawn first" in result.output

    # (Other problems of the copied catalogs, such as interface strings awaiting their
    # translations, are not this test's: it reads only what names the article.)
    git(tmp_path, "checkout", "--", str(withdrawn))
    add_withdrawn_article(content)
    assert WITHDRAWN_SLUG not in check(content, translations_copy).output  # no catalogs needed
    git(tmp_path, "commit", "--quiet", "-am", "withdrawn")
    withdrawn.unlink()  # removed once withdrawn in HEAD: allowed
    assert WITHDRAWN_SLUG not in check(content, translations_copy).output
    # In CI, against the branch a pull request merges into: there it was published.
    result = check(content, translations_copy, "--base", "HEAD~1")
    assert result.exit_code == 1
    assert f"error: {withdrawn}: removed without being withdrawn first (it is in HEAD~1)" in (
        result.output
    )
