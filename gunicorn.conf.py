"""gunicorn settings for the patient-information API (development and production alike).

Reload design: the app (and so every payload) is built once in the master
(`preload_app`), and workers fork with it ready. `kill -HUP <master>` rebuilds the
payload store in the master (`on_reload`) *before* gunicorn forks the new workers;
if the rebuild fails (a broken catalog), the master keeps the last good store and the
new workers serve it, so a bad catalog never takes the service down.

Metrics: with METRICS_PORT set, prometheus_client runs in multiprocess mode (one
directory of counters shared by the master and its workers) and the master serves
/metrics on that port, away from the public API; dead workers' gauges are dropped.
Logs: one JSON object per line (service/logs.py), access log included.
"""

import gc
import os
import shutil
import tempfile

RAM_DISK = "/dev/shm"  # noqa: S108 - gunicorn and prometheus_client make their own files here
METRICS_PORT = os.environ.get("METRICS_PORT", "").strip()
if METRICS_PORT and METRICS_PORT != "0" and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    # Before anything imports prometheus_client: it picks its mode at import time.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="patient-info-metrics-", dir=RAM_DISK if os.path.isdir(RAM_DISK) else None
    )

from prometheus_client import CollectorRegistry, multiprocess, start_http_server  # noqa: E402

from service import reload_store  # noqa: E402
from service.parameters import positive_whole_number  # noqa: E402


def _environment_integer(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    number = positive_whole_number(raw)
    if number is None:
        raise SystemExit(f"gunicorn.conf.py: {name}={raw!r} must be a whole number >= 1")
    return number


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# WEB_CONCURRENCY is the usual name for the number of worker processes.
workers = _environment_integer("WEB_CONCURRENCY", 2)
# gthread, from measurement (1 worker pinned to one core, wrk with 8 keep-alive
# connections on the other, the section endpoint; two alternating runs each): gthread
# 3,614-3,616 req/s, p99 5.8-6.0 ms; sync 3,532-3,651 req/s, p99 5.9-6.4 ms. Close in
# throughput, but a sync worker holds one connection at a time, so one slow client
# stalls it. gevent was left out: the reference runs showed 100 ms-1.5 s p99 tails
# under keep-alive.
# gthread as gunicorn 27.0.1 ships it is not safe either: a connection gets a thread at
# its first byte and keeps it, with no deadline, until its request head is complete
# (gunicorn has no head-read timeout setting), and closing connections linger in the
# event loop. Four connections sending one byte, trickling a head, idle (5 s each),
# pipelining without reading, or never closing after an answer took all four threads
# or the loop: /healthz timed out. So the worker is gthread with its event loop reading
# every request head before a thread sees it (service/gunicorn_worker.py): waiting
# clients cost a descriptor, not a thread. Against 66 (2 x workers x threads + 50)
# connections of each of those kinds (tests/test_slow_clients.py), /healthz p99 went
# from over 2 s (timeouts) to 2-27 ms. Section throughput is gthread's (as above, but
# medians of eight alternating 3 s runs on a busy machine: gthread 2,680 req/s, this
# worker 2,717). More threads would only move the limit (a slowloris needs one
# connection per thread) and lengthen the GIL queue.
worker_class = "service.gunicorn_worker.HeadReadingThreadWorker"
# Threads, measured the same way: 1: 3,397-3,468 req/s, p99 2.7 ms; 2: 3,463-3,514,
# p99 3.5 ms; 4: 3,564-3,597, p99 6.0-6.5 ms; 8: 3,728-3,760, p99 20-21 ms. More threads
# only queue on the GIL (the tail grows faster than throughput); 4 keeps p99 near the
# framework floor's (issue 5). A thread is busy only while it serves a request whose
# head has fully arrived, so slow clients take none of them. Search (about 1 ms a
# request) shows the same trade more sharply, rotating one-word queries at 1,000
# articles: 4 threads 990-1,100 req/s, p99 27-29 ms; 2: p99 14 ms; 1: 1,060-1,080
# req/s, p99 12-15 ms. Fewer threads would halve every tail, at a few percent of
# section throughput and with fewer threads for slow readers of large answers
# (bundles, long list pages) when no buffering proxy is in front: kept at 4 until the
# team decides (README, Benchmark).
threads = _environment_integer("THREADS", 4)
preload_app = True
wsgi_app = "service.wsgi:app"

# Graceful stop: in-flight requests get this long after SIGTERM (match Kubernetes'
# terminationGracePeriodSeconds).
graceful_timeout = _environment_integer("GRACEFUL_TIMEOUT", 30)
timeout = 30
keepalive = 5

# Request limits: oversized request lines or headers are refused by gunicorn with 400
# before the app runs.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# gunicorn 27's control socket (gunicornc) is off unless a path is given, so several
# servers on one host (and a read-only container) don't fight over ~/.gunicorn.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Worker heartbeat files go to RAM when it exists, so a read-only root filesystem
# (docker run --read-only) needs no writable /tmp for gunicorn itself.
if os.path.isdir(RAM_DISK):
    worker_tmp_dir = RAM_DISK

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
logger_class = "service.logs.JsonLogger"


def _metrics_enabled() -> bool:
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ and METRICS_PORT not in ("", "0")


def when_ready(server):
    """Serve the workers' merged metrics from the master, on METRICS_PORT only."""
    if _metrics_enabled():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        host = os.environ.get("METRICS_HOST") or os.environ.get("HOST", "127.0.0.1")
        start_http_server(int(METRICS_PORT), addr=host, registry=registry)
        server.log.info("metrics on http://%s:%s/metrics", host, METRICS_PORT)


def child_exit(server, worker):
    """Drop a dead worker's live gauges (its counters stay in the totals)."""
    if _metrics_enabled():
        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_enabled():
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def pre_fork(server, worker):
    """Freeze the master's objects (the payload store) out of the garbage collector
    before a worker forks: the worker's collections then never scan them nor write to
    their pages, which stay shared with the master (Python's gc.freeze advice)."""
    gc.freeze()


def on_reload(arbiter):
    """Rebuild the payload store in the master before new workers are forked (unfrozen
    first, so the replaced store can be collected)."""
    gc.unfreeze()
    reload_store(arbiter.app.wsgi())
    gc.collect()
