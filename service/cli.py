"""`flask translate ...` and `flask openapi ...`: the commands translators and CI run.

Each article has its own template and, per language, its own catalog
(service/catalog_files.py); the interface strings have one. The commands keep them
all in step, so a translator never types a pybabel line.
"""

import datetime
import re
import sys
import unicodedata
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from service import catalog_maintenance as maintenance
from service import hand_edits
from service.catalog_checks import NO_REVIEW, PLACEHOLDER_HEADER_VALUES, check_catalog
from service.catalog_files import (
    CatalogError,
    article_catalog,
    article_templates,
    catalog_files,
    exists,
    interface_template_path,
    languages,
)
from service.catalogs import (
    PO_DATE_FORMAT,
    Completeness,
    compile_catalog,
    outdated_review,
    read_po,
    review_of,
)
from service.compiled_store import compile_store
from service.config import StartupError, from_environment
from service.content.importer import markdown_from_plain_text
from service.content.loader import load_articles
from service.content.markdown import parse_markdown_article
from service.i18n import parse_tag
from service.openapi import render_document
from service.withdrawals import unwithdrawn_removals


class TranslateGroup(AppGroup):
    """Commands whose broken input (a catalog, an article) is one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StartupError as error:
            raise click.ClickException(str(error)) from None


translate = TranslateGroup("translate", help="Keep the translation catalogs up to date.")
content = TranslateGroup("content", help="Make article files.")
openapi = AppGroup("openapi", help="Write or check the committed OpenAPI document.")


def _translations_dir() -> Path:
    return current_app.config["TRANSLATIONS_DIR"]


def _all_articles():
    return load_articles(current_app.config["CONTENT_DIR"])


def _articles():
    """The published articles: those that need templates and translations (a withdrawn
    one needs none, and its catalogs may stay)."""
    return [article for article in _all_articles() if article.metadata.withdrawn is None]


def _kept_slugs() -> set[str]:
    """Every article with a file, withdrawn ones included: their catalogs are no orphans."""
    return {article.slug for article in _all_articles()}


def _fail(problems: list[str], advice: str):
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(advice, err=True)
    sys.exit(1)


def _report_orphans(translations_dir: Path, slugs: set[str]):
    for path in maintenance.orphans(translations_dir, slugs):
        click.echo(
            f"warning: {path} belongs to no article; delete it (git rm) if the article "
            "was removed on purpose",
            err=True,
        )


@translate.command("extract")
def extract_command():
    """Refresh the templates: messages.pot from the code, one per article."""
    translations_dir, articles = _translations_dir(), _articles()
    fresh = maintenance.templates(translations_dir, articles)
    written = [path for path, catalog in fresh.items() if maintenance.write_template(path, catalog)]
    click.echo(f"{len(written)} of {len(fresh)} templates changed")
    _report_orphans(translations_dir, _kept_slugs())


@translate.command("update")
def update_command():
    """Merge every template into every language's catalog; new articles get empty
    catalogs in every language (changed strings become fuzzy)."""
    translations_dir, articles = _translations_dir(), _articles()
    slugs = {article.slug for article in articles}
    template_paths = [interface_template_path(translations_dir)] + [
        path for slug, path in article_templates(translations_dir).items() if slug in slugs
    ]
    created = changed = 0
    for file in maintenance.every_catalog(translations_dir, template_paths):
        template = maintenance.read_catalog(maintenance.template_of(translations_dir, file))
        if exists(file.po_path):
            changed += maintenance.replace(file.po_path, maintenance.merged(file, template))
        else:
            maintenance.replace(file.po_path, maintenance.new_catalog(file, template))
            created += 1
            click.echo(f"created {file.po_path}")
    click.echo(f"{changed} catalogs updated, {created} created")
    _report_orphans(translations_dir, _kept_slugs())


@translate.command("init")
@click.argument("language")
@click.option("--translated-by", required=True, help="Who translates it (shown in the API).")
def init_command(language: str, translated_by: str):
    """Start LANGUAGE (a BCP 47 tag such as pt-BR): its interface catalog and one
    catalog per article. Refuses to touch a language that has any catalog."""
    tag = parse_tag(language)
    if tag is None:
        raise click.BadParameter(f"{language!r} is not a BCP 47 tag", param_hint="LANGUAGE")
    translations_dir = _translations_dir()
    templates = [
        interface_template_path(translations_dir),
        *article_templates(translations_dir).values(),
    ]
    files = [maintenance.catalog_for(translations_dir, tag.tag, path) for path in templates]
    if existing := [file.po_path for file in files if exists(file.po_path)]:
        raise click.ClickException(
            f"{tag.tag} already has {len(existing)} catalogs (such as {existing[0]}); "
            "nothing was written. `make translations-update` adds catalogs for new articles."
        )
    for file, template_path in zip(files, templates, strict=True):
        template = maintenance.read_catalog(template_path)
        maintenance.replace(file.po_path, maintenance.new_catalog(file, template, translated_by))
    click.echo(f"created {len(files)} catalogs for {tag.tag}")


@translate.command("split")
def split_command():
    """Move article strings out of each language's messages.po into one catalog per
    article (for catalogs made before per-article catalogs); keeps every translation."""
    translations_dir = _translations_dir()
    for tag in languages(translations_dir):
        for path in maintenance.split_language(translations_dir, tag):
            click.echo(f"wrote {path}")
    click.echo("now run `make translations-update` to write the per-article templates")


@translate.command("compile")
def compile_command():
    """Check every catalog and compile it to .mo (fuzzy entries are left out)."""
    problems: list[str] = []
    for file in catalog_files(_translations_dir()):
        try:
            problems += map(str, compile_catalog(file))
        except CatalogError as error:  # one that cannot be parsed: the others still compile
            problems.append(str(error))
    if problems:
        _fail(problems, "fix these entries in your editor, then run `make translations` again")


def _stale(translations_dir: Path, articles, broken: set[Path]) -> list[str]:
    """What `flask translate extract` and then `update` would change, file by file (the
    catalogs in `broken`, which cannot be parsed, left out)."""
    problems = []
    fresh = maintenance.templates(translations_dir, articles)
    for path, template in fresh.items():
        if not exists(path):
            problems.append(f"{path}: missing")
            continue
        problems += [
            f"{path}: {change}"
            for change in maintenance.differences(maintenance.read_catalog(path), template)
        ]
    for file in maintenance.every_catalog(translations_dir, fresh):
        if file.po_path in broken:
            continue
        if not exists(file.po_path):
            problems.append(f"{file.po_path}: missing")
            continue
        template = fresh[maintenance.template_of(translations_dir, file)]
        problems += [
            f"{file.po_path}: {change}" for change in maintenance.merge_differences(file, template)
        ]
    return problems


@translate.command("check")
@click.option(
    "--base",
    default="HEAD",
    show_default=True,
    help="The commit an article file may not vanish from unless withdrawn there (in CI: "
    "the branch a pull request merges into, such as origin/main).",
)
def check_command(base: str):
    """Fail, naming file, line and entry, if a catalog is broken or anything is stale,
    or an article file was removed without being withdrawn first."""
    translations_dir, articles = _translations_dir(), _articles()
    problems, broken = [], set()
    committed = hand_edits.Committed.of(translations_dir)  # None: no git to compare with
    for file in catalog_files(translations_dir):
        try:
            po = read_po(file.po_path)
        except CatalogError as error:
            problems.append(str(error))
            broken.add(file.po_path)
            continue
        problems += map(str, check_catalog(po, file.po_path, file.babel_name))
        if unstamped := hand_edits.unstamped_edit(committed, po, file.po_path):
            problems.append(str(unstamped))
        if warning := outdated_review(po):
            click.echo(f"warning: {file.po_path}: {warning}", err=True)
    if stale := _stale(translations_dir, articles, broken):
        problems += [*stale, "the templates or catalogs are stale: run `make translations-update`"]
    problems += [
        f"{path}: belongs to no article: delete it, or restore the article"
        for path in maintenance.orphans(translations_dir, _kept_slugs())
    ]
    problems += unwithdrawn_removals(current_app.config["CONTENT_DIR"], base)
    if problems:
        _fail(problems, "fix these, then run `make translations-check` again")
    click.echo("templates and catalogs are up to date")


def _catalog_language(translations_dir: Path, language: str) -> str:
    """The tag of the language --lang names, as a BCP 47 tag or a folder name (pt_BR)."""
    for tag, babel_name in languages(translations_dir).items():
        if language in (tag, babel_name):
            return tag
    raise click.BadParameter(f"no catalogs for {language!r}", param_hint="--lang")


@translate.command("touch")
@click.option("--lang", "language", help="Only this language's catalogs (BCP 47 tag).")
@click.option("--article", help="Only this article's catalogs (slug).")
@click.option("--translator", help='Also set Last-Translator ("Name <email>").')
def touch_command(language: str | None, article: str | None, translator: str | None):
    """Set PO-Revision-Date to now (and Last-Translator, with --translator) in each
    catalog whose translated text differs from the last commit (git's HEAD): what a text
    editor, unlike Poedit, does not do. A catalog git has no committed version of (a new
    one, or no git work tree) is stamped too. Comments and wrapping alone are no change."""
    if translator is not None:
        translator = _header_value("--translator", translator)
    translations_dir = _translations_dir()
    files = catalog_files(translations_dir)
    if language is not None:
        tag = _catalog_language(translations_dir, language)
        files = [file for file in files if file.tag == tag]
    if article is not None:
        files = [file for file in files if file.article == article]
        if not files:
            raise click.BadParameter(f"no catalogs of {article!r}", param_hint="--article")
    committed = hand_edits.Committed.of(translations_dir)
    stamp = maintenance.now().strftime(PO_DATE_FORMAT)
    headers = {hand_edits.REVISION_DATE: stamp}
    if translator is not None:
        headers["Last-Translator"] = translator
    touched = 0
    for file in files:
        if committed is not None and committed.knows(file.po_path):
            old = committed.version(file.po_path)  # None: unchanged since HEAD
            if old is None or not hand_edits.text_changed(
                old, maintenance.read_for_edit(file.po_path)
            ):
                continue
        try:
            maintenance.set_headers(file.po_path, headers)
        except CatalogError as error:
            raise click.ClickException(str(error)) from None
        touched += 1
        click.echo(f"touched {file.po_path}: {hand_edits.REVISION_DATE} {stamp}")
    if not touched:
        click.echo("no catalog's translated text differs from the last commit: nothing touched")


def _status_row(measured: Completeness, reviewed: str) -> str:
    missing = measured.total - measured.translated - measured.fuzzy
    return (
        f"{measured.translated:>11}{measured.fuzzy:>7}{missing:>9}"
        f"{measured.percent:>8.1f}%  {reviewed}"
    )


@translate.command("status")
@click.option("--lang", "language", help="Only this language (BCP 47 tag).")
@click.option("--article", help="Only this article (slug).")
def status_command(language: str | None, article: str | None):
    """Print a table of articles x languages (translated, fuzzy, missing, reviewed), then
    a summary per language, from the .po files as they are now."""
    translations_dir = _translations_dir()
    threshold = current_app.config["TRANSLATION_COMPLETENESS_THRESHOLD"]
    articles = [each for each in _articles() if article in (None, each.slug)]
    tags = [tag for tag in languages(translations_dir) if language in (None, tag)]
    if article and not articles:
        raise click.BadParameter(f"no article {article!r}", param_hint="--article")
    if language and not tags:
        raise click.BadParameter(f"no catalogs for {language!r}", param_hint="--lang")
    header = f"{'translated':>11}{'fuzzy':>7}{'missing':>9}{'percent':>9}  medical review"
    click.echo(f"{'article':<40}{'language':<10}{header}")
    summary = {tag: [0, 0] for tag in tags}  # articles available, articles
    unreadable = []
    for each in articles:
        for tag in tags:
            po_path = article_catalog(translations_dir, tag, each.slug).po_path
            summary[tag][1] += 1
            try:
                measured, reviewed = _measure(po_path, each.messages())
            except CatalogError as error:  # the other rows still matter: say it, go on
                unreadable.append(str(error))
                click.echo(f"{each.slug[:39]:<40}{tag:<10}{'cannot be parsed':>36}")
                continue
            summary[tag][0] += measured.meets(threshold)
            click.echo(f"{each.slug[:39]:<40}{tag:<10}{_status_row(measured, reviewed)}")
    click.echo(f"\n{'language':<10}{'articles served':>16}  (threshold {threshold}%)")
    for tag, (available, total) in summary.items():
        click.echo(f"{tag:<10}{f'{available} of {total}':>16}")
    if unreadable:
        _fail(unreadable, "fix these in your editor; `make translations-check` lists the rest")


def _measure(po_path: Path, keys) -> tuple[Completeness, str]:
    """How much of `keys` a .po translates, and its medical review ("none" or who)."""
    if not exists(po_path):
        return Completeness(0, 0, len(keys)), "(no catalog)"
    po = read_po(po_path)
    entries = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    translated = sum(1 for key in keys if key in entries and entries[key].translated())
    fuzzy = sum(1 for key in keys if key in entries and entries[key].fuzzy)
    try:
        review = review_of(po)
    except ValueError:
        return Completeness(translated, fuzzy, len(keys)), "(review date invalid)"
    state = f"{review.status} ({review.reviewer}, {review.date})" if review.reviewer else "none"
    return Completeness(translated, fuzzy, len(keys)), state


# A reviewer in UTC+14 may date a review the day after UTC's: later than that is future.
_EARLIEST_TIME_ZONE = datetime.timedelta(hours=14)


def _review_date(text: str | None) -> datetime.date:
    """--date: YYYY-MM-DD, not after today anywhere on Earth; today's date by default."""
    if text is None:
        return datetime.date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            raise ValueError
        date = datetime.date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(
            f"--date {text!r} is not a date like 2026-11-20; nothing was written"
        ) from None
    if date > (datetime.datetime.now(datetime.UTC) + _EARLIEST_TIME_ZONE).date():
        raise click.ClickException(f"--date {text} is in the future; nothing was written")
    return date


def _header_value(option: str, text: str) -> str:
    """A header value on one line, written by a person (not a gettext placeholder)."""
    value = text.strip()
    if not value or any(unicodedata.category(char)[0] == "C" for char in value):
        raise click.ClickException(f"{option} must be one line of text; nothing was written")
    if value.lower() == NO_REVIEW or any(each in value for each in PLACEHOLDER_HEADER_VALUES):
        raise click.ClickException(f"{option} {value!r} names no one; nothing was written")
    return value


@translate.command("review")
@click.option("--article", "slug", required=True, help="The article (slug).")
@click.option("--lang", "language", required=True, help="Its language (BCP 47 tag).")
@click.option("--reviewer", required=True, help="The medical reviewer's name.")
@click.option("--qualification", required=True, help="The reviewer's qualification.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The review's date (today).")
def review_command(slug: str, language: str, reviewer: str, qualification: str, date_text):
    """Record a medical review of one article's catalog in one language: its reviewer,
    qualification, date and the digest of the text reviewed, in the catalog's headers.
    Refuses a catalog that is not complete or fails the checks. Once the text changes,
    the service publishes the review as outdated (not reviewed)."""
    date = _review_date(date_text)
    reviewer = _header_value("--reviewer", reviewer)
    qualification = _header_value("--qualification", qualification)
    tag = parse_tag(language)
    article = next((each for each in _articles() if each.slug == slug), None)
    if article is None:
        raise click.ClickException(f"no article {slug!r}; nothing was written")
    translations_dir = _translations_dir()
    if tag is None or tag.tag not in languages(translations_dir):
        raise click.ClickException(f"no catalogs for {language!r}; nothing was written")
    file = article_catalog(translations_dir, tag.tag, slug)
    if not exists(file.po_path):
        raise click.ClickException(f"{file.po_path}: missing; run `make translations-update`")
    po = read_po(file.po_path)
    if problems := check_catalog(po, file.po_path, file.babel_name):
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise click.ClickException(
            f"{problems[0]}{more}: fix the catalog (`make translations-check`), then review "
            "it; nothing was written"
        )
    if maintenance.merge_differences(file, maintenance.article_template(article)):
        raise click.ClickException(
            f"{file.po_path}: stale against the article's English: run "
            "`make translations-update`, translate, then review; nothing was written"
        )
    measured, _ = _measure(file.po_path, article.messages())
    if measured.translated < measured.total:
        raise click.ClickException(
            f"{file.po_path}: {measured.translated} of {measured.total} entries translated "
            f"({measured.fuzzy} fuzzy): only a complete catalog can be reviewed; "
            "nothing was written"
        )
    digest = maintenance.record_review(file, reviewer, qualification, date)
    click.echo(
        f"recorded the review of {file.po_path} by {reviewer} on {date} ({digest}); "
        "run `make translations` to publish it"
    )


def _xliff():
    """service.catalog_xliff, imported when an XLIFF command runs: translate-toolkit (and
    lxml) would otherwise load into every serving worker, which never uses them."""
    from service import catalog_xliff  # noqa: PLC0415

    return catalog_xliff


@translate.command("export-xliff")
@click.option("--lang", "language", required=True, help="The language (BCP 47 tag).")
@click.option("--article", help="Only this article's catalog (slug); default: every catalog.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The XLIFF file to write (default: standard output).",
)
def export_xliff_command(language: str, article: str | None, output: Path | None):
    """Write one language's catalogs as XLIFF 1.2 for a CAT tool: its interface catalog
    and every article's, or one article's; `import-xliff` reads it back."""
    translations_dir = _translations_dir()
    tag = _catalog_language(translations_dir, language)
    if article is None:
        files = [file for file in catalog_files(translations_dir) if file.tag == tag]
    else:
        files = [article_catalog(translations_dir, tag, article)]
        if not exists(files[0].po_path):
            raise click.BadParameter(f"{tag} has no catalog of {article!r}", param_hint="--article")
    data, count = _xliff().export(translations_dir, files, tag)
    if output is None:
        click.echo(data, nl=False)
        return
    output.write_bytes(data)
    click.echo(f"wrote {output}: {count} units from {len(files)} catalogs")


@translate.command("import-xliff")
@click.argument("xliff_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_xliff_command(xliff_file: Path):
    """Write the translations of an XLIFF from `export-xliff` into their catalogs, after
    the checks `translate check` runs; if anything is wrong, write nothing."""
    translations_dir = _translations_dir()
    try:
        units = _xliff().read_units(xliff_file.read_bytes())
    except ValueError as error:
        raise click.ClickException(f"{xliff_file}: cannot be read as XLIFF 1.2: {error}") from None
    result = _xliff().import_units(translations_dir, units, str(xliff_file))
    if result.problems:
        _fail(result.problems, "nothing was written: fix these in the CAT tool and import again")
    for path, changed in result.written.items():
        click.echo(f"updated {path}: {changed} entries")
    click.echo(
        f"{sum(result.written.values())} entries changed in {len(result.written)} catalogs; "
        "run `make translations-check`"
    )


@content.command("import")
@click.argument("text_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The article's slug (its file name).")
@click.option(
    "--section-id",
    "section_ids",
    multiple=True,
    metavar="HEADING=ID",
    help="The id a heading's section gets instead of its slug (repeatable).",
)
def import_command(text_file: Path, slug: str, section_ids: tuple[str, ...]):
    """Write a Markdown article file from a plain-text article (first line the title,
    short lines without final punctuation the headings, blank lines between paragraphs)
    into CONTENT_DIR, for an editor to review: it refuses to overwrite one."""
    ids = dict(pair.rpartition("=")[::2] for pair in section_ids)
    target = current_app.config["CONTENT_DIR"] / f"{slug}.md"
    if exists(target):
        raise click.ClickException(f"{target} already exists; nothing was written")
    text = text_file.read_text(encoding="utf-8")
    try:
        markdown = markdown_from_plain_text(text, slug, ids)
    except ValueError as error:
        raise click.ClickException(f"{text_file}: {error}") from None
    parse_markdown_article(markdown.encode(), str(target))  # what start-up will read
    target.write_text(markdown, encoding="utf-8")
    click.echo(f"wrote {target}: review its front matter (attribution, codes, review status)")


@openapi.command("write")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def openapi_write_command(path: Path):
    """Write the OpenAPI document the code generates to PATH."""
    path.write_bytes(render_document(current_app))
    click.echo(f"wrote {path}")


@openapi.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def openapi_check_command(path: Path):
    """Fail if PATH differs from the OpenAPI document the code generates."""
    generated = render_document(current_app)
    if not path.is_file() or path.read_bytes() != generated:
        raise click.ClickException(f"{path} is stale: run `make openapi` and commit it")
    click.echo(f"{path} is up to date")


store = AppGroup("store", help="Compile the payload store ahead of serving.")


@store.command("compile")
def store_compile_command():
    """Build every payload and write the store to STORE_PATH (unless it is up to date)."""
    config = current_app.config
    if not config["STORE_PATH"]:
        raise click.ClickException("STORE_PATH is not set: say where to write the store")
    try:
        written = compile_store(config, config["STORE_PATH"])  # its bundles, or None
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{config['STORE_PATH']}: {'compiled' if written else 'up to date'}")
    if written:
        click.echo(written.summary())


def register_commands(app: Flask):
    app.cli.add_command(translate)
    app.cli.add_command(content)
    app.cli.add_command(openapi)


def create_cli_app() -> Flask:
    """An app with only the config and `translate`: it starts even when a catalog is broken."""
    app = Flask(__name__)
    app.config.from_mapping(from_environment())
    app.cli.add_command(translate)
    app.cli.add_command(content)
    app.cli.add_command(store)
    return app
