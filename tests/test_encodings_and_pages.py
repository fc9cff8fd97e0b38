"""gzip twins of large bodies, and the article list page by page."""

import gzip
import json

import pytest

from service import create_app
from service.encoding import build_payload
from service.encodings import accepted_codings
from service.headers import JSON
from tests.helpers import OFFERED_LANGUAGES, SLUG, make_article_copies

ARTICLE = f"/v1/articles/{SLUG}"
SMALL_SECTION = f"{ARTICLE}/sections"  # the section index: under 1 KB


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
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert json.loads(response.data)["slug"] == SLUG


@pytest.mark.parametrize(
    ("accept_encoding", "path", "coding"),
    [
        ("identity;q=0, gzip", ARTICLE, "gzip"),
        ("*;q=0, gzip", ARTICLE, "gzip"),
        ("identity;q=0, *", ARTICLE, "gzip"),
        ("GZIP, IDENTITY;q=0", ARTICLE, "gzip"),
        ("x-gzip, identity;q=0", ARTICLE, "gzip"),
        ("gzip;level=1, identity;q=0", ARTICLE, "gzip"),
        ("identity;q=0, gzip", "/openapi.yaml", "gzip"),
        ("*;q=0, identity", ARTICLE, "identity"),
        ("gzip;q=0, *;q=0.5", ARTICLE, "identity"),
        ("identity;q=0", ARTICLE, None),
        ("*;q=0", ARTICLE, None),
        ("gzip;q=0, identity;q=0", ARTICLE, None),
        ("identity;q=0, gzip;q=0, *", ARTICLE, None),
        ("identity;q=0, br", ARTICLE, None),
        ("identity;q=0", "/openapi.yaml", None),
        ("identity;q=0, gzip", SMALL_SECTION, None),  # no gzip twin under 1 KB
        ("*;q=0, gzip", "/v1/infobutton?mainSearchCriteria.v.c=L90.6", "gzip"),
        ("*;q=0, gzip", "/v1/infobutton?mainSearchCriteria.v.c=Z99.9", None),  # no entries
    ],
)
def test_a_refused_identity_is_gzip_or_a_406(client, accept_encoding, path, coding):
    response = client.get(path, headers={"Accept-Encoding": accept_encoding})
    if coding is None:
        assert response.status_code == 406
        assert response.content_type == "application/problem+json; charset=utf-8"
        problem = response.get_json()
        assert problem["type"] == "urn:patient-info:problem:encoding-not-acceptable"
        assert "406" in problem["detail"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        return
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding", "identity") == coding
    if coding == "gzip":
        assert gzip.decompress(response.data) == client.get(path).data


def test_a_406_for_encoding_is_in_the_negotiated_language(client):
    response = client.get(ARTICLE, headers={"Accept-Encoding": "*;q=0", "Accept-Language": "es"})
    assert response.status_code == 406
    problem = response.get_json()
    assert problem["language"] == "es"
    assert problem["title"] == "Error en la solicitud"


@pytest.mark.parametrize(
    "accept_encoding", ["gzip", "identity;q=0, gzip", "", "gzip;q=0", "identity;q=0"]
)
def test_a_payload_compressed_later_answers_as_one_compressed_when_built(app, accept_encoding):
    """A per-request payload (gzip_later) picks the same coding, bytes and headers as
    one compressed when built, through any path that serves it."""
    body = json.dumps({"text": "stretch marks " * 200}).encode()
    policy = app.extensions["payload_store"].policy
    now, later = (
        build_payload(body, "en", policy, JSON, gzip_later=lazy) for lazy in (False, True)
    )
    assert later.gzip is None
    assert later.has_gzip
    codings = accepted_codings(accept_encoding)
    chosen, expected = later.encoded(codings), now.encoded(codings)
    assert (chosen is None) == (expected is None) == (accept_encoding == "identity;q=0")
    if chosen is not None and expected is not None:
        assert (chosen.body, chosen.etag, chosen.headers) == (
            expected.body,
            expected.etag,
            expected.headers,
        )


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
    slugs = make_article_copies(content, 4)
    app = create_app({"CONTENT_DIR": content, "ARTICLES_PER_PAGE": 2})
    return app.test_client(), slugs


def _listed_articles(path: str, body: dict) -> list[str]:
    """The slugs a page lists: the articles, or the per-article figures of each language."""
    if path == "/v1/articles":
        return [article["slug"] for article in body["articles"]]
    per_language = [[entry["slug"] for entry in each["articles"]] for each in body["languages"]]
    assert len(per_language) == len(OFFERED_LANGUAGES)
    assert all(slugs == per_language[0] for slugs in per_language)
    return per_language[0]


@pytest.mark.parametrize("path", ["/v1/articles", "/v1/languages"])
def test_pages_cover_every_article_once_with_links(paged_client, path):
    client, slugs = paged_client
    seen: list[str] = []
    url: str | None = f"{path}?lang=fr"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = json.loads(response.data)
        assert len(_listed_articles(path, body)) <= 2
        seen += _listed_articles(path, body)
        assert body["pagination"]["total_articles"] == 5
        assert body["pagination"]["total_pages"] == 3
        links = {
            part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<")
            for part in response.headers["Link"].split(", ")
        }
        assert links["first"] == f"{path}?lang=fr"
        assert links["last"] == f"{path}?page=3&lang=fr"
        page = body["pagination"]["page"]
        assert response.headers["Content-Location"] == (
            f"{path}?lang=fr" if page == 1 else f"{path}?page={page}&lang=fr"
        )
        revalidated = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert revalidated.status_code == 304
        url = links.get("next")
    assert seen == slugs


def test_later_language_pages_keep_the_whole_catalog_figures(paged_client):
    client, _ = paged_client
    first, last = (client.get(f"/v1/languages?page={page}").get_json() for page in (1, 3))
    assert [each["completeness"] for each in first["languages"]] == [
        each["completeness"] for each in last["languages"]
    ]
    assert last["language"] == "en"
    assert last["pagination"]["page"] == 3


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
@pytest.mark.parametrize("path", ["/v1/articles", "/v1/languages"])
def test_bad_pages_are_localized_problems(paged_client, path, page, status, problem_type):
    client, _ = paged_client
    response = client.get(f"{path}?page={page}", headers={"Accept-Language": "de"})
    assert response.status_code == status
    problem = response.get_json()
    assert problem["type"] == f"urn:patient-info:problem:{problem_type}"
    assert problem["language"] == "de"
    assert "3" in problem["detail"]
    assert "page" in problem["detail"]


@pytest.mark.parametrize("path", ["/v1/articles", "/v1/languages"])
def test_repeated_page_is_a_400(paged_client, path):
    client, _ = paged_client
    assert client.get(f"{path}?page=1&page=2").status_code == 400


def test_a_requested_language_variant_has_its_own_etag_length_and_304(client):
    plain = client.get(ARTICLE, headers={"Accept-Language": "es"})
    variants = [client.get(ARTICLE, headers={"Accept-Language": tag}) for tag in ("es-MX", "es-AR")]
    etags = {plain.headers["ETag"], *(variant.headers["ETag"] for variant in variants)}
    assert len(etags) == 3  # three representations, three strong validators
    for variant, tag in zip(variants, ("es-MX", "es-AR"), strict=True):
        assert json.loads(variant.data)["requested_language"] == tag
        assert int(variant.headers["Content-Length"]) == len(variant.data)
        again = client.get(
            ARTICLE,
            headers={"Accept-Language": tag, "If-None-Match": variant.headers["ETag"]},
        )
        assert again.status_code == 304
        # The variant's 304 is its 200's headers less those that describe a body.
        assert again.headers["ETag"] == variant.headers["ETag"]
        assert not {"Content-Type", "Content-Language", "Content-Length"} & set(again.headers)
