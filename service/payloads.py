"""Build once, serve many: every response body, built at start-up and kept as bytes.

`build_store` loads the articles and catalogs, decides which languages are offered,
dumps every (resource, language) representation through its schema, validates it,
serializes it and hashes it for its ETag. A content request then only negotiates,
looks up a `Payload` here and returns its bytes.
"""

import functools
import gzip
import hashlib
import json
import math
from dataclasses import dataclass
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


GZIP_MINIMUM_BYTES = 1024


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: cheap memo keys
class Encoded:
    """One set of bytes to send and every header for it (200 and 304)."""

    body: bytes
    etag: str
    headers: Headers
    not_modified_headers: Headers


@dataclass(frozen=True, eq=False)
class Payload:
    """One representation: its identity bytes and, over 1 KB, a gzip twin."""

    language: str  # the body's `language`: what a `requested_language` is compared with
    identity: Encoded
    gzip: Encoded | None
    recipe: tuple  # (policy, content type, vary, extra headers): to build variants

    def encoded(self, accepts_gzip: bool) -> Encoded:
        return self.gzip if accepts_gzip and self.gzip else self.identity

    def for_requested_language(self, requested: str) -> "Payload":
        """This payload with `requested_language` added (the tag is well-formed BCP 47)."""
        body = b'{"requested_language":"' + requested.encode() + b'",' + self.identity.body[1:]
        policy, content_type, vary, extra = self.recipe
        return build_payload(body, self.language, policy, content_type, vary=vary, extra=extra)


def _encode(body: bytes, policy: HeaderPolicy, content_type, vary, extra) -> Encoded:
    etag = strong_etag(body)
    headers = policy.cacheable(content_type, etag, vary, extra)
    return Encoded(body, etag, headers, policy.not_modified(headers))


def build_payload(
    body: bytes, language: str, policy: HeaderPolicy, content_type: str, *, vary=(), extra=()
) -> Payload:
    """Hash, compress and precompute the headers of one representation."""
    recipe = (policy, content_type, vary, extra)
    if len(body) <= GZIP_MINIMUM_BYTES:
        return Payload(language, _encode(body, policy, content_type, vary, extra), None, recipe)
    vary = (*vary, "Accept-Encoding")
    compressed = gzip.compress(body, compresslevel=9, mtime=0)
    return Payload(
        language,
        _encode(body, policy, content_type, vary, extra),
        _encode(compressed, policy, content_type, vary, (*extra, ("Content-Encoding", "gzip"))),
        recipe,
    )


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


def with_lang(url: str, tag: str) -> str:
    """The canonical URL of `url` in language `tag`."""
    return f"{url}{'&' if '?' in url else '?'}lang={tag}"


def resource_url(key: tuple[str, ...]) -> str:
    """The path of the resource a payload key names."""
    kind, *ids = key
    builders = {
        "articles": lambda page: (
            f"{API_PREFIX}/articles" + ("" if page == "1" else f"?page={page}")
        ),
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
        *,
        threshold: int,
        articles_per_page: int = 50,
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
        self.article_pages = max(1, math.ceil(len(self.articles) / articles_per_page))
        self.articles_per_page = articles_per_page
        # Bounded: requested tags are client-chosen, so their variety is too.
        self._with_requested_language = functools.lru_cache(maxsize=4096)(
            Payload.for_requested_language
        )
        for tag in self.offered:
            self._build_language(Localizer(tag, catalogs.get(tag)))

    def get(self, key: tuple[str, ...], language: str) -> Payload | None:
        return self.payloads.get((key, language))

    def encoded(self, payload: Payload, requested: str | None, accepts_gzip: bool) -> Encoded:
        """The bytes to send: with `requested_language` when it differs, gzip if accepted."""
        if requested and requested.lower() != payload.language.lower():
            payload = self._with_requested_language(payload, requested)
        return payload.encoded(accepts_gzip)

    def _add(self, key, served, schema, data, languages, *, links=()):
        """Serialize one representation of `key` for requests negotiated to `served`.

        The body's `language` is the first of `languages` (a section served in English
        inside a Spanish request says "en"); Content-Language lists them all.
        """
        body_language = languages[0] if languages else served
        data = {"language": body_language, "direction": text_direction(body_language), **data}
        body = serialize(schema, data, f"{'/'.join(key)} [{served}]")
        present = ", ".join(dict.fromkeys(languages or [served]))
        # The canonical URL of this content in this language: caches and CDNs can key
        # on it instead of on every Accept-Language variant.
        canonical = with_lang(resource_url(key), served)
        extra = (("Content-Language", present), ("Content-Location", canonical), *links)
        self.payloads[key, served] = build_payload(
            body, body_language, self.policy, JSON, vary=("Accept-Language",), extra=extra
        )

    def _build_language(self, localizer: Localizer):
        summaries, titles_languages = [], []
        for article in self.articles.values():
            head, sections, title_language = self._localize(localizer, article)
            # Index schemas dump only an entry's fields (no paragraphs) from the same dicts.
            summaries.append({**head, "sections": sections})
            titles_languages.append(title_language)
            self._build_article(localizer, article, head, sections, title_language)
        self._build_article_pages(localizer, summaries, titles_languages)
        self._build_languages(localizer)

    def _build_article_pages(self, localizer: Localizer, summaries, titles_languages):
        """The article list, page by page, each with its RFC 8288 Link header."""
        size, pages = self.articles_per_page, self.article_pages
        for page in range(1, pages + 1):
            start = (page - 1) * size

            relations = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
            links = ", ".join(
                f"<{with_lang(resource_url(('articles', str(number))), localizer.tag)}>; "
                f'rel="{relation}"'
                for relation, number in relations.items()
                if 1 <= number <= pages
            )
            self._add(
                ("articles", str(page)),
                localizer.tag,
                schemas.ArticleListSchema(),
                {
                    "articles": summaries[start : start + size],
                    "pagination": {
                        "page": page,
                        "per_page": size,
                        "total_articles": len(summaries),
                        "total_pages": pages,
                    },
                },
                [localizer.tag, *titles_languages[start : start + size]],
                links=(("Link", links),),
            )

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
        articles_per_page=config["ARTICLES_PER_PAGE"],
    )
