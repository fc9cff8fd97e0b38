"""`flask translate export-xliff` / `import-xliff`: XLIFF 1.2 for CAT tools, on copies of
the shipped catalogs. The XLIFF is read and changed with translate-toolkit, as a CAT tool
would change it."""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from translate.storage import xliff

from service import create_app
from service.cli import create_cli_app
from tests.helpers import METHODS_MESSAGE, SLUG, article_po, interface_po

ARTICLE_ORIGINAL = f"es/LC_MESSAGES/articles/{SLUG}.po"
INTERFACE_ORIGINAL = "es/LC_MESSAGES/messages.po"
XLIFF_1_2 = "urn:oasis:names:tc:xliff:document:1.2"


@pytest.fixture
def translate(translations_copy, monkeypatch):
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_copy))
    runner = create_cli_app().test_cli_runner()
    return lambda *arguments: runner.invoke(args=["translate", *arguments])


@pytest.fixture
def exported(translate, tmp_path) -> Path:
    """The Spanish catalog of the first article, exported."""
    path = tmp_path / "es.xlf"
    result = translate("export-xliff", "--lang", "es", "--article", SLUG, "--output", str(path))
    assert result.exit_code == 0, result.output
    return path


def snapshot(translations_dir: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(translations_dir.rglob("*.po"))}


def original_of(unit: xliff.xliffunit) -> str:
    return next(unit.xmlelement.iterancestors(unit.namespaced("file"))).get("original")


def state_of(unit: xliff.xliffunit) -> str | None:
    return unit.getlanguageNode(lang=None, index=1).get("state")


def edit(path: Path, change: Callable[[xliff.xlifffile], None]) -> None:
    """Change the XLIFF file the way a CAT tool would: through translate-toolkit."""
    store = xliff.xlifffile.parsefile(str(path))
    change(store)
    path.write_bytes(bytes(store))


def find(store: xliff.xlifffile, context: str | None, english: str) -> xliff.xliffunit:
    [unit] = [
        unit
        for unit in store.units
        if unit.xmlelement.get("resname") == context and unit.source == english
    ]
    return unit


def entries(path: Path) -> dict[tuple[str | None, str], tuple]:
    """Everything about each entry of a catalog, by (msgctxt, msgid)."""
    return {
        (entry.msgctxt, entry.msgid): (
            entry.msgstr,
            entry.flags,
            entry.comment,
            entry.tcomment,
            entry.previous_msgid,
        )
        for entry in polib.pofile(str(path))
    }


def served_overview(translations_dir: Path) -> dict:
    client = create_app({"TRANSLATIONS_DIR": translations_dir}).test_client()
    response = client.get(f"/v1/articles/{SLUG}/sections/overview?lang=es")
    assert response.status_code == 200
    return json.loads(response.data)


def test_export_has_every_entry_with_source_target_context_and_notes(exported, translations_copy):
    store = xliff.xlifffile.parsefile(str(exported))
    assert store.namespace == XLIFF_1_2
    assert store.getfilenames() == [ARTICLE_ORIGINAL]
    assert store.gettargetlanguage() == "es"
    catalog = polib.pofile(str(article_po(translations_copy, "es")))
    assert len(store.units) == len(catalog) > 10
    for entry, unit in zip(catalog, store.units, strict=True):
        assert original_of(unit) == ARTICLE_ORIGINAL
        assert unit.xmlelement.get("resname") == entry.msgctxt
        assert entry.msgctxt.startswith(f"{SLUG}/")
        assert unit.source == entry.msgid
        assert unit.target == entry.msgstr
        assert state_of(unit) == "translated"
        assert unit.getnotes("developer") == entry.comment
    assert len({unit.getid() for unit in store.units}) == len(store.units)


def test_export_of_a_language_has_every_catalog_and_the_empty_and_fuzzy_states(
    translate, translations_copy, tmp_path
):
    catalog = polib.pofile(str(article_po(translations_copy, "es")))
    empty, fuzzy = catalog[1], catalog[2]
    empty.msgstr = ""
    fuzzy.flags.append("fuzzy")
    fuzzy.previous_msgid = "The English before."
    catalog.save()
    path = tmp_path / "es.xlf"
    assert translate("export-xliff", "--lang", "es", "--output", str(path)).exit_code == 0
    store = xliff.xlifffile.parsefile(str(path))
    assert store.getfilenames() == [INTERFACE_ORIGINAL, ARTICLE_ORIGINAL]
    interface = polib.pofile(str(interface_po(translations_copy, "es")))
    assert len(store.units) == len(interface) + len(catalog)
    methods = find(store, None, METHODS_MESSAGE)
    assert original_of(methods) == INTERFACE_ORIGINAL
    assert "%(methods)s" in methods.target
    assert state_of(find(store, empty.msgctxt, empty.msgid)) == "new"
    assert find(store, empty.msgctxt, empty.msgid).target == ""
    needs_review = find(store, fuzzy.msgctxt, fuzzy.msgid)
    assert state_of(needs_review) == "needs-review-translation"
    assert needs_review.target == fuzzy.msgstr
    assert needs_review.getnotes("previous-english") == "The English before."
    # Standard output, when no --output is given: the same document.
    assert translate("export-xliff", "--lang", "es").stdout_bytes == path.read_bytes()


def test_export_refuses_an_unknown_language_or_article(translate):
    assert translate("export-xliff", "--lang", "nl").exit_code == 2
    assert translate("export-xliff", "--lang", "es", "--article", "no-such").exit_code == 2


def test_an_unchanged_export_imports_as_no_change(translate, exported, translations_copy):
    before = snapshot(translations_copy)
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 0, result.output
    assert "0 entries changed in 0 catalogs" in result.output
    assert snapshot(translations_copy) == before


def test_round_trip_changes_the_served_text_and_nothing_else(
    translate, exported, translations_copy
):
    po_path = article_po(translations_copy, "es")
    catalog = polib.pofile(str(po_path))
    paragraph = next(entry for entry in catalog if entry.msgctxt == f"{SLUG}/overview")
    assert served_overview(translations_copy)["paragraphs"][0] == paragraph.msgstr
    others, before = snapshot(translations_copy), entries(po_path)
    changed = "Las estrías, revisadas en una herramienta de traducción."

    edit(
        exported,
        lambda store: setattr(find(store, paragraph.msgctxt, paragraph.msgid), "target", changed),
    )
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 0, result.output
    assert f"updated {po_path}: 1 entries" in result.output
    compile_result = translate("compile")
    assert compile_result.exit_code == 0, compile_result.output

    section = served_overview(translations_copy)
    assert section["language"] == "es"
    assert section["paragraphs"][0] == changed
    after = entries(po_path)
    key = (paragraph.msgctxt, paragraph.msgid)
    assert after[key][0] == changed
    assert after[key][1:] == before[key][1:]
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
    new_metadata, old_metadata = polib.pofile(str(po_path)).metadata, catalog.metadata
    assert new_metadata.pop("PO-Revision-Date") != old_metadata.pop("PO-Revision-Date")
    assert new_metadata == old_metadata
    # Written as the other commands write catalogs: the old file with the two changes.
    expected = polib.pofile(others.pop(po_path).decode(), wrapwidth=76)
    next(entry for entry in expected if entry.msgid == paragraph.msgid).msgstr = changed
    expected.metadata["PO-Revision-Date"] = polib.pofile(str(po_path)).metadata["PO-Revision-Date"]
    assert po_path.read_text(encoding="utf-8") == str(expected) + "\n"
    rest = snapshot(translations_copy)
    del rest[po_path]
    assert rest == others


def test_the_same_english_in_two_sections_keeps_two_translations(
    translate, translations_copy, tmp_path
):
    po_path = article_po(translations_copy, "es")
    catalog = polib.pofile(str(po_path))
    first = next(entry for entry in catalog if entry.msgctxt == f"{SLUG}/overview")
    twin = polib.POEntry(msgctxt=f"{SLUG}/pain", msgid=first.msgid, msgstr=first.msgstr)
    catalog.append(twin)
    catalog.save()
    path = tmp_path / "es.xlf"
    assert (
        translate(
            "export-xliff", "--lang", "es", "--article", SLUG, "--output", str(path)
        ).exit_code
        == 0
    )

    def translate_each(store: xliff.xlifffile) -> None:
        units = [unit for unit in store.units if unit.source == first.msgid]
        assert sorted(unit.xmlelement.get("resname") for unit in units) == [
            f"{SLUG}/overview",
            f"{SLUG}/pain",
        ]
        assert units[0].getid() != units[1].getid()
        for unit in units:
            unit.target = f"Traducción para {unit.xmlelement.get('resname')}."

    edit(path, translate_each)
    result = translate("import-xliff", str(path))
    assert result.exit_code == 0, result.output
    imported = entries(po_path)
    assert imported[(f"{SLUG}/overview", first.msgid)][0] == f"Traducción para {SLUG}/overview."
    assert imported[(f"{SLUG}/pain", first.msgid)][0] == f"Traducción para {SLUG}/pain."


@pytest.mark.parametrize(
    "case",
    [
        (None, METHODS_MESSAGE, "Solo responde a: %(metodos)s.", "placeholders ['%(metodos)s']"),
        (
            f"{SLUG}/title",
            "What Cosmetic Laser Treatment For Stretch Marks Is",
            "Qué es el <b>tratamiento</b> con láser",
            "markup does not match the English",
        ),
        (
            f"{SLUG}/title",
            "What Cosmetic Laser Treatment For Stretch Marks Is",
            "Qué es el [tratamiento](https://example.com/) con láser",
            "markup does not match the English",
        ),
    ],
)
def test_an_import_that_fails_the_checks_writes_nothing(
    translate, translations_copy, tmp_path, case
):
    context, english, broken, problem = case
    path = tmp_path / "es.xlf"
    assert translate("export-xliff", "--lang", "es", "--output", str(path)).exit_code == 0
    unit_ids = []

    def break_one(store: xliff.xlifffile) -> None:
        unit = find(store, context, english)
        unit.target = broken
        unit_ids.append(unit.xmlelement.get("id"))
        # A good change in the same file is not written either.
        find(store, None, "Article not found").target = "No se encontró el artículo (cambiado)"

    edit(path, break_one)
    before = snapshot(translations_copy)
    result = translate("import-xliff", str(path))
    assert result.exit_code == 1
    named = f"unit {unit_ids[0]} " + (f"{context}|" if context else "")
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: {path}: {named}{english[:39]!r}"[:-1]), line
    assert problem in line
    assert "nothing was written" in result.output
    assert snapshot(translations_copy) == before


def test_an_unknown_unit_is_refused(translate, exported, translations_copy):
    def add_units(store: xliff.xlifffile) -> None:
        unit = store.addsourceunit("A paragraph no article has.", ARTICLE_ORIGINAL)
        unit.xmlelement.set("resname", f"{SLUG}/no-such-section")
        unit.target = "Un párrafo que ningún artículo tiene."
        other = store.addsourceunit("Another.", "es/LC_MESSAGES/articles/no-such.po", True)
        other.target = "Otro."

    edit(exported, add_units)
    before = snapshot(translations_copy)
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert f"{SLUG}/no-such-section|'A paragraph no article has.': unknown unit" in errors[0]
    assert "'es/LC_MESSAGES/articles/no-such.po' is not a catalog of this project" in errors[1]
    assert snapshot(translations_copy) == before


def test_a_stale_export_is_refused(translate, exported, translations_copy):
    po_path = article_po(translations_copy, "es")
    catalog = polib.pofile(str(po_path))
    entry = next(entry for entry in catalog if entry.msgctxt == f"{SLUG}/pain")
    old_english = entry.msgid
    entry.msgid = "The English, changed since the export."  # as `translate update` leaves it
    catalog.save()
    before = snapshot(translations_copy)
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert old_english == "Is It A Painful Treatment?"  # the heading: named whole
    assert f"{SLUG}/pain|{old_english!r}" in line
    assert "the English changed since the export (stale)" in line
    assert snapshot(translations_copy) == before


def test_english_edited_in_the_cat_tool_is_refused(translate, exported, translations_copy):
    heading = "What It Is"

    def edit_source(store: xliff.xlifffile) -> None:
        find(store, f"{SLUG}/what-it-is", heading).source = "What It Is Not"

    edit(exported, edit_source)
    before = snapshot(translations_copy)
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 1
    assert f"'What It Is Not': its English differs from the catalog's {heading!r}" in result.output
    assert snapshot(translations_copy) == before


def test_needs_review_imports_as_fuzzy_and_an_empty_target_as_untranslated(
    translate, exported, translations_copy
):
    catalog = polib.pofile(str(article_po(translations_copy, "es")))
    review, emptied = catalog[1], catalog[2]

    def change(store: xliff.xlifffile) -> None:
        unit = find(store, review.msgctxt, review.msgid)
        unit.target = "Un borrador que alguien debe revisar."
        unit.set_state_n(unit.S_NEEDS_REVIEW)
        assert state_of(unit) == "needs-review-translation"
        find(store, emptied.msgctxt, emptied.msgid).target = ""

    edit(exported, change)
    result = translate("import-xliff", str(exported))
    assert result.exit_code == 0, result.output
    imported = entries(article_po(translations_copy, "es"))
    assert imported[(review.msgctxt, review.msgid)][:2] == (
        "Un borrador que alguien debe revisar.",
        ["fuzzy"],
    )
    assert imported[(emptied.msgctxt, emptied.msgid)][:2] == ("", [])
    assert translate("compile").exit_code == 0
    # Exported again, the fuzzy entry needs review and the emptied one is new.
    again = exported.with_name("again.xlf")
    translate("export-xliff", "--lang", "es", "--article", SLUG, "--output", str(again))
    store = xliff.xlifffile.parsefile(str(again))
    assert state_of(find(store, review.msgctxt, review.msgid)) == "needs-review-translation"
    assert state_of(find(store, emptied.msgctxt, emptied.msgid)) == "new"


def test_a_file_that_is_not_xliff_is_refused(translate, tmp_path):
    path = tmp_path / "not.xlf"
    path.write_text('msgid ""\n', encoding="utf-8")
    result = translate("import-xliff", str(path))
    assert result.exit_code == 1
    assert "cannot be read as XLIFF 1.2" in result.output


def test_serving_never_loads_translate_toolkit():
    """Only the XLIFF commands need it: a serving worker does not pay for it."""
    code = "import sys, service; service.create_app(); print('translate' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
