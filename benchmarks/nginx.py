"""deploy/nginx/'s caching proxy on loopback, for `make bench` and tests/test_deploy_nginx.py.

Debian's nginx with one worker, every file it writes kept under a scratch directory,
pinned to the servers' core (servers.py) like gunicorn.
"""

import contextlib
import functools
import os
import pwd
import re
import shutil
import socket
import string
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.processes import serving
from benchmarks.servers import SERVER_PIN, Server, free_port
from service.config import REPOSITORY_DIR

NGINX_DIR = REPOSITORY_DIR / "deploy" / "nginx"
# Debian installs it in /usr/sbin, which is not on a normal user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
NGINX_MISSING = "nginx is not installed: install it with `apt-get install nginx`"


@dataclass
class Nginx(Server):
    """An nginx master on loopback; its worker is the one process serving requests."""

    access_log: Path = Path(os.devnull)  # where the config writes its access lines

    def worker_pid(self) -> int:
        """The worker, not the cache manager and cache loader the master also runs."""
        (pid,) = (pid for pid in self.child_pids() if _is_worker(pid))
        return pid


def _is_worker(pid: int) -> bool:
    """Whether `pid` is an nginx worker (it sets its title to "nginx: worker process")."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"nginx: worker process")
    except OSError:  # the process ended while we looked (the cache loader does, once done)
        return False


def main_config(prefix: Path, includes: tuple[Path, ...], access_log: Path) -> str:
    """A minimal nginx.conf that keeps every file nginx writes under `prefix` (or in
    `access_log`)."""
    # As root, nginx's workers would switch to `nobody`, who cannot enter private tmp dirs.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    include_lines = "\n".join(f"    include {path};" for path in includes)
    # Like Debian's nginx.conf, an access log in nginx's "combined" format (the request
    # line, query string included) for any server that does not name its own: the
    # same file as the config's, so a config that forgot its own would be seen.
    return (
        f"{user}\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} notice;\n"
        f"worker_processes 1;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {access_log};\n{temp_paths}\n{include_lines}\n}}\n"
    )


@functools.cache
def nginx_version() -> tuple[int, ...]:
    """The installed nginx's version, e.g. (1, 22, 1): `nginx -v` prints it on stderr."""
    if not NGINX:
        raise RuntimeError(NGINX_MISSING)
    printed = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=True).stderr
    version = re.search(r"nginx/([0-9.]+)", printed)
    if not version:
        raise RuntimeError(f"nginx -v printed no version: {printed!r}")
    return tuple(int(part) for part in version[1].split("."))


@contextlib.contextmanager
def running_nginx(
    work_dir: Path, upstream: str, *extra_includes: Path, access_log: Path | None = None
) -> Iterator[Nginx]:
    """Start nginx with deploy/nginx's config in front of `upstream` (host:port); stop it
    after. Its access lines go to `access_log`, by default a file beside its error log."""
    if not NGINX:
        raise RuntimeError(NGINX_MISSING)
    prefix = work_dir / "nginx"
    prefix.mkdir()
    access_log = access_log or prefix / "access.log"
    port = free_port()
    template = string.Template((NGINX_DIR / "patient-info.conf.template").read_text())
    rendered = template.safe_substitute(
        PATIENT_INFO_LISTEN=f"127.0.0.1:{port}",
        PATIENT_INFO_UPSTREAM=upstream,
        PATIENT_INFO_CACHE_DIR=str(prefix / "cache"),
        PATIENT_INFO_ACCESS_LOG=str(access_log),
    )
    if "${PATIENT_INFO_" in rendered:
        raise ValueError("patient-info.conf.template names a variable not rendered here")
    (prefix / "patient-info.conf").write_text(rendered)
    config = prefix / "nginx.conf"
    config.write_text(
        main_config(prefix, (*extra_includes, prefix / "patient-info.conf"), access_log)
    )
    error_log = prefix / "error.log"
    process = subprocess.Popen(
        [
            *SERVER_PIN,
            NGINX,
            *("-p", str(prefix), "-c", str(config), "-e", str(error_log)),
            *("-g", "daemon off;"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    proxy = Nginx("nginx", process, f"http://127.0.0.1:{port}", error_log, access_log=access_log)

    def listening() -> bool:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True

    with serving("nginx", process, listening, proxy.log, 10):
        yield proxy
