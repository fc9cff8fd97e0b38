"""Preview pages for translators and clinical reviewers: an article beside its English source.

Server-rendered HTML (Jinja, autoescaped) from the serving payload store: the same
articles and catalogs as the API, and the same `Localizer` deciding which sections a
patient gets in English. No JavaScript and no external assets; a strict
Content-Security-Policy. These are pages for people, not API: service/openapi.py
leaves this blueprint out of the OpenAPI document. Registered only when
PREVIEW_ENABLED is on (see the README).
"""

from dataclasses import dataclass, replace
from html import escape

from babel import Locale
from flask import Blueprint, Response, render_template
from markupsafe import Markup

from service.api.serving import negotiate_lang
from service.catalogs import Catalog, Completeness, MessageKey, read_po
from service.content.inline import MarkupError, parse_inline
from service.content.model import Article, Section, text_unit_labels
from service.content.render import Frame, inline_html, text_unit_frames
from service.errors import ARTICLE_NOT_FOUND, Problem
from service.i18n import SOURCE_LANGUAGE
from service.localization import DISCLAIMER, REVIEW_SUMMARIES
from service.payloads import PayloadStore, current_store, links_in

HTML = "text/html; charset=utf-8"
# Only our own stylesheet may load; no scripts, frames, forms or remote anything.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SOURCE, TRANSLATED, FUZZY, UNTRANSLATED = "source", "translated", "fuzzy", "untranslated"

bp = Blueprint(
    "preview",
    __name__,
    url_prefix="/preview",
    template_folder="templates",
    static_folder="static/preview",
    static_url_path="/static",
)


@dataclass(frozen=True)
class Language:
    """A language as the preview names and measures it."""

    tag: str
    english_name: str
    native_name: str
    direction: str
    catalog: Catalog | None  # the interface catalog; None for the source language
    completeness: Completeness  # of the interface catalog, as the API reports it
    offered: bool

    @property
    def is_source(self) -> bool:
        return self.tag == SOURCE_LANGUAGE


@dataclass(frozen=True)
class Row:
    """One source string beside its translation, and where a translator finds it."""

    source: str
    translation: str | None  # None when the source language, untranslated or fuzzy
    status: str  # SOURCE, TRANSLATED, FUZZY or UNTRANSLATED
    context: str | None  # the entry's msgctxt; None for interface strings
    block: str | None = None  # where in its section ("block 2: bulleted list, item 1")
    frame: Frame = ("<p>", "</p>")  # the tags around it as it renders (render.py's)
    language: str = SOURCE_LANGUAGE  # the translation's: its links lead to that language

    @property
    def source_html(self) -> Markup:
        return self.framed(self.source, SOURCE_LANGUAGE)

    @property
    def translation_html(self) -> Markup | None:
        return self.framed(self.translation, self.language) if self.translation else None

    def framed(self, text: str, language: str) -> Markup:
        """The text rendered inside its block: a list item in its list (numbered as in
        the section), a paragraph in its quote or call-out, a heading as a heading."""
        opening, closing = self.frame
        return Markup(opening) + rendered(text, language) + Markup(closing)  # noqa: S704 - render.py's tags


HEADING_FRAME = ("<h3>", "</h3>")  # a section heading, below the page's h2 per section


def callout_label(kind: str) -> str:
    """A call-out's visible label in both columns, in English (the API sends none: a
    client shows the kind its own way)."""
    return kind.capitalize()


def rendered(text: str, language: str = SOURCE_LANGUAGE) -> Markup:
    """A string as patients of `language` see it: its inline Markdown as escaped HTML
    (links to the API's URL of the linked article in that language), or the escaped
    text when it is not valid."""
    try:
        html = inline_html(parse_inline(text), links_in(language))
    except MarkupError:
        html = escape(text)
    return Markup(html)  # noqa: S704 - every text in it is escaped (render.inline_html)


@dataclass(frozen=True)
class SectionPreview:
    section: Section
    position: int
    heading: Row | None
    paragraphs: tuple[Row, ...]
    served_language: str  # what a patient gets: the language, or English for all of it


@dataclass(frozen=True)
class ArticlePreview:
    article: Article
    language: Language
    catalog: Catalog | None  # the article's catalog in this language
    article_completeness: Completeness
    available: bool  # patients asking for this language get this article in it
    title: Row
    also_called: tuple[Row, ...]  # the article's other names, one row per term
    also_called_language: str  # what patients get them in: the language, or English
    review_summary: Row
    disclaimer: Row
    sections: tuple[SectionPreview, ...]


def fuzzy_keys(catalog: Catalog | None) -> frozenset[MessageKey]:
    """The entries a translator marked fuzzy, read from the .po: a compiled catalog
    leaves them out (a page for translators, not the API's hot path)."""
    if catalog is None or not catalog.fuzzy_entries:
        return frozenset()
    return frozenset(
        (entry.msgctxt, entry.msgid) for entry in read_po(catalog.file.po_path).fuzzy_entries()
    )


def message_row(language: Language, catalog: Catalog | None, key: MessageKey, fuzzy) -> Row:
    """Pair one catalog entry's source with its translation and status."""
    context, source = key
    if language.is_source:
        return Row(source, None, SOURCE, context)
    if translation := catalog and catalog.translate(key):
        return Row(source, translation, TRANSLATED, context, language=language.tag)
    return Row(source, None, FUZZY if key in fuzzy else UNTRANSLATED, context)


def languages(store: PayloadStore) -> tuple[Language, ...]:
    """The source language and every catalog, offered to patients or not."""
    found = []
    for tag, completeness in store.interface_completeness.items():
        locale = Locale.parse(tag.replace("-", "_"))
        found.append(
            Language(
                tag=tag,
                english_name=locale.get_display_name("en") or tag,
                native_name=locale.get_display_name(locale) or tag,
                direction=locale.text_direction,
                catalog=store.catalogs.interface.get(tag),
                completeness=completeness,
                offered=tag in store.offered,
            )
        )
    return tuple(found)


def preview_article(store: PayloadStore, article: Article, language: Language) -> ArticlePreview:
    """Every string of an article beside its translation, section by section."""
    catalog = store.catalogs.of_article(article.slug, language.tag)
    interface = language.catalog
    fuzzy = fuzzy_keys(catalog) | fuzzy_keys(interface)
    localizer = store.localizer(language.tag)
    sections = []
    for position, section in enumerate(article.sections, 1):
        context = article.section_context(section)
        rows = [
            message_row(language, catalog, (context, text), fuzzy) for text in section.strings()
        ]
        heading = replace(rows.pop(0), frame=HEADING_FRAME) if section.heading else None
        labels = text_unit_labels(section.blocks)
        frames = text_unit_frames(section.blocks, callout_label, label_language=SOURCE_LANGUAGE)
        rows = [
            replace(row, block=label, frame=frame)
            for row, label, frame in zip(rows, labels, frames, strict=True)
        ]
        served_language = localizer.section(article, section).language
        sections.append(SectionPreview(section, position, heading, tuple(rows), served_language))
    return ArticlePreview(
        article=article,
        language=language,
        catalog=catalog,
        article_completeness=store.completeness[article.slug, language.tag],
        available=language.tag in store.available[article.slug],
        title=message_row(language, catalog, (article.title_context, article.title), fuzzy),
        also_called=tuple(
            message_row(language, catalog, (article.also_called_context, term), fuzzy)
            for term in article.also_called
        ),
        also_called_language=localizer.also_called(article).language,
        review_summary=message_row(
            language,
            interface,
            (None, REVIEW_SUMMARIES[article.metadata.clinical_review]),
            fuzzy,
        ),
        disclaimer=message_row(language, interface, (None, DISCLAIMER), fuzzy),
        sections=tuple(sections),
    )


def _preview_language(available: tuple[Language, ...]) -> Language:
    """`lang`, else the first Accept-Language range, if it has a catalog; else as the API.

    A catalog below the completeness threshold is previewed too: that is what a
    translator is working on.
    """
    negotiation = negotiate_lang()
    by_tag = {language.tag: language for language in available}
    requested = by_tag.get(negotiation.requested) if negotiation.requested else None
    return requested or by_tag[negotiation.served]


def _page(body: str, content_languages: list[str]) -> Response:
    """Answer with an HTML page that no cache keeps: a reload shows new catalogs at once."""
    headers = (
        *current_store().policy.uncacheable(HTML),
        ("Content-Language", ", ".join(dict.fromkeys(content_languages))),
        ("Vary", "Accept-Language"),
    )
    return Response(body, headers=headers)


@bp.after_request
def add_security_headers(response: Response) -> Response:
    """Lock every preview response (pages, stylesheet, errors) to our own stylesheet."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/")
def list_previews():
    """List every article in every language, with completeness and catalog revision date."""
    store = current_store()
    available = languages(store)
    articles = [
        (
            article,
            [
                (
                    language,
                    store.completeness[article.slug, language.tag],
                    store.catalogs.of_article(article.slug, language.tag),
                    language.tag in store.available[article.slug],
                )
                for language in available
            ],
        )
        for article in store.articles.values()
    ]
    body = render_template("preview/index.html", articles=articles)
    return _page(body, [SOURCE_LANGUAGE])


@bp.get("/<slug>")
def show_preview(slug: str):
    """Show one article beside its English source, in the `lang` asked for."""
    store = current_store()
    if slug not in store.articles:
        raise Problem(ARTICLE_NOT_FOUND)
    available = languages(store)
    language = _preview_language(available)
    preview = preview_article(store, store.articles[slug], language)
    body = render_template("preview/article.html", preview=preview, languages=available)
    return _page(body, [SOURCE_LANGUAGE, language.tag])
