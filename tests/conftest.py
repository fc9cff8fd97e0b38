"""Shared fixtures: the real app built from the shipped content and catalogs."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.processes import serving
from benchmarks.servers import free_port
from service import create_app
from service.config import REPOSITORY_DIR

SLUG = "laser-treatment-for-stretch-marks"
SECTION_IDS = ("overview", "what-it-is", "sewing-up", "effectiveness", "pain")
SHIPPED_TRANSLATIONS = REPOSITORY_DIR / "translations"
SEED = REPOSITORY_DIR.parent / "shared" / "seeds" / "000_58aa6e1b2accfe2f.txt"


@pytest.fixture(scope="session")
def app():
    """The app as shipped (built once: it is read-only while serving)."""
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def translations_copy(tmp_path) -> Path:
    """A writable copy of the shipped translations, for tests that break catalogs."""
    target = tmp_path / "translations"
    shutil.copytree(SHIPPED_TRANSLATIONS, target)
    return target


def compile_catalogs(translations_dir: Path):
    """Compile .po to .mo the way `make translations` does."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            f"--directory={translations_dir}",
            "--domain=messages",
        ],
        check=True,
        capture_output=True,
    )


@dataclass
class Server:
    """A real gunicorn master on loopback, started from gunicorn.conf.py."""

    process: subprocess.Popen
    base_url: str
    log_path: Path

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base_url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def raw(self, data: bytes) -> tuple[int, bytes, bytes]:
        """Send raw bytes on a new connection; return (status, head, body) of the answer."""
        port = int(self.base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(data)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), head, body

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running_gunicorn(tmp_path: Path, **environ: str):
    """Start gunicorn with extra environment; stop it (SIGTERM) afterwards."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", **environ}
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
            cwd=REPOSITORY_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    with serving("gunicorn", process, lambda: server.get("/readyz")[0] == 200, server.log, 15):
        yield server
