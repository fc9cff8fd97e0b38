"""TRANSLATING.md is what translators run: its commands work on a copy of the catalogs,
and its example outputs are what those commands print."""

import os
import re
import shutil
import subprocess

import polib
import pytest

from service.cli import create_cli_app
from service.config import REPOSITORY_DIR
from tests.helpers import (
    METHODS_MESSAGE,
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    catalog_entry,
    interface_po,
    running_gunicorn,
)

GUIDE = (REPOSITORY_DIR / "TRANSLATING.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    """The text of every fenced block of the guide whose info string is `language`."""
    found: list[str] = []
    current: list[str] | None = None
    info = ""
    for line in GUIDE.splitlines():
        if current is None and line.startswith("```"):
            current, info = [], line[3:].strip()
        elif current is not None and line == "```":
            if info == language:
                found.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return found


def commands(block: str) -> list[str]:
    """The commands of a sh block, continuation lines joined."""
    return [command.strip() for command in block.replace("\\\n", " ").splitlines() if command]


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """Writable copies of the content and catalogs, which the commands are aimed at."""
    content, translations = tmp_path / "articles", tmp_path / "translations"
    shutil.copytree(SHIPPED_CONTENT, content)
    shutil.copytree(SHIPPED_TRANSLATIONS, translations)
    environ = {"CONTENT_DIR": str(content), "TRANSLATIONS_DIR": str(translations)}
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return translations


def test_every_command_of_the_guide_runs(copies):
    """`make` and `flask translate` commands, in the guide's order, on the copies."""
    ran = []
    for block in blocks("sh"):
        for command in commands(block):
            if command.startswith("curl "):
                continue  # run against a server below
            # An XLIFF file the guide names is written beside the copies, not in the project.
            aimed = re.sub(
                r"(?<= )[\w.-]+\.xlf\b", lambda name: str(copies.parent / name[0]), command
            )
            result = subprocess.run(
                ["bash", "-c", aimed],
                cwd=REPOSITORY_DIR,
                env={**os.environ, "MAKEFLAGS": ""},
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, (command, result.stdout, result.stderr)
            ran.append(command.split()[0:2])
    assert ["make", "translations-update"] in ran
    assert (copies / "nl" / "LC_MESSAGES" / "articles").is_dir()  # `init nl` made them
    assert (copies.parent / "es.xlf").is_file()  # `export-xliff` wrote it, `import-xliff` read it


def test_the_guide_s_curl_commands_answer(tmp_path):
    with running_gunicorn(tmp_path) as server:
        for block in blocks("sh"):
            for command in commands(block):
                if not command.startswith("curl "):
                    continue
                aimed = command.replace("http://127.0.0.1:8000", server.base_url)
                result = subprocess.run(
                    ["bash", "-c", f"{aimed} --fail --silent --show-error"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                assert result.returncode == 0, (command, result.stderr)


def test_the_check_example_is_what_check_prints(copies):
    catalog = polib.pofile(str(interface_po(copies, "es")))
    entry = catalog_entry(catalog, METHODS_MESSAGE)
    entry.msgstr = entry.msgstr.replace("%(methods)s", "%(metodos)s")
    catalog.save()
    result = create_cli_app().test_cli_runner().invoke(args=["translate", "check"])
    printed = [
        line.replace(str(copies), "translations")
        for line in result.output.splitlines()
        if "placeholders" in line
    ]
    [example] = [line for line in blocks("") if "placeholders" in line]
    assert printed == [example.strip()]


def test_the_status_example_lines_are_in_the_real_table():
    result = create_cli_app().test_cli_runner().invoke(args=["translate", "status"])
    assert result.exit_code == 0, result.output
    real = result.output.splitlines()
    [example] = [block for block in blocks("") if "articles served" in block]
    for line in example.splitlines():
        if line:
            assert line in real, line
