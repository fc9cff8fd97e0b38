"""Request ids and Prometheus metrics, kept off the hot path's critical work.

A thin WSGI middleware gives every request an id (echoed in X-Request-ID), times it,
and counts it. What the app learns while serving (requested and served language, set
in api/serving.py) it leaves in the WSGI environ; the middleware adds the route
template Flask matched. The metrics and gunicorn's JSON access log (service/logs.py)
read them there: nothing is computed twice.

Metrics use prometheus_client in multiprocess mode under gunicorn (gunicorn.conf.py
sets PROMETHEUS_MULTIPROC_DIR and serves /metrics from the master on METRICS_PORT), so
counts add up across workers. With no METRICS_PORT nothing is counted at all.

Each label series is a file entry in that directory (RAM, in /dev/shm) per process,
so every label value is one of a fixed set, whatever the client sends: the known
methods or "other", the URL rule Flask matched or "unmatched", an HTTP status code
or "other", a CLDR language. Metrics never cost a request or a worker: the first
error writing them (a full or unwritable directory) turns them off in that process,
with one logged error.
"""

import functools
import logging
import os
import platform
import re
import threading
import time
import uuid
from http import HTTPStatus
from itertools import count

from babel.localedata import locale_identifiers
from prometheus_client import REGISTRY, Counter, Gauge, Histogram

from service.config import SERVICE_VERSION
from service.i18n import parse_tag
from service.metrics_files import reserve_before_writing

REQUEST_ID = "patient_info.request_id"
ROUTE = "patient_info.route"
REQUESTED_LANGUAGE = "patient_info.requested_language"
SERVED_LANGUAGE = "patient_info.served_language"
# A client's X-Request-ID is echoed only when it matches this (the OpenAPI document says so).
REQUEST_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"
_VALID_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)
# Languages (and their scripts) CLDR knows: the only values a client can put into a
# language label.
_KNOWN_LANGUAGES = frozenset(identifier.split("_")[0] for identifier in locale_identifiers())
_KNOWN_SCRIPTS = frozenset(
    tuple(identifier.split("_")[:2])
    for identifier in locale_identifiers()
    if re.fullmatch(r"[a-z]+_[A-Z][a-z]{3}(_.*)?", identifier)
)
_MULTI_SCRIPT = {"zh", "sr", "uz", "pa", "az", "bs"}
# RFC 9110's methods (and PATCH): any other method a client invents is counted as "other".
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)
_STATUS_CODES = frozenset(str(status.value) for status in HTTPStatus)
logger = logging.getLogger(__name__)
DURATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)


class _RequestIds:
    """Unique ids, cheaply: a random per-process prefix (redrawn after fork) and a count."""

    def __init__(self):
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self):
        self.prefix, self.counter = uuid.uuid4().hex[:16], count()

    def next(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_request_ids = _RequestIds()


def request_id_for(environ) -> str:
    """The client's X-Request-ID when well-formed (charset and length), else a new one."""
    offered = environ.get("HTTP_X_REQUEST_ID")
    if offered and _VALID_REQUEST_ID.fullmatch(offered):
        return offered
    return _request_ids.next()


def matched_route(environ) -> str:
    """The URL rule the request matched: as api/shortcut.py left it in the environ, or
    as Flask matched it, read from the request object werkzeug keeps in the environ
    (its documented `populate_request`) until Flask pops the request context, after
    start_response: so read it there. "unmatched" when no rule matched."""
    if ROUTE in environ:
        return environ[ROUTE]
    flask_request = environ.get("werkzeug.request")
    rule = flask_request.url_rule if flask_request is not None else None
    return rule.rule if rule is not None else "unmatched"


def language_label(tag: str | None) -> str:
    """A bounded metric label for a client's language: its CLDR language (and script)."""
    parsed = parse_tag(tag) if tag else None
    if parsed is None:
        return "none"
    if parsed.language not in _KNOWN_LANGUAGES:
        return "other"
    script = parsed.likely_script
    if parsed.language in _MULTI_SCRIPT and (parsed.language, script) in _KNOWN_SCRIPTS:
        return f"{parsed.language}-{script}"
    return parsed.language


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "other"


def status_label(status: str) -> str:
    """The status code the app answered, if HTTP defines it (the app sets it, but a
    label's bound should not rest on every view getting that right)."""
    return status if status in _STATUS_CODES else "other"


def _off_after_an_error(method):
    """Run a Metrics method; on its first error, turn metrics off in this process.

    The error is usually an OSError from a full or unwritable metrics directory
    (service/metrics_files.py); after it, prometheus_client's state in this process is
    half reset, so any later error is its echo: only the first is logged.
    """

    @functools.wraps(method)
    def guarded(self, *args):
        if not self.enabled:
            return
        try:
            method(self, *args)
        except Exception as error:  # metrics are never worth a failed request
            self.turn_off(error)

    return guarded


class Metrics:
    """The service's Prometheus metrics (created once per process that imports them)."""

    def __init__(self, registry=REGISTRY):
        self.requests = Counter(
            "patient_info_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "patient_info_http_request_duration_seconds",
            "Time to produce a response, by route template and method.",
            ["route", "method"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.languages = Counter(
            "patient_info_language_requests",
            "Content requests by requested and served language (fallback rate).",
            ["requested", "served"],
            registry=registry,
        )
        self.completeness = Gauge(
            "patient_info_catalog_completeness_ratio",
            "Share of a language's interface catalog that is translated (fuzzy counts as "
            "not); a language is offered at 1.",
            ["language"],
            multiprocess_mode="mostrecent",
            registry=registry,
        )
        self.build = Gauge(
            "patient_info_build_info",
            "Always 1; the labels say which build is running.",
            ["version", "python"],
            multiprocess_mode="mostrecent",
            registry=registry,
        )
        self._children = {}
        self.enabled = True
        self._turning_off = threading.Lock()

    def turn_off(self, error: Exception):
        """Stop counting in this process, saying why once (threads may fail together)."""
        with self._turning_off:
            if not self.enabled:
                return
            self.enabled = False
        logger.error(
            "metrics are off in process %d: cannot write them to %s: %r",
            os.getpid(),
            os.environ.get("PROMETHEUS_MULTIPROC_DIR", "memory"),
            error,
        )

    @_off_after_an_error
    def record_store(self, store, version: str, python: str):
        """Publish the catalogs' completeness and the build (at start-up and each reload)."""
        for tag, measured in store.interface_completeness.items():
            ratio = measured.translated / measured.total if measured.total else 1.0
            self.completeness.labels(tag).set(ratio)
        self.build.labels(version, python).set(1)

    @_off_after_an_error
    def observe(self, environ, status: str, seconds: float):
        """Count one request (children are cached: labels() costs more than inc())."""
        route = environ.get(ROUTE, "unmatched")
        key = (route, method_label(environ["REQUEST_METHOD"]), status_label(status))
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(*key),
                self.duration.labels(*key[:2]),
            )
        children[0].inc()
        children[1].observe(seconds)
        served = environ.get(SERVED_LANGUAGE)
        if served:
            requested = language_label(environ.get(REQUESTED_LANGUAGE))
            self.languages.labels(requested, served).inc()


@functools.cache
def process_metrics() -> Metrics:
    """The one Metrics of this process (prometheus_client registers names globally)."""
    reserve_before_writing()
    return Metrics()


def record_store(metrics: Metrics | None, store):
    if metrics is not None:
        metrics.record_store(store, SERVICE_VERSION, platform.python_version())


class ObservabilityMiddleware:
    """Give each request an id, echo it, and count the request in the metrics."""

    def __init__(self, wsgi_app, metrics: Metrics | None):
        self.wsgi_app = wsgi_app
        self.metrics = metrics

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = environ[REQUEST_ID] = request_id_for(environ)
        status_line = []

        def start(status, headers, exc_info=None):
            headers.append(("X-Request-ID", request_id))
            environ[ROUTE] = matched_route(environ)
            status_line.append(status)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start)
        if self.metrics is not None and status_line:
            self.metrics.observe(environ, status_line[0][:3], time.perf_counter() - started)
        return body
