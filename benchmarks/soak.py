"""Soak test: 200,000 requests across every endpoint, language and representation
against one gunicorn worker; zero errors and flat memory (`make soak`).

Loopback only, bounded in count. Prints the request counts and the worker's RSS after
warm-up and at the end; exits non-zero if any request failed or RSS grew by more than
5 MB.
"""

import http.client
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.servers import running_server

TOTAL_REQUESTS = int(os.environ.get("SOAK_REQUESTS", "200000"))
WARM_UP_REQUESTS = TOTAL_REQUESTS // 10
THREADS = 4
MAX_RSS_GROWTH_KB = 5 * 1024
SLUG = "laser-treatment-for-stretch-marks"


def request_mix(etags: dict) -> list[tuple[str, str, dict, int]]:
    """(method, path, headers, expected status): every endpoint, language, representation."""
    paths = [
        "/v1/articles",
        f"/v1/articles/{SLUG}",
        f"/v1/articles/{SLUG}/sections",
        "/v1/languages",
    ]
    paths += [
        f"/v1/articles/{SLUG}/sections/{section}"
        for section in ("overview", "what-it-is", "sewing-up", "effectiveness", "pain")
    ]
    languages = ["en", "es", "fr", "de", "pt-BR", "zh-Hans", "ar", "vi", "ru"]
    mix = []
    for path, language in itertools.product(paths, languages):
        header = {"Accept-Language": language}
        mix += [
            ("GET", path, header, 200),
            ("GET", f"{path}?lang={language}", {}, 200),
            ("HEAD", path, header, 200),
            ("GET", path, {**header, "If-None-Match": etags[path, language]}, 304),
        ]
    mix += [
        ("OPTIONS", "/v1/articles", {"Origin": "https://portal.example"}, 204),
        ("GET", "/v1/articles/no-such-article", {"Accept-Language": "ar"}, 404),
        ("GET", f"/v1/articles/{SLUG}/sections/none", {"Accept-Language": "zh-CN"}, 404),
        ("GET", "/v1/articles?lang=../../x", {}, 400),
        ("DELETE", "/v1/articles", {}, 405),
        ("GET", "/v1/articles", {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}, 200),
        ("GET", "/openapi.yaml", {}, 200),
        ("GET", "/healthz", {}, 200),
        ("GET", "/readyz", {}, 200),
    ]
    return mix


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def drive(port: int, mix: list, count: int, outcomes: Counter):
    """Send `count` requests from THREADS keep-alive connections, recording outcomes."""
    lock = threading.Lock()
    counter = itertools.count()

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while (index := next(counter)) < count:
            method, path, headers, expected = mix[index % len(mix)]
            try:
                connection.request(method, path, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = "ok" if response.status == expected else f"{response.status}!={expected}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                outcomes[outcome] += 1
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    with (
        tempfile.TemporaryDirectory() as log_dir,
        running_server("soak", None, "/readyz", Path(log_dir), timeout=60) as server,
    ):
        port = server.port
        mix = request_mix(_EtagLookup(port))
        outcomes: Counter[int | str] = Counter()
        started = time.monotonic()
        drive(port, mix, WARM_UP_REQUESTS, outcomes)
        worker = server.worker_pid()
        rss_after_warm_up = rss_kb(worker)
        drive(port, mix, TOTAL_REQUESTS, outcomes)
        rss_at_end = rss_kb(worker)
        elapsed = time.monotonic() - started
    growth = rss_at_end - rss_after_warm_up
    errors = sum(n for outcome, n in outcomes.items() if outcome != "ok")
    print(
        json.dumps(
            {
                "requests": WARM_UP_REQUESTS + TOTAL_REQUESTS,
                "distinct_requests_in_mix": len(mix),
                "outcomes": dict(outcomes),
                "errors": errors,
                "seconds": round(elapsed, 1),
                "requests_per_second": round((WARM_UP_REQUESTS + TOTAL_REQUESTS) / elapsed),
                "worker_rss_kb_after_warm_up": rss_after_warm_up,
                "worker_rss_kb_at_end": rss_at_end,
                "rss_growth_kb": growth,
            },
            indent=2,
        )
    )
    return 0 if errors == 0 and growth <= MAX_RSS_GROWTH_KB else 1


class _EtagLookup(dict):
    """The current ETag of each (path, language), fetched on first use."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def __missing__(self, key):
        path, language = key
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.request("GET", path, headers={"Accept-Language": language})
        response = connection.getresponse()
        response.read()
        self[key] = response.getheader("ETag")
        return self[key]


if __name__ == "__main__":
    sys.exit(main())
