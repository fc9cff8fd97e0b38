"""Catalogs edited by hand: their translated text changed, their PO-Revision-Date not.

PO-Revision-Date is when an article's text in a language last changed, for the change
feed (service/modified.py). Poedit and the commands set it; a text editor does not. So
`translate check` compares each catalog with its last committed version (git's HEAD) and
fails when the translated text (service/catalogs.py text_digest) differs while the date
is the same; `translate touch` stamps the date.

git is a development dependency: where there is none, or the translations are in no git
work tree, or a catalog is new (not in HEAD), there is nothing to compare with and the
rule is skipped. Nothing here writes a file.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib

from service.catalog_checks import CatalogProblem, entry_label
from service.catalogs import text_digest

REVISION_DATE = "PO-Revision-Date"


def _git(directory: Path, *arguments: str) -> bytes | None:
    """git's output, run in `directory`; None if git is missing or fails."""
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=directory, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _names(output: bytes) -> set[str]:
    return {name.decode("utf-8", "surrogateescape") for name in output.split(b"\0") if name}


@dataclass(frozen=True)
class Committed:
    """What HEAD holds of a translations directory: its files, and those changed since
    (paths relative to the directory, with /)."""

    directory: Path
    in_head: frozenset[str]
    changed: frozenset[str]
    ref: str = "HEAD"  # the commit compared with (service/withdrawals.py may name another)

    @classmethod
    def of(cls, directory: Path, ref: str = "HEAD") -> "Committed | None":
        """None when git cannot tell: no git, no work tree, no commit yet (no such ref)."""
        # ls-tree and diff --relative name the files relative to `directory`.
        listed = _git(directory, "ls-tree", "-r", "-z", "--name-only", ref, "--", ".")
        changed = _git(directory, "diff", "--name-only", "-z", "--relative", ref, "--", ".")
        if listed is None or changed is None:
            return None
        return cls(directory, frozenset(_names(listed)), frozenset(_names(changed)), ref)

    def committed_bytes(self, name: str) -> bytes | None:
        """The committed bytes of a file (its path relative to the directory, with /)."""
        return _git(self.directory, "show", f"{self.ref}:./{name}")

    def _name(self, path: Path) -> str:
        return path.relative_to(self.directory).as_posix()

    def knows(self, path: Path) -> bool:
        """Whether HEAD has a version of the file."""
        return self._name(path) in self.in_head

    def version(self, path: Path) -> polib.POFile | None:
        """The committed version of a file that changed since HEAD, parsed; None if it
        did not change, is not in HEAD, or cannot be read or parsed."""
        name = self._name(path)
        if name not in self.changed or name not in self.in_head:
            return None
        data = self.committed_bytes(name)
        try:
            return polib.pofile(data.decode("utf-8"), check_for_duplicates=False) if data else None
        except (ValueError, UnicodeDecodeError):
            return None


def _texts(po: polib.POFile) -> dict[tuple, tuple]:
    """Each translated entry's text, by (msgctxt, msgid, msgid_plural): what text_digest
    covers, entry by entry."""
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        )
        for entry in po
        if entry.translated()
    }


def first_change(old: polib.POFile, new: polib.POFile) -> polib.POEntry | None:
    """The first entry, in the file's order, whose translated text is not the committed
    one (translated, changed, emptied or made fuzzy); None if only removals differ."""
    before, after = _texts(old), _texts(new)
    for entry in new:
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        if before.get(key) != after.get(key):
            return entry
    return None


def text_changed(old: polib.POFile, new: polib.POFile) -> bool:
    return text_digest(old) != text_digest(new)


def unstamped_edit(
    committed: Committed | None, po: polib.POFile, path: Path
) -> CatalogProblem | None:
    """The problem, if the catalog's translated text differs from HEAD's while its
    PO-Revision-Date is HEAD's."""
    old = committed.version(path) if committed else None
    if old is None or not text_changed(old, po):
        return None
    date = po.metadata.get(REVISION_DATE, "")
    if date != old.metadata.get(REVISION_DATE, ""):
        return None
    entry = first_change(old, po)
    return CatalogProblem(
        path,
        entry.linenum if entry else 1,
        entry_label(entry) if entry else "header",
        f"the translated text differs from the last commit but {REVISION_DATE} "
        f"({date}) does not: the change feed would miss the edit. Stamp it with "
        "`.venv/bin/flask --app service.cli:create_cli_app translate touch` "
        '(--translator "Name <email>" sets Last-Translator too)',
    )
