"""Shared fixtures: the real app built from the shipped content and catalogs.

Fixtures only: what test modules share besides them is in tests/helpers.py."""

import shutil
from pathlib import Path

import pytest

from service import create_app
from tests.helpers import SHIPPED_TRANSLATIONS, launched_chromium


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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for one module's browser tests."""
    with launched_chromium() as chromium:
        yield chromium
