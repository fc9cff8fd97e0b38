"""Rich articles end to end: a Markdown article using every construct (tests/data, never
served) is extracted with its markup, translated in a temporary catalog (right to left),
and served as typed blocks, as v1's plain paragraphs and as sanitized HTML; `check`
refuses a translation whose links differ from the English."""

import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from fhir.resources.R4B.composition import Composition

from service import create_app
from service.catalogs import SOURCE_DIGEST, source_digest
from service.cli import create_cli_app
from service.content.loader import ContentError
from tests.helpers import (
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    SLUG,
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


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def test_a_section_is_blocks_paragraphs_and_html_in_arabic(rich):
    client = client_for(rich)
    path = f"/v1/articles/{RICH}/sections/symptoms"
    section = client.get(path, headers={"Accept-Language": "ar"}).get_json()
    assert (section["language"], section["direction"]) == ("ar", "rtl")
    [block] = section["blocks"]
    assert (block["type"], block["ordered"]) == ("list", False)
    first, colours, itching = block["items"]
    assert first["text"] == [
        {"text": ARABIC + "Lines on the "},
        {"text": "skin", "marks": ["emphasis"]},
    ]
    assert [item["text"][0]["text"] for item in colours["items"]] == [
        ARABIC + "red or purple at first",
        ARABIC + "silver later",
    ]
    link = itching["text"][-1]
    assert link["href"] == f"/v1/articles/{SLUG}/sections/pain?lang=ar"  # its own language
    assert (link["article"], link["section"]) == (SLUG, "pain")
    assert section["paragraphs"][0] == ARABIC + "Lines on the skin"  # v1: plain text
    assert len(section["paragraphs"]) == 5  # one per list item, nested ones too

    response = client.get(path, headers={"Accept-Language": "ar", "Accept": "text/html"})
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Content-Language"] == "ar"
    assert "Accept" in response.headers["Vary"]
    html = Tags()
    html.feed(response.get_data(as_text=True))
    assert html.tags[0] == ("section", {"lang": "ar", "dir": "rtl"})
    assert [tag for tag, _ in html.tags[1:4]] == ["h2", "ul", "li"]
    assert ("a", {"href": f"/v1/articles/{SLUG}/sections/pain?lang=ar"}) in html.tags
    assert ARABIC + "silver later" in html.text


def test_english_blocks_and_a_call_out_in_html(rich):
    client = client_for(rich)
    path = f"/v1/articles/{RICH}/sections/when-to-get-help"
    section = client.get(path).get_json()
    assert [block["type"] for block in section["blocks"]] == ["list", "quote", "callout"]
    assert section["blocks"][2]["kind"] == "warning"
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<aside class="callout callout-warning">' in html
    assert "<ol>" in html
    assert "<blockquote>" in html


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


def test_a_script_that_got_into_a_catalog_never_becomes_markup(rich):
    path = article_po(rich, "ar", RICH)
    catalog = polib.pofile(str(path))
    catalog_entry(catalog, "silver later").msgstr = "<script>alert(1)</script>"
    catalog.save()
    problems = translate("compile").output
    assert "uses raw HTML" in problems  # `make translations` refuses it...
    catalog.metadata[SOURCE_DIGEST] = source_digest(path)  # ...compiled anyway
    catalog.save_as_mofile(str(path.with_suffix(".mo")))
    client = client_for(rich)
    path_of = f"/v1/articles/{RICH}/sections/symptoms"
    html = client.get(path_of, headers={"Accept-Language": "ar", "Accept": "text/html"})
    assert b"<script" not in html.data
    section = client.get(path_of, headers={"Accept-Language": "ar"}).get_json()
    assert section["language"] == "en"  # the section with it is served in English


def test_a_link_to_an_article_that_does_not_exist_stops_start_up(tmp_path):
    content = tmp_path / "articles"
    shutil.copytree(SHIPPED_CONTENT, content)
    text = EVERY.read_text(encoding="utf-8").replace(
        "article:every-construct#symptoms", "article:gone"
    )
    (content / EVERY.name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=rf"{EVERY.name}:\d+: link to unknown article 'gone'"):
        create_app({"CONTENT_DIR": content})


def test_json_ld_fhir_and_infobutton_keep_the_structure(rich):
    client = client_for(rich)
    article = f"/v1/articles/{RICH}"
    jsonld = client.get(article, headers={"Accept": "application/ld+json"}).get_json()
    symptoms = jsonld["hasPart"][1]["text"].splitlines()
    assert symptoms[:3] == [
        "- Lines on the skin",
        "- Colour changes:",
        "   - red or purple at first",
    ]
    assert jsonld["hasPart"][2]["text"].splitlines()[0] == "1. Look at the marks."
    fhir = client.get(article, headers={"Accept": "application/fhir+json", "Accept-Language": "ar"})
    Composition.model_validate_json(fhir.data)  # FHIR's own rules
    help_section = fhir.get_json()["section"][2]["text"]["div"]
    assert '<div class="callout callout-warning">' in help_section
    assert "<ol><li>" in help_section
    assert help_section.startswith(
        '<div xmlns="http://www.w3.org/1999/xhtml" lang="ar" xml:lang="ar" dir="rtl">'
    )
    feed = client.get(
        "/v1/infobutton",
        query_string={
            "mainSearchCriteria.v.c": "L90.6",
            "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
            "knowledgeResponseType": "application/json",
        },
    ).get_json()
    summary = feed["feed"]["entry"][0]["summary"]["_value"]
    assert summary.startswith('<div lang="en" dir="ltr"><p>Stretch marks can be')
