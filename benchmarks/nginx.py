"""deploy/nginx/'s caching proxy on loopback, for `make bench` and tests/test_deploy_nginx.py.

Debian's nginx with one worker, every file it writes kept under a scratch directory,
pinned to the servers' core (servers.py) like gunicorn.
"""

import contextlib
import os
import pwd
import shutil
import socket
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

from benchmarks.processes import serving
from benchmarks.servers import SERVER_PIN, Server, free_port
from service.config import REPOSITORY_DIR

NGINX_DIR = REPOSITORY_DIR / "deploy" / "nginx"
# Debian installs it in /usr/sbin, which is not on a normal user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
NGINX_MISSING = "nginx is not installed: install it with `apt-get install nginx`"


class Nginx(Server):
    """An nginx master on loopback; its worker is the one process serving requests."""

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


def main_config(prefix: Path, includes: tuple[Path, ...]) -> str:
    """A minimal nginx.conf that keeps every file nginx writes under `prefix`."""
    # As root, nginx's workers would switch to `nobody`, who cannot enter private tmp dirs.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    include_lines = "\n".join(f"    include {path};" for path in includes)
    return (
        f"{user}\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} notice;\n"
        f"worker_processes 1;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log off;\n{temp_paths}\n{include_lines}\n}}\n"
    )


@contextlib.contextmanager
def running_nginx(work_dir: Path, upstream: str, *extra_includes: Path) -> Iterator[Nginx]:
    """Start nginx with deploy/nginx's config in front of `upstream` (host:port); stop it after."""
    if not NGINX:
        raise RuntimeError(NGINX_MISSING)
    prefix = work_dir / "nginx"
    prefix.mkdir()
    port = free_port()
    template = string.Template((NGINX_DIR / "patient-info.conf.template").read_text())
    rendered = template.safe_substitute(
        PATIENT_INFO_LISTEN=f"127.0.0.1:{port}",
        PATIENT_INFO_UPSTREAM=upstream,
        PATIENT_INFO_CACHE_DIR=str(prefix / "cache"),
    )
    if "${PATIENT_INFO_" in rendered:
        raise ValueError("patient-info.conf.template names a variable not rendered here")
    (prefix / "patient-info.conf").write_text(rendered)
    config = prefix / "nginx.conf"
    config.write_text(main_config(prefix, (*extra_includes, prefix / "patient-info.conf")))
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
    proxy = Nginx("nginx", process, f"http://127.0.0.1:{port}", error_log)

    def listening() -> bool:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True

    with serving("nginx", process, listening, proxy.log, 10):
        yield proxy
