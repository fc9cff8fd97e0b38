"""Text in one language: the one translation path for content and interface strings.

A `Localizer` reads the compiled catalogs of one language (service/catalogs.py) and
gives English for whatever they do not translate, saying which language each text is
in. Payloads are built with it at start-up, and error bodies with it per request.
"""

from dataclasses import dataclass

from service.catalogs import Catalogs
from service.content.inline import MarkupError
from service.content.model import Article, Block, Section
from service.content.render import unit_texts
from service.content.translation import translate_blocks
from service.i18n import N_, SOURCE_LANGUAGE

# Translators: shown with every article. Use the usual wording of patient leaflets.
DISCLAIMER = N_(
    "This article is general health information, not medical advice. It does not replace "
    "a consultation with your doctor or another qualified health professional. Ask them "
    "before you start, change or stop any treatment."
)
REVIEW_SUMMARIES = {
    "not_reviewed": N_("This article has not been reviewed by a clinician."),
    "reviewed": N_("This article has been reviewed by a clinician."),
}


@dataclass(frozen=True)
class Localized:
    """A text and the language it is in (English where the catalog lacks it)."""

    text: str
    language: str


@dataclass(frozen=True)
class LocalizedTerms:
    """An article's "also called" terms, all in one language (English where the catalog
    lacks any of them); no language's list repeats a term."""

    terms: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class LocalizedSection:
    """A section whole in one language: translated, or all English."""

    heading: str | None
    blocks: tuple[Block, ...]  # the English tree, its text units translated
    language: str

    @property
    def paragraphs(self) -> list[str]:
        """Plain text of each text unit: v1's `paragraphs`."""
        return list(unit_texts(self.blocks))


@dataclass(frozen=True)
class Localizer:
    """Text of one language, with English for whatever its catalogs do not translate."""

    tag: str
    catalogs: Catalogs

    def interface(self, message: str) -> Localized:
        catalog = self.catalogs.interface.get(self.tag)
        translated = catalog and catalog.translate((None, message))
        return (
            Localized(translated, self.tag) if translated else Localized(message, SOURCE_LANGUAGE)
        )

    def title(self, article: Article) -> Localized:
        catalog = self.catalogs.of_article(article.slug, self.tag)
        translated = catalog and catalog.translate((article.title_context, article.title))
        return (
            Localized(translated, self.tag)
            if translated
            else Localized(article.title, SOURCE_LANGUAGE)
        )

    def also_called(self, article: Article) -> LocalizedTerms:
        """The article's other names, all translated or all in English, as a section is:
        a list of names is read (and searched) as one. Two terms a language names alike
        are given once."""
        catalog = self.catalogs.of_article(article.slug, self.tag)
        if catalog and article.also_called:
            context = article.also_called_context
            texts = [catalog.translate((context, term)) for term in article.also_called]
            translated = [text for text in texts if text]
            if len(translated) == len(texts):
                return LocalizedTerms(tuple(dict.fromkeys(translated)), self.tag)
        language = SOURCE_LANGUAGE if article.also_called else self.tag
        return LocalizedTerms(article.also_called, language)

    def section(self, article: Article, section: Section) -> LocalizedSection:
        """The whole section translated, or all of it in English: never mixed."""
        catalog = self.catalogs.of_article(article.slug, self.tag)
        if catalog:
            context = article.section_context(section)
            texts = [catalog.translate((context, text)) for text in section.strings()]
            if all(texts):
                heading = texts.pop(0) if section.heading else None
                try:
                    blocks = translate_blocks(section.blocks, texts)  # type: ignore[arg-type]
                except MarkupError:  # `make translations` refuses it; never serve it
                    pass
                else:
                    return LocalizedSection(heading, blocks, self.tag)
        return LocalizedSection(section.heading, section.blocks, SOURCE_LANGUAGE)
