"""Build once, serve many: every response body, built at start-up and kept as bytes.

`build_store` loads the articles and catalogs, decides which languages are offered,
dumps every (resource, language) representation through its schema, validates it,
serializes it and hashes it for its ETag. A content request then only negotiates,
looks up a `Payload` here and returns its bytes.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from babel import Locale
from flask import current_app
from marshmallow import Schema

from service import schemas
from service.catalogs import (
    Completeness,
    LanguageCatalog,
    Template,
    load_catalogs,
    load_template,
)
from service.config import StartupError
from service.content.loader import load_articles
from service.content.model import Article, Section
from service.headers import JSON, HeaderPolicy, Headers
from service.i18n import N_, SOURCE_LANGUAGE, Negotiator, text_direction

API_PREFIX = "/v1"


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


class BuildError(StartupError):
    """A payload does not match its schema: a bug or bad content, caught before serving."""


@dataclass(frozen=True)
class Payload:
    """One representation, ready to send: body bytes and every header, precomputed."""

    body: bytes
    language: str  # the body's `language`: what a `requested_language` is compared with
    etag: str
    headers: Headers
    not_modified_headers: Headers

    def for_requested_language(self, requested: str) -> "Payload":
        """This payload with `requested_language` added (the tag is well-formed BCP 47)."""
        body = b'{"requested_language":"' + requested.encode() + b'",' + self.body[1:]
        etag = f'{self.etag[:-1]}-{requested}"'
        return replace(
            self,
            body=body,
            etag=etag,
            headers=_with_etag(self.headers, etag),
            not_modified_headers=_with_etag(self.not_modified_headers, etag),
        )


def _with_etag(headers: Headers, etag: str) -> Headers:
    return tuple((name, etag if name == "ETag" else value) for name, value in headers)


def serialize(schema: Schema, data: dict, where: str) -> bytes:
    """Dump through the schema, validate the result, return compact UTF-8 JSON."""
    dumped = schema.dump(data)
    errors = schema.validate(dumped)
    if errors:
        raise BuildError(f"{where}: payload does not match {type(schema).__name__}: {errors}")
    return json.dumps(dumped, ensure_ascii=False, separators=(",", ":")).encode()


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Localizer:
    """Text of one language, with English for whatever the catalog does not translate."""

    tag: str
    catalog: LanguageCatalog | None  # None for the source language

    def interface(self, message: str) -> tuple[str, str]:
        """(text, language) of an interface string."""
        translated = self.catalog and self.catalog.translate((None, message))
        return (translated, self.tag) if translated else (message, SOURCE_LANGUAGE)

    def title(self, article: Article) -> tuple[str, str]:
        translated = self.catalog and self.catalog.translate((article.title_context, article.title))
        return (translated, self.tag) if translated else (article.title, SOURCE_LANGUAGE)

    def section(self, article: Article, section: Section) -> tuple[str | None, list[str], str]:
        """(heading, paragraphs, language): the whole section translated, or all English."""
        if self.catalog:
            context = article.section_context(section)
            texts = [self.catalog.translate((context, text)) for text in section.strings()]
            if all(texts):
                heading = texts.pop(0) if section.heading else None
                return heading, texts, self.tag
        return section.heading, list(section.paragraphs), SOURCE_LANGUAGE


def article_url(slug: str) -> str:
    return f"{API_PREFIX}/articles/{slug}"


def section_index_url(slug: str) -> str:
    return f"{article_url(slug)}/sections"


def section_url(slug: str, section_id: str) -> str:
    return f"{section_index_url(slug)}/{section_id}"


def resource_url(key: tuple[str, ...]) -> str:
    """The path of the resource a payload key names."""
    kind, *ids = key
    builders = {
        "articles": lambda: f"{API_PREFIX}/articles",
        "article": article_url,
        "sections": section_index_url,
        "section": section_url,
        "languages": lambda: f"{API_PREFIX}/languages",
    }
    return builders[kind](*ids)


class PayloadStore:
    """Everything the service serves, by (resource key, language)."""

    def __init__(
        self,
        articles: tuple[Article, ...],
        catalogs: dict[str, LanguageCatalog],
        template: Template,
        policy: HeaderPolicy,
        threshold: int,
    ):
        self.articles = {article.slug: article for article in articles}
        self.catalogs = catalogs
        self.template = template
        self.policy = policy
        self.threshold = threshold
        self.completeness = {
            tag: Completeness.of(catalogs.get(tag), template.keys)
            for tag in (SOURCE_LANGUAGE, *catalogs)
        }
        self.offered = tuple(
            tag for tag, measured in self.completeness.items() if measured.meets(threshold)
        )
        self.negotiator = Negotiator(self.offered)
        self.translations = {tag: catalogs[tag].translations for tag in self.offered[1:]}
        self.payloads: dict[tuple[tuple[str, ...], str], Payload] = {}
        for tag in self.offered:
            self._build_language(Localizer(tag, catalogs.get(tag)))

    def get(self, key: tuple[str, ...], language: str) -> Payload | None:
        return self.payloads.get((key, language))

    def _add(self, key, served, schema, data, languages):
        """Serialize one representation of `key` for requests negotiated to `served`.

        The body's `language` is the first of `languages` (a section served in English
        inside a Spanish request says "en"); Content-Language lists them all.
        """
        body_language = languages[0] if languages else served
        data = {"language": body_language, "direction": text_direction(body_language), **data}
        body = serialize(schema, data, f"{'/'.join(key)} [{served}]")
        etag = strong_etag(body)
        present = ", ".join(dict.fromkeys(languages or [served]))
        # The canonical URL of this content in this language: caches and CDNs can key
        # on it instead of on every Accept-Language variant.
        canonical = f"{resource_url(key)}?lang={served}"
        headers = self.policy.cacheable(
            JSON,
            etag,
            ("Accept-Language",),
            (("Content-Language", present), ("Content-Location", canonical)),
        )
        self.payloads[key, served] = Payload(
            body, body_language, etag, headers, self.policy.not_modified(headers)
        )

    def _build_language(self, localizer: Localizer):
        summaries, titles_languages = [], []
        for article in self.articles.values():
            head, sections, title_language = self._localize(localizer, article)
            # Index schemas dump only an entry's fields (no paragraphs) from the same dicts.
            summaries.append({**head, "sections": sections})
            titles_languages.append(title_language)
            self._build_article(localizer, article, head, sections, title_language)
        self._add(
            ("articles",),
            localizer.tag,
            schemas.ArticleListSchema(),
            {"articles": summaries},
            [localizer.tag, *titles_languages],
        )
        self._build_languages(localizer)

    def _localize(self, localizer: Localizer, article: Article):
        """(head, section bodies, title language) of one article in one language."""
        title, title_language = localizer.title(article)
        sections = []
        for position, section in enumerate(article.sections, 1):
            heading, paragraphs, language = localizer.section(article, section)
            sections.append(
                {
                    "id": section.id,
                    "heading": heading,
                    "position": position,
                    "language": language,
                    "direction": text_direction(language),
                    "url": section_url(article.slug, section.id),
                    "paragraphs": paragraphs,
                }
            )
        head = {
            "slug": article.slug,
            "title": title,
            "url": article_url(article.slug),
            "languages_available": list(self.offered),
            "codes": [
                {
                    "system": code.system_uri,
                    "system_name": code.system_name,
                    "code": code.code,
                    "display": code.display,
                }
                for code in article.metadata.codes
            ],
        }
        return head, sections, title_language

    def _build_article(self, localizer, article, head, sections, title_language):
        """The whole article, its section index and each section."""
        metadata = article.metadata
        disclaimer, disclaimer_language = localizer.interface(DISCLAIMER)
        summary, summary_language = localizer.interface(REVIEW_SUMMARIES[metadata.clinical_review])
        section_languages = [section["language"] for section in sections]
        self._add(
            ("article", article.slug),
            localizer.tag,
            schemas.ArticleSchema(),
            {
                **head,
                "attribution": metadata.attribution,
                "source_url": metadata.source_url,
                "license": metadata.license,
                "dates": {
                    "published": metadata.published,
                    "modified": metadata.modified,
                    "last_reviewed": metadata.last_reviewed,
                    "review_due": metadata.review_due,
                },
                "clinical_review": {
                    "status": metadata.clinical_review,
                    "reviewed_by": metadata.reviewed_by,
                    "summary": summary,
                },
                "disclaimer": {"language": disclaimer_language, "text": disclaimer},
                "sections": sections,
            },
            [
                localizer.tag,
                title_language,
                *section_languages,
                disclaimer_language,
                summary_language,
            ],
        )
        self._add(
            ("sections", article.slug),
            localizer.tag,
            schemas.SectionIndexSchema(),
            {"article": article.slug, "sections": sections},
            [localizer.tag, *section_languages],
        )
        urls = [None, *(section["url"] for section in sections), None]
        for index, section in enumerate(sections, 1):
            self._add(
                ("section", article.slug, section["id"]),
                localizer.tag,
                schemas.SectionSchema(),
                {
                    **section,
                    "article": article.slug,
                    "links": {
                        "self": section["url"],
                        "article": head["url"],
                        "previous": urls[index - 1],
                        "next": urls[index + 1],
                    },
                },
                [section["language"]],
            )

    def _language_entry(self, tag: str, response_locale: Locale) -> dict:
        catalog = self.catalogs.get(tag)
        locale = Locale.parse(tag.replace("-", "_"))
        if catalog is None:
            status = "source"
        else:
            status = "complete" if tag in self.offered else "in_progress"
        review = catalog.medical_review if catalog else None
        return {
            "tag": tag,
            "english_name": locale.get_display_name("en"),
            "native_name": locale.get_display_name(locale),
            "name": locale.get_display_name(response_locale),
            "direction": locale.text_direction,
            "status": status,
            "offered": tag in self.offered,
            "completeness": self.completeness[tag].as_dict(),
            "articles": [
                {
                    "slug": slug,
                    **Completeness.of(catalog, self.template.article_keys(slug)).as_dict(),
                }
                for slug in self.articles
            ],
            "revision_date": catalog.revision_date if catalog else None,
            "last_translator": catalog.last_translator if catalog else None,
            "language_team": catalog.language_team if catalog else None,
            "provenance": {
                "translated_by": catalog.translated_by if catalog else None,
                "medical_review": review
                and {"reviewed": review.reviewed, "reviewer": review.reviewer, "date": review.date},
            },
        }

    def _build_languages(self, localizer: Localizer):
        response_locale = Locale.parse(localizer.tag.replace("-", "_"))
        self._add(
            ("languages",),
            localizer.tag,
            schemas.LanguageListSchema(),
            {
                "completeness_threshold": self.threshold,
                "languages": [
                    self._language_entry(tag, response_locale) for tag in self.completeness
                ],
            },
            [localizer.tag],
        )


def current_store() -> PayloadStore:
    """The store serving the current request (swapped whole on a reload)."""
    return current_app.extensions["payload_store"]


def build_store(config: dict) -> PayloadStore:
    """Load content and catalogs named by the config and build every payload."""
    translations_dir: Path = config["TRANSLATIONS_DIR"]
    return PayloadStore(
        articles=load_articles(config["CONTENT_DIR"]),
        catalogs=load_catalogs(translations_dir),
        template=load_template(translations_dir),
        policy=HeaderPolicy(config["CACHE_MAX_AGE"], config["CORS_ALLOWED_ORIGINS"]),
        threshold=config["TRANSLATION_COMPLETENESS_THRESHOLD"],
    )
