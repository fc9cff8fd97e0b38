"""Slow, idle and never-reading clients, and running out of descriptors, against real
gunicorn started from the shipped gunicorn.conf.py with its own defaults: a bounded
slowloris on loopback, while a normal client keeps asking for /healthz."""

import contextlib
import math
import os
import re
import resource
import runpy
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from service.config import REPOSITORY_DIR
from tests.helpers import running_gunicorn, wait_for

HEALTH_CHECK = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
REQUEST_HEAD = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n"
# The largest response (about 60 KB): 80 of them overflow loopback's 4 MB send buffer.
PIPELINED = b"GET /openapi.yaml HTTP/1.1\r\nHost: localhost\r\n\r\n" * 80
SLOW_BODY_HEAD = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
ATTACK_SECONDS = 1.5  # how long the probes run while the connections are held
P99_LIMIT = 0.5
HEALTH_CHECK_TIMEOUT = 2.0
TRICKLE_INTERVAL = 0.5  # a slowloris's pace: the waiting is the attack


def shipped_defaults() -> tuple[int, int]:
    """(workers, threads) as gunicorn.conf.py sets them with no environment override."""
    saved = {
        name: os.environ.pop(name) for name in ("WEB_CONCURRENCY", "THREADS") if name in os.environ
    }
    try:
        settings = runpy.run_path(str(REPOSITORY_DIR / "gunicorn.conf.py"))
    finally:
        os.environ.update(saved)
    return settings["workers"], settings["threads"]


WORKERS, THREADS = shipped_defaults()
ATTACKERS = 2 * WORKERS * THREADS + 50


@dataclass(frozen=True)
class Attack:
    """One kind of hostile client: what it sends on connecting, then one byte of
    `trickle` every TRICKLE_INTERVAL; a receive buffer it sets small to read nothing."""

    opening: bytes = b""
    trickle: bytes = b""
    receive_buffer: int = 0


ATTACKS = {
    "one byte": Attack(opening=b"G"),
    "a header byte per interval": Attack(trickle=REQUEST_HEAD),
    "idle": Attack(),
    "pipelined, never reading": Attack(opening=PIPELINED, receive_buffer=4096),
    "answered, never closing": Attack(opening=b"GET /healthz HTTP/1.0\r\n\r\n"),
    "a body byte per interval": Attack(opening=SLOW_BODY_HEAD, trickle=b"x" * 1000),
}


@contextlib.contextmanager
def attacking(port: int, attack: Attack, count: int) -> Iterator[None]:
    """Hold `count` connections of one kind open (trickling in a thread) until exit."""
    connections: list[socket.socket] = []
    stop = threading.Event()

    def trickle():
        position = 0
        while not stop.wait(TRICKLE_INTERVAL) and position < len(attack.trickle):
            for connection in connections:
                with contextlib.suppress(OSError):
                    connection.send(attack.trickle[position : position + 1])
            position += 1

    try:
        for _ in range(count):
            connection = socket.socket()
            connections.append(connection)
            if attack.receive_buffer:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, attack.receive_buffer)
            connection.connect(("127.0.0.1", port))
            connection.setblocking(False)  # a full send buffer must not stall the attack
            with contextlib.suppress(BlockingIOError):
                connection.send(attack.opening)
        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        yield
    finally:
        stop.set()
        for connection in connections:
            connection.close()


def health_check_seconds(port: int) -> float:
    """One /healthz on a new connection, as a probe does; a failure counts as the timeout."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=HEALTH_CHECK_TIMEOUT) as probe:
            probe.sendall(HEALTH_CHECK)
            answer = b""
            while chunk := probe.recv(65536):
                answer += chunk
    except OSError:
        return HEALTH_CHECK_TIMEOUT
    if not answer.startswith(b"HTTP/1.1 200 "):
        return HEALTH_CHECK_TIMEOUT
    return min(time.monotonic() - started, HEALTH_CHECK_TIMEOUT)


def latencies_during(port: int, seconds: float) -> list[float]:
    finish = time.monotonic() + seconds
    latencies = []
    while time.monotonic() < finish:
        latencies.append(health_check_seconds(port))
    return latencies


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_gunicorn(
        tmp_path_factory.mktemp("slow-clients"), WEB_CONCURRENCY=str(WORKERS), THREADS=str(THREADS)
    ) as running:
        # /readyz answered from the first worker; the others boot on.
        wait_for(lambda: len(running.child_pids()) == WORKERS, seconds=10)
        yield running


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", ATTACKS)
def test_health_checks_stay_fast_while_slow_clients_hold_connections(server, kind):
    port = server.port
    workers = sorted(server.child_pids())
    with attacking(port, ATTACKS[kind], ATTACKERS):
        latencies = latencies_during(port, ATTACK_SECONDS)
    assert len(latencies) >= 10, (kind, ATTACKERS, latencies)
    assert p99(latencies) < P99_LIMIT, (kind, ATTACKERS, len(latencies), sorted(latencies)[-5:])
    assert sorted(server.child_pids()) == workers


def limit_descriptors(count: int) -> Callable[[], None]:
    def apply():
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))

    return apply


@pytest.mark.timeout(20)
def test_running_out_of_descriptors_sheds_connections_not_the_worker(tmp_path):
    with running_gunicorn(
        tmp_path, preexec_fn=limit_descriptors(40), WEB_CONCURRENCY="1"
    ) as server:
        port = server.port
        worker = server.worker_pid()
        with attacking(port, ATTACKS["idle"], 60):
            during = health_check_seconds(port)
        after = health_check_seconds(port)
        assert "out of file descriptors (EMFILE)" in server.log()
        assert server.worker_pid() == worker
        assert during < HEALTH_CHECK_TIMEOUT
        assert after < HEALTH_CHECK_TIMEOUT


def test_make_run_starts_the_configuration_attacked_here():
    """`make run` starts gunicorn.conf.py with no flag that could change the worker (the
    container and the Kubernetes pods: tests/test_dockerfile.py, test_deploy_kubernetes.py)."""
    makefile = (REPOSITORY_DIR / "Makefile").read_text(encoding="utf-8")
    (recipe,) = re.findall(r"^run:.*\n\t(.+)$", makefile, re.M)
    assert recipe.endswith("exec $(BIN)/gunicorn --config gunicorn.conf.py"), recipe
    assert "GUNICORN_CMD_ARGS" not in makefile
