"""Medical review sign-off: `flask translate review` records who reviewed an article's
catalog and the digest of the text reviewed; once the text changes, the service says
the review is outdated and publishes the catalog as not reviewed. Real files, the real
app and the real commands."""

import datetime
import hashlib
import json

import polib
import pytest

from service import create_app
from service.catalogs import text_digest
from service.cli import create_cli_app
from tests.helpers import (
    NOT_REVIEWED,
    SECTION_IDS,
    SLUG,
    article_po,
    compile_catalogs,
    make_partial_spanish,
)

REVIEWER = "Dr. Ana García"
QUALIFICATION = "Certified medical translator (ATA), MD"
DATE = "2026-11-20"
REVIEWED = {
    "reviewed": True,
    "reviewer": REVIEWER,
    "qualification": QUALIFICATION,
    "date": DATE,
    "status": "reviewed",
    "outdated_review": None,
}
OUTDATED = {
    "reviewed": False,
    "reviewer": None,
    "qualification": None,
    "date": None,
    "status": "outdated",
    "outdated_review": {"reviewer": REVIEWER, "qualification": QUALIFICATION, "date": DATE},
}
NONE = NOT_REVIEWED


@pytest.fixture
def translations(translations_copy, monkeypatch):
    """The shipped catalogs, writable, with the translator commands aimed at them."""
    monkeypatch.setenv("TRANSLATIONS_DIR", str(translations_copy))
    return translations_copy


def translate(*arguments: str):
    return create_cli_app().test_cli_runner().invoke(args=["translate", *arguments])


def review(*extra: str, lang: str = "es", date: str | None = DATE):
    arguments = ["review", "--article", SLUG, "--lang", lang, "--reviewer", REVIEWER]
    arguments += ["--qualification", QUALIFICATION, *(["--date", date] if date else []), *extra]
    return translate(*arguments)


def client_for(translations):
    return create_app({"TESTING": True, "TRANSLATIONS_DIR": translations}).test_client()


def medical_reviews(client, tag: str = "es") -> list[dict]:
    """The article's, each section's and /v1/languages' medical_review of the article."""
    article = client.get(f"/v1/articles/{SLUG}?lang={tag}").get_json()
    assert article["language"] == tag
    found = [article["translation"]["medical_review"]]
    for section_id in SECTION_IDS:
        section = client.get(f"/v1/articles/{SLUG}/sections/{section_id}?lang={tag}").get_json()
        found.append(section["translation"]["medical_review"])
    languages = client.get("/v1/languages").get_json()["languages"]
    [entry] = [language for language in languages if language["tag"] == tag]
    [article_entry] = [each for each in entry["articles"] if each["slug"] == SLUG]
    found.append(article_entry["translation"]["medical_review"])
    return found


def attesters(client, tag: str = "es") -> list[dict]:
    headers = {"Accept": "application/fhir+json"}
    return (
        client.get(f"/v1/articles/{SLUG}?lang={tag}", headers=headers)
        .get_json()
        .get("attester", [])
    )


def edit_first_msgstr(translations, change=lambda text: text + " (editado)") -> None:
    path = article_po(translations, "es")
    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.msgstr)
    entry.msgstr = change(entry.msgstr)
    catalog.save()


def test_a_review_is_published_with_the_article_its_sections_and_languages(translations):
    before = article_po(translations, "es").read_bytes()
    result = review()
    assert result.exit_code == 0, result.output
    assert "recorded the review" in result.output
    headers = polib.pofile(str(article_po(translations, "es"))).metadata
    assert headers["X-Medical-Review"] == REVIEWER
    assert headers["X-Medical-Review-Qualification"] == QUALIFICATION
    assert headers["X-Medical-Review-Date"] == DATE
    assert headers["X-Medical-Review-Digest"].startswith("sha256:")
    # Only the headers changed: every entry is written as the tools write it.
    changed = set(article_po(translations, "es").read_text().splitlines()) ^ set(
        before.decode().splitlines()
    )
    assert all(
        line.startswith('"PO-Revision-Date:') or '"X-Medical-Review' in line for line in changed
    )
    compile_catalogs(translations)
    client = client_for(translations)
    assert medical_reviews(client) == [REVIEWED] * (len(SECTION_IDS) + 2)
    assert medical_reviews(client, "fr") == [NONE] * (len(SECTION_IDS) + 2)
    [attester] = attesters(client)
    assert attester["party"]["display"].startswith(REVIEWER)
    assert attester["time"] == DATE
    status = translate("status", "--lang", "es")
    assert status.exit_code == 0, status.output
    assert status.output.splitlines()[1].endswith(f"reviewed ({REVIEWER}, {DATE})")
    check = translate("check")
    assert check.exit_code == 0, check.output
    assert "warning" not in check.output


def test_an_edited_text_outdates_the_review(translations):
    assert review().exit_code == 0
    edit_first_msgstr(translations)
    edited = article_po(translations, "es").read_bytes()
    compile_catalogs(translations)
    assert article_po(translations, "es").read_bytes() == edited  # compile never edits a .po
    client = client_for(translations)
    assert medical_reviews(client) == [OUTDATED] * (len(SECTION_IDS) + 2)
    assert attesters(client) == []  # nothing claims a review of text nobody reviewed
    preview = create_app(
        {"TESTING": True, "TRANSLATIONS_DIR": translations, "PREVIEW_ENABLED": True}
    ).test_client()
    page = preview.get(f"/preview/{SLUG}?lang=es").get_data(as_text=True)
    assert f"outdated: the text changed since {REVIEWER} reviewed it ({DATE})" in page
    status = translate("status", "--lang", "es")
    assert status.exit_code == 0, status.output
    assert status.output.splitlines()[1].endswith(f"outdated ({REVIEWER}, {DATE})")
    check = translate("check")
    assert check.exit_code == 0, check.output
    [warning] = [line for line in check.output.splitlines() if line.startswith("warning:")]
    assert str(article_po(translations, "es")) in warning
    assert "outdated" in warning
    assert article_po(translations, "es").read_bytes() == edited  # nor does check, or status
    # Undone, the text is again the text reviewed.
    edit_first_msgstr(translations, lambda text: text.removesuffix(" (editado)"))
    compile_catalogs(translations)
    assert medical_reviews(client_for(translations))[0] == REVIEWED


@pytest.mark.parametrize("change", ["empty", "fuzzy"])
def test_a_text_emptied_or_made_fuzzy_outdates_the_review(translations, change):
    assert review().exit_code == 0
    path = article_po(translations, "es")
    catalog = polib.pofile(str(path))
    entry = catalog[-1]
    if change == "empty":
        entry.msgstr = ""
    else:
        entry.flags.append("fuzzy")
    catalog.save()
    compile_catalogs(translations)
    client = client_for(translations)
    article = client.get(f"/v1/articles/{SLUG}?lang=es").get_json()
    assert article["language"] == "en"  # below the threshold now: served in English
    languages = client.get("/v1/languages").get_json()["languages"]
    [entry_es] = [language for language in languages if language["tag"] == "es"]
    assert entry_es["articles"][0]["translation"]["medical_review"] == OUTDATED


def test_a_review_without_a_digest_is_published_as_outdated(translations):
    """A review written into the headers by hand shows nothing about which text it
    covered: it is kept visible, as outdated, never published as a review."""
    path = article_po(translations, "es")
    catalog = polib.pofile(str(path))
    catalog.metadata.update(
        {
            "X-Medical-Review": REVIEWER,
            "X-Medical-Review-Qualification": QUALIFICATION,
            "X-Medical-Review-Date": DATE,
        }
    )
    catalog.save()
    compile_catalogs(translations)
    assert medical_reviews(client_for(translations)) == [OUTDATED] * (len(SECTION_IDS) + 2)
    check = translate("check")
    assert check.exit_code == 0, check.output
    assert "has no X-Medical-Review-Digest" in check.output
    assert (
        translate("status", "--lang", "es")
        .output.splitlines()[1]
        .endswith(f"outdated ({REVIEWER}, {DATE})")
    )


def _refused(result, translations, before: bytes, says: str):
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert says in result.output
    assert article_po(translations, "es").read_bytes() == before


def test_review_refuses_an_incomplete_catalog(translations):
    make_partial_spanish(translations)  # one entry untranslated, one fuzzy
    before = article_po(translations, "es").read_bytes()
    _refused(review(), translations, before, "13 of 15 entries translated (1 fuzzy)")


def test_review_refuses_a_catalog_with_only_a_fuzzy_entry(translations):
    catalog = polib.pofile(str(article_po(translations, "es")))
    catalog[0].flags.append("fuzzy")
    catalog.save()
    before = article_po(translations, "es").read_bytes()
    _refused(review(), translations, before, "14 of 15 entries translated (1 fuzzy)")


def test_review_refuses_a_catalog_that_fails_the_checks(translations):
    catalog = polib.pofile(str(article_po(translations, "es")))
    catalog.metadata["Language"] = "fr"
    catalog.save()
    before = article_po(translations, "es").read_bytes()
    _refused(review(), translations, before, "Language header is 'fr'")


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("2026-13-01", "is not a date like"),
        ("20261120", "is not a date like"),
        ("2026-11-20T10:00", "is not a date like"),
        ("yesterday", "is not a date like"),
        ("2999-01-01", "is in the future"),
    ],
)
def test_review_refuses_a_bad_date(translations, date, says):
    before = article_po(translations, "es").read_bytes()
    _refused(review(date=date), translations, before, says)


def test_review_refuses_no_reviewer_and_an_unknown_article_or_language(translations):
    before = article_po(translations, "es").read_bytes()
    arguments = ["review", "--article", SLUG, "--lang", "es", "--qualification", "MD"]
    _refused(translate(*arguments, "--reviewer", "none"), translations, before, "names no one")
    _refused(translate(*arguments, "--reviewer", "A\nB"), translations, before, "one line")
    _refused(review(lang="nl"), translations, before, "no catalogs for 'nl'")
    result = translate(
        "review", "--article", "nope", "--lang", "es", "--reviewer", "X", "--qualification", "MD"
    )
    _refused(result, translations, before, "no article 'nope'")


def test_review_dates_today_by_default(translations):
    before = datetime.date.today()
    assert review(date=None).exit_code == 0
    headers = polib.pofile(str(article_po(translations, "es"))).metadata
    # Today (the test may straddle midnight).
    assert headers["X-Medical-Review-Date"] in {
        before.isoformat(),
        datetime.date.today().isoformat(),
    }
    compile_catalogs(translations)
    assert medical_reviews(client_for(translations))[0]["reviewed"] is True


def test_the_digest_ignores_formatting_headers_and_order(translations):
    path = article_po(translations, "es")
    before = path.read_text()
    digest = text_digest(polib.pofile(str(path)))
    polib.pofile(str(path), wrapwidth=30).save(str(path))
    assert len(path.read_text().splitlines()) > len(before.splitlines()) + 20  # rewrapped
    reread = polib.pofile(str(path))
    assert text_digest(reread) == digest
    reread.metadata["PO-Revision-Date"] = "2030-01-01 00:00+0000"
    reread.metadata["X-Medical-Review"] = "Someone"
    reread.metadata["Last-Translator"] = "Someone Else"
    reread[0].tcomment = "a translator's comment"
    reread.reverse()
    assert text_digest(reread) == digest
    reread[0].msgstr += "."
    assert text_digest(reread) != digest


def test_a_rewrapped_catalog_and_a_new_revision_date_keep_the_review(translations):
    assert review().exit_code == 0
    path = article_po(translations, "es")
    catalog = polib.pofile(str(path), wrapwidth=30)
    catalog.metadata["PO-Revision-Date"] = "2026-11-29 10:00+0000"
    catalog.save()
    compile_catalogs(translations)
    assert medical_reviews(client_for(translations))[0] == REVIEWED
    assert "warning" not in translate("check").output


def test_the_digest_is_the_documented_encoding():
    """service/catalogs.py text_digest's docstring, computed independently."""
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgctxt="b/x", msgid="Two", msgstr="Dos"))
    catalog.append(polib.POEntry(msgctxt="a/x", msgid="Ünë", msgstr="Uno"))
    catalog.append(polib.POEntry(msgid="Free", msgstr="Libre"))
    catalog.append(polib.POEntry(msgid="Fuzzy", msgstr="Borroso", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="Empty", msgstr=""))
    catalog.append(
        polib.POEntry(
            msgid="%d day", msgid_plural="%d days", msgstr_plural={1: "%d días", 0: "%d día"}
        )
    )
    canonical = [
        [None, "%d day\0%d days", "%d día\0%d días"],
        [None, "Free", "Libre"],
        ["a/x", "Ünë", "Uno"],
        ["b/x", "Two", "Dos"],
    ]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert b"\xc3\x9c" in text  # Ü as UTF-8, not \u00dc
    assert text_digest(catalog) == "sha256:" + hashlib.sha256(text).hexdigest()
