"""deploy/nginx/ for real: Debian's nginx caching in front of gunicorn, both on loopback."""

import gzip
import json
import os
import signal
import urllib.request

import pytest

import benchmarks.servers
from benchmarks.nginx import NGINX, NGINX_DIR, NGINX_MISSING, Nginx, running_nginx
from benchmarks.servers import Server, free_port
from tests.conftest import SLUG, article_po, compile_catalogs, running_gunicorn
from tests.test_reload import wait_for

SECTION = f"/v1/articles/{SLUG}/sections/pain"

# CI installs nginx (.ci/run), so there a missing nginx fails instead of skipping.
pytestmark = pytest.mark.skipif(NGINX is None and "CI" not in os.environ, reason=NGINX_MISSING)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """One gunicorn, as shipped, for the tests that do not restart or reload it."""
    with running_gunicorn(tmp_path_factory.mktemp("gunicorn")) as server:
        yield server


def address(server: Server) -> str:
    return server.base_url.removeprefix("http://")


def fetch_upstream(server: Server, path: str, accept_language: str) -> tuple[dict, bytes]:
    """GET from gunicorn itself that must succeed: (headers, body)."""
    status, headers, body = server.fetch(path, **{"Accept-Language": accept_language})
    assert status == 200, (status, body)
    return headers, body


def fetch(proxy: Nginx, path: str, accept_language: str) -> tuple[str, dict, bytes]:
    """GET through nginx that must succeed: (X-Cache-Status, headers, body)."""
    status, headers, body = proxy.fetch(path, **{"Accept-Language": accept_language})
    assert status == 200, (status, body)
    return headers["X-Cache-Status"], headers, body


def test_each_language_is_cached_apart_and_never_mixed_up(tmp_path, upstream):
    direct = {
        language: fetch_upstream(upstream, SECTION, language)[1] for language in ("es", "fr", "ar")
    }
    assert len(set(direct.values())) == 3
    with running_nginx(tmp_path, address(upstream)) as proxy:
        for expected_status in ("MISS", "HIT", "HIT"):
            for language, body in direct.items():
                cache_status, headers, proxied = fetch(proxy, SECTION, language)
                assert (cache_status, headers["Content-Language"]) == (expected_status, language)
                assert json.loads(proxied)["language"] == language
                assert proxied == body
        # Other spellings of the same choice land on the same entry: no fragmentation.
        for spelling, language in (("es-MX,es;q=0.9", "es"), ("AR-eg", "ar"), ("fr;q=1.0", "fr")):
            cache_status, _, proxied = fetch(proxy, SECTION, spelling)
            assert (cache_status, proxied) == ("HIT", direct[language])
        # Cache-Control: no-store is honoured: a probe is never answered from the cache.
        assert [fetch(proxy, "/healthz", "es")[0] for _ in range(2)] == ["MISS", "MISS"]


def test_each_representation_is_cached_apart(tmp_path, upstream):
    article = f"/v1/articles/{SLUG}"
    accepts = ("application/json", "application/ld+json", "application/fhir+json")
    direct = {accept: upstream.fetch(article, Accept=accept)[2] for accept in accepts}
    assert len(set(direct.values())) == 3
    with running_nginx(tmp_path, address(upstream)) as proxy:
        for expected_status in ("MISS", "HIT"):
            for accept, body in direct.items():
                status, headers, proxied = proxy.fetch(article, Accept=accept)
                assert (status, headers["X-Cache-Status"]) == (200, expected_status)
                assert proxied == body
        # Accept values that name neither JSON-LD nor FHIR share the JSON entry.
        status, headers, proxied = proxy.fetch(article, Accept="text/html, */*;q=0.8")
        assert (headers["X-Cache-Status"], proxied) == ("HIT", direct["application/json"])


def test_each_encoding_is_cached_apart(tmp_path, upstream):
    article = f"/v1/articles/{SLUG}"  # over 1 KB: it has a gzip twin
    plain = upstream.fetch(article)[2]

    def fetch_encoded(proxy, accept_encoding):
        request = urllib.request.Request(
            proxy.base_url + article, headers={"Accept-Encoding": accept_encoding}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            body, headers = response.read(), response.headers
        if headers.get("Content-Encoding") == "gzip":
            return headers["X-Cache-Status"], "gzip", gzip.decompress(body)
        return headers["X-Cache-Status"], "identity", body

    with running_nginx(tmp_path, address(upstream)) as proxy:
        for expected_status in ("MISS", "HIT"):
            assert fetch_encoded(proxy, "gzip, deflate, br") == (expected_status, "gzip", plain)
            assert fetch_encoded(proxy, "identity") == (expected_status, "identity", plain)
        # An explicit gzip;q=0 is identity: the same entry, never the gzip one.
        assert fetch_encoded(proxy, "gzip;q=0, br") == ("HIT", "identity", plain)
        assert fetch_encoded(proxy, "") == ("HIT", "identity", plain)


# Headers the map reduces, and headers it must leave to the service (q order, q=0,
# Traditional Chinese, wildcards, malformed ranges).
ACCEPT_LANGUAGE_HEADERS = (
    *("es", "es-MX", "ES-mx", "es-419", "fr-CA, en;q=0.5", "de-AT", "ar-EG", "vi", "ru-RU"),
    *("en-US, es", "pt", "pt-PT", "pt-br", "zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-HK"),
    *("zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-CN", "zh-TW, fr;q=0.5", "zh-HK, zh;q=0.8"),
    *("es;q=0, es-MX", "es-MX, es;q=0", "fr, de;q=0.000", "fr;q=0.5, de", "de;q=0.9, ru;q=1"),
    *("*", "*, ar", "xx, es", "", ", es", "es;q=1.0000, fr", "es;level=1, fr", "en-Shaw, de"),
    *("garbage!!, ru", "es-MX-x-private, vi", "es_MX, vi", "sr-Latn, es"),
)


def test_the_proxy_serves_the_language_the_service_negotiates(tmp_path, upstream):
    with running_nginx(tmp_path, address(upstream)) as proxy:
        for header in ACCEPT_LANGUAGE_HEADERS:
            direct_headers, direct = fetch_upstream(upstream, "/v1/articles", header)
            _, proxied_headers, proxied = fetch(proxy, "/v1/articles", header)
            served = (json.loads(proxied)["language"], proxied_headers["Content-Language"])
            assert served == (json.loads(direct)["language"], direct_headers["Content-Language"]), (
                header
            )


def test_an_upstream_restart_is_invisible(tmp_path, monkeypatch):
    port = free_port()
    # Both gunicorns bind the one port nginx knows.
    monkeypatch.setattr(benchmarks.servers, "free_port", lambda: port)
    languages = ("es", "fr", "ar")
    with running_nginx(tmp_path, f"127.0.0.1:{port}") as proxy:
        (tmp_path / "before").mkdir()
        with running_gunicorn(tmp_path / "before", CACHE_MAX_AGE="1"):
            bodies = {language: fetch(proxy, SECTION, language)[2] for language in languages}

        def stale_everywhere() -> bool:
            served = [fetch(proxy, SECTION, language) for language in languages]
            assert [body for _, _, body in served] == list(bodies.values())
            return {cache_status for cache_status, _, _ in served} == {"STALE"}

        wait_for(stale_everywhere, seconds=5)  # expired, upstream down: the last good copy
        (tmp_path / "after").mkdir()
        with running_gunicorn(tmp_path / "after", CACHE_MAX_AGE="1"):
            for language, body in bodies.items():
                # Expired entries are revalidated with If-None-Match; the 304 refreshes them.
                cache_status, _, proxied = fetch(proxy, SECTION, language)
                assert (cache_status, proxied) == ("REVALIDATED", body)


def test_a_catalog_reload_is_served_once_the_cached_copy_expires(tmp_path, translations_copy):
    po = article_po(translations_copy, "es")
    reloaded_heading = "¿Duele el tratamiento? (texto recargado)"
    with (
        running_gunicorn(
            tmp_path, TRANSLATIONS_DIR=str(translations_copy), CACHE_MAX_AGE="1"
        ) as server,
        running_nginx(tmp_path, address(server)) as proxy,
    ):
        heading = json.loads(fetch(proxy, SECTION, "es")[2])["heading"]
        others = {language: fetch(proxy, SECTION, language)[2] for language in ("fr", "ar")}
        po_text = po.read_text(encoding="utf-8")
        assert f'msgstr "{heading}"' in po_text
        po.write_text(po_text.replace(f'msgstr "{heading}"', f'msgstr "{reloaded_heading}"'))
        compile_catalogs(translations_copy)
        os.kill(server.process.pid, signal.SIGHUP)

        def spanish_heading() -> str:
            return json.loads(fetch(proxy, SECTION, "es")[2])["heading"]

        wait_for(lambda: spanish_heading() == reloaded_heading)
        for language, body in others.items():
            assert fetch(proxy, SECTION, language)[2] == body


def test_the_rate_limit_example_answers_429_past_its_burst(tmp_path, upstream):
    with running_nginx(tmp_path, address(upstream), NGINX_DIR / "rate-limit.conf") as proxy:
        statuses = [proxy.fetch(SECTION)[0] for _ in range(40)]
    burst = 20
    assert statuses[: burst + 1] == [200] * (burst + 1)
    assert statuses.count(429) >= 10, statuses
