"""The preview in a real browser: Debian's headless Chromium against gunicorn on loopback.

Needs the chromium and fonts-noto-* Debian packages (`make test-deps`) and axe-core
from npm (`make browser-test-deps`). Without Chromium the tests skip, except under CI.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from service.config import REPOSITORY_DIR
from tests.helpers import (
    MARKUP_SLUG,
    SCRIPT,
    SHIPPED_TRANSLATIONS,
    SLUG,
    make_preview_content,
    running_gunicorn,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPOSITORY_DIR / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPOSITORY_DIR / "tests" / "browser" / "screenshots"
LOOPBACK = re.compile(r"^http://127\.0\.0\.1:\d+/")
# What axe reports as blocking: anything less is reviewed by hand, not failed on.
BLOCKING_IMPACTS = {"serious", "critical"}

if not (CHROMIUM.exists() and AXE.exists()):
    missing = "Debian's chromium (apt-get install chromium)" if not CHROMIUM.exists() else AXE
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need {missing}", pytrace=False)
    pytest.skip(f"browser tests need {missing}", allow_module_level=True)


@pytest.fixture(scope="module")
def preview_content(tmp_path_factory):
    """(content dir, translations dir, untranslated msgid): the partial Spanish catalog."""
    directory = tmp_path_factory.mktemp("preview")
    shutil.copytree(SHIPPED_TRANSLATIONS, directory / "translations")
    untranslated, _ = make_preview_content(directory / "articles", directory / "translations")
    return directory / "articles", directory / "translations", untranslated


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


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def rendering_fonts(page, selector: str) -> set[str]:
    """The fonts Chromium actually drew an element's text with (not the CSS wish list)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


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


def test_chinese_is_drawn_with_a_cjk_system_font(server, visit):
    page = visit.open(f"{server.base_url}/preview/{SLUG}?lang=zh-Hans")
    assert page.locator(".cell.translation").first.get_attribute("lang") == "zh-Hans"
    fonts = rendering_fonts(page, "#section-pain .translation p")
    assert any("CJK SC" in font for font in fonts), fonts
    screenshot(page, "zh-Hans")
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
        f"/preview/{SLUG}?lang=en",
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
