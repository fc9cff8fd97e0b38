"""Offline bundles: every article available in a language, whole, byte for byte as the
API serves it, with a manifest (withdrawn articles as removed), a strong ETag and gzip;
streamed from the compiled store's file under gunicorn."""

import gzip
import json

import pytest

from service import create_app, schemas
from service.compiled_store import compile_store
from service.config import from_environment
from service.validation import _payload_validator
from tests.helpers import (
    SHIPPED_TRANSLATIONS,
    SLUG,
    WITHDRAWN_ON,
    WITHDRAWN_SLUG,
    content_with_withdrawn_article,
    make_article_copies,
    running_gunicorn,
)

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The shipped article, an English-only copy of it (no catalogs) and a withdrawn one."""
    content = content_with_withdrawn_article(tmp_path_factory.mktemp("bundles") / "articles")
    make_article_copies(content, 1)
    return content


@pytest.fixture(scope="module")
def client(content):
    return create_app({"TESTING": True, "CONTENT_DIR": content}).test_client()


def bundle(client, tag: str, **headers) -> bytes:
    response = client.get(f"/v1/bundles/{tag}", headers=headers)
    assert response.status_code == 200, response.data
    return response.data


@pytest.mark.parametrize("tag", ["en", "es", "ar", "zh-Hant"])
def test_a_bundle_holds_each_article_as_the_api_serves_it(client, tag):
    body = bundle(client, tag)
    document = json.loads(body)
    assert list(_payload_validator(schemas.BundleSchema).iter_errors(document)) == []
    assert (document["language"], document["format"]) == (tag, 1)
    # The English-only copy is in the English bundle alone.
    expected = ["copy-1", SLUG] if tag == "en" else [SLUG]  # in slug order
    assert [entry["slug"] for entry in document["manifest"]["articles"]] == expected
    articles = []
    for entry in document["manifest"]["articles"]:
        response = client.get(entry["url"])
        assert entry["etag"] == response.headers["ETag"]
        assert entry["etag_gzip"] == client.get(entry["url"], headers=GZIP).headers["ETag"]
        assert entry["modified"] == response.get_json()["modified"]
        articles.append(response.data)
    # The very bytes, in manifest order.
    assert body.endswith(b'"articles":[' + b",".join(articles) + b"]}")
    assert document["modified"] == max(
        [entry["modified"] for entry in document["manifest"]["articles"]]
        + [entry["removed_at"] for entry in document["manifest"]["removed"]]
    )


def test_the_manifest_lists_withdrawn_articles_as_removed(client):
    document = json.loads(bundle(client, "es"))
    (removed,) = document["manifest"]["removed"]
    assert (removed["slug"], removed["removed_at"]) == (
        WITHDRAWN_SLUG,
        f"{WITHDRAWN_ON}T00:00:00+00:00",
    )
    assert WITHDRAWN_SLUG not in {article["slug"] for article in document["articles"]}


def test_etag_304_and_gzip(client):
    response = client.get("/v1/bundles/es")
    etag = response.headers["ETag"]
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Location"] == "/v1/bundles/es"
    assert int(response.headers["Content-Length"]) == len(response.data)
    again = client.get("/v1/bundles/es", headers={"If-None-Match": f'W/{etag}, "other"'})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)
    zipped = client.get("/v1/bundles/es", headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != etag
    assert gzip.decompress(zipped.data) == response.data
    assert len(zipped.data) < len(response.data) / 2
    revalidated = client.get(
        "/v1/bundles/es", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    refused = client.get("/v1/bundles/es", headers={"Accept-Encoding": "identity;q=0, br"})
    assert refused.status_code == 406
    head = client.head("/v1/bundles/es")
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers["Content-Length"] == response.headers["Content-Length"]


def test_tags_match_in_any_case_and_with_an_underscore(client):
    assert bundle(client, "pt_br") == bundle(client, "pt-BR")
    assert bundle(client, "ZH-hANS") == bundle(client, "zh-Hans")


@pytest.mark.parametrize("tag", ["xx", "es-MX", "tlh", "pt", "zh"])
def test_a_language_not_offered_has_no_bundle(client, tag):
    response = client.get(f"/v1/bundles/{tag}", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    problem = response.get_json()
    assert problem["type"] == "urn:patient-info:problem:bundle-not-found"
    assert problem["language"] == "de"


@pytest.mark.parametrize("path", ["/v1/bundles/es", "/v1/bundles"])
def test_unknown_parameters_are_refused(client, path):
    response = client.get(path, query_string={"lang": "es"})
    assert response.status_code == 400
    assert response.get_json()["type"] == "urn:patient-info:problem:unknown-parameter"


def test_the_index_names_each_offered_language_bundle(client):
    response = client.get("/v1/bundles")
    index = response.get_json()
    assert list(_payload_validator(schemas.BundleIndexSchema).iter_errors(index)) == []
    languages = client.get("/v1/languages").get_json()["languages"]
    offered = {entry["tag"]: entry["articles_available"] for entry in languages if entry["offered"]}
    assert {entry["language"]: entry["articles"] for entry in index["bundles"]} == offered
    for entry in index["bundles"][:3]:
        identity = client.get(entry["url"])
        zipped = client.get(entry["url"], headers=GZIP)
        assert (entry["etag"], entry["size"]) == (identity.headers["ETag"], len(identity.data))
        assert (entry["etag_gzip"], entry["size_gzip"]) == (
            zipped.headers["ETag"],
            len(zipped.data),
        )
    assert (
        client.get("/v1/bundles", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


def test_gunicorn_streams_bundles_from_the_compiled_store(tmp_path, content, client):
    config = from_environment(
        {
            "CONTENT_DIR": str(content),
            "TRANSLATIONS_DIR": str(SHIPPED_TRANSLATIONS),
            "STORE_PATH": str(tmp_path / "store.pickle"),
        }
    )
    assert compile_store(config, config["STORE_PATH"])
    with running_gunicorn(
        tmp_path,
        CONTENT_DIR=str(content),
        TRANSLATIONS_DIR=str(SHIPPED_TRANSLATIONS),
        STORE_PATH=str(config["STORE_PATH"]),
    ) as server:
        for tag in ("es", "ar"):
            status, headers, body = server.fetch(f"/v1/bundles/{tag}")
            assert (status, body) == (200, bundle(client, tag))
            assert headers["ETag"] == client.get(f"/v1/bundles/{tag}").headers["ETag"]
            status, headers, zipped = server.fetch(f"/v1/bundles/{tag}", **GZIP)
            assert (status, headers["Content-Encoding"]) == (200, "gzip")
            assert gzip.decompress(zipped) == body
            status, _, _ = server.fetch(
                f"/v1/bundles/{tag}", **{"If-None-Match": headers["ETag"], **GZIP}
            )
            assert status == 304
