"""`flask translate ...` and `flask openapi ...`: the commands translators and CI run.

The translate commands wrap pybabel so a translator never types its options.
"""

import sys
import tempfile
from pathlib import Path

import click
import polib
from babel.messages.catalog import Catalog
from babel.messages.frontend import BaseError, CommandLineInterface
from babel.messages.pofile import read_po
from flask import Flask, current_app
from flask.cli import AppGroup

from service.catalog_checks import (
    MEDICAL_REVIEW,
    MEDICAL_REVIEW_DATE,
    NO_REVIEW,
    TRANSLATED_BY,
    check_catalog,
)
from service.catalogs import (
    DOMAIN,
    TEMPLATE_NAME,
    CatalogError,
    Completeness,
    catalog_paths,
    load_catalogs,
    load_template,
)
from service.config import REPOSITORY_DIR, from_environment
from service.i18n import parse_tag

translate = AppGroup("translate", help="Keep the translation catalogs up to date.")
openapi = AppGroup("openapi", help="Write or check the committed OpenAPI document.")

PROVENANCE_HEADERS = (TRANSLATED_BY, MEDICAL_REVIEW, MEDICAL_REVIEW_DATE)


def _translations_dir() -> Path:
    return current_app.config["TRANSLATIONS_DIR"]


def _pybabel(*arguments: str):
    """Run one pybabel command in-process, quietly but for errors; exit if it fails."""
    try:
        status = CommandLineInterface().run(["pybabel", "--quiet", *arguments])
    except BaseError as error:
        raise click.ClickException(str(error)) from None
    if status:
        raise click.ClickException(f"pybabel {arguments[0]} failed")


def _extract(output: Path):
    _pybabel(
        "extract",
        f"--mapping-file={REPOSITORY_DIR / 'babel.cfg'}",
        "--keyword=lazy_gettext",
        "--keyword=N_",
        "--add-comments=Translators:",
        "--no-location",
        "--project=patient-info-api",
        "--version=1",
        "--msgid-bugs-address=translations@patient-info.invalid",
        f"--output-file={output}",
        str(REPOSITORY_DIR),
    )


@translate.command("extract")
def extract_command():
    """Refresh messages.pot from the article files and the code."""
    _extract(_translations_dir() / TEMPLATE_NAME)
    click.echo(f"wrote {_translations_dir() / TEMPLATE_NAME}")


@translate.command("update")
def update_command():
    """Merge messages.pot into every catalog (changed strings become fuzzy)."""
    saved = {
        path: dict(polib.pofile(str(path)).metadata)
        for path in catalog_paths(_translations_dir()).values()
    }
    _pybabel(
        "update",
        f"--input-file={_translations_dir() / TEMPLATE_NAME}",
        f"--output-dir={_translations_dir()}",
        "--ignore-obsolete",
    )
    for path, metadata in saved.items():
        # pybabel drops headers it does not know; put the provenance back.
        catalog = polib.pofile(str(path))
        catalog.metadata.update(
            {name: metadata[name] for name in PROVENANCE_HEADERS if name in metadata}
        )
        catalog.save()
    click.echo(f"updated {len(saved)} catalogs")


@translate.command("init")
@click.argument("language")
@click.option("--translated-by", required=True, help="Who translates it (shown in the API).")
def init_command(language: str, translated_by: str):
    """Start a catalog for LANGUAGE (a BCP 47 tag such as pt-BR)."""
    tag = parse_tag(language)
    if tag is None:
        raise click.BadParameter(f"{language!r} is not a BCP 47 tag", param_hint="LANGUAGE")
    _pybabel(
        "init",
        f"--input-file={_translations_dir() / TEMPLATE_NAME}",
        f"--output-dir={_translations_dir()}",
        f"--locale={tag.babel_name}",
    )
    path = _translations_dir() / tag.babel_name / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog = polib.pofile(str(path))
    catalog.metadata.update({TRANSLATED_BY: translated_by, MEDICAL_REVIEW: NO_REVIEW})
    catalog.save()
    click.echo(f"created {path}")


@translate.command("compile")
def compile_command():
    """Compile every catalog to .mo (fuzzy entries are left out)."""
    _pybabel("compile", f"--directory={_translations_dir()}", f"--domain={DOMAIN}")


def _messages(catalog: Catalog) -> dict:
    """Each entry's content by (context, msgid): what a translator sees, not line numbers."""
    return {
        (message.context, message.id): (
            message.string,
            sorted(message.flags),
            message.auto_comments,
            message.user_comments,
            message.previous_id,
            message.locations,
        )
        for message in catalog
        if message.id
    }


def _differences(old: Catalog, new: Catalog) -> list[str]:
    """Entries that differ between two catalogs, ignoring dates and line numbers.

    (Babel's Catalog.is_identical, behind `pybabel update --check`, cannot look up
    entries that have a msgctxt, and compares line numbers.)
    """
    old_messages, new_messages = _messages(old), _messages(new)
    changed = []
    for key in sorted(old_messages.keys() | new_messages.keys(), key=str):
        before, after = old_messages.get(key), new_messages.get(key)
        if before != after:
            context, msgid = key
            state = "new" if before is None else "removed" if after is None else "changed"
            changed.append(f"{state}: {context or ''}|{str(msgid)[:50]!r}")
    return changed


def _read_catalog(path: Path) -> Catalog:
    with path.open("rb") as catalog_file:
        return read_po(catalog_file)


def _stale_entries(translations_dir: Path) -> list[str]:
    """What `flask translate extract` and then `update` would change, file by file."""
    committed_path = translations_dir / TEMPLATE_NAME
    with tempfile.TemporaryDirectory() as scratch:
        fresh_path = Path(scratch) / TEMPLATE_NAME
        _extract(fresh_path)
        fresh = _read_catalog(fresh_path)
    problems = [
        f"{committed_path}: {change}"
        for change in _differences(_read_catalog(committed_path), fresh)
    ]
    for path in catalog_paths(translations_dir).values():
        catalog = _read_catalog(path)
        updated = _read_catalog(path)
        updated.update(fresh)
        problems += [f"{path}: {change}" for change in _differences(catalog, updated)]
    return problems


@translate.command("check")
def check_command():
    """Fail, naming file, line and entry, if a catalog is broken or anything is stale."""
    translations_dir = _translations_dir()
    problems = _stale_entries(translations_dir)
    if problems:
        problems.append("the template or catalogs are stale: run `make translations-update`")
    broken = [
        str(problem)
        for path in catalog_paths(translations_dir).values()
        for problem in check_catalog(polib.pofile(str(path)), path, path.parent.parent.name)
    ]
    if broken:
        problems += [*broken, "fix these entries in your editor, then run `make translations`"]
    else:
        try:
            load_catalogs(translations_dir, load_template(translations_dir))
        except CatalogError as error:
            problems.append(str(error))
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    click.echo("template and catalogs are up to date")


@translate.command("status")
def status_command():
    """Print each language's translated, fuzzy and untranslated counts."""
    template = load_template(_translations_dir())
    threshold = current_app.config["TRANSLATION_COMPLETENESS_THRESHOLD"]
    click.echo(
        f"{'language':<10}{'translated':>11}{'fuzzy':>7}{'missing':>9}{'percent':>9}  offered"
    )
    for tag, catalog in load_catalogs(_translations_dir(), template).items():
        measured = Completeness.of(catalog, template.keys)
        missing = measured.total - measured.translated - measured.fuzzy
        offered = "yes" if measured.meets(threshold) else f"no (< {threshold}%)"
        click.echo(
            f"{tag:<10}{measured.translated:>11}{measured.fuzzy:>7}{missing:>9}"
            f"{measured.percent:>8.1f}%  {offered}"
        )


@openapi.command("write")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def openapi_write_command(path: Path):
    """Write the OpenAPI document the code generates to PATH."""
    path.write_bytes(current_app.extensions["openapi_document"].identity.body)
    click.echo(f"wrote {path}")


@openapi.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def openapi_check_command(path: Path):
    """Fail if PATH differs from the OpenAPI document the code generates."""
    generated = current_app.extensions["openapi_document"].identity.body
    if not path.is_file() or path.read_bytes() != generated:
        raise click.ClickException(f"{path} is stale: run `make openapi` and commit it")
    click.echo(f"{path} is up to date")


def register_commands(app: Flask):
    app.cli.add_command(translate)
    app.cli.add_command(openapi)


def create_cli_app() -> Flask:
    """An app with only the config and `translate`: it starts even when a catalog is broken."""
    app = Flask(__name__)
    app.config.from_mapping(from_environment())
    app.cli.add_command(translate)
    return app
