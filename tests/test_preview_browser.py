"""The preview in a real browser: Debian's headless Chromium against gunicorn on loopback.

Needs the chromium and fonts-noto-* Debian packages (`make test-deps`) and axe-core
from npm (`make browser-test-deps`). Without Chromium the tests skip, except under CI.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from service.config import REPOSITORY_DIR
from tests.helpers import (
    CHROMIUM,
    EVERY_SLUG,
    MARKUP_SLUG,
    SCRIPT,
    SHIPPED_TRANSLATIONS,
    SLUG,
    compile_catalogs,
    make_every_construct_catalog,
    make_preview_content,
    running_gunicorn,
)

AXE = REPOSITORY_DIR / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPOSITORY_DIR / "tests" / "browser" / "screenshots"
LOOPBACK = re.compile(r"^http://127\.0\.0\.1:\d+/")
# What axe reports as blocking: anything less is reviewed by hand, not failed on.
BLOCKING_IMPACTS = {"serious", "critical"}
ARABIC = "ترجمة: "  # the every-construct article's Arabic stand-ins start so
# The font each script's text must be drawn with (preview.css's :lang() stacks), from
# Debian's fonts-noto-core and fonts-noto-cjk: Urdu in Nastaliq, its readers' script.
SCRIPT_FONTS = {
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "hi": "Noto Sans Devanagari",
    "bn": "Noto Sans Bengali",
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "zh-Hans": "Noto Sans CJK SC",
    "zh-Hant": "Noto Sans CJK TC",
}

if not (CHROMIUM.exists() and AXE.exists()):
    missing = "Debian's chromium (apt-get install chromium)" if not CHROMIUM.exists() else AXE
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need {missing}", pytrace=False)
    pytest.skip(f"browser tests need {missing}", allow_module_level=True)


@pytest.fixture(scope="module")
def preview_content(tmp_path_factory):
    """(content dir, translations dir, untranslated msgid): the partial Spanish catalog."""
    directory = tmp_path_factory.mktemp("preview")
    content, translations = directory / "articles", directory / "translations"
    shutil.copytree(SHIPPED_TRANSLATIONS, translations)
    untranslated, _ = make_preview_content(content, translations)
    make_every_construct_catalog(content, translations, "ar", ARABIC)  # wholly translated
    compile_catalogs(translations)
    return content, translations, untranslated


@pytest.fixture(scope="module")
def server(tmp_path_factory, preview_content):
    """gunicorn on loopback serving the preview over that content, as `make run` does."""
    content, translations, _ = preview_content
    with running_gunicorn(
        tmp_path_factory.mktemp("gunicorn"),
        PREVIEW_ENABLED="1",
        CONTENT_DIR=str(content),
        TRANSLATIONS_DIR=str(translations),
    ) as running:
        yield running


class Visit:
    """One browser context: every request it makes, every console error it logs."""

    def __init__(self, browser, bypass_csp=False):
        self.context = browser.new_context(
            bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900}
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        # Nothing may leave loopback; anything that tries is recorded above, then refused.
        self.context.route(lambda url: not LOOPBACK.match(url), lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(message.text)

    def open(self, url: str):
        response = self.page.goto(url)
        assert response.status == 200
        return self.page

    def check_clean(self):
        """No console errors (a CSP violation is one) and no request off loopback."""
        assert self.errors == []
        assert [url for url in self.requests if not LOOPBACK.match(url)] == []
        assert any(url.endswith("/preview/static/preview.css") for url in self.requests)


@pytest.fixture
def visit(browser):
    opened = Visit(browser)
    yield opened
    opened.context.close()


@pytest.fixture
def audit(browser):
    """A context with CSP bypassed, so axe can be injected (this context only)."""
    opened = Visit(browser, bypass_csp=True)
    yield opened
    opened.context.close()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def screenshot(page, name: str):
    page.screenshot(path=screenshot_path(name), full_page=True)


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium actually drew an element's text with (not the CSS wish list,
    and not document.fonts.check(), which is true of a font that is not installed):
    familyName, isCustomFont (a web font) and glyphCount each."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector  # 0: nothing matched
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return fonts


def rendering_fonts(page, selector: str) -> set[str]:
    return {font["familyName"] for font in platform_fonts(page, selector)}


def main_font(page, selector: str) -> str:
    """The family that drew most of an element's glyphs, a local (system) font."""
    fonts = platform_fonts(page, selector)
    assert fonts, selector
    assert not any(font["isCustomFont"] for font in fonts), fonts
    return max(fonts, key=lambda font: font["glyphCount"])["familyName"]


def test_arabic_column_is_right_to_left(server, visit):
    page = visit.open(f"{server.base_url}/preview/{SLUG}?lang=ar")
    translation = page.locator(".cell.translation").first
    assert translation.get_attribute("lang") == "ar"
    assert translation.evaluate("cell => getComputedStyle(cell).direction") == "rtl"
    source = page.locator(".cell.source").first
    assert source.evaluate("cell => getComputedStyle(cell).direction") == "ltr"
    # Right-aligned: the Arabic paragraph's text hugs the right edge of its cell.
    paragraph = page.locator("#section-pain .cell.translation p").first
    cell_box, text_box = translation.bounding_box(), paragraph.bounding_box()
    assert abs((cell_box["x"] + cell_box["width"]) - (text_box["x"] + text_box["width"])) < 2
    assert any("Arabic" in font for font in rendering_fonts(page, "#section-pain .translation p"))
    screenshot(page, "ar")
    visit.check_clean()


@pytest.mark.parametrize(("tag", "family"), SCRIPT_FONTS.items())
def test_each_script_is_drawn_with_a_font_that_has_its_glyphs(server, visit, tag, family):
    page = visit.open(f"{server.base_url}/preview/{SLUG}?lang={tag}")
    assert page.locator(".cell.translation").first.get_attribute("lang") == tag
    # Every translated paragraph of a section, and the heading, in the script's face...
    for selector in ("#section-pain .translation p", "#section-pain .translation h3"):
        assert main_font(page, selector) == family, (selector, platform_fonts(page, selector))
    # ...and the English beside it is not (the face stays with its lang).
    assert main_font(page, "#section-pain .source p") != family
    if tag == "zh-Hans":
        screenshot(page, tag)
    page.locator("#section-pain").screenshot(path=screenshot_path(f"font-{tag}"))
    visit.check_clean()


def test_every_construct_renders_as_blocks_right_to_left(server, visit):
    page = visit.open(f"{server.base_url}/preview/{EVERY_SLUG}?lang=ar")
    section = page.locator("#section-when-to-get-help")
    nested = section.locator(".pair", has_text="they spread fast")
    cell = nested.locator(".translation")
    item = cell.locator("li li")
    assert item.evaluate("item => getComputedStyle(item).display") == "list-item"
    assert cell.locator("ol").get_attribute("start") == "2"
    # Right to left: a nested item is indented twice from the cell's right edge, as the
    # English one is from its left.
    cell_box, item_box = cell.bounding_box(), item.bounding_box()
    inset = (cell_box["x"] + cell_box["width"]) - (item_box["x"] + item_box["width"])
    source_cell, source_item = nested.locator(".source"), nested.locator(".source li li")
    source_inset = source_item.bounding_box()["x"] - source_cell.bounding_box()["x"]
    assert inset > 40
    assert abs(inset - source_inset) < 2
    # A call-out is set apart, its label in English's face, its text in Arabic's.
    callout = section.locator(".translation .callout-warning").first
    assert callout.evaluate("box => getComputedStyle(box).borderRightStyle") == "solid"
    label = "#section-when-to-get-help .translation .callout-label"
    assert "Arabic" not in main_font(page, label)
    text = "#section-when-to-get-help .translation .callout li"  # Arabic, then English
    assert SCRIPT_FONTS["ar"] in rendering_fonts(page, text)
    section.screenshot(path=screenshot_path("every-construct-ar"))
    visit.check_clean()


def test_untranslated_paragraph_carries_its_label(server, preview_content, visit):
    page = visit.open(f"{server.base_url}/preview/{SLUG}?lang=es")
    row = page.locator(".pair", has_text=preview_content[2])
    assert row.locator(".label").text_content() == "Untranslated"
    assert row.locator(".label").is_visible()
    assert row.locator(".translation").text_content().strip() == "Not translated yet."
    assert f"{SLUG}/pain" in row.locator(".entry").text_content()
    screenshot(page, "es")
    visit.check_clean()


def test_script_in_a_msgstr_does_not_run(server, visit, audit):
    # With CSP bypassed only escaping stands between the msgstr and the page.
    for opened in (audit, visit):
        page = opened.open(f"{server.base_url}/preview/{MARKUP_SLUG}?lang=es")
        assert page.title() != "script ran"
        assert page.locator("script").count() == 0
        assert SCRIPT in page.locator("#section-overview .translation").text_content()
    visit.check_clean()


@pytest.mark.parametrize(
    "path",
    [
        "/preview/",
        f"/preview/{SLUG}?lang=es",
        f"/preview/{SLUG}?lang=ar",
        f"/preview/{SLUG}?lang=zh-Hans",
        f"/preview/{SLUG}?lang=ur",
        f"/preview/{SLUG}?lang=en",
        f"/preview/{EVERY_SLUG}?lang=ar",
    ],
)
def test_no_serious_accessibility_violations(server, audit, path):
    page = audit.open(server.base_url + path)
    page.add_script_tag(path=AXE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == []
    assert len(results["passes"]) > 10  # axe really ran its rules on this page
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
