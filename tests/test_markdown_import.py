"""Importing a plain-text article as a Markdown article file, words unchanged."""

import dataclasses

import pytest

from service.cli import create_cli_app
from service.content.importer import markdown_from_plain_text
from service.content.loader import parse_article_file
from service.content.markdown import parse_markdown_article
from tests.helpers import ARTICLE_FILE, SECTION_IDS, SEED, SLUG

SEED_SECTION_IDS = {
    'What Does "Sewing Up" Mean?': "sewing-up",
    "How Effective Is The Treatment?": "effectiveness",
    "Is It A Painful Treatment?": "pain",
}


def imported(text: str, slug: str = "sample", section_ids=None):
    markdown = markdown_from_plain_text(text, slug, section_ids)
    return markdown, parse_markdown_article(markdown.encode(), f"{slug}.md")


def test_the_seed_imports_with_its_title_sections_and_words_unchanged():
    if not SEED.is_file():
        pytest.skip(f"the seed is not beside this checkout ({SEED})")
    seed = SEED.read_text(encoding="utf-8")
    markdown, article = imported(seed, SLUG, SEED_SECTION_IDS)
    seed_lines = [line for line in seed.splitlines() if line.strip()]
    assert article.title == seed_lines[0]
    assert tuple(section.id for section in article.sections) == SECTION_IDS
    assert article.sections[0].heading is None
    served_lines = [article.title]
    for section in article.sections:
        served_lines += [section.heading] if section.heading else []
        served_lines += section.paragraphs
    assert served_lines == seed_lines
    # Plain paragraphs: each msgid is the seed's text itself.
    assert [text for _, text in article.messages()] == seed_lines
    assert article.metadata.clinical_review == "not_reviewed"
    assert article.metadata.attribution is None
    assert article.metadata.codes == ()
    assert "## What It Is {#what-it-is}\n" in markdown  # explicit ids, also from slugs


@pytest.mark.parametrize(
    "paragraph",
    [
        "Use *only* a_b_c, 2 * 3 and [brackets](not-a-link) or <b>tags</b> & &amp; too.",
        "A back\\slash, a `tick`, ~~tildes~~ and ![an image](x.png).",
        "# not a heading, but a sentence.",
        "- not a list item, but a sentence.",
        "+ not one either.",
        "> not a quote.",
        "1. not a numbered item.",
        "2) nor this.",
        "---",
        "2.5 cm is fine as it is.",
        "<https://example.org> is not a link.",
    ],
)
def test_markdown_syntax_in_plain_text_is_kept_as_text(paragraph):
    _, article = imported(f"Title\n\n{paragraph}\n")
    (section,) = article.sections
    assert section.paragraphs == (paragraph,)


def test_markdown_syntax_is_escaped_only_where_it_would_be_markup():
    markdown, article = imported("Title\n\n2.5 cm - about 1 inch (a + b = c).\n")
    assert article.messages()[1][1] == "2.5 cm - about 1 inch (a + b = c)."
    assert "\n2.5 cm - about 1 inch (a + b = c).\n" in markdown


def test_headings_are_short_lines_that_do_not_end_a_sentence():
    text = (
        "Title\n\nIntro.\n\nIs It Painful?\n\nA little.\n\nShort but a sentence.\n\n"
        "Aftercare\n\nKeep it clean\nand dry.\n"
    )
    _, article = imported(text, section_ids={"Is It Painful?": "pain"})
    assert [(section.id, section.heading) for section in article.sections] == [
        ("overview", None),
        ("pain", "Is It Painful?"),
        ("aftercare", "Aftercare"),
    ]
    assert article.sections[1].paragraphs == ("A little.", "Short but a sentence.")
    assert article.sections[2].paragraphs == ("Keep it clean and dry.",)


def test_text_starting_with_a_heading_has_no_overview():
    _, article = imported("Title\n\nFirst Part\n\nText.\n")
    assert [section.id for section in article.sections] == ["first-part"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("\n \n", "the text is empty"), ("Title\n\n日本語\n\nText.\n", "has no Latin letters")],
)
def test_text_the_importer_cannot_convert(text, message):
    with pytest.raises(ValueError, match=message):
        markdown_from_plain_text(text, "sample")


def test_the_import_command_writes_the_seed_as_an_article_file(tmp_path, monkeypatch):
    if not SEED.is_file():
        pytest.skip(f"the seed is not beside this checkout ({SEED})")
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    ids = [
        f"--section-id={heading}={section_id}" for heading, section_id in SEED_SECTION_IDS.items()
    ]
    runner = create_cli_app().test_cli_runner()
    result = runner.invoke(args=["content", "import", str(SEED), "--slug", SLUG, *ids])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"{SLUG}.md"
    article = parse_markdown_article(written.read_bytes(), str(written))
    shipped = parse_article_file(ARTICLE_FILE.read_bytes(), str(ARTICLE_FILE))
    # The shipped file, but for metadata and the other names an editor added.
    assert article.messages() == dataclasses.replace(shipped, also_called=()).messages()
    again = runner.invoke(args=["content", "import", str(SEED), "--slug", SLUG])
    assert again.exit_code == 1
    assert "already exists" in again.output
