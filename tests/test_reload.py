"""Catalog updates go live with `kill -HUP` under load: no failed request, and a broken
catalog is refused while the last good text keeps being served."""

import http.client
import json
import os
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.servers import Server
from tests.helpers import SLUG, article_po, compile_catalogs, running_gunicorn, wait_for

SECTION = f"/v1/articles/{SLUG}/sections/pain"
LOAD_THREADS = 8  # connections at once, as a small steady load
MAX_LOAD_SECONDS = 40


class Load:
    """Requests from a few threads, a new connection each, until stopped (bounded)."""

    def __init__(self, server: Server):
        self.port = server.port
        self.outcomes: Counter[int | str] = Counter()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(LOAD_THREADS)]

    def _run(self):
        deadline = time.monotonic() + MAX_LOAD_SECONDS
        while not self.stopping.is_set() and time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("GET", SECTION, headers={"Accept-Language": "es"})
                response = connection.getresponse()
                response.read()
                self.outcomes[response.status] += 1
            except OSError as error:
                self.outcomes[type(error).__name__] += 1
            finally:
                connection.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def served(load: Load) -> int:
    return load.outcomes[200]


def workers_replaced(server: Server, old: set[int]) -> Callable[[], bool]:
    """Whether the master's workers are all new ones, as many as it had."""

    def replaced() -> bool:
        current = set(server.child_pids())
        return len(current) == len(old) and not current & old

    return replaced


def accept_backlog(port: int) -> int:
    """Connections the kernel holds for the listening socket on `port` that no worker
    has accepted yet (rx_queue of a LISTEN line in /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            return int(fields[4].split(":")[1], 16)
    raise LookupError(f"nothing listens on port {port}")


def test_hup_under_load(tmp_path, translations_copy):
    po = article_po(translations_copy, "es")
    with running_gunicorn(
        tmp_path, TRANSLATIONS_DIR=str(translations_copy), WEB_CONCURRENCY="2"
    ) as server:

        def heading():
            return json.loads(server.fetch(SECTION, **{"Accept-Language": "es"})[2])["heading"]

        original = heading()
        wait_for(lambda: len(server.child_pids()) == 2)
        with Load(server) as load:
            wait_for(lambda: served(load) >= 50)  # the reloads happen under load
            workers = set(server.child_pids())
            po.write_text(po.read_text(encoding="utf-8").replace(original, "¿Duele? (nuevo)"))
            compile_catalogs(translations_copy)
            os.kill(server.process.pid, signal.SIGHUP)
            wait_for(lambda: heading() == "¿Duele? (nuevo)")
            wait_for(workers_replaced(server, workers))
            count = served(load)
            wait_for(lambda: served(load) >= count + 50)  # the new workers carry the load

            workers = set(server.child_pids())
            po.with_suffix(".mo").write_bytes(b"corrupted")
            os.kill(server.process.pid, signal.SIGHUP)
            wait_for(lambda: "reload refused" in server.log())
            # The new workers fork from the master's last good store.
            wait_for(workers_replaced(server, workers))
            assert heading() == "¿Duele? (nuevo)"
        print(f"requests during the two reloads: {dict(load.outcomes)}")
        assert set(load.outcomes) == {200}, load.outcomes
        assert f"{SLUG}.mo: corrupted compiled catalog" in server.log()


def test_sigterm_lets_in_flight_requests_finish_then_closes_the_port(tmp_path):
    with running_gunicorn(tmp_path, WEB_CONCURRENCY="2", GRACEFUL_TIMEOUT="10") as server:
        with Load(server) as load:
            wait_for(lambda: served(load) >= 50)
            # A request in flight when SIGTERM arrives: headers sent, not yet finished.
            in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            in_flight.sendall(f"GET {SECTION} HTTP/1.1\r\nHost: localhost\r\n".encode())
            # As a load balancer would, stop sending new requests (the load's last ones
            # are answered when the block ends), then SIGTERM: what is already sent must
            # complete (connections never accepted get refused).
        wait_for(lambda: accept_backlog(server.port) == 0, seconds=5)  # a worker holds it
        server.process.send_signal(signal.SIGTERM)
        wait_for(lambda: "Handling signal: term" in server.log(), seconds=5)
        in_flight.sendall(b"Accept-Language: es\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := in_flight.recv(65536):
            answer += chunk
        in_flight.close()
        assert server.process.wait(timeout=15) == 0
        assert answer.startswith(b"HTTP/1.1 200 OK"), answer[:200]
        assert json.loads(answer.partition(b"\r\n\r\n")[2])["language"] == "es"
        print(f"requests before SIGTERM: {dict(load.outcomes)}")
        assert set(load.outcomes) == {200}, load.outcomes
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2)
