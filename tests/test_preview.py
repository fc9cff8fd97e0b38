"""The translators' preview pages, through the Flask test client: content, labels, safety."""

import json
import shutil
from html import unescape
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from service import create_app
from service.config import REPOSITORY_DIR, ConfigError, from_environment
from service.localization import DISCLAIMER
from service.openapi import render_document
from service.preview import TRANSLATED, Row
from tests.helpers import (
    EVERY_SLUG,
    MARKUP_SLUG,
    MARKUP_TRANSLATION,
    OFFERED_LANGUAGES,
    SCRIPT,
    SECTION_IDS,
    SHIPPED_CONTENT,
    SLUG,
    catalog_entry,
    compile_catalogs,
    make_every_construct_catalog,
    make_preview_content,
)

PREVIEW = f"/preview/{SLUG}"


@pytest.fixture(scope="module")
def preview_client():
    """The shipped content and catalogs, preview on."""
    return create_app({"TESTING": True, "PREVIEW_ENABLED": True}).test_client()


@pytest.fixture
def partial(tmp_path, translations_copy):
    """(client, untranslated msgid, fuzzy msgid) over the partial Spanish catalog."""
    content_dir = tmp_path / "articles"
    untranslated, fuzzy = make_preview_content(content_dir, translations_copy)
    app = create_app(
        {
            "TESTING": True,
            "PREVIEW_ENABLED": True,
            "CONTENT_DIR": content_dir,
            "TRANSLATIONS_DIR": translations_copy,
        }
    )
    return app.test_client(), untranslated, fuzzy


def page(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def pairs(html: str) -> list[str]:
    """The page's source/translation rows, one HTML snippet each, in page order."""
    return html.split('<div class="pair status-')[1:]


def row_of(html: str, source: str) -> str:
    [row] = [row for row in pairs(html) if f">{escape(source)}<" in row]
    return row


def test_listing_shows_every_article_and_language(preview_client):
    html = page(preview_client, "/preview/")
    catalogs = json.loads(preview_client.get("/v1/languages").data)["languages"]
    assert len(catalogs) == len(OFFERED_LANGUAGES)
    for language in catalogs:
        link = f'href="/preview/{SLUG}?lang={language["tag"]}"'
        assert link in html, language["tag"]
        if translation := language["articles"][0]["translation"]:
            assert f"<td>{translation['revised']}</td>" in html
    # Every shipped catalog translates the article.
    assert html.count('value="100.0"') == len(OFFERED_LANGUAGES)
    assert "What Cosmetic Laser Treatment For Stretch Marks Is" in html


def test_arabic_beside_english_section_by_section(preview_client):
    html = page(preview_client, f"{PREVIEW}?lang=ar")
    english = json.loads(preview_client.get(f"/v1/articles/{SLUG}?lang=en").data)
    arabic = json.loads(preview_client.get(f"/v1/articles/{SLUG}?lang=ar").data)
    rows = pairs(html)
    # Title, review status, disclaimer, the other names, then each section's heading
    # and paragraphs.
    expected = [(english["title"], arabic["title"])]
    expected.append((None, arabic["clinical_review"]["summary"]))
    expected.append((DISCLAIMER, arabic["disclaimer"]["text"]))
    expected += zip(english["also_called"], arabic["also_called"], strict=True)
    for source, translated in zip(english["sections"], arabic["sections"], strict=True):
        if source["heading"]:
            expected.append((source["heading"], translated["heading"]))
        expected += zip(source["paragraphs"], translated["paragraphs"], strict=True)
    assert len(rows) == len(expected)
    for row, (source, translated) in zip(rows, expected, strict=True):
        assert row.startswith("translated")
        assert '<div class="cell translation" lang="ar" dir="rtl">' in row
        shown = unescape(row)  # Jinja and the block renderer escape quotes alike, not equally
        assert f">{translated}<" in shown
        if source:
            assert f">{source}<" in shown
        assert ">Translated</strong>" in row
    positions = [html.index(f'id="section-{section_id}"') for section_id in SECTION_IDS]
    assert positions == sorted(positions)
    for section_id in SECTION_IDS:
        assert f"msgctxt <code>{SLUG}/{section_id}</code>" in html
    assert f"msgctxt <code>{SLUG}/title</code>" in html
    assert html.count("Patients read this section in Arabic.") == len(SECTION_IDS)
    assert "Clinical review of the article</dt>\n  <dd>not reviewed</dd>" in html


def test_headings_are_in_order(preview_client):
    html = page(preview_client, f"{PREVIEW}?lang=ar")
    assert html.count("<h1>") == 1
    assert html.index("<h1>") < html.index("<h2") < html.index("<h3>")
    # Each section heading is an h3 in both columns; the overview has none.
    assert html.count("<h3>") == 2 * (len(SECTION_IDS) - 1)


def test_source_language_shows_one_column(preview_client):
    html = page(preview_client, f"{PREVIEW}?lang=en")
    assert pairs(html)
    assert 'class="cell translation"' not in html
    assert "Untranslated" not in html


@pytest.mark.parametrize(
    ("query", "header", "shown"),
    [
        ("?lang=pt_br", "", "pt-BR"),
        ("?lang=zh-hans", "", "zh-Hans"),
        ("", "zh-CN", "zh-Hans"),  # negotiated as the API does
        ("", "es-MX, fr", "es"),
        ("?lang=nl", "ru", "ru"),
        ("", "", "en"),
    ],
)
def test_language_is_chosen_like_the_api(preview_client, query, header, shown):
    response = preview_client.get(f"{PREVIEW}{query}", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == ", ".join(dict.fromkeys(["en", shown]))
    assert f'aria-current="page"><span lang="{shown}"' in response.get_data(as_text=True)


def test_untranslated_and_fuzzy_entries_are_labelled(partial):
    client, untranslated, fuzzy = partial
    html = page(client, f"{PREVIEW}?lang=es")
    row = row_of(html, untranslated)
    assert row.startswith("untranslated")
    assert ">Untranslated</strong>" in row
    assert "Not translated yet." in row
    assert f"msgctxt <code>{SLUG}/pain</code>" in row
    row = row_of(html, fuzzy)
    assert row.startswith("fuzzy")
    assert ">Fuzzy: needs review</strong>" in row
    assert f"msgctxt <code>{SLUG}/effectiveness</code>" in row
    assert html.count("Patients read this whole section in English") == 2
    assert "no: " in html  # Spanish is below the threshold: not offered to patients
    listing = page(client, "/preview/")
    spanish = listing[listing.index(f'href="/preview/{SLUG}?lang=es"') :]
    assert 'aria-label="Spanish: 86.6% translated"' in spanish  # 13 of the 15 strings
    assert "(13 of 15)" in spanish
    assert "<td>1</td>" in spanish  # one fuzzy string


def test_script_in_a_msgstr_is_shown_as_text(partial):
    client, _, _ = partial
    html = page(client, f"/preview/{MARKUP_SLUG}?lang=es")
    assert "<script" not in html
    assert f">{MARKUP_TRANSLATION}<" in unescape(html)
    assert "&lt;script&gt;document.title = &quot;script ran&quot;&lt;/script&gt;" in html


def test_pages_are_locked_down_by_csp(preview_client):
    response = preview_client.get(f"{PREVIEW}?lang=ar")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(directive.split(" ", 1) for directive in policy.split("; "))
    assert directives["default-src"] == "'none'"  # so no script of any origin runs
    assert "script-src" not in directives
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html
    assert '<link rel="stylesheet" href="/preview/static/preview.css">' in html
    with preview_client.get("/preview/static/preview.css") as stylesheet:
        assert stylesheet.status_code == 200
        assert stylesheet.content_type == "text/css; charset=utf-8"
        assert stylesheet.headers["Content-Security-Policy"] == policy
        assert b"@import" not in stylesheet.data
        assert b"url(" not in stylesheet.data


@pytest.mark.parametrize(
    ("method", "url", "status", "problem"),
    [
        ("GET", "/preview/nope", 404, "article-not-found"),
        ("GET", "/preview/nope/further", 404, "not-found"),
        ("GET", "/preview/static/missing.css", 404, "not-found"),
        ("GET", f"{PREVIEW}?lang=", 400, "invalid-language"),
        ("GET", f"{PREVIEW}?lang=../x", 400, "invalid-language"),
        ("POST", PREVIEW, 405, "method-not-allowed"),
    ],
)
def test_errors_are_problem_json(preview_client, method, url, status, problem):
    response = preview_client.open(url, method=method, headers={"Accept-Language": "de"})
    assert response.status_code == status
    assert response.content_type == "application/problem+json; charset=utf-8"
    body = json.loads(response.data)
    assert body["type"] == f"urn:patient-info:problem:{problem}"
    assert body["language"] == "de"


def test_preview_is_off_unless_enabled(client):
    response = client.get(f"{PREVIEW}?lang=es")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json; charset=utf-8"


def test_switch_is_read_from_the_environment():
    assert from_environment({})["PREVIEW_ENABLED"] is False
    assert from_environment({"PREVIEW_ENABLED": "1"})["PREVIEW_ENABLED"] is True
    assert from_environment({"PREVIEW_ENABLED": "off"})["PREVIEW_ENABLED"] is False
    with pytest.raises(ConfigError, match="PREVIEW_ENABLED='maybe'"):
        from_environment({"PREVIEW_ENABLED": "maybe"})


def test_openapi_document_leaves_the_preview_out(preview_client):
    committed = REPOSITORY_DIR / "openapi.yaml"
    assert render_document(preview_client.application) == committed.read_bytes()


ARABIC = "ترجمة: "  # each Arabic stand-in starts so; the markup after it is the English's
UNTRANSLATED_ITEM = "silver later"
FUZZY_CALLOUT = "Do not use a laser at home. Ask a **specialist**."


def every_construct_client(tmp_path, translations_copy, partial=True):
    """A client previewing the every-construct article (tests/data) in Arabic: stand-ins
    for every string, but, when partial, one nested list item left untranslated and the
    call-out's paragraph fuzzy (so patients get the article in English)."""
    content = tmp_path / "articles"
    shutil.copytree(SHIPPED_CONTENT, content)
    catalog = make_every_construct_catalog(content, translations_copy, "ar", ARABIC)
    if partial:
        catalog_entry(catalog, UNTRANSLATED_ITEM).msgstr = ""
        catalog_entry(catalog, FUZZY_CALLOUT).flags.append("fuzzy")
        catalog.save()
    compile_catalogs(translations_copy)
    config = {"TESTING": True, "PREVIEW_ENABLED": True, "CONTENT_DIR": content}
    return create_app({**config, "TRANSLATIONS_DIR": translations_copy}).test_client()


@pytest.fixture
def every_construct(tmp_path, translations_copy):
    return every_construct_client(tmp_path, translations_copy)


class Cell:
    """One column of a row: its start tags (name, attributes) and its text, in order."""

    def __init__(self, attributes: dict):
        self.attributes = attributes
        self.tags: list[tuple[str, dict]] = []
        self.text = ""


class Pair:
    def __init__(self, status: str):
        self.status = status
        self.cells: dict[str, Cell] = {}
        self.label = ""
        self.entry = ""


class Pairs(HTMLParser):
    """The preview's rows as a browser reads them: each cell's tags and text, the label."""

    def __init__(self, html: str):
        super().__init__()
        self.pairs: list[Pair] = []
        self.open: list[str] = []  # the open elements' names
        self.cell: Cell | None = None
        self.cell_depth = self.entry_depth = self.label_depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag not in {"br", "meta", "link"}:
            self.open.append(tag)
        if "pair" in classes and "column-titles" not in classes:
            self.pairs.append(Pair(classes[1].removeprefix("status-")))
        elif "cell" in classes and self.pairs and not self.entry_depth:
            self.cell = self.pairs[-1].cells.setdefault(classes[1], Cell(attributes))
            self.cell_depth = len(self.open)
        elif self.cell is not None:
            self.cell.tags.append((tag, attributes))
            if tag in {"p", "li", "ul", "ol", "blockquote", "aside"}:
                self.cell.text += " "  # a new line of text
        elif "entry" in classes:
            self.entry_depth = len(self.open)
        elif "label" in classes:
            self.label_depth = len(self.open)

    def handle_endtag(self, tag):
        if self.cell is not None and len(self.open) == self.cell_depth:
            self.cell = None
        if len(self.open) == self.entry_depth:
            self.entry_depth = 0
        if len(self.open) == self.label_depth:
            self.label_depth = 0
        self.open.pop()

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data
        elif self.label_depth:
            self.pairs[-1].label += data
        elif self.entry_depth:
            self.pairs[-1].entry += " ".join(data.split()) + " "


def without_links(tags: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Tags with their href left out: a translation links to its own language's URLs."""
    return [(tag, {k: v for k, v in attributes.items() if k != "href"}) for tag, attributes in tags]


def test_every_construct_renders_as_blocks_beside_the_english(every_construct):
    html = page(every_construct, f"/preview/{EVERY_SLUG}?lang=ar")
    rows = Pairs(html).pairs
    by_source = {" ".join(row.cells["source"].text.split()): row for row in rows}
    # Every row of the article: the English beside the Arabic, right to left.
    for row in rows:
        assert row.cells["translation"].attributes["lang"] == "ar"
        assert row.cells["translation"].attributes["dir"] == "rtl"
        assert row.cells["source"].attributes["lang"] == "en"
        if row.status == TRANSLATED and f"{EVERY_SLUG}/" in row.entry:
            # The same block around both texts: a list item in the same list, and so on.
            translated, source = row.cells["translation"], row.cells["source"]
            assert without_links(translated.tags) == without_links(source.tags)
            assert ARABIC in translated.text
            assert row.label == "Translated"

    def tags(source: str, column: str = "source") -> list[tuple[str, dict]]:
        return by_source[source].cells[column].tags

    assert tags("Lines on the skin") == [("ul", {}), ("li", {}), ("em", {})]
    # A nested item inside the item it hangs from; a numbered one keeps its number.
    assert tags("red or purple at first") == [("ul", {}), ("li", {}), ("ul", {}), ("li", {})]
    assert "block 1: bulleted list, item 2.1" in by_source["red or purple at first"].entry
    assert tags("Take both steps.") == [
        ("ol", {"start": "3"}),
        ("li", {}),
        ("em", {}),
        ("strong", {}),
    ]
    assert tags("they bleed", "translation") == [
        ("ol", {"start": "2"}),
        ("li", {}),
        ("ul", {}),
        ("li", {}),
        ("strong", {}),
    ]
    assert tags('A patient said: "It faded in a year."') == [
        ("blockquote", {}),
        ("p", {}),
        ("em", {}),
    ]
    # A call-out says its kind (in English, marked so, in the Arabic column too).
    callout = by_source["Warning Bring your symptom list."]
    label = ("p", {"class": "callout-label", "lang": "en"})
    warning = ("aside", {"class": "callout callout-warning"})
    assert callout.cells["translation"].tags[:4] == [warning, label, ("ul", {}), ("li", {})]
    assert callout.cells["translation"].text.split()[:2] == ["Warning", ARABIC.strip()]
    assert "block 3 (warning call-out), block 2: bulleted list, item 1" in callout.entry
    links = [attributes["href"] for tag, attributes in callout.cells["translation"].tags[4:]]
    assert links == [f"/v1/articles/{EVERY_SLUG}/sections/symptoms?lang=ar"]

    # Untranslated and fuzzy blocks: the English as it renders, the label, a note.
    missing = by_source[UNTRANSLATED_ITEM]
    assert (missing.status, missing.label) == ("untranslated", "Untranslated")
    assert missing.cells["source"].tags == [("ul", {}), ("li", {}), ("ul", {}), ("li", {})]
    assert missing.cells["translation"].text.strip() == "Not translated yet."
    assert "msgctxt every-construct/symptoms" in missing.entry
    fuzzy = by_source["Warning Do not use a laser at home. Ask a specialist."]
    assert (fuzzy.status, fuzzy.label) == ("fuzzy", "Fuzzy: needs review")
    assert fuzzy.cells["source"].tags[:3] == [warning, label, ("p", {})]
    assert fuzzy.cells["translation"].text.strip().startswith("Fuzzy translation")


@pytest.mark.parametrize(("section_id", "language"), [("symptoms", "en"), ("overview", "ar")])
def test_each_block_is_shown_as_the_api_renders_it(
    tmp_path, translations_copy, section_id, language
):
    """Each row's innermost block (paragraph or list item) is in the section's HTML the
    API serves in that language, tags, text and links alike."""
    client = every_construct_client(tmp_path, translations_copy, partial=False)
    html = page(client, f"/preview/{EVERY_SLUG}?lang=ar")
    served = client.get(
        f"/v1/articles/{EVERY_SLUG}/sections/{section_id}?lang={language}",
        headers={"Accept": "text/html"},
    )
    assert served.headers["Content-Language"] == language
    served_html = served.get_data(as_text=True)
    section = html[html.index(f'<section id="section-{section_id}"') :]
    section = section[: section.index("</section>")]
    column = "source" if language == "en" else "translation"
    cells = [
        cell.split(">", 1)[1].split("</div>", 1)[0]
        for cell in section.split(f'<div class="cell {column}"')[1:]
    ]
    shown = 0
    for cell in cells:
        start = max(cell.rfind("<li>"), cell.rfind("<p>"))
        if start < 0:  # the heading
            continue
        end = min(i for i in (cell.find("</li>", start), cell.find("</p>", start)) if i > 0)
        assert cell[start:end] in served_html
        shown += 1
    assert shown == len(served_html.split("<li>")) - 1 + len(served_html.split("<p>")) - 1


def test_a_script_in_a_list_item_is_shown_as_text():
    row = Row("Item", f"Punto {SCRIPT}", TRANSLATED, "c", frame=("<ul><li>", "</li></ul>"))
    script = "&lt;script&gt;document.title = &quot;script ran&quot;&lt;/script&gt;"
    assert row.translation_html == f"<ul><li>Punto {script}</li></ul>"
