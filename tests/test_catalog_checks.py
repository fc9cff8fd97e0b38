"""Each catalog rule, broken on purpose in a temp copy: `translate check` names the file,
line and entry, and start-up refuses the catalog."""

import polib
import pytest

from service import create_app
from service.catalogs import CatalogError
from service.cli import create_cli_app
from tests.helpers import METHODS_MESSAGE, catalog_entry, compile_catalogs, interface_po


def edit_spanish(translations_dir, change):
    path = interface_po(translations_dir, "es")
    catalog = polib.pofile(str(path))
    change(catalog)
    catalog.save()
    return path


def set_msgstr(msgid_start, msgstr):
    def change(catalog):
        entry = next(entry for entry in catalog if entry.msgid.startswith(msgid_start))
        entry.msgstr = msgstr

    return change


def set_header(name, value):
    def change(catalog):
        if value is None:
            del catalog.metadata[name]
        else:
            catalog.metadata[name] = value

    return change


def add_obsolete(catalog):
    catalog.append(polib.POEntry(msgid="Old text", msgstr="Texto viejo", obsolete=True))


def add_plural(catalog):
    catalog.append(
        polib.POEntry(
            msgid="%(count)s article",
            msgid_plural="%(count)s articles",
            msgstr_plural={0: "%(count)s artículo", 1: "%(count)s artículos", 2: "extra"},
        )
    )


def add_duplicate(catalog):
    original = catalog_entry(catalog, METHODS_MESSAGE)
    catalog.append(polib.POEntry(msgid=original.msgid, msgstr=original.msgstr))


CASES = [
    (add_duplicate, "duplicate entry"),
    (
        set_msgstr(METHODS_MESSAGE, "Solo estos métodos: %(metodos)s."),
        "placeholders ['%(metodos)s']",
    ),
    (set_msgstr(METHODS_MESSAGE, "Solo estos métodos: %s."), "placeholders ['%s'] do not match"),
    (set_msgstr(METHODS_MESSAGE, "Solo estos métodos: {methods}."), "placeholders ['{methods}']"),
    (set_msgstr(METHODS_MESSAGE, "Métodos: %(methods)s <b>ya</b>."), "markup or links the English"),
    (set_msgstr(METHODS_MESSAGE, "Métodos: %(methods)s, ver https://x.example"), "markup or links"),
    (set_msgstr(METHODS_MESSAGE, "Métodos &amp; %(methods)s."), "markup or links"),
    (set_msgstr(METHODS_MESSAGE, METHODS_MESSAGE), "the translation is the English text"),
    (add_obsolete, "obsolete entry (#~) left in"),
    (add_plural, "3 plural forms, the language has 2"),
    (set_header("Language", "fr"), "Language header is 'fr', expected 'es'"),
    (set_header("Plural-Forms", "nplurals=3; plural=0;"), "Plural-Forms header must be"),
    (set_header("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"), "PO-Revision-Date"),
    (set_header("X-Translated-By", None), "X-Translated-By header is missing"),
    (set_header("X-Medical-Review", None), "X-Medical-Review header is missing"),
    (set_header("X-Medical-Review", "Dr. A. Reviewer"), "X-Medical-Review-Date must be"),
]


@pytest.mark.parametrize(("change", "message"), CASES)
def test_broken_catalog_is_named_by_check_and_refused_at_start_up(
    translations_copy, monkeypatch, change, message
):
    path = edit_spanish(translations_copy, change)
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_copy))
    result = create_cli_app().test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 1
    problem_lines = [line for line in result.output.splitlines() if message in line]
    assert problem_lines, result.output
    assert problem_lines[0].startswith(f"error: {path}:")
    # `make translations` refuses to compile it, naming the entry...
    result = create_cli_app().test_cli_runner().invoke(args=["translate", "compile"])
    assert result.exit_code == 1
    assert f"error: {path}:" in result.output
    assert message in result.output
    # ...so the service refuses the catalog it last compiled: stale against this .po.
    with pytest.raises(CatalogError, match="run `make translations`") as raised:
        create_app({"TRANSLATIONS_DIR": translations_copy})
    assert str(raised.value).startswith(f"{path.with_suffix('.mo')}: stale")


def test_problem_names_line_and_entry(translations_copy, monkeypatch):
    path = edit_spanish(translations_copy, set_msgstr(METHODS_MESSAGE, "Métodos: %(metodo)s."))
    line = next(
        entry.linenum for entry in polib.pofile(str(path)) if entry.msgid == METHODS_MESSAGE
    )
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_copy))
    result = create_cli_app().test_cli_runner().invoke(args=["translate", "check"])
    assert f"error: {path}:{line}: 'This address only answers these methods…':" in result.output


def test_fuzzy_entries_are_not_checked(translations_copy):
    def fuzzy_bad_placeholder(catalog):
        entry = next(entry for entry in catalog if entry.msgid == METHODS_MESSAGE)
        entry.msgstr = "Métodos: %(otro)s."
        entry.flags.append("fuzzy")

    edit_spanish(translations_copy, fuzzy_bad_placeholder)
    compile_catalogs(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()
    problem = client.delete("/v1/articles", headers={"Accept-Language": "es"}).get_json()
    assert problem["detail"] == "This address only answers these methods: GET, HEAD, OPTIONS."


def test_short_identical_strings_are_allowed(translations_copy):
    edit_spanish(translations_copy, set_msgstr("Not found", "Not found"))
    compile_catalogs(translations_copy)
    client = create_app({"TRANSLATIONS_DIR": translations_copy}).test_client()
    assert client.get("/nowhere", headers={"Accept-Language": "es"}).get_json()["title"] == (
        "Not found"
    )
