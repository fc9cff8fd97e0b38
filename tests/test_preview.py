"""The translators' preview pages, through the Flask test client: content, labels, safety."""

import json
from html import unescape

import pytest
from markupsafe import escape

from service import create_app
from service.config import REPOSITORY_DIR, ConfigError, from_environment
from service.localization import DISCLAIMER
from service.openapi import render_document
from tests.helpers import (
    MARKUP_SLUG,
    MARKUP_TRANSLATION,
    OFFERED_LANGUAGES,
    SECTION_IDS,
    SLUG,
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
    # Title, review status, disclaimer, then each section's heading and paragraphs.
    expected = [(english["title"], arabic["title"])]
    expected.append((None, arabic["clinical_review"]["summary"]))
    expected.append((DISCLAIMER, arabic["disclaimer"]["text"]))
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
    assert 'aria-label="Spanish: 83.3% translated"' in spanish  # 10 of the 12 strings
    assert "(10 of 12)" in spanish
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
