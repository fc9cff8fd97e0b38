"""The Makefile: `make run` installs what serving needs, `make test` the rest (or says
which command installs it), `make help` prints the values `make run` uses."""

import importlib.metadata
import os
import re
import runpy
import shutil
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from service.config import REPOSITORY_DIR
from tests.helpers import SHIPPED_TRANSLATIONS, environment_for_make

RUN_SETTINGS = ("HOST", "PORT", "WEB_CONCURRENCY", "THREADS")
LOCK_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*arguments: str, check: bool = False, **run_options) -> subprocess.CompletedProcess:
    """Run make in the repository, without the caller's run settings or make flags."""
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        check=check,
        cwd=REPOSITORY_DIR,
        env=environment_for_make(*RUN_SETTINGS),
        capture_output=True,
        text=True,
        timeout=30,
        **run_options,
    )


def pins(lock: str) -> dict[str, str]:
    text = (REPOSITORY_DIR / "requirements" / lock).read_text()
    return {name.lower().replace("_", "-"): version for name, version in LOCK_PIN.findall(text)}


def test_make_help_prints_the_defaults_run_uses(monkeypatch):
    for name in RUN_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(REPOSITORY_DIR / "gunicorn.conf.py"))
    listing = make("help", check=True).stdout
    assert "$" not in listing
    (run,) = (line for line in listing.splitlines() if line.split()[:1] == ["run"])
    assert f"http://{settings['bind']}" in run
    assert f"{settings['workers']} workers" in run
    assert f"{settings['threads']} threads" in run


def test_make_help_prints_settings_given_to_make():
    listing = make("help", "PORT=8123", "THREADS=7", check=True).stdout
    (run,) = (line for line in listing.splitlines() if line.split()[:1] == ["run"])
    assert ":8123" in run
    assert "7 threads" in run


def test_make_run_installs_the_runtime_lock_and_make_test_the_dev_lock(tmp_path):
    """Planned from an empty virtualenv path: run needs main.lock only, test adds dev.lock
    (after checking its system packages), and a venv with both installs nothing more."""
    venv = f"VENV={tmp_path / 'venv'}"
    run_plan = make("--dry-run", "run", venv, check=True).stdout
    assert "-r requirements/main.lock" in run_plan
    assert "dev.lock" not in run_plan
    test_plan = make("--dry-run", "test", venv, check=True).stdout
    assert test_plan.index("dpkg-query") < test_plan.index("-r requirements/main.lock")
    assert test_plan.index("-r requirements/main.lock") < test_plan.index(
        "-r requirements/dev.lock"
    )
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "python").touch()
    for stamp in (".installed-main", ".installed-dev"):
        (tmp_path / "venv" / stamp).touch()
    for target in ("run", "test"):
        assert "pip install" not in make("--dry-run", target, venv, check=True).stdout


def test_the_dev_lock_pins_every_runtime_package_alike():
    """dev.lock is installed on top of main.lock: a different pin would flip a package."""
    runtime, dev = pins("main.lock"), pins("dev.lock")
    assert len(runtime) >= 10
    assert {name: dev.get(name) for name in runtime} == runtime


def test_serving_and_compiling_need_only_the_runtime_lock(tmp_path):
    """Import the server, build the app and compile catalogs with every package that only
    dev.lock installs made unimportable, as in a venv made from main.lock alone."""
    runtime = pins("main.lock")
    dev_only = {
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if all(
            distribution.lower().replace("_", "-") in pins("dev.lock")
            and distribution.lower().replace("_", "-") not in runtime
            for distribution in distributions
        )
    }
    assert {"pytest", "langcodes", "dockerfile_parse"} <= dev_only
    translations = tmp_path / "translations"
    shutil.copytree(SHIPPED_TRANSLATIONS, translations, ignore=shutil.ignore_patterns("*.mo"))
    script = textwrap.dedent(
        f"""
        import runpy, sys

        class RuntimeLockOnly:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in {sorted(dev_only)!r}:
                    raise ModuleNotFoundError(f"{{name}} is not in requirements/main.lock")

        sys.meta_path.insert(0, RuntimeLockOnly())
        from service.cli import create_cli_app
        result = create_cli_app().test_cli_runner().invoke(args=["translate", "compile"])
        assert result.exit_code == 0, result.output
        runpy.run_path("gunicorn.conf.py")
        import service.wsgi
        """
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY_DIR,
        env={**os.environ, "TRANSLATIONS_DIR": str(translations)},
        check=True,
        timeout=60,
    )
    compiled = sorted(path.with_suffix(".po") for path in translations.rglob("*.mo"))
    assert compiled == sorted(translations.rglob("*.po"))
    assert any(path.parent.name == "articles" for path in compiled)


def test_make_test_deps_names_the_command_that_installs_what_is_missing():
    """Run as a user who cannot install (root drops to nobody): missing Debian packages
    make it stop, printing the one apt-get command; nothing missing, it passes."""
    if shutil.which("dpkg-query") is None:
        pytest.skip("Debian's dpkg-query is not here")
    as_user: dict[str, Any] = {"user": 65534} if os.geteuid() == 0 else {}
    missing = make("test-deps", "DEBIAN_TEST_PACKAGES=no-such-package-for-the-test", **as_user)
    assert missing.returncode != 0
    assert "sudo apt-get install -y no-such-package-for-the-test" in missing.stderr
    installed = make("test-deps", "DEBIAN_TEST_PACKAGES=dpkg", **as_user)
    if shutil.which("npm") is None:
        assert "sudo apt-get install -y npm" in installed.stderr
    else:
        assert installed.returncode == 0, installed.stderr
