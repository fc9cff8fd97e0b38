"""The translator commands (`flask translate ...`) on copies of the shipped catalogs."""

import polib
import pytest

from service.cli import create_cli_app
from tests.helpers import TRANSLATED_LANGUAGES, catalog_entry, interface_po


@pytest.fixture
def translate(translations_copy, monkeypatch):
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_copy))
    runner = create_cli_app().test_cli_runner()
    return lambda *arguments: runner.invoke(args=["translate", *arguments])


def test_check_passes_on_the_shipped_catalogs(translate):
    result = translate("check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_check_fails_on_a_stale_template(translate, translations_copy):
    pot_path = translations_copy / "messages.pot"
    pot = polib.pofile(str(pot_path))
    pot.remove(catalog_entry(pot, "Article not found"))
    pot.save()
    result = translate("check")
    assert result.exit_code == 1
    assert f"{pot_path}: new: |'Article not found'" in result.output
    assert "make translations-update" in result.output


def test_check_fails_on_a_catalog_missing_an_entry(translate, translations_copy):
    po_path = interface_po(translations_copy, "fr")
    po = polib.pofile(str(po_path))
    po.remove(catalog_entry(po, "Method not allowed"))
    po.save()
    result = translate("check")
    assert result.exit_code == 1
    assert f"{po_path}: new: |'Method not allowed'" in result.output


def test_update_keeps_provenance_headers(translate, translations_copy):
    pot_path = translations_copy / "messages.pot"
    pot = polib.pofile(str(pot_path))
    pot.append(polib.POEntry(msgid="A brand-new interface string."))
    pot.save()
    assert translate("update").exit_code == 0
    po = polib.pofile(str(interface_po(translations_copy, "de")))
    assert catalog_entry(po, "A brand-new interface string.").msgstr == ""
    assert "AI" in po.metadata["X-Translated-By"]
    assert po.metadata["X-Medical-Review"] == "none"


def test_init_starts_a_catalog_with_cldr_plural_forms(translate, translations_copy):
    result = translate("init", "cs", "--translated-by", "Test translator")
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(interface_po(translations_copy, "cs")))
    expected = "nplurals=3; plural=((n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2);"  # one, few, other
    assert po.metadata["Plural-Forms"] == expected
    assert po.metadata["X-Translated-By"] == "Test translator"
    assert po.metadata["X-Medical-Review"] == "none"
    assert translate("init", "not a tag!", "--translated-by", "x").exit_code == 2


def test_status_prints_a_row_per_article_and_language(translate):
    result = translate("status")
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert rows[0].split() == [
        "article",
        "language",
        "translated",
        "fuzzy",
        "missing",
        "percent",
        "medical",
        "review",
    ]
    count = len(TRANSLATED_LANGUAGES)
    assert [row.split()[1] for row in rows[1 : count + 1]] == list(TRANSLATED_LANGUAGES)
    assert all("100.0%" in row and row.endswith("none") for row in rows[1 : count + 1])
    assert rows[-count:] == [f"{tag:<10}{'1 of 1':>16}" for tag in TRANSLATED_LANGUAGES]
