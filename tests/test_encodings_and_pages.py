"""gzip twins of large bodies, and the article list page by page."""

import gzip
import json

import pytest

from service import create_app
from service.config import PACKAGE_DIR
from tests.conftest import SLUG

ARTICLE = f"/v1/articles/{SLUG}"
SMALL_SECTION = f"{ARTICLE}/sections/pain"  # under 1 KB


@pytest.mark.parametrize(
    "accept_encoding", ["gzip", "gzip, deflate, br", "*", "br;q=1, gzip;q=0.5"]
)
def test_large_bodies_are_served_gzipped_when_accepted(client, accept_encoding):
    plain = client.get(ARTICLE, headers={"Accept-Language": "es"})
    packed = client.get(
        ARTICLE, headers={"Accept-Language": "es", "Accept-Encoding": accept_encoding}
    )
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    vary = "Accept, Accept-Language, Accept-Encoding"  # an article: by Accept too
    assert packed.headers["Vary"] == plain.headers["Vary"] == vary
    assert int(packed.headers["Content-Length"]) < len(plain.data) / 2


@pytest.mark.parametrize("accept_encoding", ["", "identity", "gzip;q=0", "gzip;q=0, *", "br"])
def test_identity_when_gzip_is_not_accepted(client, accept_encoding):
    response = client.get(ARTICLE, headers={"Accept-Encoding": accept_encoding})
    assert "Content-Encoding" not in response.headers
    json.loads(response.data)


def test_small_bodies_are_never_compressed(client):
    response = client.get(SMALL_SECTION, headers={"Accept-Encoding": "gzip"})
    assert len(response.data) <= 1024
    assert "Content-Encoding" not in response.headers
    assert response.headers["Vary"] == "Accept-Language"


def test_gzip_etag_revalidates_and_requested_language_survives(client):
    headers = {"Accept-Language": "es-MX,es;q=0.9", "Accept-Encoding": "gzip"}
    packed = client.get(ARTICLE, headers=headers)
    body = json.loads(gzip.decompress(packed.data))
    assert (body["language"], body["requested_language"]) == ("es", "es-MX")
    again = client.get(ARTICLE, headers={**headers, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["ETag"] == packed.headers["ETag"]
    assert "Content-Encoding" not in again.headers
    assert "Content-Type" not in again.headers
    plain = client.get(ARTICLE, headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert gzip.decompress(packed.data) == plain.data


@pytest.fixture(scope="module")
def paged_client(tmp_path_factory):
    """Five articles (copies of the first under other slugs), two per page."""
    content = tmp_path_factory.mktemp("content")
    source = (PACKAGE_DIR / "content" / "articles" / f"{SLUG}.toml").read_text(encoding="utf-8")
    slugs = [SLUG, *(f"copy-{number}" for number in range(1, 5))]
    for slug in slugs:
        (content / f"{slug}.toml").write_text(source.replace(SLUG, slug, 1), encoding="utf-8")
    app = create_app({"CONTENT_DIR": content, "ARTICLES_PER_PAGE": 2})
    return app.test_client(), sorted(slugs)


def test_pages_cover_every_article_once_with_links(paged_client):
    client, slugs = paged_client
    seen, url = [], "/v1/articles?lang=fr"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = json.loads(response.data)
        seen += [article["slug"] for article in body["articles"]]
        assert body["pagination"]["total_articles"] == 5
        assert body["pagination"]["total_pages"] == 3
        links = {
            part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<")
            for part in response.headers["Link"].split(", ")
        }
        assert links["first"] == "/v1/articles?lang=fr"
        assert links["last"] == "/v1/articles?page=3&lang=fr"
        assert response.headers["Content-Location"] in (
            "/v1/articles?lang=fr",
            f"/v1/articles?page={body['pagination']['page']}&lang=fr",
        )
        url = links.get("next")
    assert seen == slugs


@pytest.mark.parametrize(
    ("page", "status", "problem_type"),
    [
        ("0", 400, "invalid-page"),
        ("-1", 400, "invalid-page"),
        ("two", 400, "invalid-page"),
        ("1.5", 400, "invalid-page"),
        ("", 400, "invalid-page"),
        ("4", 404, "page-not-found"),
        ("99999999999999999999", 404, "page-not-found"),
    ],
)
def test_bad_pages_are_localized_problems(paged_client, page, status, problem_type):
    client, _ = paged_client
    response = client.get(f"/v1/articles?page={page}", headers={"Accept-Language": "de"})
    assert response.status_code == status
    problem = response.get_json()
    assert problem["type"] == f"urn:patient-info:problem:{problem_type}"
    assert problem["language"] == "de"
    assert "3" in problem["detail"]
    assert "page" in problem["detail"]


def test_repeated_page_is_a_400(paged_client):
    client, _ = paged_client
    assert client.get("/v1/articles?page=1&page=2").status_code == 400
