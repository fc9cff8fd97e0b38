"""Shared fixtures: the real app built from the shipped content and catalogs."""

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.servers import Server, running_server
from service import create_app
from service.catalog_files import catalog_files
from service.catalogs import compile_catalog
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
    """Compile every catalog the way `make translations` does (checked first)."""
    problems = [
        problem for file in catalog_files(translations_dir) for problem in compile_catalog(file)
    ]
    assert not problems, problems


def interface_po(translations_dir: Path, babel_name: str) -> Path:
    """A language's interface catalog (errors, disclaimer, names)."""
    return translations_dir / babel_name / "LC_MESSAGES" / "messages.po"


def article_po(translations_dir: Path, babel_name: str, slug: str = SLUG) -> Path:
    """A language's catalog of one article (the first article by default)."""
    return translations_dir / babel_name / "LC_MESSAGES" / "articles" / f"{slug}.po"


@contextlib.contextmanager
def running_gunicorn(
    tmp_path: Path, preexec_fn: Callable[[], None] | None = None, **environ: str
) -> Iterator[Server]:
    """Start gunicorn (one worker) with extra environment, ready when /readyz answers;
    stop it (SIGTERM) afterwards. The benchmark harness's server, with its helpers."""
    with running_server(
        "gunicorn", None, "/readyz", tmp_path, 15, preexec_fn=preexec_fn, **environ
    ) as server:
        yield server
