"""The container, checked by reading the Dockerfile (no Docker engine runs here)."""

import json
import re
import runpy
import subprocess

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from service.compiled_store import COMPILED_SETTINGS, compiled_settings
from service.config import REPOSITORY_DIR, from_environment
from service.gunicorn_worker import HeadReadingThreadWorker
from service.openapi import COMMITTED_DOCUMENT

BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|make|build-essential|clang|cc|pip install)\b")


@pytest.fixture(scope="module")
def instructions():
    return DockerfileParser(str(REPOSITORY_DIR / "Dockerfile")).structure


@pytest.fixture(scope="module")
def final_stage(instructions):
    last_from = max(i for i, item in enumerate(instructions) if item["instruction"] == "FROM")
    return instructions[last_from:]


@pytest.fixture(scope="module")
def build_stage(instructions):
    last_from = max(i for i, item in enumerate(instructions) if item["instruction"] == "FROM")
    return instructions[:last_from]


def values(stage, instruction):
    return [item["value"] for item in stage if item["instruction"] == instruction]


def test_base_image_is_slim_and_pinned_by_version(final_stage):
    (base,) = values(final_stage, "FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base)


def test_runs_as_a_non_root_user(final_stage):
    users = values(final_stage, "USER")
    assert users
    assert users[-1] not in {"root", "0", "0:0"}


def test_gunicorn_is_pid_1_in_exec_form(final_stage):
    (entrypoint,) = values(final_stage, "ENTRYPOINT")
    assert json.loads(entrypoint) == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert not values(final_stage, "CMD")
    assert values(final_stage, "STOPSIGNAL") in ([], ["SIGTERM"])


def test_the_image_holds_the_openapi_document_it_serves(build_stage):
    copied = " ".join(values(build_stage, "COPY")).split()
    assert COMMITTED_DOCUMENT.name in copied
    assert COMMITTED_DOCUMENT.parent == REPOSITORY_DIR  # copied to the app's root


def test_healthcheck_probes_healthz(final_stage):
    (healthcheck,) = values(final_stage, "HEALTHCHECK")
    assert "/healthz" in healthcheck
    assert "--timeout=" in healthcheck


def test_no_compilers_or_build_tools_in_the_final_stage(final_stage):
    for command in values(final_stage, "RUN"):
        assert not BUILD_TOOLS.search(command), command
    copies = values(final_stage, "COPY")
    assert copies
    assert all(copy.startswith("--from=build ") for copy in copies)


@pytest.fixture
def image_environment(final_stage) -> dict[str, str]:
    return dict(pair.split("=", 1) for item in values(final_stage, "ENV") for pair in item.split())


@pytest.fixture
def image_settings(image_environment, monkeypatch) -> dict:
    """gunicorn.conf.py's settings with the image's environment (and nothing it lacks)."""
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    for name, value in image_environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(REPOSITORY_DIR / "gunicorn.conf.py"))


def test_works_on_a_read_only_root_filesystem(image_environment, image_settings):
    assert image_environment["PYTHONDONTWRITEBYTECODE"] == "1"
    # Heartbeat files in RAM: Docker gives every container a writable /dev/shm.
    assert image_settings["worker_tmp_dir"] == "/dev/shm"  # noqa: S108
    assert image_settings["control_socket_disable"] is True  # no socket under ~/.gunicorn


def test_the_container_runs_the_slow_client_safe_configuration(image_environment, image_settings):
    """The entrypoint (checked above) is gunicorn.conf.py with no flag, so the container
    gets the worker tests/test_slow_clients.py attacks, unless its environment overrides it."""
    assert "GUNICORN_CMD_ARGS" not in image_environment
    settings = image_settings
    worker = HeadReadingThreadWorker
    assert settings["worker_class"] == f"{worker.__module__}.{worker.__qualname__}"


def test_the_build_compiles_the_catalogs_with_the_projects_command(build_stage):
    """The command `make translations` runs, with the image's venv: it compiles (and
    checks) the articles' catalogs too, which `pybabel compile --domain messages` skips."""
    dry_run = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "--dry-run",
            "--always-make",
            "translations",
            "VENV=/venv",
        ],
        cwd=REPOSITORY_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    compile_command = dry_run.stdout.strip().splitlines()[-1]
    assert compile_command.startswith("/venv/bin/flask ")
    runs = [" ".join(command.split()) for command in values(build_stage, "RUN")]
    assert any(compile_command in command for command in runs), runs
    assert not any("pybabel" in command for command in runs), runs
    assert any("-r requirements/main.lock" in command for command in runs), runs
    copied = " ".join(values(build_stage, "COPY"))
    for needed in ("service", "translations", "requirements/main.lock"):
        assert needed in copied


def assignments(stage, instruction) -> dict[str, str]:
    return dict(pair.split("=", 1) for item in values(stage, instruction) for pair in item.split())


def test_the_build_compiles_the_store_the_image_serves_with_the_settings_it_runs_with(
    build_stage, final_stage, image_environment
):
    """`make store`'s command runs in the build; the image serves that file; and the
    settings compiled into it are the image's, the service's defaults and the
    Kubernetes config map's, so the store is never refused as compiled with others."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", "--always-make", "store", "VENV=/venv"],
        cwd=REPOSITORY_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    store_command = dry_run.stdout.strip().splitlines()[-1].split(" ", 1)[1]  # without STORE_PATH
    assert store_command.startswith("/venv/bin/flask ")
    runs = [" ".join(command.split()) for command in values(build_stage, "RUN")]
    assert any(store_command in command for command in runs), runs
    assert assignments(build_stage, "ENV")["STORE_PATH"] == image_environment["STORE_PATH"]
    built_with = assignments(build_stage, "ARG")
    assert assignments(final_stage, "ARG") == built_with
    for name in built_with:
        assert image_environment[name] == f"${name}", name  # the image runs with them
    config_map = yaml.safe_load((REPOSITORY_DIR / "deploy/kubernetes/configmap.yaml").read_text())
    assert config_map["data"]["STORE_PATH"] == image_environment["STORE_PATH"]
    deployed = {name: config_map["data"][name] for name in COMPILED_SETTINGS}
    assert (
        compiled_settings(from_environment(built_with))
        == compiled_settings(from_environment({}))
        == compiled_settings(from_environment(deployed))
    )
