"""What the test modules share: the shipped article and catalogs, ways to change copies of
them, gunicorn on loopback, waiting on a condition, and the negotiation tables.

The one module tests import helpers from (conftest.py holds only fixtures)."""

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
from playwright.sync_api import sync_playwright

from benchmarks.servers import Server, running_server
from service.catalog_files import catalog_files
from service.catalogs import compile_catalog
from service.config import PACKAGE_DIR, REPOSITORY_DIR
from service.content.loader import parse_article_file

SLUG = "laser-treatment-for-stretch-marks"
SECTION_IDS = ("overview", "what-it-is", "sewing-up", "effectiveness", "pain")
SHIPPED_CONTENT = PACKAGE_DIR / "content" / "articles"
ARTICLE_FILE = SHIPPED_CONTENT / f"{SLUG}.md"
SHIPPED_TRANSLATIONS = REPOSITORY_DIR / "translations"
SEED = REPOSITORY_DIR.parent / "shared" / "seeds" / "000_58aa6e1b2accfe2f.txt"
# The languages DESIGN.md asks for, in its order, then the twelve added for US clinics;
# the twenty with shipped catalogs, as their folders sort.
FIRST_LANGUAGES = ("en", "es", "fr", "de", "pt-BR", "zh-Hans", "ar", "vi", "ru")
ADDED_LANGUAGES = ("zh-Hant", "ko", "fil", "ht", "it", "ja", "fa", "pl", "hi", "ur", "uk", "bn")
OFFERED_LANGUAGES = (*FIRST_LANGUAGES, *ADDED_LANGUAGES)
TRANSLATED_LANGUAGES = tuple(sorted(OFFERED_LANGUAGES[1:], key=lambda tag: tag.replace("-", "_")))


# What `medical_review` says of a translation nobody has reviewed.
NOT_REVIEWED = {
    "reviewed": False,
    "reviewer": None,
    "qualification": None,
    "date": None,
    "status": "none",
    "outdated_review": None,
}

# Debian's Chromium, as the browser tests (the preview's, the CORS portal's) launch it.
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


def environment_for_make(*left_out: str) -> dict[str, str]:
    """This process's environment for a make run of its own: without the make flags of
    a `make test` around it (its -j, its variables), nor `left_out`."""
    dropped = {*left_out, "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    return {name: value for name, value in os.environ.items() if name not in dropped}


@contextlib.contextmanager
def launched_chromium() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def content_with_withdrawn_article(directory: Path) -> Path:
    """A copy of the shipped content, plus the withdrawn article, in `directory`."""
    shutil.copytree(SHIPPED_CONTENT, directory)
    add_withdrawn_article(directory)
    return directory


# An article withdrawn on WITHDRAWN_ON, with the first article's code: it must leave the
# lookups that would find it (tests/test_withdrawn.py, tests/test_bundles.py).
WITHDRAWN_SLUG = "old-advice"
WITHDRAWN_ON = "2026-11-30"
WITHDRAWN_REASON = "Superseded by current guidance."
WITHDRAWN_ARTICLE = f"""---
slug: {WITHDRAWN_SLUG}
title: Old Advice On Stretch Marks
clinical_review: not_reviewed
codes:
  - system: icd10cm
    code: L90.6
    display: Striae atrophicae
withdrawn:
  date: {WITHDRAWN_ON}
  reason: {WITHDRAWN_REASON}
---
Some outdated text.

## Details

More outdated text.
"""


def add_withdrawn_article(content_dir: Path) -> Path:
    """Write the withdrawn article (it needs no catalogs) into a content directory."""
    path = content_dir / f"{WITHDRAWN_SLUG}.md"
    path.write_text(WITHDRAWN_ARTICLE, encoding="utf-8")
    return path


ICD10CM_OID = "2.16.840.1.113883.6.90"  # HL7's OID for ICD-10-CM, as Infobutton clients send it
# The English of the interface entry the catalog tests break (service/errors.py).
METHODS_MESSAGE = "This address only answers these methods: %(methods)s."


def compile_catalogs(translations_dir: Path) -> None:
    """Compile every catalog the way `make translations` does (checked first)."""
    problems = [
        problem for file in catalog_files(translations_dir) for problem in compile_catalog(file)
    ]
    assert not problems, problems


def interface_po(translations_dir: Path, babel_name: str) -> Path:
    """A language's interface catalog (errors, disclaimer, names)."""
    return translations_dir / babel_name / "LC_MESSAGES" / "messages.po"


def article_po(translations_dir: Path, babel_name: str, slug: str = SLUG) -> Path:
    """A language's catalog of one article (the first article by default)."""
    return translations_dir / babel_name / "LC_MESSAGES" / "articles" / f"{slug}.po"


def catalog_entry(catalog: polib.POFile, msgid: str) -> polib.POEntry:
    """The catalog's entry for msgid (failing the test when it has none)."""
    entry = catalog.find(msgid)
    assert entry is not None, msgid
    return entry


def make_partial_spanish(translations_dir: Path) -> tuple[str, str]:
    """Leave the pain section's last paragraph untranslated and mark the effectiveness
    paragraph fuzzy in the Spanish catalog of the first article (not compiled: callers
    may change more first). Returns the two English msgids (untranslated, fuzzy)."""
    catalog = polib.pofile(str(article_po(translations_dir, "es")))
    [*_, untranslated] = [entry for entry in catalog if entry.msgctxt == f"{SLUG}/pain"]
    untranslated.msgstr = ""
    [*_, fuzzy] = [entry for entry in catalog if entry.msgctxt == f"{SLUG}/effectiveness"]
    fuzzy.flags.append("fuzzy")
    catalog.save()
    return untranslated.msgid, fuzzy.msgid


MARKUP_SLUG = "markup-check"
SCRIPT = '<script>document.title = "script ran"</script>'
MARKUP_ARTICLE = f"""\
slug = "{MARKUP_SLUG}"
title = "Markup check"

[metadata]
clinical_review = "not_reviewed"
codes = []

[[sections]]
id = "overview"
paragraphs = ['English text with {SCRIPT} in it.']
"""
MARKUP_TRANSLATION = f"Texto en español con {SCRIPT} dentro."


def make_preview_content(content_dir: Path, translations_dir: Path) -> tuple[str, str]:
    """Shipped content plus a markup article; Spanish partial (make_partial_spanish), and
    a msgstr carrying a <script> (allowed by the catalog checks only because its English
    source carries the same markup). Returns make_partial_spanish's two msgids."""
    shutil.copytree(SHIPPED_CONTENT, content_dir)
    (content_dir / f"{MARKUP_SLUG}.toml").write_text(MARKUP_ARTICLE, encoding="utf-8")
    untranslated, fuzzy = make_partial_spanish(translations_dir)
    markup = polib.POFile()
    markup.metadata = dict(polib.pofile(str(article_po(translations_dir, "es"))).metadata)
    markup.append(
        polib.POEntry(
            msgctxt=f"{MARKUP_SLUG}/overview",
            msgid=f"English text with {SCRIPT} in it.",
            msgstr=MARKUP_TRANSLATION,
        )
    )
    markup.save(str(article_po(translations_dir, "es", MARKUP_SLUG)))
    compile_catalogs(translations_dir)
    return untranslated, fuzzy


def make_article_copies(content_dir: Path, copies: int) -> list[str]:
    """The shipped article and `copies` copies of it under other slugs (copy-1, ...: no
    catalogs, so English only), for lists that page. Returns every slug, as lists sort them."""
    source = ARTICLE_FILE.read_text(encoding="utf-8")
    slugs = [SLUG, *(f"copy-{number}" for number in range(1, copies + 1))]
    for slug in slugs:
        (content_dir / f"{slug}.md").write_text(source.replace(SLUG, slug, 1), encoding="utf-8")
    return sorted(slugs)


EVERY_CONSTRUCT = Path(__file__).parent / "data" / "every-construct.md"
EVERY_SLUG = "every-construct"


def make_every_construct_catalog(
    content_dir: Path, translations_dir: Path, babel_name: str, stand_in: str
) -> polib.POFile:
    """Add the every-construct article (tests/data) to content_dir and a catalog of it in
    a language: each msgstr is `stand_in` then the English msgid, markup and links kept.
    Saved, not compiled: callers may change entries (then save and compile_catalogs)."""
    shutil.copyfile(EVERY_CONSTRUCT, content_dir / EVERY_CONSTRUCT.name)
    article = parse_article_file(EVERY_CONSTRUCT.read_bytes(), EVERY_CONSTRUCT.name)
    catalog = polib.POFile()
    catalog.metadata = dict(polib.pofile(str(article_po(translations_dir, babel_name))).metadata)
    for context, msgid in article.messages():
        catalog.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=stand_in + msgid))
    catalog.save(str(article_po(translations_dir, babel_name, EVERY_SLUG)))
    return catalog


@contextlib.contextmanager
def running_gunicorn(
    tmp_path: Path, preexec_fn: Callable[[], None] | None = None, **environ: str
) -> Iterator[Server]:
    """Start gunicorn (one worker) with extra environment, ready when /readyz answers;
    stop it (SIGTERM) afterwards. The benchmark harness's server, with its helpers."""
    with running_server(
        "gunicorn", None, "/readyz", tmp_path, 15, preexec_fn=preexec_fn, **environ
    ) as server:
        yield server


def wait_for(condition: Callable[[], object], seconds: float = 20) -> None:
    """Poll `condition` until it is true; fail the test when `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds:g} s"
        time.sleep(0.05)


# Accept-Language header -> the language served, with the 21 offered languages
# (README "Language negotiation"). The pure function's table (tests/test_i18n.py); the
# app's test runs the same rows through HTTP (tests/test_api_v1.py).
ACCEPT_LANGUAGE_CASES = [
    ("es-MX,es;q=0.9", "es"),
    ("en-GB", "en"),
    ("fr;q=0, es", "es"),
    ("*", "en"),
    ("es;q=0", "en"),
    ("es;q=0, es-MX", "en"),
    ("es-MX;q=0.5, es;q=0", "en"),
    ("garbage;;;,q=,;q=x", "en"),
    ("\x01garbage;q=;;", "en"),
    ("", "en"),
    ("de;q=0.5, es;q=0.8", "es"),
    ("de, es", "de"),  # equal q: header order
    ("es;q=0.5, de;q=0.5", "es"),
    ("ES-mx", "es"),
    ("zh", "zh-Hans"),
    ("zh-CN", "zh-Hans"),
    ("zh-SG", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"),
    ("zh-TW", "zh-Hant"),
    ("zh-HK", "zh-Hant"),
    ("zh-MO", "zh-Hant"),
    ("zh-Hant", "zh-Hant"),
    ("zh-Hant-TW, es", "zh-Hant"),
    ("zh-TW, zh;q=0.5", "zh-Hant"),
    ("zh-TW;q=0.5, zh", "zh-Hans"),
    ("yue-HK", "zh-Hant"),
    ("tl-PH", "fil"),
    ("fa-IR", "fa"),
    ("ur-PK", "ur"),
    ("pt", "pt-BR"),
    ("pt-PT", "pt-BR"),
    ("ar-EG", "ar"),
    ("fr-CA", "fr"),
    ("de-AT", "de"),
    ("ru-UA", "ru"),
    ("vi-VN", "vi"),
    ("nl, es;q=0.1", "es"),  # not offered: the next range
    ("ja, es;q=0.1", "ja"),
    ("es;q=NaN", "en"),
    ("es;q=2", "en"),
    ("es;q=-1", "en"),
    ("es;q=1e400", "en"),
    ("es;q=0.0001", "en"),
    ("x-klingon, i-default", "en"),
    # English is the last resort: served even when refused, when nothing else is.
    ("en;q=0", "en"),
    ("en;q=0, fr", "fr"),
    ("en;q=0, es-MX;q=0.5", "es"),
    ("en;q=0, nl", "en"),
    ("en;q=0, ja", "ja"),
    ("en;q=0, zh-TW", "zh-Hant"),
    ("en;q=0, *", "en"),
    ("*;q=0", "en"),
    ("es;q=0, en;q=0", "en"),
    ("es-419", "es"),
]

# ?lang= value, Accept-Language header -> (served, requested_language): rule 1.
LANG_PARAMETER_CASES = [
    ("ES", "", "es", "es"),
    ("es", "fr", "es", "es"),  # lang beats the header
    ("es", "en", "es", "es"),
    ("en", "es", "en", "en"),
    ("pt_BR", "", "pt-BR", "pt-BR"),
    ("pt_br", "", "pt-BR", "pt-BR"),
    ("es_ES", "", "es", "es-ES"),
    ("zh-cn", "", "zh-Hans", "zh-CN"),
    ("nl", "fr", "fr", "nl"),  # well-formed, not offered: the header decides
    ("nl", "", "en", "nl"),
    ("ja", "fr", "ja", "ja"),
    ("zh-TW", "", "zh-Hant", "zh-TW"),
    ("es-MX", "", "es", "es-MX"),
    ("zho", "fr", "zh-Hans", "zho"),  # an alias, as in the header
    # Private use and grandfathered tags are well-formed (RFC 5646 2.1): rule 1 goes on.
    ("x-private", "es", "es", "x-private"),
    ("X-Foo-Bar", "", "en", "x-foo-bar"),
    ("x-a", "de", "de", "x-a"),
    ("i-klingon", "fr", "fr", "i-klingon"),
    ("I_KLINGON", "", "en", "i-klingon"),
    ("en-GB-oed", "fr", "en", "en-GB-oed"),  # looked up like any tag: truncates to en
    ("sgn-be-fr", "de", "de", "sgn-BE-FR"),
    ("art-lojban", "ar", "ar", "art-lojban"),
    ("es-x-private", "", "es", "es-x-private"),
]
