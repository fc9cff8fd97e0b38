"""Each catalog rule, broken on purpose in a temp copy: `translate check` names the file,
line and entry, and start-up refuses the catalog."""

import unicodedata

import polib
import pytest

from service import create_app
from service.catalog_checks import check_catalog
from service.catalogs import CatalogError, read_po
from service.cli import create_cli_app
from service.plural_forms import plural_forms
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
            msgstr_plural={
                0: "%(count)s artículo",
                1: "%(count)s de artículos",
                2: "%(count)s artículos",
                3: "extra",
            },
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
    (add_plural, "4 plural forms, the language has 3"),
    (set_header("Language", "fr"), "Language header is 'fr', expected 'es'"),
    (set_header("Plural-Forms", "nplurals=3; plural=0;"), "Plural-Forms does not group numbers"),
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


# Script rules. Persian and Urdu sentences in their own letters (ی U+06CC, ک U+06A9,
# Urdu ہ U+06C1), with ZWNJ (U+200C) where Persian spelling puts it (روش‌ها, می‌کند).
PERSIAN = "این نشانی فقط با این روش\u200cها کار می\u200cکند: %(methods)s."
URDU = "یہ پتہ صرف ان طریقوں کا جواب دیتا ہے: %(methods)s۔"
CHINESE = "此地址仅响应以下方法：%(methods)s。"


def translate_cli(translations_dir, monkeypatch, *args):
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_dir))
    return create_cli_app().test_cli_runner().invoke(args=["translate", *args])


def set_methods_message(translations_dir, monkeypatch, babel_name, msgstr):
    """Translate METHODS_MESSAGE in a language's interface catalog (starting the
    language with `translate init` if it has none); return the catalog and line."""
    path = interface_po(translations_dir, babel_name)
    if not path.exists():
        tag = babel_name.replace("_", "-")
        result = translate_cli(translations_dir, monkeypatch, "init", tag, "--translated-by", "T")
        assert result.exit_code == 0, result.output
    edit_catalog(path, set_msgstr(METHODS_MESSAGE, msgstr))
    return path, catalog_entry(polib.pofile(str(path)), METHODS_MESSAGE).linenum


def edit_catalog(path, change):
    catalog = polib.pofile(str(path))
    change(catalog)
    catalog.save()


SCRIPT_CASES = [
    # Decomposed (NFD), as some keyboards and editors save Vietnamese.
    ("vi", unicodedata.normalize("NFD", "Chỉ các phương thức: %(methods)s."), "not Unicode NFC"),
    ("fr", "Méthodes \ufb01xées : %(methods)s.", "presentation forms ﬁ (U+FB01 LATIN SMALL"),
    ("ar", "\ufefb يقبل هذا العنوان إلا: %(methods)s.", "presentation forms ﻻ (U+FEFB ARABIC"),
    ("ar", "\ufeffهذا العنوان يقبل فقط: %(methods)s.", "presentation forms (U+FEFF ZERO"),
    ("ar", "هذا العنوان يقبل فقط: \u200e%(methods)s.", "bidi control characters (U+200E"),
    ("ar", "هذا العنوان يقبل فقط: \u2066%(methods)s\u2069.", "bidi control characters (U+2066"),
    ("fa", PERSIAN.replace("\u06cc", "\u064a"), "Persian writes otherwise: ي (U+064A ARABIC"),
    ("fa", PERSIAN.replace("\u06a9", "\u0643"), "Persian writes otherwise: ك (U+0643 ARABIC"),
    ("fa", PERSIAN.replace("\u06cc", "\u0649"), "Persian writes otherwise: ى (U+0649 ARABIC"),
    ("ur", URDU.replace("\u06cc", "\u064a"), "Urdu writes otherwise: ي (U+064A ARABIC"),
    ("ur", URDU.replace("\u06a9", "\u0643"), "Urdu writes otherwise: ك (U+0643 ARABIC"),
    ("ur", URDU.replace("\u06c1", "\u0647"), "Urdu writes otherwise: ه (U+0647 ARABIC"),
    ("zh_Hans", "此地址仅响应以下方法：%(methods)s。仅此而已.", "'而已.' (write 。)"),
    ("zh_Hans", "此地址仅响应以下方法, 即：%(methods)s。", "'方法, 即' (write ，)"),
    ("zh_Hant", "此地址僅回應以下方法(%(methods)s)。", "'方法(%(' (write （)"),
    ("ja", "このアドレスが応答するメソッド: %(methods)s。", "'ッド: %' (write ：)"),
]


@pytest.mark.parametrize(("babel_name", "msgstr", "message"), SCRIPT_CASES)
def test_script_rule_is_named_by_check_with_file_and_line(
    translations_copy, monkeypatch, babel_name, msgstr, message
):
    path, line = set_methods_message(translations_copy, monkeypatch, babel_name, msgstr)
    result = translate_cli(translations_copy, monkeypatch, "check")
    assert result.exit_code == 1
    problems = [problem for problem in result.output.splitlines() if str(path) in problem]
    assert len(problems) == 1, result.output  # each case breaks one rule, and only it
    assert problems[0].startswith(f"error: {path}:{line}: 'This address only answers these")
    assert message in problems[0]


@pytest.mark.parametrize(
    ("babel_name", "msgstr"),
    [("fa", PERSIAN), ("ur", URDU), ("zh_Hans", CHINESE), ("zh_Hant", CHINESE), ("ja", CHINESE)],
)
def test_a_catalog_in_its_own_letters_passes_check(
    translations_copy, monkeypatch, babel_name, msgstr
):
    """ZWNJ in Persian is spelling, not a control; placeholders next to CJK text pass."""
    set_methods_message(translations_copy, monkeypatch, babel_name, msgstr)
    result = translate_cli(translations_copy, monkeypatch, "check")
    assert result.exit_code == 0, result.output


def write_catalog(directory, babel_name, entries):
    """A catalog in `directory` whose headers pass, holding (msgctxt, msgid, msgstr)s."""
    path = directory / babel_name / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {
        "Language": babel_name,
        "Content-Type": "text/plain; charset=utf-8",
        "Plural-Forms": plural_forms(babel_name),
        "PO-Revision-Date": "2026-11-24 10:00+0000",
        "X-Translated-By": "Test translator",
        "X-Medical-Review": "none",
    }
    for msgctxt, msgid, msgstr in entries:
        catalog.append(polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr=msgstr))
    catalog.save(str(path))
    return path


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Codes look like L90 or L90.6.", "代码的格式如 L90 或 L90.6。"),
        ('Codes look like "L90.6".', "代码的格式如“L90.6”。"),
        ("See /v1/articles.", "文章列表见 /v1/articles。"),
        ("Send application/json, please.", "请发送 application/json。"),
        ('For example "2026-01-31T12:00:00Z".', "例如“2026-01-31T12:00:00Z”。"),
        ("Only GET, HEAD and OPTIONS.", "仅限 GET, HEAD 和 OPTIONS。"),
        ("Status %(status)s.", "无法处理该请求（HTTP 状态码 %(status)s）。"),
        ("%(count)s articles (%(pages)s pages).", "%(count)s 篇文章（共 %(pages)s 页）。"),
        ("See {url}.", "见 {url}。"),
    ],
)
@pytest.mark.parametrize("babel_name", ["zh_Hans", "zh_Hant", "ja"])
def test_ascii_where_it_belongs_in_chinese_and_japanese_passes(tmp_path, babel_name, msgid, msgstr):
    path = write_catalog(tmp_path, babel_name, [(None, msgid, msgstr)])
    assert check_catalog(read_po(path), path, babel_name) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problems"),
    [
        ("See [the overview](article:a).", "见[概述](article:a)。", 0),
        ("See [the source](https://example.org/a.b).", "见[来源](https://example.org/a.b)。", 0),
        ("It is *rare*.", "这种情况*很少见*。", 0),
        ("It is *rare*.", "这种情况*很少见*.", 1),  # Markdown marks are read past
        ("See [the overview](article:a).", "见[概述](article:a).", 1),
    ],
)
def test_article_markdown_is_read_past_in_chinese(tmp_path, msgid, msgstr, problems):
    path = write_catalog(tmp_path, "zh_Hans", [("a/overview", msgid, msgstr)])
    found = check_catalog(read_po(path), path, "zh_Hans")
    assert len(found) == problems, found
    assert all("ASCII punctuation next to Chinese" in problem.problem for problem in found)


def test_script_rules_check_every_plural_form(tmp_path):
    catalog_path = write_catalog(tmp_path, "ur", [])
    catalog = polib.pofile(str(catalog_path))
    catalog.append(
        polib.POEntry(
            msgid="%(count)s article",
            msgid_plural="%(count)s articles",
            # the other form with Arabic yeh: مضامين, not مضامین
            msgstr_plural={0: "%(count)s مضمون", 1: "%(count)s مضامین".replace("\u06cc", "\u064a")},
        )
    )
    catalog.save()
    [problem] = check_catalog(read_po(catalog_path), catalog_path, "ur")
    assert "Urdu writes otherwise: ي (U+064A" in problem.problem
    assert str(problem).startswith(f"{catalog_path}:{problem.line}: '%(count)s article'")
