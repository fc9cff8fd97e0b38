"""The article content file: faithful to the seed, structured as the brief says."""

import json

import pytest

from service.catalog_maintenance import article_template
from service.content.loader import ContentError, load_articles, parse_article_file
from tests.helpers import ARTICLE_FILE, SECTION_IDS, SEED, SLUG


def english_lines(client) -> list[str]:
    article = json.loads(client.get(f"/v1/articles/{SLUG}?lang=en").data)
    lines = [article["title"]]
    for section in article["sections"]:
        lines += [section["heading"]] if section["heading"] else []
        lines += section["paragraphs"]
    return lines


def test_every_seed_line_is_served_word_for_word(client):
    if not SEED.is_file():
        pytest.skip(f"the seed is not beside this checkout ({SEED})")
    seed_lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert english_lines(client) == seed_lines


def test_article_structure():
    (article,) = load_articles(ARTICLE_FILE.parent)
    assert article.slug == SLUG
    assert tuple(section.id for section in article.sections) == SECTION_IDS
    assert article.sections[0].heading is None
    assert all(section.heading for section in article.sections[1:])
    metadata = article.metadata
    assert metadata.clinical_review == "not_reviewed"
    assert [(code.system, code.code, code.display) for code in metadata.codes] == [
        ("icd10cm", "L90.6", "Striae atrophicae"),
        ("hpo", "HP:0001065", "Striae distensae"),
    ]
    unknown = (
        metadata.source_url,
        metadata.license,
        metadata.published,
        metadata.modified,
        metadata.last_reviewed,
        metadata.review_due,
        metadata.reviewed_by,
    )
    assert unknown == (None,) * 7


def test_article_template_gives_each_string_its_article_and_section_context():
    template = article_template(parse_article_file(ARTICLE_FILE.read_bytes(), str(ARTICLE_FILE)))
    messages = [message for message in template if message.id]
    contexts = [message.context for message in messages]
    assert len(contexts) == 15
    assert contexts[:4] == [f"{SLUG}/title", *[f"{SLUG}/also-called"] * 3]
    assert {f"{SLUG}/{section_id}" for section_id in SECTION_IDS} <= set(contexts)
    # Each string says where it is; the section's note for translators is on its block.
    assert [message.auto_comments[0] for message in messages[:1] + messages[4:6]] == [
        "The title.",
        "overview, block 1: paragraph",
        "overview, block 2: paragraph",
    ]
    notes = [message for message in messages[4:] if len(message.auto_comments) > 1]
    assert [message.context for message in notes] == [f"{SLUG}/sewing-up"]
    assert "broken" in notes[0].auto_comments[1]


def test_the_first_article_is_also_called_what_its_codes_name():
    (article,) = load_articles(ARTICLE_FILE.parent)
    assert article.also_called == ("striae", "striae distensae", "striae atrophicae")
    displays = " ".join(code.display.lower() for code in article.metadata.codes)
    assert all(term in displays for term in article.also_called)  # nothing invented
    assert "ICD-10-CM L90.6" in ARTICLE_FILE.read_text(encoding="utf-8")  # says where from


def valid_article(**changes) -> str:
    text = ARTICLE_FILE.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"## Is It A Painful Treatment? {#pain}": "## Is It A Painful Treatment? {#overview}"},
            ":44: section id 'overview' already used on line 25",
        ),
        ({"clinical_review: not_reviewed": "clinical_review: maybe"}, ":11: clinical_review"),
        ({"    code: L90.6": "    code: L90.6\n    colour: red"}, "colour: Unknown field"),
        ({"  - system: icd10cm": "  - system: icd9"}, "system: Must be one of"),
        ({"codes:\n": "codes: [\n"}, "front matter not valid YAML"),
        ({"slug: laser-treatment-for-stretch-marks": "slug: other"}, ":4: slug 'other' must match"),
        ({"title: What": "titel: What"}, "title: Missing data for required field"),
    ],
)
def test_broken_article_files_name_the_file_line_and_entry(changes, message):
    text = valid_article(**dict(changes))
    with pytest.raises(ContentError) as raised:
        parse_article_file(text.encode(), str(ARTICLE_FILE))
    assert str(raised.value).startswith(f"{ARTICLE_FILE}:")
    assert message in str(raised.value)
