"""`make weblate-e2e`: a translator changes a Spanish string in a real Weblate, Weblate
commits and pushes it, our check gates and passes that commit, and the reloaded service
serves the new text.

Not part of `make test` (the name is not test_*.py): `.ci/run` runs it after, within
30 minutes. Weblate is from PyPI in its own venv (WEBLATE_VENV, made by the Makefile
from deploy/weblate/requirements.lock), with Debian's PostgreSQL (as the `postgres`
user: initdb refuses root) and Redis, a Celery worker and granian, all on 127.0.0.1 in
one temporary directory, stopped and deleted at the end. The "upstream" Weblate clones
and pushes to is a bare repository holding this checkout's HEAD, with
deploy/weblate/pre-receive as its hook: the gate runs on Weblate's real push.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest

from benchmarks.servers import free_port
from service.config import REPOSITORY_DIR
from tests.helpers import SLUG, article_po, running_gunicorn, wait_for

WEBLATE_DIR = REPOSITORY_DIR / "deploy" / "weblate"
PROJECT = "patient-information"
BRANCH = "main"
# The string the translator changes: the heading of the first article's "pain" section.
CONTEXT = f"{SLUG}/pain"
ENGLISH = "Is It A Painful Treatment?"
NEW_SPANISH = "¿Es doloroso el tratamiento con láser?"
SECTION = f"/v1/articles/{SLUG}/sections/pain"
PYTHON = sys.executable  # the service's venv: our check, and gunicorn
STEP_SECONDS = 300  # the bound on any one wait


def weblate_bin() -> Path:
    venv = os.environ.get("WEBLATE_VENV")
    if not venv:
        pytest.fail("WEBLATE_VENV is not set: run this with `make weblate-e2e`")
    return Path(venv) / "bin"


def run(command: list, timeout: float = STEP_SECONDS, **options) -> str:
    """Run a command; its output, or the test fails showing it."""
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class Timer:
    """Seconds per step, printed as they end (the report `make weblate-e2e` shows)."""

    def __init__(self):
        self.steps: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.monotonic()
        yield
        self.steps[name] = time.monotonic() - start
        print(f"weblate-e2e: {name}: {self.steps[name]:.1f} s", flush=True)


@contextlib.contextmanager
def process(command: list, log: Path, **options) -> Iterator[subprocess.Popen]:
    """A background process in its own session; SIGTERM to that session afterwards
    (SIGKILL if it has not ended 20 s later)."""
    with log.open("wb") as output:
        child = subprocess.Popen(
            [str(part) for part in command],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **options,
        )
    try:
        yield child
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=20)


def postgres_bin() -> Path:
    """Debian's PostgreSQL server programs (postgresql-NN)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("no PostgreSQL server: run `make weblate-deps`")
    return found[-1].parent


@contextlib.contextmanager
def postgresql(directory: Path, port: int) -> Iterator[None]:
    """A PostgreSQL cluster in `directory`, on 127.0.0.1:port only, with an empty
    `weblate` database owned by the `weblate` role. As root, it runs as `postgres`."""
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    directory.mkdir()
    if as_postgres:
        shutil.chown(directory, "postgres")
    data, binaries = directory / "data", postgres_bin()
    run(
        [
            *as_postgres,
            binaries / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        ]
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [*as_postgres, binaries / "pg_ctl", "-D", data, "-l", directory / "log"]
    run([*pg_ctl, "-w", "-t", "60", "-o", options, "start"])
    try:
        psql = ["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
        run(
            [
                *psql,
                "-c",
                "CREATE ROLE weblate LOGIN",
                "-c",
                "CREATE DATABASE weblate OWNER weblate",
            ]
        )
        yield
    finally:
        run([*pg_ctl, "-m", "fast", "-w", "-t", "60", "stop"])


class Weblate:
    """Weblate's command line and REST API."""

    def __init__(self, environment: dict[str, str], url: str):
        self.environment = environment
        self.url = url

    def manage(self, *arguments: str) -> str:
        return run([weblate_bin() / "weblate", *arguments], env=self.environment)

    def token(self, username: str) -> str:
        """A new API token for the user (as their profile page would show it)."""
        output = self.manage("drf_create_token", username)
        return re.search(r"Generated token (\S+) for user", output)[1]  # type: ignore[index]

    def api(self, token: str, method: str, path: str, data: dict | None = None) -> dict:
        url = path if path.startswith("http") else f"{self.url}/api/{path}"
        request = urllib.request.Request(
            url,
            data=None if data is None else json.dumps(data).encode(),
            method=method,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=STEP_SECONDS) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            pytest.fail(f"{method} {url}: {error.code} {error.read()[:2000]!r}")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/", timeout=10) as response:
                return response.status == 200
        except OSError:
            return False


def heading(server) -> str:
    status, _, body = server.fetch(SECTION, **{"Accept-Language": "es"})
    assert status == 200, body
    answer = json.loads(body)
    assert answer["language"] == "es", answer
    return answer["heading"]


def flask(checkout: Path, *arguments: str) -> str:
    """Our command line, run in `checkout` on that checkout's own code and catalogs."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"TRANSLATIONS_DIR", "CONTENT_DIR"}
    }
    command = [PYTHON, "-m", "flask", "--app", "service.cli:create_cli_app", *arguments]
    result = subprocess.run(
        command,
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{arguments}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def git(*arguments) -> str:
    return run(["git", *arguments]).strip()


def pushed(upstream: Path, before: str) -> Callable[[], bool]:
    return lambda: git("-C", upstream, "rev-parse", BRANCH) != before


@pytest.fixture
def directory() -> Iterator[Path]:
    """One temporary directory for everything, readable by `postgres` (pytest's own
    tmp_path is private to root), deleted afterwards."""
    path = Path(tempfile.mkdtemp(prefix="weblate-e2e-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_weblate_round_trip(directory: Path):
    timer = Timer()
    start = time.monotonic()

    # The "upstream": this checkout's HEAD as branch main of a bare repository, gated
    # by deploy/weblate/pre-receive run with the service's Python.
    upstream = directory / "upstream.git"
    git("init", "--quiet", "--bare", upstream)
    git("-C", upstream, "config", "receive.shallowUpdate", "true")  # CI's shallow checkout
    git("-C", REPOSITORY_DIR, "push", "--quiet", upstream, f"HEAD:refs/heads/{BRANCH}")
    hook, gate_log = upstream / "hooks" / "pre-receive", directory / "gate.log"
    hook.write_text(
        f"#!/bin/bash\nset -o pipefail\nexport PATIENT_INFO_PYTHON='{PYTHON}'\n"
        f"'{WEBLATE_DIR / 'pre-receive'}' 2>&1 | tee -a '{gate_log}'\n"
    )
    hook.chmod(0o755)
    # What is deployed: a clone of upstream, compiled and served by gunicorn.
    deployed = directory / "deployed"
    git("clone", "--quiet", "--branch", BRANCH, upstream, deployed)
    flask(deployed, "translate", "compile")

    postgres_port, redis_port, weblate_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{weblate_port}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": str(WEBLATE_DIR),
        "WEBLATE_SITE_DOMAIN": f"127.0.0.1:{weblate_port}",
        "WEBLATE_SECRET_KEY": os.urandom(32).hex(),
        "WEBLATE_DATA_DIR": str(directory / "weblate-data"),
        "WEBLATE_POSTGRES_PORT": str(postgres_port),
        "WEBLATE_REDIS_PORT": str(redis_port),
    }
    weblate = Weblate(environment, url)
    bin_dir = weblate_bin()
    with contextlib.ExitStack() as stack:
        with timer.step("PostgreSQL and Redis started"):
            stack.enter_context(postgresql(directory / "postgresql", postgres_port))
            redis = [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                redis_port,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                directory,
            ]
            stack.enter_context(process(redis, directory / "redis.log"))
        with timer.step("Weblate migrate"):
            weblate.manage("migrate", "--noinput")
        weblate.manage(
            "createadmin",
            "--username",
            "admin",
            "--email",
            "admin@example.invalid",
            "--password",
            os.urandom(16).hex(),
        )
        admin_token = weblate.token("admin")
        with timer.step("Weblate started (granian and a Celery worker)"):
            server = [
                bin_dir / "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                weblate_port,
                "--workers",
                "1",
                "weblate.wsgi:application",
            ]
            stack.enter_context(process(server, directory / "granian.log", env=environment))
            worker = [
                bin_dir / "celery",
                "--app",
                "weblate.utils",
                "worker",
                "--pool",
                "solo",
                "--queues",
                "celery,notify,memory,translate,backup",
                "--loglevel",
                "info",
            ]
            stack.enter_context(process(worker, directory / "celery.log", env=environment))
            wait_for(weblate.answers, seconds=STEP_SECONDS)

        with timer.step("project imported (configure.py, discovery)"):
            components = run(
                [
                    PYTHON,
                    WEBLATE_DIR / "configure.py",
                    "--url",
                    url,
                    "--repo",
                    f"file://{upstream}",
                    "--branch",
                    BRANCH,
                    "--wait",
                    STEP_SECONDS,
                ],
                env={**os.environ, "WEBLATE_TOKEN": admin_token},
            )
        print("weblate-e2e: Weblate's components and languages:")
        print(components, flush=True)
        expected = run([PYTHON, WEBLATE_DIR / "configure.py", "--plan"])
        assert sorted(components.splitlines()) == sorted(expected.splitlines())
        assert f"{SLUG}: " in components
        assert "pt_BR" in components
        assert "zh_Hant" in components

        with running_gunicorn(
            directory,
            TRANSLATIONS_DIR=str(deployed / "translations"),
            CONTENT_DIR=str(deployed / "service" / "content" / "articles"),
        ) as service:
            old_spanish = heading(service)
            assert old_spanish != NEW_SPANISH
            with timer.step("round trip (translate, commit, push, gate, check, reload)"):
                # A translator with an ordinary account edits the string.
                weblate.api(
                    admin_token,
                    "POST",
                    "users/",
                    {
                        "username": "ana",
                        "full_name": "Ana García",
                        "email": "ana@example.invalid",
                        "is_active": True,
                    },
                )
                translator_token = weblate.token("ana")
                query = urllib.parse.urlencode({"q": f'context:"{CONTEXT}" AND source:"{ENGLISH}"'})
                units = weblate.api(
                    translator_token,
                    "GET",
                    f"translations/{PROJECT}/{SLUG}/es/units/?{query}",
                )
                assert units["count"] == 1, units
                (unit,) = units["results"]
                assert unit["target"] == [old_spanish]
                weblate.api(
                    translator_token,
                    "PATCH",
                    unit["url"],
                    {"target": [NEW_SPANISH], "state": 20},
                )
                # Weblate commits pending changes (the "Commit" button; on its own after
                # commit_pending_age) and, push_on_commit, pushes: the hook gates it.
                before = git("-C", upstream, "rev-parse", BRANCH)
                weblate.api(
                    admin_token,
                    "POST",
                    f"components/{PROJECT}/{SLUG}/repository/",
                    {"operation": "commit"},
                )
                wait_for(pushed(upstream, before), seconds=STEP_SECONDS)
                commit = git("-C", upstream, "rev-parse", BRANCH)
                changed = git("-C", upstream, "diff", "--name-only", before, commit)
                assert changed == str(article_po(Path("translations"), "es")), changed
                author = git("-C", upstream, "log", "-1", "--format=%an <%ae>", commit)
                assert author == "Ana García <ana@example.invalid>"

                gate = gate_log.read_text()
                assert f"translate check on {BRANCH} at {commit[:12]}:" in gate, gate
                assert "templates and catalogs are up to date" in gate, gate

                # Goes live: pull, check, compile, kill -HUP (TRANSLATING.md).
                git("-C", deployed, "pull", "--quiet", "--ff-only")
                checked = flask(deployed, "translate", "check")
                assert "templates and catalogs are up to date" in checked
                flask(deployed, "translate", "compile")
                catalog = polib.pofile(str(article_po(deployed / "translations", "es")))
                entry = catalog.find(ENGLISH, msgctxt=CONTEXT)
                assert entry is not None
                assert entry.msgstr == NEW_SPANISH
                os.kill(service.process.pid, signal.SIGHUP)
                wait_for(lambda: heading(service) == NEW_SPANISH, seconds=60)

        print(f"weblate-e2e: commit {commit[:12]} by {author}: {changed}")
        print(f"weblate-e2e: the gate on Weblate's push:\n{gate.strip()}")
        print(f"weblate-e2e: translate check on the deployed pull: {checked.strip()}")
        print(f"weblate-e2e: served after reload: {NEW_SPANISH!r} (was {old_spanish!r})")
    print(f"weblate-e2e: total after install: {time.monotonic() - start:.1f} s", flush=True)
