"""The servers under test: real gunicorn masters on loopback, pinned to their own core."""

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.processes import serving
from service.config import REPOSITORY_DIR

# Issue 5's reference setting for every server: one gthread worker with four threads.
WORKER_SETTINGS = {"WEB_CONCURRENCY": "1", "THREADS": "4"}


def cpu_pinning() -> tuple[list[str], list[str]]:
    """taskset prefixes for the servers and for the load: different cores when there are two."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or not shutil.which("taskset"):
        return [], []
    return ["taskset", "-c", str(cpus[0])], ["taskset", "-c", str(cpus[1])]


SERVER_PIN, LOAD_PIN = cpu_pinning()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _kilobytes(path: Path, name: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise LookupError(f"{path}: no {name}")


@dataclass
class Server:
    """A gunicorn master on loopback serving one app, and how long it took to answer."""

    name: str
    process: subprocess.Popen
    base_url: str
    log_path: Path
    started_in: float = 0.0  # seconds from launch to the first 200

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def fetch(self, path: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(  # noqa: S310 (http on loopback, built here)
            self.base_url + path, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def fetch_lines(
        self, path: str, lines: Iterable[tuple[str, str]]
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """GET with exactly these header lines besides Host, in order (a name may repeat,
        as urllib cannot send): (status, headers, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            for name, value in lines:
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def raw(self, data: bytes) -> tuple[int, bytes, bytes]:
        """Send raw bytes on a new connection; return (status, head, body) of the answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(data)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), head, body

    def child_pids(self) -> list[int]:
        """The processes whose parent is the master."""
        return [
            int(stat.parent.name)
            for stat in Path("/proc").glob("[0-9]*/stat")
            if _parent_pid(stat) == self.process.pid
        ]

    def worker_pid(self) -> int:
        """The one worker: the master's only child."""
        (pid,) = self.child_pids()
        return pid

    def worker_memory(self) -> tuple[float, float]:
        """(RSS, PSS) of the worker in MB; PSS splits the pages it shares with the master."""
        rollup = Path(f"/proc/{self.worker_pid()}/smaps_rollup")
        return _kilobytes(rollup, "Rss") / 1024, _kilobytes(rollup, "Pss") / 1024

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _parent_pid(stat: Path) -> int | None:
    """The parent pid in /proc/PID/stat: the second field after the (command name)."""
    try:
        return int(stat.read_text().rpartition(")")[2].split()[1])
    except OSError:  # the process ended while we looked
        return None


@contextlib.contextmanager
def running_server(
    name: str,
    app: str | None,
    probe_path: str,
    log_dir: Path,
    timeout: float,
    *,
    launcher: Sequence[str] = (),
    preexec_fn: Callable[[], None] | None = None,
    **environ: str,
) -> Iterator[Server]:
    """Start gunicorn.conf.py (serving `app` instead of the service when given), wait for
    a 200 on probe_path, and stop it with SIGTERM afterwards. A `launcher` (a command
    that ends by exec'ing its arguments, so the process is still the master) runs it;
    `preexec_fn` runs in the master before gunicorn starts (to set a resource limit)."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    env = {**os.environ, **WORKER_SETTINGS, "HOST": "127.0.0.1", "PORT": str(port), **environ}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        *SERVER_PIN,
        *launcher,
        gunicorn,
        "--config",
        "gunicorn.conf.py",
        *([app] if app else []),
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPOSITORY_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec_fn,  # noqa: PLW1509 (a resource limit, set before exec)
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log_path)

    def ready() -> bool:
        return server.fetch(probe_path)[0] == 200

    with serving(name, process, ready, server.log, timeout) as started_in:
        server.started_in = started_in
        yield server
