"""The benchmark harness (benchmarks/): its servers start and answer, its corpus loads.

A smoke test only: `make bench` itself needs wrk and ab and minutes, so it is not run here.
"""

import contextlib
import json
import operator
import os
import subprocess
import sys

import pytest

from benchmarks.floor_app import create_rotating_app
from benchmarks.load import TOOLS_MISSING, Measured, rotating_accept_languages
from benchmarks.make_corpus import COMPLETE, coverage, synthetic_slug, write_corpus
from benchmarks.nginx import NGINX, NGINX_MISSING
from benchmarks.run import FLOOR_APP, NAIVE_APP, Target, cached_section
from benchmarks.sample import ACCEPT_LANGUAGE, SECTION_ID, SECTION_PATH, SLUG
from benchmarks.servers import running_server
from service import create_app
from service.config import REPOSITORY_DIR
from service.urls import article_url, section_url
from tests.helpers import OFFERED_LANGUAGES


def test_floor_naive_and_service_start_under_gunicorn_and_answer_alike(tmp_path):
    answers = {}
    for name, app in (("service", None), ("floor", FLOOR_APP), ("naive", NAIVE_APP)):
        with running_server(name, app, SECTION_PATH, tmp_path, timeout=30) as server:
            answers[name] = server.fetch(SECTION_PATH, **{"Accept-Language": ACCEPT_LANGUAGE})
            rss, pss = server.worker_memory()
            assert 0 < pss <= rss
    service_status, service_headers, service_body = answers["service"]
    assert service_status == 200
    # The floor sends the very bytes and headers the service does.
    floor_status, floor_headers, floor_body = answers["floor"]
    assert (floor_status, floor_body) == (200, service_body)
    assert floor_headers.keys() == service_headers.keys()
    per_request = {"Date", "X-Request-ID"}
    for name in service_headers.keys() - per_request:
        assert floor_headers[name] == service_headers[name]
    # The naive baseline builds the same answer per request, from the same catalogs
    # (not gzipped, so it varies by language only), and revalidates it by its ETag.
    naive_status, naive_headers, naive_body = answers["naive"]
    assert naive_status == 200
    assert json.loads(naive_body) == json.loads(service_body)
    assert naive_headers.keys() == service_headers.keys() - {"X-Request-ID"}
    # jsonify ends the body with a newline: one byte more, so another ETag.
    for name in naive_headers.keys() - {"Date", "ETag", "Vary", "Content-Length"}:
        assert naive_headers[name] == service_headers[name]
    assert naive_headers["Vary"] == "Accept-Language"
    with running_server("naive", NAIVE_APP, SECTION_PATH, tmp_path, timeout=30) as server:
        revalidated = server.fetch(
            SECTION_PATH,
            **{"Accept-Language": ACCEPT_LANGUAGE, "If-None-Match": naive_headers["ETag"]},
        )
        assert revalidated[0] == 304


@pytest.mark.skipif(NGINX is None and "CI" not in os.environ, reason=NGINX_MISSING)
def test_the_nginx_case_is_served_from_the_cache_by_one_worker(tmp_path):
    with contextlib.ExitStack() as stack:
        service = stack.enter_context(running_server("service", None, SECTION_PATH, tmp_path, 30))
        cached = cached_section(stack, service, tmp_path)
        assert isinstance(cached, Measured), cached
        proxy = cached.server
        headers = {"Accept-Language": ACCEPT_LANGUAGE}
        # The case measures the service's Spanish section from the cache, not from gunicorn.
        direct = json.loads(service.fetch(SECTION_PATH, **headers)[2])
        service.process.terminate()
        service.process.wait(timeout=30)
        status, proxied_headers, proxied = proxy.fetch(SECTION_PATH, **headers)
        assert (status, proxied_headers["X-Cache-Status"]) == (200, "HIT")
        # nginx asks for "es", what its map reduces es-MX to: no requested_language.
        assert direct.pop("requested_language") == "es-MX"
        assert json.loads(proxied) == direct
        # Its RSS is the one worker's: nginx also runs a cache manager and a cache loader.
        assert len(proxy.child_pids()) > 1
        rss, pss = proxy.worker_memory()
        assert 0 < pss <= rss


def test_the_synthetic_corpus_loads_each_article_in_the_languages_it_is_translated_into(
    app, tmp_path
):
    count = 12
    content_dir, translations_dir = write_corpus(tmp_path, count)
    corpus_app = create_app(
        {"TESTING": True, "CONTENT_DIR": content_dir, "TRANSLATIONS_DIR": translations_dir}
    )
    client = corpus_app.test_client()
    articles = client.get("/v1/articles").get_json()["articles"]
    assert [article["slug"] for article in articles] == [
        synthetic_slug(n) for n in range(1, count + 1)
    ]
    languages = client.get("/v1/languages").get_json()["languages"]
    assert len(languages) == len(OFFERED_LANGUAGES)
    assert all(language["offered"] for language in languages)
    tags = [language["tag"] for language in languages if language["tag"] != "en"]
    mix = set()
    for number, article in enumerate(articles, 1):
        expected = [tag for index, tag in enumerate(tags) if coverage(number, index) == COMPLETE]
        assert sorted(article["languages_available"]) == sorted(["en", *expected])
        mix |= {coverage(number, index) for index in range(len(tags))}
    assert mix == {"complete", "partial", "missing", "fuzzy"}

    shipped = app.test_client()
    for tag in ("ar", "zh-Hans", "pt-BR"):
        title = client.get(f"/v1/articles/{synthetic_slug(1)}?lang={tag}").get_json()["title"]
        original = shipped.get(f"{article_url(SLUG)}?lang={tag}").get_json()
        assert title == f"{original['title']} (1)"
        section = client.get(f"{section_url(synthetic_slug(1), SECTION_ID)}?lang={tag}")
        assert (
            section.get_json()["paragraphs"]
            == (shipped.get(f"{SECTION_PATH}?lang={tag}").get_json()["paragraphs"])
        )


def test_the_rotating_floor_sends_each_articles_section_as_the_service_does(tmp_path, monkeypatch):
    content_dir, translations_dir = write_corpus(tmp_path, 3)
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_dir))
    floor = create_rotating_app().test_client()
    service = create_app().test_client()
    for number, accept_language in zip((1, 2, 3), rotating_accept_languages(), strict=False):
        path = section_url(synthetic_slug(number), SECTION_ID)
        prebuilt = floor.get(path, headers={"Accept-Language": accept_language})
        assert prebuilt.data == service.get(path, headers={"Accept-Language": "es"}).data
        assert prebuilt.headers["Content-Language"] == "es"


def test_rotating_accept_languages_are_distinct_and_all_negotiate_spanish(app):
    values = rotating_accept_languages()
    assert len(set(values)) == len(values) == 10_000
    negotiator = app.extensions["payload_store"].negotiator
    assert {negotiator.negotiate((), value).served for value in values} == {"es"}


def test_make_bench_without_its_load_tools_says_how_to_install_them():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run"],
        cwd=REPOSITORY_DIR,
        env={**os.environ, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == TOOLS_MISSING


def test_corpus_generator_command_line_prints_the_settings_to_use(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.make_corpus", "--articles", "1", str(tmp_path)],
        cwd=REPOSITORY_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        f"CONTENT_DIR={tmp_path / 'articles'}",
        f"TRANSLATIONS_DIR={tmp_path / 'translations'}",
    ]
    assert sorted(path.name for path in (tmp_path / "articles").iterdir()) == [
        f"{synthetic_slug(1)}.md"
    ]


def test_target_rows_say_met_or_not_and_what_a_start_up_timeout_proves():
    assert Target("1", "ratio", 0.96, (operator.ge, 0.95)).row()[2:] == ["0.960×", "≥ 0.95×", "met"]
    assert Target("4", "ratio", 0.899, (operator.ge, 0.9)).row()[2:] == [
        "0.899×",
        "≥ 0.9×",
        "NOT MET",
    ]
    assert Target("5", "ratio", None, (operator.ge, 1)).row()[2:] == [
        "-",
        "≥ 1×",
        "not measured yet",
    ]

    def start_up(timeout):
        missing = f"not measured: no 200 within {timeout} s"
        return Target("6", "start-up", timeout, (operator.le, 10), " s", missing, exceeded=True)

    assert start_up(60).row()[2:] == ["> 60.0 s", "≤ 10 s", "NOT MET"]
    assert start_up(3).row()[-1] == "not measured: no 200 within 3 s"
