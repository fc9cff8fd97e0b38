"""The v1 endpoints through the real app: bodies, languages, headers, errors."""

import json

import pytest

from tests.helpers import ACCEPT_LANGUAGE_CASES, LANG_PARAMETER_CASES, SECTION_IDS, SLUG

ARTICLE = f"/v1/articles/{SLUG}"
CONTENT_URLS = (
    "/v1/articles",
    ARTICLE,
    f"{ARTICLE}/sections",
    *(f"{ARTICLE}/sections/{section_id}" for section_id in SECTION_IDS),
    "/v1/languages",
)


def get_json(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data
    assert response.content_type == "application/json; charset=utf-8"
    return response, json.loads(response.data)


@pytest.mark.parametrize("url", CONTENT_URLS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_endpoint_in_each_language(client, url, language):
    response, body = get_json(client, url, **{"Accept-Language": language})
    assert body["language"] == language
    assert body["direction"] == "ltr"
    assert "requested_language" not in body
    assert response.headers["Content-Language"] == language
    # Bodies over 1 KB also exist gzip-compressed, so they vary on Accept-Encoding too;
    # an article is also JSON-LD and FHIR, a section an HTML fragment: they vary on Accept.
    large = len(response.data) > 1024
    negotiated = "Accept, " if url == ARTICLE or "/sections/" in url else ""
    assert response.headers["Vary"] == negotiated + (
        "Accept-Language, Accept-Encoding" if large else "Accept-Language"
    )
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Location"] == f"{url}?lang={language}"


@pytest.mark.parametrize(
    ("query", "header", "canonical"),
    [
        ("", "es-MX,es;q=0.9", "?lang=es"),
        ("?lang=es_ES", "", "?lang=es"),
        ("?lang=ES&utm_source=x", "", "?lang=es"),
        ("", "zh-CN", "?lang=zh-Hans"),
        ("", "", "?lang=en"),
    ],
)
def test_content_location_is_the_canonical_lang_url(client, query, header, canonical):
    url = f"{ARTICLE}/sections/pain"
    response = client.get(url + query, headers={"Accept-Language": header})
    assert response.headers["Content-Location"] == url + canonical
    again = client.get(url + canonical)
    assert json.loads(again.data)["paragraphs"] == json.loads(response.data)["paragraphs"]


def test_article_list(client):
    _, body = get_json(client, "/v1/articles", **{"Accept-Language": "es"})
    (article,) = body["articles"]
    assert article["slug"] == SLUG
    assert article["url"] == ARTICLE
    assert [section["id"] for section in article["sections"]] == list(SECTION_IDS)
    assert {"system_name": "ICD-10-CM", "code": "L90.6"}.items() <= article["codes"][0].items()
    assert set(article["languages_available"]) >= {"en", "es"}
    assert article["title"] != "What Cosmetic Laser Treatment For Stretch Marks Is"


def test_spanish_article_mirrors_english_with_no_english_left(client):
    _, english = get_json(client, ARTICLE, **{"Accept-Language": "en"})
    _, spanish = get_json(client, ARTICLE, **{"Accept-Language": "es"})
    assert [s["id"] for s in spanish["sections"]] == [s["id"] for s in english["sections"]]
    english_texts = set()
    for en_section, es_section in zip(english["sections"], spanish["sections"], strict=True):
        assert es_section["language"] == "es"
        assert len(es_section["paragraphs"]) == len(en_section["paragraphs"])
        assert (es_section["heading"] is None) == (en_section["heading"] is None)
        english_texts.update(en_section["paragraphs"])
    for es_section in spanish["sections"]:
        for paragraph in es_section["paragraphs"]:
            assert paragraph not in english_texts
    assert spanish["title"] != english["title"]
    assert spanish["disclaimer"]["language"] == "es"
    assert spanish["disclaimer"]["text"] != english["disclaimer"]["text"]
    assert spanish["clinical_review"]["summary"] != english["clinical_review"]["summary"]


def test_article_metadata_is_honest(client):
    _, article = get_json(client, ARTICLE)
    assert article["clinical_review"] == {
        "status": "not_reviewed",
        "reviewed_by": None,
        "summary": "This article has not been reviewed by a clinician.",
    }
    assert article["dates"] == {
        "published": None,
        "modified": None,
        "last_reviewed": None,
        "review_due": None,
    }
    assert article["license"] is None
    assert article["source_url"] is None
    assert article["sections"][0]["heading"] is None
    assert [code["code"] for code in article["codes"]] == ["L90.6", "HP:0001065"]


def test_section_links_walk_the_article_in_order(client):
    url: str | None = f"{ARTICLE}/sections/{SECTION_IDS[0]}"
    seen: list[str] = []
    previous = None
    while url:
        _, section = get_json(client, url, **{"Accept-Language": "es"})
        assert section["links"]["previous"] == previous
        assert section["position"] == len(seen) + 1
        seen.append(section["id"])
        previous, url = url, section["links"]["next"]
    assert tuple(seen) == SECTION_IDS


def test_section_index(client):
    _, index = get_json(client, f"{ARTICLE}/sections", **{"Accept-Language": "es"})
    assert [(s["id"], s["position"]) for s in index["sections"]] == list(
        zip(SECTION_IDS, range(1, 6), strict=True)
    )
    assert index["sections"][0]["heading"] is None
    assert all(s["heading"] for s in index["sections"][1:])


def test_requested_language_reported_when_it_differs(client):
    response, body = get_json(
        client, f"{ARTICLE}/sections/pain", **{"Accept-Language": "es-MX,es;q=0.9"}
    )
    assert body["language"] == "es"
    assert body["requested_language"] == "es-MX"
    plain, _ = get_json(client, f"{ARTICLE}/sections/pain", **{"Accept-Language": "es"})
    assert response.headers["ETag"] != plain.headers["ETag"]

    _, body = get_json(client, f"{ARTICLE}/sections/pain?lang=nl", **{"Accept-Language": "es"})
    assert (body["language"], body["requested_language"]) == ("es", "nl")


def test_a_refused_english_is_still_the_last_resort(client):
    """en;q=0 with nothing else offered: English, a 200 (never a 406 for language)."""
    response, body = get_json(client, ARTICLE, **{"Accept-Language": "en;q=0, nl"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert (body["language"], body["requested_language"]) == ("en", "nl")


@pytest.mark.parametrize(("header", "served"), ACCEPT_LANGUAGE_CASES)
def test_accept_language_through_the_app(client, header, served):
    """The negotiation table of tests/test_i18n.py, end to end: the body and its
    Content-Language say the language the table says."""
    response, body = get_json(client, f"{ARTICLE}/sections/pain", **{"Accept-Language": header})
    assert (body["language"], response.headers["Content-Language"]) == (served, served)


@pytest.mark.parametrize(("lang", "header", "served", "requested"), LANG_PARAMETER_CASES)
def test_lang_parameter_through_the_app(client, lang, header, served, requested):
    """Well-formed tags (private use and grandfathered ones too) are never a 400; the
    body reports the requested language when it is not the one served."""
    response, body = get_json(
        client, f"{ARTICLE}/sections/pain?lang={lang}", **{"Accept-Language": header}
    )
    assert (body["language"], response.headers["Content-Language"]) == (served, served)
    assert body.get("requested_language", served) == requested


@pytest.mark.parametrize(
    "query", ["?lang=../../x", "?lang=", "?lang=es&lang=en", "?lang=%2E%2E%2Fetc", "?lang=e%00s"]
)
def test_bad_lang_is_a_localized_400(client, query):
    response = client.get(f"{ARTICLE}{query}", headers={"Accept-Language": "es"})
    assert response.status_code == 400
    assert response.content_type == "application/problem+json; charset=utf-8"
    problem = response.get_json(force=True)
    assert problem["type"] == "urn:patient-info:problem:invalid-language"
    assert problem["status"] == 400
    assert problem["language"] == "es"
    assert response.headers["Content-Language"] == "es"
    assert problem["title"] != "Invalid language parameter"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "problem_type"),
    [
        ("/v1/articles/no-such-article", "article-not-found"),
        ("/v1/articles/no-such-article/sections", "article-not-found"),
        ("/v1/articles/no-such-article/sections/pain", "article-not-found"),
        (f"{ARTICLE}/sections/no-such-section", "section-not-found"),
        ("/v2/articles", "not-found"),
        ("/", "not-found"),
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_not_found_is_problem_json_in_the_negotiated_language(client, url, problem_type, language):
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 404
    assert response.content_type == "application/problem+json; charset=utf-8"
    problem = response.get_json(force=True)
    assert set(problem) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "language",
        "request_id",
    }
    assert problem["request_id"] == response.headers["X-Request-ID"]
    assert problem["type"] == f"urn:patient-info:problem:{problem_type}"
    assert problem["instance"] == url
    assert problem["language"] == language
    assert response.headers["Content-Language"] == language


def test_problem_text_is_translated(client):
    english = client.get("/v1/articles/nope", headers={"Accept-Language": "en"}).get_json()
    spanish = client.get("/v1/articles/nope", headers={"Accept-Language": "es"}).get_json()
    assert english["title"] == "Article not found"
    assert spanish["title"] != english["title"]
    assert spanish["detail"] != english["detail"]
    assert "/v1/articles" in spanish["detail"]
    section = client.get(f"{ARTICLE}/sections/nope", headers={"Accept-Language": "es"}).get_json()
    assert f"{ARTICLE}/sections" in section["detail"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_with_allow(client, method):
    response = client.open(f"{ARTICLE}/sections/pain", method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    problem = response.get_json(force=True)
    assert problem["type"] == "urn:patient-info:problem:method-not-allowed"
    assert "GET, HEAD, OPTIONS" in problem["detail"]


@pytest.mark.parametrize("url", CONTENT_URLS)
def test_head_matches_get_without_a_body(client, url):
    get = client.get(url, headers={"Accept-Language": "es"})
    head = client.head(url, headers={"Accept-Language": "es"})
    assert head.status_code == 200
    assert head.data == b""
    for name in ("ETag", "Content-Language", "Content-Length", "Cache-Control", "Vary"):
        assert head.headers[name] == get.headers[name]
    # Stored headers are sent as built: each once, and the length is the body's.
    names = [name.lower() for name, _ in get.headers]
    assert len(names) == len(set(names))
    assert int(get.headers["Content-Length"]) == len(get.data)
    revalidated = client.get(
        url, headers={"Accept-Language": "es", "If-None-Match": get.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.data == b""
    assert "Content-Length" not in revalidated.headers


def test_options_is_204_with_allow_and_cors_preflight(client):
    response = client.options(
        f"{ARTICLE}/sections/pain",
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Accept-Language",
        },
    )
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "Accept-Language" in response.headers["Access-Control-Allow-Headers"]
    assert "Content-Type" not in response.headers


class TestConditionalRequests:
    URL = f"{ARTICLE}/sections/pain"

    def etag(self, client, language="es"):
        return client.get(self.URL, headers={"Accept-Language": language}).headers["ETag"]

    @pytest.mark.parametrize(
        "if_none_match",
        [
            "{etag}",
            "W/{etag}",
            '"other", {etag}',
            '"a", W/"b", W/{etag}',
            "*",
        ],
    )
    def test_matching_etag_gives_304(self, client, if_none_match):
        etag = self.etag(client)
        response = client.get(
            self.URL,
            headers={"Accept-Language": "es", "If-None-Match": if_none_match.format(etag=etag)},
        )
        assert response.status_code == 304
        assert response.data == b""
        assert response.headers["ETag"] == etag
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert response.headers["Vary"] == "Accept, Accept-Language, Accept-Encoding"  # over 1 KB
        assert response.headers["Content-Location"] == f"{self.URL}?lang=es"
        assert "Content-Type" not in response.headers  # a 304 describes no body

    @pytest.mark.parametrize("if_none_match", ['"nope"', "garbage", 'W/"x", "y"', ""])
    def test_other_etags_give_200(self, client, if_none_match):
        response = client.get(
            self.URL, headers={"Accept-Language": "es", "If-None-Match": if_none_match}
        )
        assert response.status_code == 200

    def test_etag_differs_per_language_and_is_stable(self, client):
        assert self.etag(client, "es") != self.etag(client, "en")
        assert self.etag(client, "es") == self.etag(client, "es")

    def test_english_etag_does_not_validate_spanish(self, client):
        response = client.get(
            self.URL,
            headers={"Accept-Language": "es", "If-None-Match": self.etag(client, "en")},
        )
        assert response.status_code == 200

    def test_head_304(self, client):
        response = client.head(
            self.URL, headers={"Accept-Language": "es", "If-None-Match": self.etag(client)}
        )
        assert response.status_code == 304


def test_probes(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"
    assert "es" in ready.get_json()["languages"]
    assert ready.headers["Cache-Control"] == "no-store"


def test_a_stored_response_shows_every_header_it_sends(app, client):
    """`headers` holds only what is added per request; `sent_headers` is what goes out."""
    path = f"/v1/articles/{SLUG}/sections/pain"
    with app.test_request_context(path, headers={"Accept-Language": "es"}):
        response = app.full_dispatch_request()
    sent = dict(response.sent_headers)
    received = client.get(path, headers={"Accept-Language": "es"}).headers
    for name in ("Content-Type", "Content-Length", "ETag", "Vary", "Content-Language"):
        assert sent[name] == received[name]
    assert "Content-Type" not in response.headers  # stored, not per request
