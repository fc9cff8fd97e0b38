"""Where the translation files live: one interface catalog and one catalog per article,
per language, as Sphinx keeps one catalog per document.

    translations/messages.pot                               interface template
    translations/articles/<slug>.pot                        one article's template
    translations/<locale>/LC_MESSAGES/messages.po           interface catalog
    translations/<locale>/LC_MESSAGES/articles/<slug>.po    one article's catalog

Locale folders use Babel's names (pt_BR, zh_Hans); `.mo` files sit beside their `.po`.
"""

import os
import re
from pathlib import Path
from typing import NamedTuple

from service.config import StartupError
from service.i18n import parse_tag

INTERFACE_DOMAIN = "messages"
INTERFACE_TEMPLATE = f"{INTERFACE_DOMAIN}.pot"
ARTICLES_FOLDER = "articles"


class CatalogError(StartupError):
    """A catalog or a template is missing, unreadable or inconsistent."""


class CatalogFile(NamedTuple):
    """One language's catalog of the interface (`article` None) or of one article."""

    tag: str  # BCP 47 (pt-BR)
    article: str | None  # the article's slug
    po_path: Path

    @property
    def babel_name(self) -> str:
        return self.po_path.parents[2 if self.article else 1].name

    @property
    def mo_path(self) -> Path:
        return self.po_path.with_suffix(".mo")


def interface_template_path(translations_dir: Path) -> Path:
    return translations_dir / INTERFACE_TEMPLATE


def article_template_path(translations_dir: Path, slug: str) -> Path:
    return translations_dir / ARTICLES_FOLDER / f"{slug}.pot"


def language_folder(translations_dir: Path, babel_name: str) -> Path:
    return translations_dir / babel_name / "LC_MESSAGES"


def interface_catalog(translations_dir: Path, tag: str) -> CatalogFile:
    babel_name = tag.replace("-", "_")
    path = language_folder(translations_dir, babel_name) / f"{INTERFACE_DOMAIN}.po"
    return CatalogFile(tag, None, path)


def article_catalog(translations_dir: Path, tag: str, slug: str) -> CatalogFile:
    babel_name = tag.replace("-", "_")
    path = language_folder(translations_dir, babel_name) / ARTICLES_FOLDER / f"{slug}.po"
    return CatalogFile(tag, slug, path)


def check_readable(directory: Path):
    if not directory.is_dir() or not os.access(directory, os.R_OK | os.X_OK):
        raise CatalogError(f"{directory}: not a readable directory")


def unparsable(path: Path, error: Exception) -> CatalogError:
    """One line naming the file and, when the parser says it, the line: `path:26: ...`."""
    text = str(error)
    if match := re.search(r"\(line (\d+)\)(?::\s*(.*))?|on line (\d+)", text):
        line = match[1] or match[3]
        reason = match[2] or text.replace(str(path), "").strip(" :")
        return CatalogError(f"{path}:{line}: cannot be parsed: {reason}")
    return CatalogError(f"{path}: cannot be parsed: {text}")


def exists(path: Path) -> bool:
    """Whether a path exists; a path that cannot be looked at is an error, not absent."""
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read: {error.strerror}") from None
    return True


def _listed(directory: Path, pattern: str) -> list[Path]:
    """The files matching `pattern`; an unreadable folder is an error, never an empty list
    (a reload must not silently drop a language)."""
    check_readable(directory)
    try:
        return sorted(directory.glob(pattern))
    except OSError as error:
        raise CatalogError(f"{directory}: cannot be read: {error.strerror}") from None


def languages(translations_dir: Path) -> dict[str, str]:
    """Map each catalog language's BCP 47 tag to its Babel folder name, in tag order.

    Every locale folder must be readable and hold an interface catalog: an unreadable
    one is an error, never a language quietly left out."""
    check_readable(translations_dir)
    found = {}
    for folder in sorted(translations_dir.iterdir()):
        if folder.name == ARTICLES_FOLDER or not folder.is_dir():
            continue
        tag = parse_tag(folder.name)
        if tag is None or tag.babel_name != folder.name:
            raise CatalogError(f"{folder}: folder name is not a Babel locale name")
        check_readable(folder)
        check_readable(language_folder(translations_dir, folder.name))
        if not exists(interface := interface_catalog(translations_dir, tag.tag).po_path):
            raise CatalogError(f"{interface}: missing; run `make translations-update`")
        found[tag.tag] = folder.name
    return dict(sorted(found.items()))


def catalog_files(translations_dir: Path) -> list[CatalogFile]:
    """Every catalog: each language's interface catalog, then its article catalogs."""
    files = []
    for tag, babel_name in languages(translations_dir).items():
        files.append(interface_catalog(translations_dir, tag))
        folder = language_folder(translations_dir, babel_name) / ARTICLES_FOLDER
        if exists(folder):
            files += [CatalogFile(tag, path.stem, path) for path in _listed(folder, "*.po")]
    return files


def article_templates(translations_dir: Path) -> dict[str, Path]:
    """Each article template by slug."""
    folder = translations_dir / ARTICLES_FOLDER
    if not exists(folder):
        return {}
    return {path.stem: path for path in _listed(folder, "*.pot")}
