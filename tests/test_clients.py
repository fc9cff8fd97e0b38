"""The generated clients, for real: `make clients` builds the Python and TypeScript
clients from openapi.yaml, and each one's tour (clients/*/tour.*) runs against gunicorn
on loopback, with the commands the README's "Client integration" gives.

Marked `clients`, and independent of other modules (a server on its own port; only this
module writes build/clients), so `pytest -m clients` can run beside the rest."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import REPOSITORY_DIR
from tests.helpers import (
    SECTION_IDS,
    SLUG,
    environment_for_make,
    make_article_copies,
    running_gunicorn,
)

pytestmark = pytest.mark.clients

if shutil.which("npm") is None or shutil.which("make") is None:
    if os.environ.get("CI"):
        pytest.fail("the client tests need make and npm", pytrace=False)
    pytest.skip("the client tests need make and npm (make test-deps)", allow_module_level=True)

README = REPOSITORY_DIR / "README.md"
README_ORIGIN = "127.0.0.1:8000"
GENERATED = REPOSITORY_DIR / "build" / "clients"
# The README's commands, in its order: generate, then run each tour (the TypeScript one
# type-checked first against the generated types).
MAKE_CLIENTS = "make clients"
PYTHON_TOUR = (
    "PYTHONPATH=build/clients/python .venv/bin/python clients/python/tour.py http://127.0.0.1:8000"
)
TYPE_CHECK = "clients/typescript/node_modules/.bin/tsc -p clients/typescript"
TYPESCRIPT_TOUR = (
    "clients/typescript/node_modules/.bin/tsx clients/typescript/tour.ts http://127.0.0.1:8000"
)
README_COMMANDS = [MAKE_CLIENTS, PYTHON_TOUR, TYPE_CHECK, TYPESCRIPT_TOUR]
TOURS = {"python": PYTHON_TOUR, "typescript": TYPESCRIPT_TOUR}

# One method per operationId, and nothing for HEAD or OPTIONS.
OPERATIONS = {
    "articles": {"listArticles", "getArticle"},
    "sections": {"listSections", "getSection"},
    "languages": {"listLanguages"},
    "search": {"searchArticles"},
    "bundles": {"listBundles", "getBundle"},
    "infobutton": {"getInfobuttonFeed"},
    "operations": {"getHealth", "getReadiness", "getOpenApiDocument"},
}
# What both tours report against the server below: three articles, two a page.
EXPECTED_REPORT = {
    "article_es": {"language": "es", "content_language": "es", "sections": len(SECTION_IDS)},
    "revalidated": 304,
    "sections_ar": [[section_id, "ar", "rtl"] for section_id in SECTION_IDS],
    "not_found": {
        "status": 404,
        "type": "urn:patient-info:problem:article-not-found",
        "language": "de",
    },
    "lookup": {"L90.6": 3, "Q99": 0},  # a code nothing has: none, not the whole list
    "infobutton": {"json": ["es", 3], "atom": ["application/atom+xml", "ar", 3]},
    "pages": [["copy-1", "copy-2"], [SLUG]],
}


def snake_case(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def readme_client_commands() -> list[str]:
    """The commands of the ```sh block under "### Generate a client" (not comments)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### Generate a client\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def run(command: str, origin: str = README_ORIGIN, **options) -> subprocess.CompletedProcess:
    """A README command as the test's environment runs it: this interpreter and its
    virtualenv (already installed), the test's server."""
    venv = Path(sys.prefix)
    command = command.replace(".venv/bin/python", sys.executable).replace(README_ORIGIN, origin)
    if command == MAKE_CLIENTS:
        command += f" VENV={venv} --assume-old={venv}/.installed-dev"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=REPOSITORY_DIR,
        env=environment_for_make(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        **options,
    )


def test_the_readme_gives_the_commands_this_module_runs():
    assert readme_client_commands() == README_COMMANDS


@pytest.fixture(scope="module")
def generated():
    result = run(MAKE_CLIENTS)
    assert result.returncode == 0, result.stdout + result.stderr
    return GENERATED


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn serving the shipped article and two English-only copies, two a page."""
    content = tmp_path_factory.mktemp("content")
    make_article_copies(content, 2)
    with running_gunicorn(
        tmp_path_factory.mktemp("gunicorn"), CONTENT_DIR=str(content), ARTICLES_PER_PAGE="2"
    ) as running:
        yield running


def test_the_python_client_has_one_function_module_per_operation(generated):
    api = generated / "python" / "patient_info_api_client" / "api"
    modules = {
        tag.name: {module.stem for module in tag.glob("*.py") if module.stem != "__init__"}
        for tag in api.iterdir()
        if tag.is_dir() and tag.name != "__pycache__"
    }
    assert modules == {
        tag: {snake_case(operation) for operation in operations}
        for tag, operations in OPERATIONS.items()
    }


def test_the_typescript_types_have_one_entry_per_operation(generated):
    types = (generated / "typescript" / "api.d.ts").read_text(encoding="utf-8")
    operations = types.split("\nexport interface operations {\n", 1)[1]
    assert set(re.findall(r"^    (\w+): \{$", operations, re.MULTILINE)) == set().union(
        *OPERATIONS.values()
    )


def test_the_typescript_tour_type_checks_against_the_generated_types(generated):
    result = run(TYPE_CHECK)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("language", TOURS)
def test_each_client_completes_the_tour_against_gunicorn(generated, server, language):
    result = run(TOURS[language], origin=server.base_url.removeprefix("http://"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == EXPECTED_REPORT
