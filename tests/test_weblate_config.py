"""deploy/weblate/project.toml, the Weblate project, kept in step with the catalogs and
with our checks (the real Weblate round trip is `make weblate-e2e`,
tests/weblate_round_trip.py)."""

import importlib.util
import re
import tomllib
from pathlib import Path

from service.catalog_checks import _BIDI_CONTROLS, _PLACEHOLDER, _PRESENTATION_FORMS
from service.catalog_files import article_template_path, catalog_files, interface_template_path
from service.config import REPOSITORY_DIR
from tests.helpers import SHIPPED_TRANSLATIONS

WEBLATE_DIR = REPOSITORY_DIR / "deploy" / "weblate"
CONFIG = tomllib.loads((WEBLATE_DIR / "project.toml").read_text(encoding="utf-8"))


def _configure():
    spec = importlib.util.spec_from_file_location("configure", WEBLATE_DIR / "configure.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flag(name: str) -> str:
    """A check flag's raw-string value in the interface's check_flags."""
    match = re.search(rf'(?:^|, ){name}:r"(.*?)"(?:,|$)', CONFIG["interface"]["check_flags"])
    assert match, name
    return match[1]


def test_one_component_per_article_and_one_for_the_interface_with_every_language():
    planned = _configure().plan(CONFIG)
    expected: dict[str, set[str]] = {}
    for file in catalog_files(SHIPPED_TRANSLATIONS):
        component = file.article or CONFIG["interface"]["slug"]
        expected.setdefault(component, {"en"}).add(file.babel_name)
    assert {slug: set(codes) for slug, codes in planned.items()} == expected
    # Weblate's codes are Babel's folder names (posix style): pt_BR, zh_Hans, zh_Hant.
    assert {"pt_BR", "zh_Hans", "zh_Hant", "fil"} <= set(planned[CONFIG["interface"]["slug"]])


def test_each_component_has_its_template():
    discovery = CONFIG["discovery"]
    assert (REPOSITORY_DIR / CONFIG["interface"]["new_base"]) == interface_template_path(
        SHIPPED_TRANSLATIONS
    )
    for slug in _configure().plan(CONFIG):
        if slug == CONFIG["interface"]["slug"]:
            continue
        template = discovery["new_base_template"].replace("{{ component }}", slug)
        assert REPOSITORY_DIR / template == article_template_path(SHIPPED_TRANSLATIONS, slug)
        assert Path(REPOSITORY_DIR / template).is_file()


def test_weblate_placeholders_check_uses_our_placeholder_pattern():
    assert _flag("placeholders") == _PLACEHOLDER.pattern


def test_weblate_regex_check_refuses_what_ours_refuses():
    """Every BMP character: Weblate's regex flag refuses it exactly when our checks
    refuse it as a presentation form or a bidi control."""
    allowed = re.compile(_flag("regex"))
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        ours = bool(_PRESENTATION_FORMS.search(char) or _BIDI_CONTROLS.search(char))
        assert (allowed.match(f"a{char}b") is None) == ours, f"U+{code:04X}"
