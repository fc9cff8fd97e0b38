"""Many articles, each translated at its own pace: per-article catalogs, availability and
provenance, through the real app, the translator commands, gunicorn and nginx."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from benchmarks.nginx import NGINX, NGINX_MISSING, running_nginx
from service import create_app, reload_store
from service.catalogs import Completeness, text_digest
from service.cli import create_cli_app
from tests.helpers import (
    FIRST_LANGUAGES,
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    SLUG,
    TRANSLATED_LANGUAGES,
    article_po,
    compile_catalogs,
    interface_po,
    running_gunicorn,
    wait_for,
)

SECOND = "sun-protection-after-treatment"
SECOND_ARTICLE = f'''slug = "{SECOND}"
title = "Sun Protection After Treatment"

[metadata]
attribution = "Test article"
clinical_review = "not_reviewed"

[[metadata.codes]]
system = "icd10cm"
code = "L55.9"
display = "Sunburn, unspecified"

[[sections]]
id = "overview"
paragraphs = ["Treated skin burns easily for several weeks."]

[[sections]]
id = "what-to-do"
heading = "What To Do"
paragraphs = ["Cover the treated area.", "Ask your clinic which sunscreen to use."]
'''
# The second article in French, all of it, and its Spanish title and overview only.
FRENCH = {
    "Sun Protection After Treatment": "Protection solaire après le traitement",
    "Treated skin burns easily for several weeks.": (
        "La peau traitée brûle facilement pendant plusieurs semaines."
    ),
    "What To Do": "Que faire",
    "Cover the treated area.": "Couvrez la zone traitée.",
    "Ask your clinic which sunscreen to use.": (
        "Demandez à votre clinique quelle crème solaire utiliser."
    ),
}
SPANISH_PART = {
    "Sun Protection After Treatment": "Protección solar después del tratamiento",
    "Treated skin burns easily for several weeks.": (
        "La piel tratada se quema con facilidad durante varias semanas."
    ),
}


@pytest.fixture
def tree(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The shipped content and catalogs, writable, with the translator commands aimed at them."""
    content, translations = tmp_path / "articles", tmp_path / "translations"
    shutil.copytree(SHIPPED_CONTENT, content)
    shutil.copytree(SHIPPED_TRANSLATIONS, translations)
    monkeypatch.setenv("CONTENT_DIR", str(content))
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations))
    return content, translations


def translate(*arguments: str):
    """`flask translate ...`, as `make translations-*` runs it."""
    return create_cli_app().test_cli_runner().invoke(args=["translate", *arguments])


def add_second_article(content: Path):
    """What the README tells a clinic: one new file, then `make translations-update`."""
    (content / f"{SECOND}.toml").write_text(SECOND_ARTICLE, encoding="utf-8")
    for command in ("extract", "update", "compile"):
        result = translate(command)
        assert result.exit_code == 0, result.output


def translate_second(translations: Path, babel_name: str, texts: dict, **headers: str):
    """Fill the second article's catalog in one language, with its own headers."""
    path = article_po(translations, babel_name, SECOND)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = texts.get(entry.msgid, "")
    catalog.metadata.update(headers)
    catalog.save()
    compile_catalogs(translations)


def app_for(tree, **config):
    content, translations = tree
    return create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations, **config})


def get(client, path: str, accept_language: str = "", **query):
    response = client.get(path, headers={"Accept-Language": accept_language}, query_string=query)
    assert response.status_code == 200, response.data
    return response


@pytest.fixture(scope="module")
def shipped_client():
    return create_app({"TESTING": True}).test_client()


def first_article_resources() -> list[str]:
    article = f"/v1/articles/{SLUG}"
    return [article, f"{article}/sections", f"{article}/sections/pain"]


def test_a_new_english_only_article_changes_nothing_for_the_first(tree, shipped_client):
    content, _ = tree
    add_second_article(content)
    client = app_for(tree).test_client()
    for tag in TRANSLATED_LANGUAGES:
        for path in first_article_resources():
            for accept in ("application/json", "application/ld+json", "application/fhir+json"):
                if accept != "application/json" and path.endswith(("sections", "pain")):
                    continue
                headers = {"Accept-Language": tag, "Accept": accept}
                before = shipped_client.get(path, headers=headers)
                after = client.get(path, headers=headers)
                assert after.data == before.data, (tag, path, accept)
                assert after.headers["ETag"] == before.headers["ETag"]
    # The new one is served in English, saying what was asked for.
    section = get(client, f"/v1/articles/{SECOND}/sections/overview", "es-MX").get_json()
    assert (section["language"], section["requested_language"]) == ("en", "es-MX")
    assert section["translation"] is None
    # Every language stays offered and says how many articles it has.
    languages = get(client, "/v1/languages").get_json()["languages"]
    for language in languages:
        assert language["offered"], language["tag"]
        expected = 2 if language["tag"] == "en" else 1
        assert language["articles_available"] == expected, language["tag"]
    # The list gives each article in its own best language.
    listing = get(client, "/v1/articles", "es").get_json()
    assert listing["language"] == "es"
    assert [(entry["slug"], entry["language"]) for entry in listing["articles"]] == [
        (SLUG, "es"),
        (SECOND, "en"),
    ]
    assert listing["articles"][1]["languages_available"] == ["en"]


def test_update_makes_honest_empty_catalogs_for_a_new_article(tree):
    content, translations = tree
    add_second_article(content)
    for tag in TRANSLATED_LANGUAGES:
        catalog = polib.pofile(str(article_po(translations, tag.replace("-", "_"), SECOND)))
        assert len(catalog) == 5
        assert not catalog.translated_entries()
        assert catalog.metadata["X-Translated-By"] == ""
        assert catalog.metadata["X-Medical-Review"] == "none"
        assert "FULL NAME" not in str(catalog.metadata)
    assert translate("check").exit_code == 0


def test_a_partly_translated_article_is_served_only_where_allowed(tree):
    content, translations = tree
    add_second_article(content)
    translate_second(translations, "es", SPANISH_PART, **{"X-Translated-By": "Test"})
    strict = app_for(tree).test_client()  # 100%: 2 of 5 strings is not enough
    overview = f"/v1/articles/{SECOND}/sections/overview"
    assert get(strict, overview, "es").get_json()["language"] == "en"
    assert get(strict, f"/v1/articles/{SLUG}/sections/pain", "es").get_json()["language"] == "es"
    lenient = app_for(tree, TRANSLATION_COMPLETENESS_THRESHOLD=40).test_client()
    article = get(lenient, f"/v1/articles/{SECOND}", "es").get_json()
    assert article["language"] == "es"
    assert article["title"] == SPANISH_PART["Sun Protection After Treatment"]
    assert [section["language"] for section in article["sections"]] == ["es", "en"]
    assert get(lenient, overview, "es").get_json()["language"] == "es"
    entry = next(
        each
        for each in get(lenient, "/v1/languages").get_json()["languages"]
        if each["tag"] == "es"
    )
    assert [(each["slug"], each["available"]) for each in entry["articles"]] == [
        (SLUG, True),
        (SECOND, True),
    ]
    assert entry["articles"][1]["percent"] == 40.0


def test_each_article_says_who_translated_and_reviewed_it(tree):
    content, translations = tree
    add_second_article(content)
    translate_second(
        translations,
        "fr",
        FRENCH,
        **{
            "X-Translated-By": "Jeanne Martin, freelance translator",
            "Last-Translator": "Jeanne Martin <jeanne@example.org>",
            "X-Medical-Review": "Dr. Paul Durand",
            "X-Medical-Review-Qualification": "Certified medical translator",
            "X-Medical-Review-Date": "2026-11-20",
            "PO-Revision-Date": "2026-11-21 09:00+0000",
        },
    )
    # With the digest of the text reviewed, as `translate review` records it
    # (tests/test_medical_review.py): a review without one is published as outdated.
    path = article_po(translations, "fr", SECOND)
    catalog = polib.pofile(str(path))
    catalog.metadata["X-Medical-Review-Digest"] = text_digest(catalog)
    catalog.save()
    compile_catalogs(translations)
    client = app_for(tree).test_client()
    first = get(client, f"/v1/articles/{SLUG}", "fr").get_json()["translation"]
    second = get(client, f"/v1/articles/{SECOND}", "fr").get_json()["translation"]
    assert "AI" in first["translated_by"]
    assert first["medical_review"]["reviewed"] is False
    assert second == {
        "language": "fr",
        "translated_by": "Jeanne Martin, freelance translator",
        "last_translator": "Jeanne Martin <jeanne@example.org>",
        "revised": "2026-11-21T09:00:00+00:00",
        "medical_review": {
            "reviewed": True,
            "reviewer": "Dr. Paul Durand",
            "qualification": "Certified medical translator",
            "date": "2026-11-20",
            "status": "reviewed",
            "outdated_review": None,
        },
    }
    section = get(client, f"/v1/articles/{SECOND}/sections/what-to-do", "fr").get_json()
    assert section["translation"] == second
    jsonld = client.get(
        f"/v1/articles/{SECOND}", headers={"Accept-Language": "fr", "Accept": "application/ld+json"}
    ).get_json()
    assert jsonld["translator"] == {
        "@type": "Organization",
        "name": "Jeanne Martin, freelance translator",
    }
    fhir = client.get(
        f"/v1/articles/{SECOND}",
        headers={"Accept-Language": "fr", "Accept": "application/fhir+json"},
    ).get_json()
    [attester] = fhir["attester"]
    assert attester["party"]["display"].startswith("Dr. Paul Durand (Certified medical")
    assert attester["time"] == "2026-11-20"
    first_fhir = client.get(
        f"/v1/articles/{SLUG}", headers={"Accept-Language": "fr", "Accept": "application/fhir+json"}
    ).get_json()
    assert "attester" not in first_fhir  # nothing claims a review that did not happen


def _digests(folder: Path) -> dict:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*.po")}


def test_init_refuses_a_language_that_has_catalogs_and_starts_a_new_one_whole(tree):
    _, translations = tree
    before = _digests(translations)
    result = translate("init", "es", "--translated-by", "Someone")
    assert result.exit_code == 1
    assert "es already has 2 catalogs" in result.output
    assert _digests(translations) == before
    result = translate("init", "cs", "--translated-by", "Jan Novák")
    assert result.exit_code == 0, result.output
    for path in (interface_po(translations, "cs"), article_po(translations, "cs")):
        catalog = polib.pofile(str(path))
        assert catalog.metadata["Plural-Forms"].startswith("nplurals=3;")
        assert catalog.metadata["X-Translated-By"] == "Jan Novák"
    assert translate("check").exit_code == 0


@pytest.mark.parametrize(
    ("change", "message", "status_reads_it"),
    [
        # An unescaped quote: no command can read the file; each says where, in one line.
        (
            lambda text: text.replace('msgstr "Qué es', 'msgstr "Qué "es', 1),
            "cannot be parsed",
            False,
        ),
        # Markup the English does not have: the file reads, `check` refuses the entry.
        (
            lambda text: text.replace("estrías", "estrías <b>ya</b>", 1),
            "markup does not match the English: uses raw HTML",
            True,
        ),
    ],
)
def test_status_and_check_name_the_broken_article_catalog(tree, change, message, status_reads_it):
    _, translations = tree
    path = article_po(translations, "es")
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = translate("check")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert lines[0].startswith(f"error: {path}:")
    assert "Traceback" not in result.output
    status = translate("status", "--lang", "es")
    assert "Traceback" not in status.output
    [row] = [line for line in status.output.splitlines() if line.startswith(f"{SLUG:<40}es")]
    if status_reads_it:
        assert status.exit_code == 0
        assert row.split()[2:6] == ["15", "0", "0", "100.0%"]
    else:
        assert status.exit_code == 1
        assert row.endswith("cannot be parsed")
        assert re.search(rf"error: {re.escape(str(path))}:\d+: cannot be parsed", status.output)


def test_status_filters_by_language_and_article(tree):
    content, translations = tree
    add_second_article(content)
    translate_second(translations, "fr", FRENCH, **{"X-Translated-By": "Test"})
    rows = translate("status", "--article", SECOND).output.splitlines()
    count = len(TRANSLATED_LANGUAGES)
    assert [row.split()[:2] for row in rows[1 : count + 1]] == [
        [SECOND, tag] for tag in TRANSLATED_LANGUAGES
    ]
    french = next(row for row in rows if row.split()[1] == "fr")
    assert french.split()[2:6] == ["5", "0", "0", "100.0%"]
    rows = translate("status", "--lang", "fr").output.splitlines()
    assert [row.split()[:2] for row in rows[1:3]] == [[SLUG, "fr"], [SECOND, "fr"]]
    assert rows[-1].split() == ["fr", "2", "of", "2"]
    assert translate("status", "--lang", "xx").exit_code == 2


def test_a_removed_article_leaves_its_catalogs_reported_never_deleted(tree):
    content, translations = tree
    add_second_article(content)
    (content / f"{SECOND}.toml").unlink()
    result = translate("update")
    assert result.exit_code == 0
    orphan = article_po(translations, "es", SECOND)
    assert f"warning: {orphan} belongs to no article" in result.output
    assert orphan.exists()
    check = translate("check")
    assert check.exit_code == 1
    assert f"error: {orphan}: belongs to no article" in check.output
    app_for(tree)  # the service starts, and serves the articles that exist


# The languages of the single-catalog layout (their Plural-Forms since held to CLDR).
MIGRATED_LANGUAGES = FIRST_LANGUAGES[1:]


def test_the_migration_keeps_every_translation_and_its_provenance(tmp_path, monkeypatch):
    """The eight translations lived in one messages.po per language; `translate split`
    moved each article's entries to its own catalog (as it did for this repository)."""
    old = Path(__file__).parent / "data" / "single-catalog"
    translations = tmp_path / "translations"
    shutil.copytree(old, translations)
    template_keys = {
        (entry.msgctxt, entry.msgid) for entry in polib.pofile(str(old / "messages.pot"))
    }

    def entries(paths) -> set:
        return {
            (entry.msgctxt, entry.msgid, entry.msgstr)
            for path in paths
            for entry in polib.pofile(str(path))
            if entry.translated()
        }

    before = {}
    for tag in MIGRATED_LANGUAGES:
        path = interface_po(old, tag.replace("-", "_"))
        before[tag] = (entries([path]), polib.pofile(str(path)).metadata)
        assert {key[:2] for key in before[tag][0]} == template_keys  # 100% before
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations))
    for command in ("split", "extract", "update", "compile"):
        result = translate(command)
        assert result.exit_code == 0, result.output
    store = create_app({"TRANSLATIONS_DIR": translations}).extensions["payload_store"]
    for tag in MIGRATED_LANGUAGES:
        babel_name = tag.replace("-", "_")
        paths = [interface_po(translations, babel_name), article_po(translations, babel_name)]
        assert entries(paths) == before[tag][0], tag  # every msgstr kept
        for path in paths:
            metadata = polib.pofile(str(path)).metadata
            for header in ("X-Translated-By", "X-Medical-Review", "Last-Translator"):
                assert metadata[header] == before[tag][1][header], (tag, path, header)
        # Every migrated interface string is still translated; the interface gained
        # strings since (they arrive untranslated or fuzzy, as any update brings them).
        interface = store.interface_completeness[tag]
        assert interface.translated == 40
        assert interface.total == len(store.catalogs.template.keys)
        # Every migrated article string is still translated; the three "also called"
        # terms came after the migration (untranslated here, as any update brings them).
        assert store.completeness[SLUG, tag] == Completeness(12, 0, 15)


def test_a_reload_that_serves_less_says_what_stopped(tree, caplog):
    _, translations = tree
    app = app_for(tree)
    path = article_po(translations, "de")
    catalog = polib.pofile(str(path))
    catalog[1].msgstr = ""
    catalog.save()
    compile_catalogs(translations)
    assert reload_store(app)
    assert f"{SLUG} is no longer served in de" in caplog.text
    section = app.test_client().get(f"/v1/articles/{SLUG}/sections/pain?lang=de").get_json()
    assert section["language"] == "en"


# Root reads every file whatever its mode: run as root without that power.
DROPPED = "-dac_override,-dac_read_search"
WITHOUT_READ_OVERRIDE = (
    ["setpriv", f"--bounding-set={DROPPED}", f"--inh-caps={DROPPED}"] if os.geteuid() == 0 else []
)


def test_a_reload_that_meets_an_unreadable_catalog_folder_is_refused(translations_copy):
    """A server user who cannot read a language's folder must refuse the reload, never
    serve that language in English as if it had no catalog."""
    spanish = translations_copy / "es"
    script = f"""
import os
from pathlib import Path
from service import create_app, reload_store
app = create_app({{"TRANSLATIONS_DIR": Path("{translations_copy}")}})
os.chmod("{spanish}", 0)
print("reloaded" if reload_store(app) else "refused")
client = app.test_client()
print(client.get("/v1/articles/{SLUG}/sections/pain?lang=es").get_json()["language"])
"""
    try:
        result = subprocess.run(
            [*WITHOUT_READ_OVERRIDE, sys.executable, "-c", script],
            cwd=Path(__file__).parent.parent,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        spanish.chmod(0o700)
    assert result.stdout.split() == ["refused", "es"], result.stderr
    assert f"{spanish}: not a readable directory" in result.stderr


def test_hup_serves_a_new_article_and_keeps_the_others(tmp_path, tree):
    content, translations = tree
    with running_gunicorn(
        tmp_path, CONTENT_DIR=str(content), TRANSLATIONS_DIR=str(translations)
    ) as server:

        def slugs() -> list[str]:
            listing = json.loads(server.fetch("/v1/articles", **{"Accept-Language": "es"})[2])
            return [entry["slug"] for entry in listing["articles"]]

        assert slugs() == [SLUG]
        add_second_article(content)
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for(lambda: slugs() == [SLUG, SECOND])
        _, _, body = server.fetch(f"/v1/articles/{SLUG}/sections/pain", **{"Accept-Language": "es"})
        assert json.loads(body)["language"] == "es"


# Headers whose answer differs between an article translated into French only and one
# translated into every language: a cache must never serve one's answer for the other.
PER_ARTICLE_HEADERS = [
    "es",
    "es, fr",
    "fr, es",
    "es-MX,es;q=0.9,fr;q=0.8",
    "es-MX,es;q=0.9,en;q=0.8",
    "de;q=0.5, fr;q=0.4",
    "es;q=0, fr",
    "pt-PT, fr;q=0.5",
    "",
]


@pytest.mark.skipif(NGINX is None and "CI" not in os.environ, reason=NGINX_MISSING)
def test_the_proxy_keeps_each_article_in_its_own_best_language(tmp_path, tree):
    content, translations = tree
    add_second_article(content)
    translate_second(translations, "fr", FRENCH, **{"X-Translated-By": "Test"})
    paths = [f"/v1/articles/{slug}/sections/overview" for slug in (SLUG, SECOND)]
    paths.append("/v1/articles")
    with running_gunicorn(
        tmp_path, CONTENT_DIR=str(content), TRANSLATIONS_DIR=str(translations)
    ) as server:
        upstream = server.base_url.removeprefix("http://")
        with running_nginx(tmp_path, upstream) as proxy:
            for _round in ("warm-up", "cached"):
                for header in PER_ARTICLE_HEADERS:
                    for path in paths:
                        direct = server.fetch(path, **{"Accept-Language": header})
                        proxied = proxy.fetch(path, **{"Accept-Language": header})
                        assert proxied[0] == direct[0] == 200
                        direct_body, proxied_body = json.loads(direct[2]), json.loads(proxied[2])
                        for body in (direct_body, proxied_body):
                            body.pop("requested_language", None)
                        assert proxied_body == direct_body, (header, path)
        second = json.loads(server.fetch(paths[1], **{"Accept-Language": "es, fr"})[2])
        assert second["language"] == "fr"
