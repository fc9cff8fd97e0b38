"""Generate a synthetic corpus: N copies of the first article in nine languages.

Article i is the shipped article under the slug `synthetic-NNNN` with its title
numbered; its catalog entries are the shipped translations under the new message
contexts, so bodies keep the real sizes and scripts. Interface strings are copied as
shipped. The output is what the service reads through CONTENT_DIR and TRANSLATIONS_DIR:

    python -m benchmarks.make_corpus --articles 1000 /tmp/corpus
    CONTENT_DIR=/tmp/corpus/articles TRANSLATIONS_DIR=/tmp/corpus/translations make run
"""

import argparse
import json
import re
from pathlib import Path

import polib
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from service.catalogs import TEMPLATE_NAME, catalog_paths
from service.config import PACKAGE_DIR, REPOSITORY_DIR
from service.content.loader import parse_article

SEED_PATH = PACKAGE_DIR / "content" / "articles" / "laser-treatment-for-stretch-marks.toml"
SHIPPED_TRANSLATIONS = REPOSITORY_DIR / "translations"


def synthetic_slug(number: int) -> str:
    return f"synthetic-{number:04d}"


def _replace_line(text: str, key: str, value: str) -> str:
    """Set the top-level `key = "..."` line of a TOML document to a new string value."""
    replaced, count = re.subn(
        rf"^{key} = .*$", f"{key} = {json.dumps(value)}", text, count=1, flags=re.MULTILINE
    )
    if count != 1:
        raise ValueError(f"{SEED_PATH}: no one-line `{key} = ...` to replace")
    return replaced


def _renumbered(entry: polib.POEntry, seed_slug: str, slug: str, number: int) -> polib.POEntry:
    """The seed's catalog entry as it reads for synthetic article `number`."""
    is_title = entry.msgctxt.endswith("/title")
    return polib.POEntry(
        msgctxt=slug + entry.msgctxt.removeprefix(seed_slug),
        msgid=f"{entry.msgid} ({number})" if is_title else entry.msgid,
        msgstr=f"{entry.msgstr} ({number})" if is_title and entry.msgstr else entry.msgstr,
        flags=list(entry.flags),
        comment=entry.comment,
    )


def _catalog(shipped: polib.POFile, seed_slug: str, count: int) -> polib.POFile:
    """Interface entries as shipped, then the seed's article entries once per article."""
    article_prefix = f"{seed_slug}/"
    catalog = polib.POFile(wrapwidth=0)  # long lines: wrapping would take most of the run
    catalog.metadata = dict(shipped.metadata)
    catalog.header = shipped.header
    seed_entries = []
    for entry in (entry for entry in shipped if not entry.obsolete):
        if (entry.msgctxt or "").startswith(article_prefix):
            seed_entries.append(entry)
        else:
            catalog.append(entry)
    for number in range(1, count + 1):
        slug = synthetic_slug(number)
        catalog.extend(_renumbered(entry, seed_slug, slug, number) for entry in seed_entries)
    return catalog


def _write_mo(catalog: polib.POFile, path: Path, locale: str):
    """Compile with Babel, as `make translations` does (fuzzy entries left out)."""
    compiled = Catalog(locale=locale)
    for entry in catalog.translated_entries():
        compiled.add(entry.msgid, entry.msgstr, context=entry.msgctxt)
    with path.open("wb") as mo_file:
        write_mo(mo_file, compiled)


def write_corpus(output_dir: Path, count: int) -> tuple[Path, Path]:
    """Write `count` articles and every catalog (.pot, .po, .mo); return both directories."""
    content_dir = output_dir / "articles"
    translations_dir = output_dir / "translations"
    content_dir.mkdir(parents=True, exist_ok=True)
    seed_text = SEED_PATH.read_text(encoding="utf-8")
    seed = parse_article(seed_text.encode(), str(SEED_PATH))
    for number in range(1, count + 1):
        slug = synthetic_slug(number)
        text = _replace_line(seed_text, "slug", slug)
        text = _replace_line(text, "title", f"{seed.title} ({number})")
        path = content_dir / f"{slug}.toml"
        path.write_text(text, encoding="utf-8")
    template = SHIPPED_TRANSLATIONS / TEMPLATE_NAME
    for source in (template, *catalog_paths(SHIPPED_TRANSLATIONS).values()):
        catalog = _catalog(polib.pofile(str(source)), seed.slug, count)
        target = translations_dir / source.relative_to(SHIPPED_TRANSLATIONS)
        target.parent.mkdir(parents=True, exist_ok=True)
        catalog.save(str(target))
        if source != template:
            _write_mo(catalog, target.with_suffix(".mo"), target.parent.parent.name)
    return content_dir, translations_dir


def main():
    """Write a corpus of --articles articles into OUTPUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    arguments = parser.parse_args()
    content_dir, translations_dir = write_corpus(arguments.output_dir, arguments.articles)
    print(f"CONTENT_DIR={content_dir} TRANSLATIONS_DIR={translations_dir}")


if __name__ == "__main__":
    main()
