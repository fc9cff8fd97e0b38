"""Rich articles end to end: a Markdown article using every construct (tests/data, never
served) is extracted with its markup, translated in a temporary catalog (right to left)
and served as plain paragraphs; `check` refuses a translation whose links differ from
the English; a link to an article that does not exist stops start-up."""

import shutil
from pathlib import Path

import polib
import pytest

from service import create_app
from service.catalogs import SOURCE_DIGEST, source_digest
from service.cli import create_cli_app
from service.content.loader import ContentError
from tests.helpers import (
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    article_po,
    catalog_entry,
    compile_catalogs,
)

EVERY = Path(__file__).parent / "data" / "every-construct.md"
RICH = "every-construct"
ARABIC = "ترجمة: "  # each Arabic stand-in starts so; the markup after it is the English's


def translate(*arguments: str):
    return create_cli_app().test_cli_runner().invoke(args=["translate", *arguments])


@pytest.fixture
def rich(tmp_path, monkeypatch) -> Path:
    """The shipped article and the every-construct one, with an Arabic catalog of it."""
    content, translations = tmp_path / "articles", tmp_path / "translations"
    shutil.copytree(SHIPPED_CONTENT, content)
    shutil.copyfile(EVERY, content / EVERY.name)
    shutil.copytree(SHIPPED_TRANSLATIONS, translations)
    monkeypatch.setenv("CONTENT_DIR", str(content))
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations))
    for command in ("extract", "update"):
        assert translate(command).exit_code == 0
    catalog = polib.pofile(str(article_po(translations, "ar", RICH)))
    for entry in catalog:
        entry.msgstr = ARABIC + entry.msgid
    catalog.metadata["X-Translated-By"] = "Test stand-in"
    catalog.save()
    compile_catalogs(translations)
    return translations


def client_for(translations: Path):
    content = translations.parent / "articles"
    return create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations}).test_client()


def test_every_text_unit_is_one_msgid_with_its_markup_and_where_it_is(rich):
    template = polib.pofile(str(rich / "articles" / f"{RICH}.pot"))
    by_id = {entry.msgid: entry for entry in template}
    overview = next(entry for entry in template if entry.msgctxt == f"{RICH}/overview")
    assert overview.msgid.startswith("Stretch marks are *common* and **not dangerous**. Read [the")
    assert "(article:laser-treatment-for-stretch-marks)" in overview.msgid
    assert by_id["red or purple at first"].comment == ("symptoms, block 1: bulleted list, item 2.1")
    warning = by_id["Do not use a laser at home. Ask a **specialist**."]
    assert warning.comment.startswith("when-to-get-help, block 3 (warning call-out)")
    assert "Keep the numbered steps in order." in warning.comment


def test_a_rich_section_is_served_as_plain_paragraphs_in_arabic(rich):
    """Until sections also carry typed blocks (the next step of rich articles), each
    paragraph and list item is one plain string, its markup rendered away."""
    client = client_for(rich)
    section = client.get(
        f"/v1/articles/{RICH}/sections/symptoms", headers={"Accept-Language": "ar"}
    ).get_json()
    assert (section["language"], section["direction"]) == ("ar", "rtl")
    assert section["paragraphs"] == [
        ARABIC + "Lines on the skin",
        ARABIC + "Colour changes:",
        ARABIC + "red or purple at first",
        ARABIC + "silver later",
        ARABIC + "Itching, see is it painful?",
    ]
    overview = client.get(f"/v1/articles/{RICH}/sections/overview").get_json()
    assert overview["paragraphs"][0].startswith("Stretch marks are common and not dangerous.")


@pytest.mark.parametrize(
    ("english", "translated"),
    [
        (
            "Itching, see [is it painful?](article:laser-treatment-for-stretch-marks#pain)",
            "Itching",
        ),
        ("Lines on the *skin*", "Lines on the [skin](https://example.org/)"),
    ],
)
def test_check_refuses_a_translation_whose_links_differ(rich, english, translated):
    path = article_po(rich, "ar", RICH)
    catalog = polib.pofile(str(path))
    entry = catalog_entry(catalog, english)
    entry.msgstr = translated
    catalog.save()
    line = next(each.linenum for each in polib.pofile(str(path)) if each.msgid == english)
    result = translate("check")
    assert result.exit_code == 1
    assert f"error: {path}:{line}: " in result.output
    assert "markup does not match the English: links to" in result.output


def test_a_script_that_got_into_a_catalog_is_never_served(rich):
    path = article_po(rich, "ar", RICH)
    catalog = polib.pofile(str(path))
    catalog_entry(catalog, "silver later").msgstr = "<script>alert(1)</script>"
    catalog.save()
    problems = translate("compile").output
    assert "uses raw HTML" in problems  # `make translations` refuses it...
    catalog.metadata[SOURCE_DIGEST] = source_digest(path)  # ...compiled anyway
    catalog.save_as_mofile(str(path.with_suffix(".mo")))
    client = client_for(rich)
    section = client.get(
        f"/v1/articles/{RICH}/sections/symptoms", headers={"Accept-Language": "ar"}
    ).get_json()
    assert section["language"] == "en"  # the section with it is served in English
    assert not any("script" in paragraph for paragraph in section["paragraphs"])


def test_a_link_to_an_article_that_does_not_exist_stops_start_up(tmp_path):
    content = tmp_path / "articles"
    shutil.copytree(SHIPPED_CONTENT, content)
    text = EVERY.read_text(encoding="utf-8").replace(
        "article:every-construct#symptoms", "article:gone"
    )
    (content / EVERY.name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=rf"{EVERY.name}:\d+: link to unknown article 'gone'"):
        create_app({"CONTENT_DIR": content})
