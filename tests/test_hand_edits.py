"""Hand edits: a catalog whose translated text changed since the last commit while its
PO-Revision-Date did not fails `translate check`; `translate touch` stamps it."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from service.cli import create_cli_app
from tests.helpers import SLUG, article_po, catalog_entry, interface_po

TOUCH = "translate touch"


def git(directory: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=directory, check=True, capture_output=True)


@pytest.fixture
def repository(translations_copy, monkeypatch):
    """A git repository whose one commit holds a copy of the shipped translations."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # a hook's, if any
        monkeypatch.delenv(name, raising=False)
    root = translations_copy.parent
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "add", "translations")
    git(root, "commit", "--quiet", "-m", "translations")
    return translations_copy


@pytest.fixture
def translate(monkeypatch):
    def run(translations_dir: Path, *arguments: str):
        monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_dir))
        runner = create_cli_app().test_cli_runner()
        return runner.invoke(args=["translate", *arguments])

    return run


def edit_by_hand(path: Path, old: str, new: str) -> int:
    """Replace text in a .po as a text editor would; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_hand_edited_translation_fails_until_touched(repository, translate):
    po_path = interface_po(repository, "es")
    before = polib.pofile(str(po_path)).metadata
    entry = catalog_entry(polib.pofile(str(po_path)), "Page not found")
    edit_by_hand(po_path, f'msgstr "{entry.msgstr}"', 'msgstr "Página inexistente"')

    result = translate(repository, "check")
    assert result.exit_code == 1
    [problem] = [line for line in result.output.splitlines() if "last commit" in line]
    assert problem.startswith(f"error: {po_path}:{entry.linenum}: 'Page not found': ")
    assert TOUCH in problem

    result = translate(repository, "touch", "--translator", "Ana García <ana@example.org>")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1
    assert result.output.splitlines() == [
        line for line in result.output.splitlines() if line.startswith(f"touched {po_path}: ")
    ]
    after = polib.pofile(str(po_path)).metadata
    assert after["PO-Revision-Date"] != before["PO-Revision-Date"]
    assert after["Last-Translator"] == "Ana García <ana@example.org>"
    assert after["X-Translated-By"] == before["X-Translated-By"]  # the rest kept
    assert catalog_entry(polib.pofile(str(po_path)), "Page not found").msgstr == (
        "Página inexistente"
    )
    result = translate(repository, "check")
    assert result.exit_code == 0, result.output


def test_touch_stamps_only_the_changed_catalogs(repository, translate):
    po_path = article_po(repository, "fr")
    po = polib.pofile(str(po_path))
    entry = next(entry for entry in po if entry.translated())
    entry.msgstr += " (modifié)"
    po.save()  # polib, like a hand edit, leaves the date alone
    untouched = interface_po(repository, "fr").read_bytes()

    result = translate(repository, "touch", "--lang", "fr", "--article", SLUG)
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [f"touched {po_path}"]
    assert interface_po(repository, "fr").read_bytes() == untouched
    assert translate(repository, "check").exit_code == 0
    # Still not committed: touched again, the date says the latest edit.
    assert translate(repository, "touch").output.startswith(f"touched {po_path}: ")
    git(repository, "commit", "--quiet", "-am", "French revised")
    result = translate(repository, "touch")
    assert result.exit_code == 0
    assert "nothing touched" in result.output


def test_comments_and_wrapping_alone_are_no_text_change(repository, translate):
    po_path = interface_po(repository, "de")
    text = po_path.read_text(encoding="utf-8")
    text = text.replace('\nmsgid "Page not found"', '\n# a note\nmsgid "Page not found"')
    # The first wrapped msgstr, joined onto one line: the same text.
    wrapped = text.index('msgstr ""\n"', text.index("\n\n"))
    end = text.index("\n\n", wrapped)
    pieces = text[wrapped:end].split("\n")[1:]
    joined = "".join(piece[1:-1] for piece in pieces)
    po_path.write_text(f'{text[:wrapped]}msgstr "{joined}"{text[end:]}', encoding="utf-8")
    assert po_path.read_text(encoding="utf-8") != text

    result = translate(repository, "check")
    assert result.exit_code == 0, result.output
    assert "nothing touched" in translate(repository, "touch").output


def test_a_new_untracked_catalog_is_not_compared(repository, translate):
    po_path = interface_po(repository, "it")
    git(repository, "rm", "--quiet", "--cached", str(po_path.relative_to(repository)))
    git(repository, "commit", "--quiet", "-m", "without Italian's interface")
    po = polib.pofile(str(po_path))
    catalog_entry(po, "Page not found").msgstr = "Pagina non trovata (nuova)"
    po.save()
    result = translate(repository, "check")
    assert result.exit_code == 0, result.output


def test_outside_a_git_work_tree_the_rule_is_skipped(translations_copy, translate):
    po_path = interface_po(translations_copy, "es")
    po = polib.pofile(str(po_path))
    catalog_entry(po, "Page not found").msgstr = "Página inexistente"
    po.save()
    result = translate(translations_copy, "check")
    assert result.exit_code == 0, result.output


def test_without_git_the_rule_is_skipped(repository, translate, monkeypatch, tmp_path):
    po_path = interface_po(repository, "es")
    po = polib.pofile(str(po_path))
    catalog_entry(po, "Page not found").msgstr = "Página inexistente"
    po.save()
    assert translate(repository, "check").exit_code == 1
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    result = translate(repository, "check")
    assert result.exit_code == 0, result.output


def test_compile_writes_no_po_file(repository, translate):
    po_path = interface_po(repository, "es")
    edit_by_hand(po_path, 'msgstr "Página no encontrada"', 'msgstr "Página inexistente"')
    edited = po_path.read_bytes()
    assert translate(repository, "compile").exit_code == 0
    assert po_path.read_bytes() == edited
    assert shutil.which("git")  # the rule's tests need git, a development dependency
