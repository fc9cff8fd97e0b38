"""Generate a synthetic corpus: N copies of the first article, each with its own catalogs.

Article i is the shipped article under the slug `synthetic-NNNN` with its title
numbered, plus a related-reading section (a list, marks, links to other articles); its
catalog in each language is the shipped one under the new message contexts, so bodies
keep the real sizes and scripts. Like a real corpus, languages
catch up at their own pace: per (article, language), most catalogs are complete, some
lack their last section, some are missing, a few have a fuzzy entry (`coverage`).
Interface catalogs are copied as shipped. The output is what the service reads
through CONTENT_DIR and TRANSLATIONS_DIR, compiled:

    python -m benchmarks.make_corpus --articles 1000 /tmp/corpus
    CONTENT_DIR=/tmp/corpus/articles TRANSLATIONS_DIR=/tmp/corpus/translations make run
"""

import argparse
import json
import re
import shutil
from pathlib import Path

import polib

from service.catalog_files import (
    article_catalog,
    article_template_path,
    catalog_files,
    interface_template_path,
    languages,
)
from service.catalogs import compile_catalog
from service.config import PACKAGE_DIR, REPOSITORY_DIR
from service.content.loader import parse_article_file

SEED_PATH = PACKAGE_DIR / "content" / "articles" / "laser-treatment-for-stretch-marks.md"
SHIPPED_TRANSLATIONS = REPOSITORY_DIR / "translations"
COMPLETE, PARTIAL, MISSING, FUZZY = "complete", "partial", "missing", "fuzzy"
# Out of every 20 (article, language) pairs: 16 complete, 2 partial, 1 missing, 1 fuzzy.
COVERAGE_CYCLE = (COMPLETE,) * 16 + (PARTIAL, PARTIAL, MISSING, FUZZY)


def synthetic_slug(number: int) -> str:
    return f"synthetic-{number:04d}"


def coverage(number: int, language_index: int) -> str:
    """How far article `number` is translated into the language at `language_index`.
    Article 1 is complete everywhere (the benchmark's sample section)."""
    if number == 1:
        return COMPLETE
    return COVERAGE_CYCLE[(number * 7 + language_index * 3) % len(COVERAGE_CYCLE)]


def _replace_line(text: str, key: str, value: str) -> str:
    """Set the one-line `key: ...` of the front matter to a new string value (a JSON
    string is a YAML string)."""
    replaced, count = re.subn(
        rf"^{key}: .*$", f"{key}: {json.dumps(value)}", text, count=1, flags=re.MULTILINE
    )
    if count != 1:
        raise ValueError(f"{SEED_PATH}: no one-line `{key}: ...` to replace")
    return replaced


def related_section(number: int) -> tuple[str, list[tuple[str, str]]]:
    """A section with a list, marks and links (to article 1 and the previous article),
    as Markdown, and its (heading or list item) strings."""
    previous = synthetic_slug(max(number - 1, 1))
    items = [
        f"Read [the first article](article:{synthetic_slug(1)}#pain) *before* treatment.",
        f"Compare it with [the previous one](article:{previous}).",
        "Ask your **clinic** or [a trusted source](https://medlineplus.gov/).",
    ]
    markdown = "\n## Related Reading {#related}\n\n" + "".join(f"- {item}\n" for item in items)
    return markdown, [("Related Reading", "Related Reading"), *((item, item) for item in items)]


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


def _article_catalog(
    seed: polib.POFile, seed_slug: str, number: int, how: str, tag: str | None
) -> polib.POFile:
    """The seed's catalog (or template, `tag` None) renumbered for article `number`, with
    its related section (marked `[tag]`: a stand-in translation that keeps the markup),
    translated `how`."""
    slug = synthetic_slug(number)
    catalog = polib.POFile(wrapwidth=0)  # long lines: wrapping would take most of the run
    catalog.metadata = dict(seed.metadata)
    catalog.header = seed.header
    entries = [_renumbered(entry, seed_slug, slug, number) for entry in seed if not entry.obsolete]
    entries += [
        polib.POEntry(
            msgctxt=f"{slug}/related", msgid=english, msgstr=f"[{tag}] {text}" if tag else ""
        )
        for english, text in related_section(number)[1]
    ]
    last_section = entries[-1].msgctxt
    for entry in entries:
        if how == PARTIAL and entry.msgctxt == last_section:
            entry.msgstr = ""
        elif how == FUZZY and entry is entries[1]:
            entry.flags.append("fuzzy")
    catalog.extend(entries)
    return catalog


def write_corpus(output_dir: Path, count: int) -> tuple[Path, Path]:
    """Write `count` articles, their templates and catalogs, compiled; return the
    content and translations directories."""
    content_dir = output_dir / "articles"
    translations_dir = output_dir / "translations"
    content_dir.mkdir(parents=True, exist_ok=True)
    seed_text = SEED_PATH.read_text(encoding="utf-8")
    seed = parse_article_file(seed_text.encode(), str(SEED_PATH))
    for number in range(1, count + 1):
        text = _replace_line(seed_text, "slug", synthetic_slug(number))
        text = _replace_line(text, "title", f"{seed.title} ({number})") + related_section(number)[0]
        (content_dir / f"{synthetic_slug(number)}.md").write_text(text, encoding="utf-8")
    for file in catalog_files(SHIPPED_TRANSLATIONS):
        if file.article is None:
            target = translations_dir / file.po_path.relative_to(SHIPPED_TRANSLATIONS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file.po_path, target)
    shutil.copyfile(
        interface_template_path(SHIPPED_TRANSLATIONS), interface_template_path(translations_dir)
    )
    seed_template = polib.pofile(str(article_template_path(SHIPPED_TRANSLATIONS, seed.slug)))
    seed_catalogs = {
        tag: polib.pofile(str(article_catalog(SHIPPED_TRANSLATIONS, tag, seed.slug).po_path))
        for tag in languages(SHIPPED_TRANSLATIONS)
    }
    for number in range(1, count + 1):
        slug = synthetic_slug(number)
        template_path = article_template_path(translations_dir, slug)
        template_path.parent.mkdir(parents=True, exist_ok=True)
        _article_catalog(seed_template, seed.slug, number, COMPLETE, None).save(str(template_path))
        for index, (tag, seed_catalog) in enumerate(seed_catalogs.items()):
            how = coverage(number, index)
            if how != MISSING:
                path = article_catalog(translations_dir, tag, slug).po_path
                path.parent.mkdir(parents=True, exist_ok=True)
                _article_catalog(seed_catalog, seed.slug, number, how, tag).save(str(path))
    for file in catalog_files(translations_dir):
        if problems := compile_catalog(file):
            raise ValueError(problems[0])
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
