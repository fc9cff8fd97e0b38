"""Fail safe: broken content or catalogs stop start-up with one line; a translation that
cannot be formatted at request time degrades to English instead of failing."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from benchmarks.servers import free_port
from service import create_app
from service.catalog_files import interface_catalog
from service.catalogs import SOURCE_DIGEST, compile_catalog, source_digest
from service.config import REPOSITORY_DIR
from tests.helpers import ARTICLE_FILE, METHODS_MESSAGE, catalog_entry, interface_po


def start_gunicorn(**environ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
        cwd=REPOSITORY_DIR,
        env={**os.environ, "PORT": str(free_port()), **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write_article(directory: Path, old: str, new: str) -> Path:
    directory.mkdir()
    path = directory / ARTICLE_FILE.name
    text = ARTICLE_FILE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, start: str) -> int:
    """The number of the file's first line starting with `start`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def break_spanish_entry(translations_dir: Path, msgstr: str) -> Path:
    path = interface_po(translations_dir, "es")
    catalog = polib.pofile(str(path))
    catalog_entry(catalog, METHODS_MESSAGE).msgstr = msgstr
    catalog.save()
    return path


@pytest.mark.parametrize(
    "case",
    ["missing section", "unknown field", "broken placeholder", "corrupted mo", "not a directory"],
)
def test_start_up_fails_with_one_line_naming_the_problem(tmp_path, translations_copy, case):
    if case == "missing section":
        path = write_article(tmp_path / "content", "## Is It A Painful", "### Is It A Painful")
        environ = {"CONTENT_DIR": str(path.parent)}
        line = line_of(path, "### Is It A Painful")
        expected = f"{path}:{line}: ### headings not supported: sections start at ## headings"
    elif case == "unknown field":
        path = write_article(
            tmp_path / "content",
            "clinical_review: not_reviewed",
            "clinical_review: not_reviewed\nreviewed_on: 2026-01-01",
        )
        environ = {"CONTENT_DIR": str(path.parent)}
        expected = f"{path}:{line_of(path, 'reviewed_on:')}: reviewed_on: Unknown field."
    elif case == "broken placeholder":
        # `make translations` refuses it (test_catalog_checks), so its .mo is stale.
        path = break_spanish_entry(translations_copy, "Solo: %(metodos)s.")
        environ = {"TRANSLATIONS_DIR": str(translations_copy)}
        expected = f"{path.with_suffix('.mo')}: stale against messages.po"
    elif case == "corrupted mo":
        mo = interface_po(translations_copy, "fr").with_suffix(".mo")
        mo.write_bytes(b"\xde\x12\x04\x95 truncated")
        environ, expected = (
            {"TRANSLATIONS_DIR": str(translations_copy)},
            f"{mo}: corrupted compiled catalog",
        )
    else:
        not_a_directory = tmp_path / "translations.txt"
        not_a_directory.write_text("")
        environ = {"TRANSLATIONS_DIR": str(not_a_directory)}
        expected = f"{not_a_directory}: not a readable directory"
    result = start_gunicorn(**environ)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"patient-info-api: cannot start: {expected}"), result.stderr
    assert "Traceback" not in result.stderr


def test_a_translation_that_fails_to_format_degrades_to_english(translations_copy, caplog):
    """Checks keep such a catalog out; if one got in anyway, the entry falls back."""
    po_path = break_spanish_entry(translations_copy, "Solo estos métodos (100 %): %(methods)s.")
    file = interface_catalog(translations_copy, "es")
    [problem] = compile_catalog(file)  # what `make translations` says
    assert "formatting fails" in problem.problem
    po = polib.pofile(str(po_path))  # compiled anyway, bypassing the checks
    po.metadata[SOURCE_DIGEST] = source_digest(po_path)
    po.save_as_mofile(str(file.mo_path))
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            response = client.delete("/v1/articles", headers={"Accept-Language": "es"})
            assert response.status_code == 405
            problem = response.get_json()
            assert (
                problem["detail"] == "This address only answers these methods: GET, HEAD, OPTIONS."
            )
            assert problem["title"] == "Método no permitido"  # the rest stays Spanish
    warnings = [record for record in caplog.records if "fails to format" in record.getMessage()]
    assert len(warnings) == 1
