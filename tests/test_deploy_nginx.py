"""deploy/nginx/ for real: Debian's nginx caching in front of gunicorn, both on loopback."""

import gzip
import json
import os
import re
import signal
import urllib.request
from itertools import count

import pytest

import benchmarks.servers
from benchmarks.nginx import NGINX, NGINX_DIR, NGINX_MISSING, Nginx, nginx_version, running_nginx
from benchmarks.servers import Server, free_port
from service.i18n import Negotiator
from service.observability import request_id_for
from tests.helpers import SLUG, article_po, compile_catalogs, running_gunicorn, wait_for

ARTICLE = f"/v1/articles/{SLUG}"  # JSON, JSON-LD or FHIR; over 1 KB, so it has a gzip twin
ARTICLE_LIST = "/v1/articles"  # JSON only
SECTION = f"/v1/articles/{SLUG}/sections/pain"

# `make test` installs nginx as root, as under CI (.ci/run): there a missing nginx fails.
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
    accepts = ("application/json", "application/ld+json", "application/fhir+json")
    direct = {accept: upstream.fetch(ARTICLE, Accept=accept)[2] for accept in accepts}
    assert len(set(direct.values())) == 3
    with running_nginx(tmp_path, address(upstream)) as proxy:
        for expected_status in ("MISS", "HIT"):
            for accept, body in direct.items():
                status, headers, proxied = proxy.fetch(ARTICLE, Accept=accept)
                assert (status, headers["X-Cache-Status"]) == (200, expected_status)
                assert proxied == body
        # Browsers' Accept values, where JSON is the service's answer, share the JSON entry.
        status, headers, proxied = proxy.fetch(ARTICLE, Accept="text/html, */*;q=0.8")
        assert (headers["X-Cache-Status"], proxied) == ("HIT", direct["application/json"])


def test_each_encoding_is_cached_apart(tmp_path, upstream):
    plain = upstream.fetch(ARTICLE)[2]

    def fetch_encoded(proxy, accept_encoding):
        request = urllib.request.Request(
            proxy.base_url + ARTICLE, headers={"Accept-Encoding": accept_encoding}
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
        # Lists of bare codings share those two entries; a q or a parameter is the
        # service's to decide, cached apart.
        assert fetch_encoded(proxy, "deflate, gzip") == ("HIT", "gzip", plain)
        assert fetch_encoded(proxy, "br, zstd") == ("HIT", "identity", plain)
        assert fetch_encoded(proxy, "gzip;q=0, br") == ("MISS", "identity", plain)


# The table: Accept, Accept-Language and Accept-Encoding headers that nginx must answer
# as gunicorn does. Products of lists, so every spelling meets every parameter: case,
# whitespace, q=0 in its many spellings, q values the service rejects, parameters,
# wildcards; then whole headers browsers send and headers built to poison the cache.
MEDIA_RANGES = (
    *("application/json", "APPLICATION/JSON", "application/ld+json", "application/fhir+json"),
    *("application/fhir+json;fhirVersion=4.3", "*/*", "application/*", "text/html", "json"),
)
MEDIA_RANGE_SUFFIXES = (
    *("", ";q=0", ";Q=0.000", ";q=0.5", ";q=1.", ";q=1.000", " ; q=0.1", ";q= 0"),
    *(";charset=utf-8", ";level=1;q=0.9", ";q=abc"),
)
ACCEPT_HEADERS = (
    *(range_ + suffix for range_ in MEDIA_RANGES for suffix in MEDIA_RANGE_SUFFIXES),
    "application/json;q=0.1, */*",  # the audit's reproducer: JSON-LD is preferred
    "application/json;q=0.1, */*;q=0.1",
    "application/json;q=0.1,application/ld+json;q=0.2",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    *("application/json, text/plain, */*", "\tapplication/json\t", "application/json,"),
    *("application/ld+json, application/json;q=0.5", "application/json, application/ld+json"),
    *("application/json, application/json;q=0", "application/json;q=0, application/json"),
    *("*/*;q=0, application/json", "application/*;q=0.5, application/json"),
    *("application/*;q=0, */*", "*/*;q=0 .5", ", */*", "*/json", "text/html, image/png"),
    *("application/fhir+json;fhirVersion=4.0", "application/fhir+json;q=0.9, */*;q=0.8"),
    *('text/plain;x="a,application/json", */*;q=0.1', "application/ld+json;q=1.0", ""),
)
LANGUAGE_RANGES = (
    *("es", "ES-mx", "es-419", "fr-CA", "en-US", "pt-PT", "zh", "zh-CN", "zh-Hans-HK"),
    *("zh-TW", "zh-Hant", "ar-EG", "xx", "*", "es_MX", "garbage!!"),
    *("zh-HK", "zh-Hant-TW", "yue", "fa-AF", "prs", "ur-Deva", "ur-PK", "fil-PH", "tl"),
    *("ja-JP", "ko", "uk-UA", "hi-IN", "bn-BD", "ht", "it-CH", "pl"),
)
LANGUAGE_SUFFIXES = (
    *("", ";q=0", ";q=0.5", " ; Q = 1.", ", fr", ", en;q=0.8", ", es;q=0", ", en;q=0.000"),
    *(", *;q=0.1", ";level=1, de"),
)
ACCEPT_LANGUAGE_HEADERS = (
    *(range_ + suffix for range_ in LANGUAGE_RANGES for suffix in LANGUAGE_SUFFIXES),
    *("es-MX,es;q=0.9,en;q=0.8", "es, fr", "en-US,en;q=0.9,es;q=0.8", "en, es;q=0.0001"),
    *("fr;q=0.5, de", "de;q=0.9, ru;q=1", "es;q=1.0000, fr", "es-MX, es;q=0", "pt, pt-BR"),
    *("zh-HK, zh;q=0.8", "zh-CN, zh-TW", "es, es;q=0.5, en;q=0.5", "\tru-RU\t", ", es", ""),
)
CODINGS = (
    *("gzip", "GZIP", "x-gzip", "*", "identity", "br", "gzip;level=1", "deflate, gzip"),
    "gzip, deflate, br",
)
CODING_SUFFIXES = (
    *("", ";q=0", ";q=0.000", ";Q=0", " ; q=0", ";q=0.001", ";q=1.", ";q=abc"),
    *(";level=1;q=0", ", identity;q=0", ", *;q=0"),
)
ACCEPT_ENCODING_HEADERS = (
    *(coding + suffix for coding in CODINGS for suffix in CODING_SUFFIXES),
    *("gzip, gzip;q=0", "gzip;q=0, gzip", "*;q=0, gzip", "gzip;q=0, *", "identity;q=0"),
    *("x-gzip;q=0, gzip", "gzip\t", "GZip, br", "br;q=1.0, gzip;q=0.8, *;q=0.1", ""),
)
Row = tuple[tuple[str, str], ...]  # the header lines of one request
TABLE: tuple[Row, ...] = (
    *(
        ((name, value),)
        for name, values in (
            ("Accept", ACCEPT_HEADERS),
            ("Accept-Language", ACCEPT_LANGUAGE_HEADERS),
            ("Accept-Encoding", ACCEPT_ENCODING_HEADERS),
        )
        for value in values
    ),
    # A header sent twice (gunicorn joins the lines; nginx 1.22 reads the first).
    (("Accept-Language", "xx"), ("Accept-Language", "fr")),
    (("Accept-Language", ""), ("Accept-Language", "de")),
    (("Accept", "text/html"), ("Accept", "application/ld+json")),
    (("Accept", "application/json"), ("Accept", "*/*;q=0")),
    (("Accept-Encoding", "br"), ("Accept-Encoding", "gzip")),
    (("X-Request-ID", "first-of-two"), ("X-Request-ID", "second-of-two")),
    # Text moved from one header to the next must not land on the same cache entry.
    (("Accept", "json"), ("Accept-Language", "x|fr")),
    (("Accept", "json|x"), ("Accept-Language", "fr")),
)


def as_nginx_reads(row: Row) -> Row:
    """One line per header name, as nginx reads a repeated header: the first line before
    1.23, all of them joined from 1.23 on. The config forwards exactly that."""
    values_by_name: dict[str, list[str]] = {}
    for name, value in row:
        values_by_name.setdefault(name, []).append(value)
    joined = (lambda values: values[0]) if nginx_version() < (1, 23) else ", ".join
    return tuple((name, joined(values)) for name, values in values_by_name.items())


def _without(document, names: set[str]):
    if isinstance(document, dict):
        return {key: _without(value, names) for key, value in document.items() if key not in names}
    if isinstance(document, list):
        return [_without(value, names) for value in document]
    return document


def answer(status: int, headers, body: bytes) -> tuple:
    """What gunicorn and nginx must agree on: status, representation, language, encoding,
    and the body but for its per-request id and the `requested_language` that a header
    nginx reduced (es-MX -> es) leaves out."""
    encoding = headers.get("Content-Encoding")
    document = json.loads(gzip.decompress(body) if encoding == "gzip" else body)
    return (
        status,
        headers.get("Content-Type"),
        headers.get("Content-Language"),
        encoding,
        _without(document, {"request_id", "requested_language"}),
    )


class RequestIds:
    """Give every request through nginx an X-Request-ID line or not, and check the one
    it gets back is its own: the one it sent when the service keeps it, else new."""

    def __init__(self):
        self.numbers, self.seen = count(), set()

    def lines(self, row: Row) -> Row:
        if any(name == "X-Request-ID" for name, _ in row):
            return ()
        number = next(self.numbers)
        sent = (f"client-{number}", "", "not well-formed!")[number % 3]
        return (("X-Request-ID", sent),) if sent else ()

    def check(self, lines: Row, headers) -> str | None:
        """A problem with the X-Request-ID answered, or None."""
        sent = dict(as_nginx_reads(lines)).get("X-Request-ID")
        answered = headers.get_all("X-Request-ID") or []
        if len(answered) != 1:
            return f"X-Request-ID lines {answered}"
        (got,) = answered
        if sent and request_id_for({"HTTP_X_REQUEST_ID": sent}) == sent:
            return None if got == sent else f"sent {sent!r}, got {got!r}"
        if got in self.seen or not re.fullmatch(r"[0-9a-f]{32}", got):
            return f"sent {sent!r}, got {got!r}: not a new id"
        self.seen.add(got)
        return None


def test_the_proxy_answers_every_header_as_the_service_does(tmp_path, upstream):
    paths = (ARTICLE, ARTICLE_LIST)
    assert len(TABLE) >= 300
    expected = {
        (path, row): answer(*upstream.fetch_lines(path, as_nginx_reads(row)))
        for row in TABLE
        for path in paths
    }
    # The table reaches every representation, several languages, both encodings and 406.
    assert {(status, kind, encoding) for status, kind, _, encoding, _ in expected.values()} >= {
        (200, "application/json; charset=utf-8", None),
        (200, "application/json; charset=utf-8", "gzip"),
        (200, "application/ld+json", None),
        (200, "application/fhir+json; fhirVersion=4.3", None),
        (406, "application/problem+json; charset=utf-8", None),
    }
    assert len({language for _, _, language, _, _ in expected.values()}) >= 5
    request_ids = RequestIds()
    mismatches: list[tuple[object, ...]] = []
    with running_nginx(tmp_path, address(upstream)) as proxy:
        # The first pass, in reverse, is the warm-up: every adversarial spelling has
        # stored what it got before the second pass asks again in the other order.
        for order in (TABLE[::-1], TABLE):
            for row in order:
                for path in paths:
                    lines = (*row, *request_ids.lines(row))
                    status, headers, body = proxy.fetch_lines(path, lines)
                    cache_status = headers["X-Cache-Status"]
                    if (got := answer(status, headers, body)) != expected[path, row]:
                        mismatches.append(
                            (path, row, cache_status, got[:4], expected[path, row][:4])
                        )
                    if problem := request_ids.check(lines, headers):
                        mismatches.append((path, row, cache_status, problem))
                    if order is TABLE and status == 200 and cache_status != "HIT":
                        mismatches.append((path, row, cache_status, "not from the cache"))
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(map(repr, mismatches))


def test_a_language_is_reduced_only_when_every_article_would_answer_it(tmp_path, app):
    """What nginx sends upstream ranks the offered languages as the client's header does,
    so each article, whatever languages it has, answers alike (Negotiation.best_of)."""
    negotiator = Negotiator(app.extensions["payload_store"].offered)
    echo, echo_port = tmp_path / "echo.conf", free_port()
    # nginx's second server answers with the Accept-Language it was sent (not cached:
    # no Cache-Control), so the proxy in front shows what it forwards.
    echo.write_text(
        f"server {{ listen 127.0.0.1:{echo_port}; "
        'location / { return 200 "$http_accept_language"; } }\n'
    )
    reduced, wrong = set(), []
    with running_nginx(tmp_path, f"127.0.0.1:{echo_port}", echo) as proxy:
        for header in ACCEPT_LANGUAGE_HEADERS:
            forwarded = proxy.fetch_lines("/", (("Accept-Language", header),))[2].decode()
            ranked, ranked_forwarded = (
                negotiator.negotiate((), value).candidates for value in (header, forwarded)
            )
            if ranked_forwarded != ranked:
                wrong.append((header, forwarded, ranked, ranked_forwarded))
            if forwarded != header:
                reduced.add(forwarded)
    assert not wrong, "\n".join(map(repr, wrong))
    # The map does reduce: the common headers share a handful of cache entries.
    assert reduced >= {"es", "fr", "en", "pt-BR", "zh-Hans", "zh-Hant", "ar", "fa", "ur", "fil"}


def test_a_cached_response_carries_each_request_s_own_id(tmp_path, upstream):
    with running_nginx(tmp_path, address(upstream)) as proxy:
        answered = []
        for sent in (None, "second-client", None, "fourth-client"):
            status, headers, _ = proxy.fetch(ARTICLE, **({"X-Request-ID": sent} if sent else {}))
            assert status == 200
            answered.append((headers["X-Cache-Status"], headers["X-Request-ID"]))
    assert [cache_status for cache_status, _ in answered] == ["MISS", "HIT", "HIT", "HIT"]
    ids = [request_id for _, request_id in answered]
    assert (ids[1], ids[3]) == ("second-client", "fourth-client")
    assert len(set(ids)) == 4
    # nginx's id for the miss is the one gunicorn logged: one id per request end to end.
    wait_for(lambda: f'"request_id":"{ids[0]}"' in upstream.log(), seconds=5)


def test_an_http_1_0_request_without_host_is_answered_through_the_proxy(tmp_path, upstream):
    """nginx forwards no Host for it; the service would refuse an HTTP/1.1 request
    without one, so the proxy names one."""
    with running_nginx(tmp_path, address(upstream)) as proxy:
        status, _, body = proxy.raw(f"GET {SECTION} HTTP/1.0\r\n\r\n".encode())
    assert status == 200
    assert json.loads(body)["id"] == "pain"


def test_no_code_or_search_term_reaches_the_access_log(tmp_path, upstream):
    requests = (
        "/v1/articles?code=L90.6&system=icd10cm&lang=es",
        "/v1/articles?lang=fr&code=L90.62&page=1",
        "/v1/articles?LANG=L90.63",  # the allow-list is case-sensitive, as the service's
        "/v1/articles?xlang=L90.64",
        "/v1/infobutton?mainSearchCriteria.v.c=L90.65&mainSearchCriteria.v.cs="
        "2.16.840.1.113883.6.90&knowledgeResponseType=application/json"
        "&informationRecipient.languageCode.c=es",
        "/v1/search?q=stretch%20marks%20L90.66",
    )
    with running_nginx(tmp_path, address(upstream)) as proxy:
        for path in requests:
            proxy.fetch(path)

        def lines() -> list[dict]:
            return [json.loads(line) for line in proxy.access_log.read_text().splitlines()]

        wait_for(lambda: len(lines()) == len(requests), seconds=5)
        logged = proxy.access_log.read_text()
    assert not re.search(r"L90|icd10cm|113883|stretch", logged), logged
    first, second, *_, infobutton, search = lines()
    assert (first["path"], first["query"]["lang"], first["status"]) == ("/v1/articles", "es", 200)
    assert (second["query"]["lang"], second["query"]["page"]) == ("fr", "1")
    assert infobutton["query"]["informationRecipient.languageCode.c"] == "es"
    assert infobutton["query"]["knowledgeResponseType"] == "application/json"
    assert search["path"] == "/v1/search"
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in lines())


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
        statuses = [proxy.fetch(f"{ARTICLE_LIST}?code=L90.6")[0] for _ in range(40)]
        wait_for(lambda: len(proxy.access_log.read_text().splitlines()) == 40, seconds=5)
        logs = proxy.log() + proxy.access_log.read_text()
    burst = 20
    assert statuses[: burst + 1] == [200] * (burst + 1)
    assert statuses.count(429) >= 10, statuses
    # A rejection is not an error worth the request line (its query holds the code).
    assert "L90.6" not in logs
