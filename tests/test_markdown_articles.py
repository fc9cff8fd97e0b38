"""Markdown articles: parsed into blocks, refused with file and line, translated with their
markup, rendered as plain text, JSON and escaped HTML."""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from service.content.inline import MarkupError, markup_mismatch, parse_inline
from service.content.loader import ContentError
from service.content.markdown import parse_markdown_article, unresolved_links
from service.content.model import (
    Callout,
    ListBlock,
    Paragraph,
    Quote,
    Span,
    text_unit_labels,
    text_units,
)
from service.content.render import blocks_json, section_html, unit_texts
from service.content.translation import translate_blocks
from tests.helpers import (
    SECTION_IDS,
    SHIPPED_CONTENT,
    SHIPPED_TRANSLATIONS,
    SLUG,
    TRANSLATED_LANGUAGES,
)

DATA = Path(__file__).parent / "data"
EVERY_CONSTRUCT = DATA / "every-construct.md"
LASER = "laser-treatment-for-stretch-marks"
FRONT_MATTER = "---\nslug: sample\ntitle: Sample\nclinical_review: not_reviewed\ncodes: []\n---\n"
BODY_FIRST_LINE = 7
SAMPLE = "articles/sample.md"


def parse_file(path: Path):
    return parse_markdown_article(path.read_bytes(), str(path))


def sample(body: str):
    return parse_markdown_article((FRONT_MATTER + body).encode(), SAMPLE)


def link_url(slug: str, section_id: str | None, language: str = "ar") -> str:
    section_path = f"/sections/{section_id}" if section_id else ""
    return f"/v1/articles/{slug}{section_path}?lang={language}"


@pytest.fixture(scope="module")
def every_construct():
    return parse_file(EVERY_CONSTRUCT)


def section(article, section_id):
    return next(each for each in article.sections if each.id == section_id)


# --- the first article, as Markdown ---------------------------------------------------


def test_the_first_article_moved_to_markdown_keeps_every_msgid_of_its_catalogs():
    """It was TOML (paragraph lists); its eight translations carry over untouched."""
    article = parse_file(SHIPPED_CONTENT / f"{SLUG}.md")
    assert [section.id for section in article.sections] == list(SECTION_IDS)
    assert article.sections[0].heading is None
    assert article.sections[2].translator_note.startswith("The last sentence is broken")
    catalogs = sorted(SHIPPED_TRANSLATIONS.glob(f"*/LC_MESSAGES/articles/{SLUG}.po"))
    assert len(catalogs) == len(TRANSLATED_LANGUAGES)
    for catalog in catalogs:
        keys = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(catalog))}
        assert keys == set(article.messages()), catalog


def test_shipped_translations_of_the_first_article_are_plain_markdown_matching_the_english():
    """The existing msgstrs carry over: each parses to one unmarked span of its own text."""
    catalogs = sorted(SHIPPED_TRANSLATIONS.glob(f"*/LC_MESSAGES/articles/{SLUG}.po"))
    assert len(catalogs) == len(TRANSLATED_LANGUAGES)
    for catalog in catalogs:
        for entry in polib.pofile(str(catalog)).translated_entries():
            assert parse_inline(entry.msgstr) == (Span(entry.msgstr),), (catalog, entry.msgid)
            assert markup_mismatch(entry.msgid, entry.msgstr) is None


# --- the test article using every construct ---------------------------------------------


def test_every_construct_sections_and_messages(every_construct):
    assert every_construct.title == "Every Construct"
    assert [(each.id, each.heading) for each in every_construct.sections] == [
        ("overview", None),
        ("symptoms", "Symptoms"),  # id from the heading's slug
        ("when-to-get-help", "When To Get Help"),  # id from {#when-to-get-help}
    ]
    assert section(every_construct, "when-to-get-help").translator_note == (
        "Keep the numbered steps in order."
    )
    help_context = "every-construct/when-to-get-help"
    assert every_construct.messages() == (
        ("every-construct/title", "Every Construct"),
        (
            "every-construct/overview",
            "Stretch marks are *common* and **not dangerous**. Read [the NHS page]"
            "(https://www.nhs.uk/conditions/stretch-marks/) or our article on "
            f"[laser treatment](article:{LASER}).",
        ),
        ("every-construct/symptoms", "Symptoms"),
        ("every-construct/symptoms", "Lines on the *skin*"),
        ("every-construct/symptoms", "Colour changes:"),
        ("every-construct/symptoms", "red or purple at first"),
        ("every-construct/symptoms", "silver later"),
        ("every-construct/symptoms", f"Itching, see [is it painful?](article:{LASER}#pain)"),
        (help_context, "When To Get Help"),
        (help_context, "Look at the marks."),
        (help_context, "Call your doctor if:"),
        (help_context, "they **bleed**"),
        (help_context, "they spread fast"),
        (help_context, "Take ***both*** steps."),
        (help_context, 'A patient said: *"It faded in a year."*'),
        (help_context, "Do not use a laser at home. Ask a **specialist**."),
        (help_context, "Bring your [symptom list](article:every-construct#symptoms)."),
    )


def test_every_construct_tree(every_construct):
    (bullets,) = section(every_construct, "symptoms").blocks
    assert isinstance(bullets, ListBlock)
    assert not bullets.ordered
    assert [item.text for item in bullets.items] == [
        "Lines on the skin",
        "Colour changes:",
        "Itching, see is it painful?",
    ]
    assert [child.text for child in bullets.items[1].children] == [
        "red or purple at first",
        "silver later",
    ]
    assert bullets.items[2].spans == (
        Span("Itching, see "),
        Span("is it painful?", href=f"article:{LASER}#pain"),
    )
    steps, quote, callout = section(every_construct, "when-to-get-help").blocks
    assert steps.ordered
    assert not steps.items[1].children_ordered
    assert steps.items[2].spans[1] == Span("both", ("emphasis", "strong"))
    assert isinstance(quote, Quote)
    assert isinstance(quote.blocks[0], Paragraph)
    assert quote.blocks[0].spans[1] == Span('"It faded in a year."', ("emphasis",))
    assert isinstance(callout, Callout)
    assert callout.kind == "warning"
    assert [type(block) for block in callout.blocks] == [Paragraph, ListBlock]
    assert [(link.article, link.section, link.line) for link in every_construct.internal_links] == [
        (LASER, None, 14),
        (LASER, "pain", 22),
        ("every-construct", "symptoms", 38),
    ]


def test_text_unit_labels_say_where_each_msgid_sits_for_translator_comments(every_construct):
    blocks = section(every_construct, "when-to-get-help").blocks
    assert text_unit_labels(blocks) == (
        "block 1: numbered list, item 1",
        "block 1: numbered list, item 2",
        "block 1: numbered list, item 2.1",
        "block 1: numbered list, item 2.2",
        "block 1: numbered list, item 3",
        "block 2 (quote), block 1: paragraph",
        "block 3 (warning call-out), block 1: paragraph",
        "block 3 (warning call-out), block 2: bulleted list, item 1",
    )
    assert len(text_unit_labels(blocks)) == len(text_units(blocks))


def test_plain_paragraphs_are_each_text_unit_without_markup(every_construct):
    assert section(every_construct, "overview").paragraphs == (
        "Stretch marks are common and not dangerous. Read the NHS page or our article on "
        "laser treatment.",
    )
    help_section = section(every_construct, "when-to-get-help")
    assert help_section.paragraphs == unit_texts(help_section.blocks)
    assert help_section.paragraphs[-3:] == (
        'A patient said: "It faded in a year."',
        "Do not use a laser at home. Ask a specialist.",
        "Bring your symptom list.",
    )


def test_msgids_are_stable_under_reflowing_and_reparse_to_the_same_spans(every_construct):
    for each in every_construct.sections:
        for unit in text_units(each.blocks):
            assert parse_inline(unit.source) == unit.spans
    reflowed = (
        EVERY_CONSTRUCT.read_text(encoding="utf-8")
        .replace("Read\n[the NHS page]", "Read [the NHS page]")
        .replace("are *common*", "are\n   *common*")
    )
    assert reflowed != EVERY_CONSTRUCT.read_text(encoding="utf-8")
    article = parse_markdown_article(reflowed.encode(), str(EVERY_CONSTRUCT))
    assert article.messages() == every_construct.messages()
    assert article.sections[0].blocks == every_construct.sections[0].blocks


def test_blocks_as_json(every_construct):
    assert blocks_json(section(every_construct, "when-to-get-help").blocks, link_url) == [
        {
            "type": "list",
            "ordered": True,
            "items": [
                {"text": [{"text": "Look at the marks."}]},
                {
                    "text": [{"text": "Call your doctor if:"}],
                    "ordered": False,
                    "items": [
                        {"text": [{"text": "they "}, {"text": "bleed", "marks": ["strong"]}]},
                        {"text": [{"text": "they spread fast"}]},
                    ],
                },
                {
                    "text": [
                        {"text": "Take "},
                        {"text": "both", "marks": ["emphasis", "strong"]},
                        {"text": " steps."},
                    ]
                },
            ],
        },
        {
            "type": "quote",
            "blocks": [
                {
                    "type": "paragraph",
                    "text": [
                        {"text": "A patient said: "},
                        {"text": '"It faded in a year."', "marks": ["emphasis"]},
                    ],
                }
            ],
        },
        {
            "type": "callout",
            "kind": "warning",
            "blocks": [
                {
                    "type": "paragraph",
                    "text": [
                        {"text": "Do not use a laser at home. Ask a "},
                        {"text": "specialist", "marks": ["strong"]},
                        {"text": "."},
                    ],
                },
                {
                    "type": "list",
                    "ordered": False,
                    "items": [
                        {
                            "text": [
                                {"text": "Bring your "},
                                {
                                    "text": "symptom list",
                                    "href": link_url("every-construct", "symptoms"),
                                    "article": "every-construct",
                                    "section": "symptoms",
                                },
                                {"text": "."},
                            ]
                        }
                    ],
                },
            ],
        },
    ]
    overview = blocks_json(section(every_construct, "overview").blocks, link_url)
    links = [span for span in overview[0]["text"] if "href" in span]
    assert links == [
        {"text": "the NHS page", "href": "https://www.nhs.uk/conditions/stretch-marks/"},
        {
            "text": "laser treatment",
            "href": f"/v1/articles/{LASER}?lang=ar",
            "article": LASER,
            "section": None,
        },
    ]


# --- HTML -------------------------------------------------------------------------------


class Events(HTMLParser):
    """The start tags, end tags and text an HTML parser sees, in order."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.events.append(("text", data))


ALLOWED_TAGS = {"section", "h2", "p", "ul", "ol", "li", "blockquote", "aside", "em", "strong", "a"}


def test_section_html_structure(every_construct):
    symptoms = section(every_construct, "symptoms")
    fragment = section_html(
        symptoms.heading, symptoms.blocks, language="en", direction="ltr", link_url=link_url
    )
    assert Events(fragment).events == [
        ("start", "section", {"lang": "en", "dir": "ltr"}),
        ("start", "h2", {}),
        ("text", "Symptoms"),
        ("end", "h2"),
        ("start", "ul", {}),
        ("start", "li", {}),
        ("text", "Lines on the "),
        ("start", "em", {}),
        ("text", "skin"),
        ("end", "em"),
        ("end", "li"),
        ("start", "li", {}),
        ("text", "Colour changes:"),
        ("start", "ul", {}),
        ("start", "li", {}),
        ("text", "red or purple at first"),
        ("end", "li"),
        ("start", "li", {}),
        ("text", "silver later"),
        ("end", "li"),
        ("end", "ul"),
        ("end", "li"),
        ("start", "li", {}),
        ("text", "Itching, see "),
        ("start", "a", {"href": f"/v1/articles/{LASER}/sections/pain?lang=ar"}),
        ("text", "is it painful?"),
        ("end", "a"),
        ("end", "li"),
        ("end", "ul"),
        ("end", "section"),
    ]


def test_callout_html_with_a_localized_label(every_construct):
    help_section = section(every_construct, "when-to-get-help")
    fragment = section_html(
        None,
        help_section.blocks,
        language="fr",
        direction="ltr",
        link_url=link_url,
        callout_label=lambda kind: {"warning": "Attention"}[kind],
    )
    events = Events(fragment).events
    assert events[0] == ("start", "section", {"lang": "fr", "dir": "ltr"})
    assert ("start", "h2", {}) not in events
    aside = events.index(("start", "aside", {"class": "callout callout-warning"}))
    assert events[aside + 1 : aside + 4] == [
        ("start", "p", {"class": "callout-label"}),
        ("text", "Attention"),
        ("end", "p"),
    ]
    assert ("start", "blockquote", {}) in events
    assert ("start", "ol", {}) in events


ARABIC = (
    "انظر إلى العلامات.",
    "اتصل بطبيبك إذا:",
    "**نزفت**",
    "انتشرت بسرعة",
    "اتخذ ***كلتا*** الخطوتين.",
    'قال مريض: *"تلاشت في سنة."*',
    "لا تستخدم الليزر في المنزل. اسأل **أخصائيًا**.",
    "أحضر [قائمة الأعراض](article:every-construct#symptoms).",
)


def test_translated_section_in_a_right_to_left_language(every_construct):
    help_section = section(every_construct, "when-to-get-help")
    english_units = text_units(help_section.blocks)
    for unit, translation in zip(english_units, ARABIC, strict=True):
        assert markup_mismatch(unit.source, translation) is None
    translated = translate_blocks(help_section.blocks, ARABIC)
    assert [type(block) for block in translated] == [ListBlock, Quote, Callout]
    assert tuple(unit.source for unit in text_units(translated)) == ARABIC
    assert unit_texts(translated)[2] == "نزفت"
    fragment = section_html(
        "متى تحصل على المساعدة", translated, language="ar", direction="rtl", link_url=link_url
    )
    events = Events(fragment).events
    assert events[0] == ("start", "section", {"lang": "ar", "dir": "rtl"})
    assert ("start", "a", {"href": "/v1/articles/every-construct/sections/symptoms?lang=ar"}) in (
        events
    )
    assert ("text", "أخصائيًا") in events


def test_html_escapes_everything_a_translation_or_heading_holds(every_construct):
    overview = section(every_construct, "overview")
    hostile = (
        r"\<script>alert(1)\</script> &lt;img src=x onerror=alert(1)&gt; *a & b* "
        '[x "y"](https://www.nhs.uk/conditions/stretch-marks/) '
        f"[l](article:{LASER})"
    )
    assert markup_mismatch(overview.blocks[0].source, hostile) == (
        "has 0 strong span(s); the English has 1"
    )
    translated = translate_blocks(overview.blocks, [hostile])
    fragment = section_html(
        '<script>alert("heading")</script>',
        translated,
        language='en" onload="x',
        direction="ltr",
        link_url=lambda slug, section_id: f'/v1/articles/{slug}?lang=en"><script>',
    )
    events = Events(fragment).events
    assert {event[1] for event in events if event[0] == "start"} <= ALLOWED_TAGS
    assert events[0] == ("start", "section", {"lang": 'en" onload="x', "dir": "ltr"})
    texts = "".join(event[1] for event in events if event[0] == "text")
    assert '<script>alert("heading")</script>' in texts
    assert "<script>alert(1)</script> <img src=x onerror=alert(1)>" in texts
    hrefs = [event[2]["href"] for event in events if event[:2] == ("start", "a")]
    assert hrefs == [
        "https://www.nhs.uk/conditions/stretch-marks/",
        f'/v1/articles/{LASER}?lang=en"><script>',
    ]


def test_raw_html_in_a_translation_is_refused_not_rendered(every_construct):
    overview = section(every_construct, "overview")
    english = overview.blocks[0].source
    with_script = english + " <script>alert(1)</script>"
    assert markup_mismatch(english, with_script) == "uses raw HTML, which articles do not support"
    with pytest.raises(MarkupError, match="text unit 1: raw HTML not supported"):
        translate_blocks(overview.blocks, [with_script])


def test_translation_count_must_match_the_text_units(every_construct):
    with pytest.raises(ValueError, match="1 translations for 8 text units"):
        translate_blocks(section(every_construct, "when-to-get-help").blocks, ["one"])


# --- markup checks ------------------------------------------------------------------------

ENGLISH = "See *your* doctor, **now**: [NHS](https://nhs.uk/a) and [ours](article:b#c)."


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("Voir [le nôtre](article:b#c) et [NHS](https://nhs.uk/a), *votre* **vite**.", None),
        (
            "Voir *votre* médecin, **vite** : [NHS](https://nhs.uk/a).",
            "links to https://nhs.uk/a; the English links to article:b#c, https://nhs.uk/a",
        ),
        (
            "*v* **v** [a](https://nhs.uk/a) [b](article:b#c) [c](article:b#c)",
            "links to article:b#c, article:b#c, https://nhs.uk/a; "
            "the English links to article:b#c, https://nhs.uk/a",
        ),
        (
            "*v* **v** [a](https://nhs.uk/b) [b](article:b#c)",
            "links to article:b#c, https://nhs.uk/b; the English links to article:b#c, "
            "https://nhs.uk/a",
        ),
        (
            "v **v** [a](https://nhs.uk/a) [b](article:b#c)",
            "has 0 emphasis span(s); the English has 1",
        ),
        (
            "*v* *w* [a](https://nhs.uk/a) [b](article:b#c)",
            "has 2 emphasis span(s); the English has 1",
        ),
        (
            "*v* **v** [a](https://nhs.uk/a) [b](article:b#c) `x`",
            "uses code spans, which articles do not support",
        ),
        (
            "*v* **v** [a](https://nhs.uk/a) [b](article:b#c) ![i](https://nhs.uk/i.png)",
            "uses images, which articles do not support",
        ),
        (
            "*v* **v** [a](https://nhs.uk/a) [b](article:b#c) <b>x</b>",
            "uses raw HTML, which articles do not support",
        ),
    ],
)
def test_markup_mismatch(translation, problem):
    assert markup_mismatch(ENGLISH, translation) == problem


# --- refused constructs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Text.\n\n<div>raw</div>\n", 9, "raw HTML not supported"),
        ("Text with\n<b>inline</b> HTML.\n", 8, "raw HTML not supported"),
        ("An ![image](https://example.org/a.png).\n", 7, "images not supported"),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", 7, "tables not supported"),
        ("## Part\n\nText.\n\n### Sub\n", 11, "### headings not supported"),
        ("# Title\n", 7, "# headings not supported"),
        ("Title\n-----\n\nText.\n", 7, "underlined headings not supported"),
        ("Text.\n\n```\ncode\n```\n", 9, "code blocks not supported"),
        ("Text.\n\n    indented\n", 9, "code blocks (indented text) not supported"),
        ("Text.\n\n---\n", 9, "horizontal rules not supported"),
        ("A `code` span.\n", 7, "code spans not supported"),
        ("A ~~struck~~ word.\n", 7, "strikethrough not supported"),
        ("Two spaces  \nbreak.\n", 7, "hard line breaks not supported"),
        ("A [link](http://example.org).\n", 7, "link to 'http://example.org'"),
        ("A [link](javascript:alert(1)).\n", 7, "link to 'javascript:alert(1)'"),
        ("A [mail](mailto:a@example.org).\n", 7, "link to 'mailto:a@example.org'"),
        ("A [link](article:Bad_Slug).\n", 7, "link to 'article:Bad_Slug'"),
        ('A [link](https://example.org "title").\n', 7, "link titles not supported"),
        ("A [](https://example.org).\n", 7, "has no text"),
        ("A [ref][r].\n\n[r]: https://example.org\n", 9, "link reference definitions"),
        ("- a\n  - b\n    - c\n", 9, "lists nest one level only"),
        ("3. three\n4. four\n", 7, "an ordered list starts at 1"),
        ("- a\n\n  more\n", 9, "paragraphs after a list item's text"),
        ("- a\n\n  > quoted\n", 9, "quotes after a list item's text"),
        ("> outer\n>\n> > inner\n", 9, "quotes inside a quote not supported"),
        ("> [!DANGER]\n> Text.\n", 7, "unknown call-out [!DANGER]"),
        ("> [!NOTE]\n", 7, "empty call-out"),
        ("> [!NOTE] Same line.\n", 7, "a call-out's text starts on the line after [!NOTE]"),
        ("> [!NOTE]\n> Fine and\n> <i>not</i>.\n", 9, "raw HTML not supported"),
        ("## A *marked* heading\n\nText.\n", 7, "a heading is plain text"),
        ("## What It Is\n\nText.\n\n## What it is\n\nMore.\n", 11, "'what-it-is' already used"),
        ("## Part {#Bad Id}\n\nText.\n", 7, "section id 'Bad Id'"),
        ("## Heading\n\n## Next\n\nText.\n", 7, "section 'heading' has no text"),
        ("## 日本語\n\nText.\n", 7, "give one as ## Heading {#section-id}"),
        ("", 7, "no text"),
    ],
)
def test_refused_constructs_name_file_and_line(body, line, message):
    with pytest.raises(ContentError) as raised:
        sample(body)
    assert str(raised.value).startswith(f"{SAMPLE}:{line}: "), str(raised.value)
    assert message in str(raised.value)


def test_a_section_without_text_before_its_heading_has_no_overview():
    article = sample("## Only Part\n\nText.\n")
    assert [each.id for each in article.sections] == ["only-part"]


def test_call_out_marker_alone_on_its_line():
    article = sample("> [!TIP]\n>\n> Drink *water*.\n")
    (callout,) = article.sections[0].blocks
    assert callout == Callout(
        "tip",
        (Paragraph("Drink *water*.", (Span("Drink "), Span("water", ("emphasis",)), Span("."))),),
    )


@pytest.mark.parametrize(
    ("front_matter", "line", "message"),
    [
        (
            "slug: sample\ntitle: S\nclinical_review: not_reviewed\ncodes: []\ncolour: red\n",
            6,
            "colour: Unknown field",
        ),
        ("slug: sample\ntitle: S\nclinical_review: maybe\ncodes: []\n", 4, "clinical_review"),
        (
            "slug: sample\ntitle: S\nclinical_review: not_reviewed\ncodes: []\n"
            "published: 2024-13-01\n",
            6,
            "published: Not a valid date",
        ),
        (
            "slug: sample\ntitle: S\nclinical_review: not_reviewed\ncodes:\n"
            "  - {system: icd10cm, code: X, display: Y}\n",
            5,
            "codes.0.code: not an ICD-10-CM",
        ),
        (
            "slug: sample\nclinical_review: not_reviewed\ncodes: []\n",
            1,
            "title: Missing data for required field",
        ),
        (
            "slug: other\ntitle: S\nclinical_review: not_reviewed\ncodes: []\n",
            2,
            "must match the file name",
        ),
        ("slug: sample\ntitle: [unclosed\n", 4, "front matter not valid YAML"),
        (
            "slug: sample\ntitle: S\nclinical_review: not_reviewed\ncodes: []\n"
            "translator_notes: {pain: Note}\n",
            6,
            "translator_notes: no section 'pain'",
        ),
    ],
)
def test_front_matter_errors_name_file_and_line(front_matter, line, message):
    with pytest.raises(ContentError) as raised:
        parse_markdown_article(f"---\n{front_matter}---\nText.\n".encode(), SAMPLE)
    assert str(raised.value).startswith(f"{SAMPLE}:{line}: "), str(raised.value)
    assert message in str(raised.value)


def test_front_matter_dates_are_loaded():
    text = FRONT_MATTER.replace("codes: []\n", "codes: []\npublished: 2024-02-29\n")
    article = parse_markdown_article(f"{text}Text.\n".encode(), SAMPLE)
    assert article.metadata.published == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    "text", ["no front matter\n", "---\nslug: sample\n"], ids=["missing", "unclosed"]
)
def test_missing_front_matter_is_refused_at_line_1(text):
    with pytest.raises(ContentError, match=rf"^{SAMPLE}:1: "):
        parse_markdown_article(text.encode(), SAMPLE)


def test_links_to_missing_articles_and_sections_name_file_and_line(every_construct):
    sections_by_slug = {"every-construct": {"symptoms"}, LASER: {"overview"}}
    assert unresolved_links(every_construct, "every-construct.md", sections_by_slug) == (
        f"every-construct.md:22: link to unknown section 'pain' of article '{LASER}'",
    )
    assert unresolved_links(every_construct, "e.md", {"every-construct": {"symptoms"}}) == (
        f"e.md:14: link to unknown article '{LASER}'",
        f"e.md:22: link to unknown article '{LASER}'",
    )
