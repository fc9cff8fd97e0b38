"""Request ids, JSON logs and Prometheus metrics (through real gunicorn for the last two)."""

import errno
import json
import logging
import os
import re
import signal
import string
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from benchmarks.servers import free_port, running_server
from service import create_app
from service.logs import query_for_log
from service.observability import KNOWN_METHODS, language_label
from tests.helpers import SLUG, running_gunicorn, wait_for

SECTION = f"/v1/articles/{SLUG}/sections/pain"
METRICS_OFF = "metrics are off in process"


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
        ("zh-Qabc", "zh"),  # a script CLDR has no locale for
        ("sr-Latn-RS", "sr-Latn"),
        ("uz-Arab", "uz-Arab"),
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
        sample(
            metrics, "patient_info_language_requests_total", requested="zh-Hant", served="zh-Hant"
        )
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


def label_series(metric: str) -> list[dict[str, str]]:
    """The label sets of a counter or histogram in this process's registry."""
    return [
        sample.labels
        for family in REGISTRY.collect()
        if family.name == metric
        for sample in family.samples
        if sample.name in (f"{metric}_total", f"{metric}_count")
    ]


def letters(index: int) -> str:
    """Three lowercase letters, different for each index below 17,576."""
    return "".join(string.ascii_lowercase[index // 26**power % 26] for power in (2, 1, 0))


def test_invented_methods_paths_and_languages_add_no_label_series():
    app = create_app({"TESTING": True, "METRICS_PORT": 9464})
    client = app.test_client()
    metrics = (
        "patient_info_http_requests",
        "patient_info_http_request_duration_seconds",
        "patient_info_language_requests",
    )

    def send_invented(index: int):
        client.open(SECTION, method=f"X{index:05d}")
        client.open("/healthz", method=f"X{letters(index).upper()}")
        client.get(f"/v1/{letters(index)}")
        client.get(SECTION, headers={"Accept-Language": f"zh-Q{letters(index)}, es"})
        client.get(SECTION, headers={"Accept-Language": f"q{letters(index)[1:]}, fr"})

    send_invented(0)
    series_before = {metric: len(label_series(metric)) for metric in metrics}
    for index in range(1, 200):
        send_invented(index)
    assert {metric: len(label_series(metric)) for metric in metrics} == series_before
    requests = label_series("patient_info_http_requests")
    assert {labels["method"] for labels in requests} <= KNOWN_METHODS | {"other"}
    routes = {rule.rule for rule in app.url_map.iter_rules()} | {"unmatched"}
    assert {labels["route"] for labels in requests} <= routes
    assert {labels["status"] for labels in requests} <= {str(status.value) for status in HTTPStatus}


def tmpfs_launcher(mount_point: Path, options: str) -> list[str]:
    """A launcher that runs the server in its own mount namespace with a tmpfs mounted
    on mount_point (gone with the server); skip where no namespace can be made."""
    mount = [
        "sh",
        "-c",
        'mount -t tmpfs -o "$1" tmpfs "$0" && shift && exec "$@"',
        str(mount_point),
        options,
    ]
    for namespace in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        probe = subprocess.run(
            [*namespace, *mount, "true"], capture_output=True, text=True, timeout=10, check=False
        )
        if probe.returncode == 0:
            return [*namespace, *mount]
    pytest.skip(f"cannot mount a tmpfs in a new mount namespace here: {probe.stderr.strip()}")


def write_zeros_forever(file, block: int):
    while True:
        file.write(bytes(block))


def fill(directory: Path):
    """Write a file there until its filesystem has no free block left."""
    with (directory / "filler").open("wb", buffering=0) as filler:
        for block in (65536, 4096):
            with pytest.raises(OSError, match=os.strerror(errno.ENOSPC)):
                write_zeros_forever(filler, block)
    assert os.statvfs(directory).f_bavail == 0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("directory", ["filled while serving", "read-only from the start"])
def test_a_full_or_read_only_metrics_directory_turns_metrics_off_not_workers(tmp_path, directory):
    """On a full tmpfs prometheus_client's mmapped files used to SIGBUS every worker."""
    mount_point = tmp_path / "metrics"
    mount_point.mkdir()
    options = "size=1m" if directory == "filled while serving" else "ro,size=1m"
    metrics_port = free_port()
    with running_server(
        "gunicorn",
        None,
        "/readyz",
        tmp_path,
        15,
        launcher=tmpfs_launcher(mount_point, options),
        METRICS_PORT=str(metrics_port),
        PROMETHEUS_MULTIPROC_DIR=str(mount_point),
    ) as server:
        if directory == "filled while serving":
            # The tmpfs as the server sees it, through its mount namespace.
            fill(Path(f"/proc/{server.process.pid}/root") / mount_point.relative_to("/"))
        # A new worker must make its own metrics files: gunicorn replaces a stopped one.
        first_worker = server.worker_pid()
        os.kill(first_worker, signal.SIGTERM)

        def replaced() -> bool:
            workers = server.child_pids()
            return len(workers) == 1 and workers != [first_worker]

        wait_for(replaced, seconds=10)
        worker = server.worker_pid()
        statuses = {server.fetch(SECTION, method=f"X{index:05d}")[0] for index in range(200)}
        assert statuses == {405}
        assert server.fetch(SECTION, **{"Accept-Language": "es"})[0] == 200
        assert server.fetch("/healthz")[0] == 200
        assert server.child_pids() == [worker]
        scraped = scrape(metrics_port)  # the master still serves what was counted
        if directory == "filled while serving":
            assert "patient_info_http_requests_total{" in scraped
        log = server.log()
    assert log.count(METRICS_OFF) == 1, log
