"""Request ids, JSON logs and Prometheus metrics (through real gunicorn for the last two)."""

import json
import logging
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.servers import free_port
from service import create_app
from service.logs import query_for_log
from service.observability import language_label
from tests.conftest import SLUG, running_gunicorn

SECTION = f"/v1/articles/{SLUG}/sections/pain"


@pytest.mark.parametrize("offered", ["abc-123", "req_1:2.3", "A" * 128])
def test_well_formed_request_ids_are_echoed(client, offered):
    response = client.get(SECTION, headers={"X-Request-ID": offered})
    assert response.headers["X-Request-ID"] == offered


@pytest.mark.parametrize("offered", ["", "A" * 129, "has space", "semi;colon", "-leading", "é"])
def test_other_request_ids_are_replaced(client, offered):
    response = client.get("/v1/articles/nope", headers={"X-Request-ID": offered})
    generated = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert response.get_json()["request_id"] == generated


def test_every_kind_of_response_carries_a_request_id(client):
    for response in (
        client.get(SECTION),
        client.head(SECTION),
        client.options(SECTION),
        client.delete(SECTION),
        client.get("/healthz"),
        client.get(SECTION, headers={"If-None-Match": "*"}),
    ):
        assert response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("tag", "label"),
    [
        (None, "none"),
        ("es-MX", "es"),
        ("zh-TW", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("qq", "other"),
        ("not a tag", "none"),
        ("x" * 60, "none"),
    ],
)
def test_language_labels_are_bounded(tag, label):
    assert language_label(tag) == label


def test_query_strings_are_not_logged_raw():
    assert query_for_log("lang=es&code=L90.6&system=icd10cm&page=2") == {
        "lang": "es",
        "code": "[redacted]",
        "system": "[redacted]",
        "page": "2",
    }
    assert query_for_log("mainSearchCriteria.v.c=E11.9") == {"mainSearchCriteria.v.c": "[redacted]"}


def test_unexpected_errors_are_logged_once_with_the_request_id(translations_copy, caplog):
    app = create_app({"TRANSLATIONS_DIR": translations_copy})

    @app.get("/v1/explode")
    def explode():
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/v1/explode", headers={"X-Request-ID": "trace-42"})
    assert response.get_json()["request_id"] == "trace-42"
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.request_id == "trace-42"
    assert record.exc_info is not None


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def sample(metrics: str, name: str, **labels) -> float:
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_add_up_across_two_workers_and_logs_are_json(tmp_path):
    metrics_port = free_port()
    multiproc = tmp_path / "metrics"
    multiproc.mkdir()
    requests = 300
    with running_gunicorn(
        tmp_path,
        WEB_CONCURRENCY="2",
        METRICS_PORT=str(metrics_port),
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
    ) as server:
        # Concurrent clients, so that both workers take some of the requests.
        def fetch(index):
            language = ("es-MX", "zh-TW", "ar")[index % 3]
            return server.fetch(
                f"{SECTION}?code=L90.6", **{"Accept-Language": language, "Connection": "close"}
            )[0]

        with ThreadPoolExecutor(max_workers=12) as pool:
            assert set(pool.map(fetch, range(requests))) == {200}
        assert server.fetch("/metrics")[0] == 404  # not on the public port
        metrics = scrape(metrics_port)
        worker_files = {path.name for path in multiproc.glob("counter_*.db")}
        log = server.log()
    route = "/v1/articles/<slug>/sections/<section_id>"
    assert (
        sample(metrics, "patient_info_http_requests_total", route=route, status="200") == requests
    )
    assert (
        sample(metrics, "patient_info_http_request_duration_seconds_count", route=route) == requests
    )
    assert (
        sample(metrics, "patient_info_language_requests_total", requested="es", served="es") == 100
    )
    assert (
        sample(metrics, "patient_info_language_requests_total", requested="zh-Hant", served="en")
        == 100
    )
    assert sample(metrics, "patient_info_catalog_completeness_ratio", language="es") == 1.0
    assert "patient_info_build_info{" in metrics
    assert len(worker_files) >= 2, worker_files  # both workers counted requests

    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(lines) == len(log.strip().splitlines())  # every line is one JSON object
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    section_lines = [line for line in access if line["route"] == route]
    assert len(section_lines) == requests
    first = section_lines[0]
    assert set(first) >= {
        "timestamp",
        "level",
        "method",
        "route",
        "status",
        "duration_ms",
        "requested_language",
        "served_language",
        "request_id",
    }
    assert first["query"] == {"code": "[redacted]"}
    assert "L90.6" not in log
    assert "client_ip" not in first
    assert "127.0.0.1" not in json.dumps(access)


def test_generated_request_ids_are_unique(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(500)}
    assert len(ids) == 500
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
