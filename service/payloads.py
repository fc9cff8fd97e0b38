"""Build once, serve many: every response body, built at start-up and kept as bytes.

`build_store` loads the articles and catalogs, decides which languages are offered,
dumps every (resource, language) representation through its schema, validates it,
serializes it and hashes it for its ETag. A content request then only negotiates,
looks up a `Payload` here and returns its bytes.
"""

import functools
import gzip
import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jsonschema_rs
import orjson
from babel import Locale
from flask import current_app
from marshmallow import Schema

from service import representations, schemas
from service.catalogs import (
    Completeness,
    LanguageCatalog,
    Template,
    load_catalogs,
    load_template,
)
from service.codes import CodeIndex
from service.config import StartupError
from service.content.loader import load_articles
from service.content.model import Article, Section
from service.encodings import AcceptedCodings
from service.headers import JSON, HeaderPolicy, Headers, shared
from service.i18n import N_, SOURCE_LANGUAGE, Negotiator, text_direction
from service.media_types import FHIR_JSON, JSON_LD
from service.modified import text_modified
from service.openapi import SCHEMAS, component_schemas
from service.representations import Localized, LocalizedArticle

API_PREFIX = "/v1"
ARTICLE_LIST_PATH = f"{API_PREFIX}/articles"
LANGUAGE_LIST_PATH = f"{API_PREFIX}/languages"
# Schema instances are reused: dump and validate keep no state, and creating one per
# payload was a third of the start-up time.
ARTICLE_LIST_SCHEMA = schemas.ArticleListSchema()
ARTICLE_SCHEMA = schemas.ArticleSchema()
SECTION_INDEX_SCHEMA = schemas.SectionIndexSchema()
SECTION_SCHEMA = schemas.SectionSchema()
LANGUAGE_LIST_SCHEMA = schemas.LanguageListSchema()


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
# Query endpoints (code lookup, feeds) keep this many distinct answers: queries are
# client-chosen, so their variety must not grow memory.
QUERY_MEMO_SIZE = 256
# An article's JSON-LD and FHIR representations (about 11 kB each, under 1 ms to build)
# are kept in a bounded cache, least recently used dropped first. All are built at
# start-up when they all fit (up to 113 articles in nine languages: about 1.5 s, 22 MB);
# for a larger corpus each is built on its first request instead, so neither start-up
# time nor memory grows with the corpus past that.
ALTERNATES_CACHED = 2048
ALTERNATE_REPRESENTATIONS = {  # schema instances are reused: building them is costly
    JSON_LD: (representations.medical_web_page, schemas.MedicalWebPageSchema()),
    FHIR_JSON: (representations.fhir_composition, schemas.FhirCompositionSchema()),
}
LANGUAGE_VARY = ("Accept-Language",)
# An article has several representations (ALTERNATE_REPRESENTATIONS): chosen by Accept.
ARTICLE_VARY = ("Accept", *LANGUAGE_VARY)


# Compared and hashed by identity (cheap memo keys); slots: tens of thousands are kept.
@dataclass(frozen=True, eq=False, slots=True)
class Encoded:
    """One set of bytes to send and every header for it (200 and 304)."""

    body: bytes
    etag: str
    headers: Headers
    not_modified_headers: Headers


@dataclass(frozen=True, eq=False, slots=True)
class Payload:
    """One representation: its identity bytes and, over 1 KB, a gzip twin."""

    language: str  # the body's `language`: what a `requested_language` is compared with
    identity: Encoded
    gzip: Encoded | None
    recipe: tuple  # (policy, content type, vary, extra headers): to build variants

    def encoded(self, codings: AcceptedCodings) -> Encoded | None:
        """The encoding the request accepts, gzip first; None when none is (a 406)."""
        return codings.choose(self.identity, self.gzip)

    def for_requested_language(self, requested: str) -> "Payload":
        """This payload with `requested_language` added (the tag is well-formed BCP 47)."""
        body = b'{"requested_language":"' + requested.encode() + b'",' + self.identity.body[1:]
        policy, content_type, vary, extra = self.recipe
        return build_payload(body, self.language, policy, content_type, vary=vary, extra=extra)


def _encode(body: bytes, policy: HeaderPolicy, content_type, vary, extra) -> Encoded:
    etag = strong_etag(body)
    headers = (*policy.cacheable(content_type, etag, vary, extra), content_length(len(body)))
    return Encoded(body, etag, headers, policy.not_modified(headers))


@functools.lru_cache(maxsize=4096)
def content_length(size: int) -> tuple[str, str]:
    """The Content-Length header for a size (one tuple per size: bodies share sizes)."""
    return ("Content-Length", str(size))


def build_payload(
    body: bytes, language: str, policy: HeaderPolicy, content_type: str, *, vary=(), extra=()
) -> Payload:
    """Hash, compress and precompute the headers of one representation.

    The headers are sent as built, unchecked per response (api/serving.StoredResponse):
    the values built per payload are checked here, once."""
    for name, value in extra:
        if not value.isascii() or not value.isprintable():
            raise BuildError(f"header {name}: {value!r} is not printable ASCII")
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


@functools.cache
def _payload_validator(schema_type: type[Schema]) -> jsonschema_rs.Draft202012Validator:
    """Compile the schema's OpenAPI component once: a marshmallow load per payload was
    half of start-up, a compiled JSON Schema check costs about a fiftieth of it."""
    name = next(name for name, documented in SCHEMAS.items() if documented is schema_type)
    document = {
        "$ref": f"#/components/schemas/{name}",
        "components": {"schemas": component_schemas()},
    }
    return jsonschema_rs.Draft202012Validator(document, validate_formats=True)


def validated_dump(schema: Schema, data: dict, where: str) -> dict:
    """Dump through the schema and validate the result against its documented JSON Schema."""
    dumped = schema.dump(data)
    errors: dict[str, list[str]] = {}
    for error in _payload_validator(type(schema)).iter_errors(dumped):
        path = "/".join(map(str, error.instance_path)) or "(payload)"
        errors.setdefault(path, []).append(error.message)
    if errors:
        raise BuildError(f"{where}: payload does not match {type(schema).__name__}: {errors}")
    return dumped


def serialize(schema: Schema, data: dict, where: str) -> bytes:
    """Dump through the schema, validate the result, return compact UTF-8 JSON.

    orjson writes the same bytes as json.dumps(ensure_ascii=False, separators=(",", ":"))
    five times faster (a tenth of start-up at a thousand articles), and refuses a date
    the schema left unformatted, as json.dumps would. Its result is copied: the bytes
    it returns keep their whole write buffer allocated (about 6 KB for a 2 KB body,
    measured: 480 MB instead of 115 MB for 60,000 bodies)."""
    written = orjson.dumps(
        validated_dump(schema, data, where), option=orjson.OPT_PASSTHROUGH_DATETIME
    )
    return memoryview(written).tobytes()


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


@dataclass(frozen=True)
class ArticleSelection:
    """Some articles, in list order, and the query parameters that select them."""

    slugs: tuple[str, ...]
    query: tuple[tuple[str, str], ...]  # normalized, as the canonical URL spells them

    def __and__(self, other: "ArticleSelection") -> "ArticleSelection":
        """The articles both select: filters compose."""
        kept = set(other.slugs)
        return ArticleSelection(
            tuple(slug for slug in self.slugs if slug in kept), self.query + other.query
        )


def paged_url(path: str, page: int, query: tuple[tuple[str, str], ...] = ()) -> str:
    """The address of one page of a paginated list, filters included."""
    parameters = [*query, *((("page", str(page)),) if page != 1 else ())]
    return path + (f"?{urlencode(parameters)}" if parameters else "")


def article_list_url(page: int, query: tuple[tuple[str, str], ...] = ()) -> str:
    return paged_url(ARTICLE_LIST_PATH, page, query)


def language_list_url(page: int) -> str:
    return paged_url(LANGUAGE_LIST_PATH, page)


def page_links(url_of_page, page: int, pages: int, tag: str) -> tuple[tuple[str, str]]:
    """The RFC 8288 Link header of page `page` of `pages`, in language `tag`."""
    relations = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
    links = ", ".join(
        f'<{with_lang(url_of_page(number), tag)}>; rel="{relation}"'
        for relation, number in relations.items()
        if 1 <= number <= pages
    )
    return (("Link", links),)


def with_lang(url: str, tag: str) -> str:
    """The canonical URL of `url` in language `tag`."""
    return f"{url}{'&' if '?' in url else '?'}lang={tag}"


def resource_url(key: tuple[str, ...]) -> str:
    """The path of the article, section index or section a payload key names (the paged
    lists build their own)."""
    kind, *ids = key
    builders = {"article": article_url, "sections": section_index_url, "section": section_url}
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
        public_base_url: str = "",
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
        self.articles_per_page = articles_per_page
        self.public_base_url = public_base_url
        self.article_pages = self.page_count(len(self.articles))
        self.all_articles = ArticleSelection(tuple(self.articles), ())
        self.codes = CodeIndex(articles)
        # The change feed's index: when each article's text changed, per language.
        self.modified = {
            tag: {
                slug: text_modified(template, catalogs.get(tag), article)
                for slug, article in self.articles.items()
            }
            for tag in self.offered
        }
        self.query_payload = functools.lru_cache(maxsize=QUERY_MEMO_SIZE)(self._query_payload)
        # Bounded: requested tags are client-chosen, so their variety is too.
        self._with_requested_language = functools.lru_cache(maxsize=4096)(
            Payload.for_requested_language
        )
        for tag in self.offered:
            self._build_language(Localizer(tag, catalogs.get(tag)))
        self.alternate = functools.lru_cache(maxsize=ALTERNATES_CACHED)(self._build_alternate)
        every_alternate = (self.articles, self.offered, ALTERNATE_REPRESENTATIONS)
        if math.prod(map(len, every_alternate)) <= ALTERNATES_CACHED:
            for slug, tag, media_type in itertools.product(*every_alternate):
                self.alternate(slug, tag, media_type)

    def get(self, key: tuple[str, ...], language: str) -> Payload | None:
        return self.payloads.get((key, language))

    def public_url(self, path: str) -> str:
        """A link for documents read away from the service: absolute with PUBLIC_BASE_URL,
        else the path itself."""
        return self.public_base_url + path

    def page_count(self, articles: int) -> int:
        return max(1, math.ceil(articles / self.articles_per_page))

    def page_of(self, slugs: tuple[str, ...], page: int) -> tuple[str, ...]:
        """The slugs on page `page` (from 1) of a list."""
        start = (page - 1) * self.articles_per_page
        return slugs[start : start + self.articles_per_page]

    def pagination(self, page: int, articles: int) -> dict:
        """The `pagination` member of page `page` of a list of `articles` articles."""
        return {
            "page": page,
            "per_page": self.articles_per_page,
            "total_articles": articles,
            "total_pages": self.page_count(articles),
        }

    def _query_payload(self, build, *arguments) -> Payload:
        """`build(self, *arguments)`, memoized in `query_payload` per distinct query."""
        return build(self, *arguments)

    def encoded(
        self, payload: Payload, requested: str | None, codings: AcceptedCodings
    ) -> Encoded | None:
        """The bytes to send: with `requested_language` when it differs, in an accepted
        coding (None when there is none)."""
        if requested and requested.lower() != payload.language.lower():
            payload = self._with_requested_language(payload, requested)
        return payload.encoded(codings)

    def _add(self, key, served, schema, data, languages, *, links=(), vary=LANGUAGE_VARY):
        """Serialize one representation of `key` for requests negotiated to `served`.

        The body's `language` is the first of `languages` (a section served in English
        inside a Spanish request says "en"); Content-Language lists them all.
        """
        # The canonical URL of this content in this language: caches and CDNs can key
        # on it instead of on every Accept-Language variant.
        canonical = with_lang(resource_url(key), served)
        self.payloads[key, served] = self.localized_payload(
            f"{'/'.join(key)} [{served}]",
            canonical,
            served=served,
            schema=schema,
            data=data,
            languages=languages,
            links=links,
            vary=vary,
        )

    def localized_payload(
        self, where, canonical, *, served, schema, data, languages, links=(), vary=LANGUAGE_VARY
    ):
        """Serialize one representation in `served` whose canonical URL is `canonical`."""
        body_language = languages[0] if languages else served
        data = {"language": body_language, "direction": text_direction(body_language), **data}
        body = serialize(schema, data, where)
        present = ", ".join(dict.fromkeys(languages or [served]))
        extra = (shared("Content-Language", present), ("Content-Location", canonical), *links)
        return build_payload(body, body_language, self.policy, JSON, vary=vary, extra=extra)

    def _build_language(self, localizer: Localizer):
        list_entries = {}
        for article in self.articles.values():
            head, sections, title_language = self._localize(localizer, article)
            # Index schemas dump only an entry's fields (no paragraphs) from the same dicts.
            list_entries[article.slug] = ({**head, "sections": sections}, title_language)
            self._build_article(localizer, article, head, sections, title_language)
        for page in range(1, self.article_pages + 1):
            self.payloads[("articles", str(page)), localizer.tag] = self.article_list_page(
                localizer.tag, self.all_articles, page, list_entries
            )
        self.payloads[("languages", "1"), localizer.tag] = self.language_list_page(localizer.tag, 1)

    def article_list_page(
        self, tag: str, selection: ArticleSelection, page: int, list_entries=None
    ) -> Payload:
        """One page of the list of the selected articles, with its RFC 8288 Link header.

        `list_entries` maps slugs to (list entry, title language); without it, the
        articles of the page are localized here.
        """
        pages, on_page = self.page_count(len(selection.slugs)), self.page_of(selection.slugs, page)
        if list_entries is None:
            localizer = Localizer(tag, self.catalogs.get(tag))
            list_entries = {}
            for slug in on_page:
                head, sections, title_language = self._localize(localizer, self.articles[slug])
                list_entries[slug] = ({**head, "sections": sections}, title_language)
        entries = [list_entries[slug] for slug in on_page]
        return self.localized_payload(
            f"{article_list_url(page, selection.query)} [{tag}]",
            with_lang(article_list_url(page, selection.query), tag),
            served=tag,
            schema=ARTICLE_LIST_SCHEMA,
            data={
                "articles": [summary for summary, _ in entries],
                "pagination": self.pagination(page, len(selection.slugs)),
            },
            languages=[tag, *(title_language for _, title_language in entries)],
            links=page_links(
                lambda number: article_list_url(number, selection.query), page, pages, tag
            ),
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
            "modified": self.modified[localizer.tag][article.slug],
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
        disclaimer, summary = self._notices(localizer, article)
        section_languages = [section["language"] for section in sections]
        self._add(
            ("article", article.slug),
            localizer.tag,
            ARTICLE_SCHEMA,
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
                    "summary": summary.text,
                },
                "disclaimer": {"language": disclaimer.language, "text": disclaimer.text},
                "sections": sections,
            },
            [
                localizer.tag,
                title_language,
                *section_languages,
                disclaimer.language,
                summary.language,
            ],
            vary=ARTICLE_VARY,
        )
        self._add(
            ("sections", article.slug),
            localizer.tag,
            SECTION_INDEX_SCHEMA,
            {"article": article.slug, "sections": sections},
            [localizer.tag, *section_languages],
        )
        urls = [None, *(section["url"] for section in sections), None]
        for index, section in enumerate(sections, 1):
            self._add(
                ("section", article.slug, section["id"]),
                localizer.tag,
                SECTION_SCHEMA,
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

    @staticmethod
    def _notices(localizer: Localizer, article: Article) -> tuple[Localized, Localized]:
        """The medical disclaimer and the review summary every article carries."""
        disclaimer = localizer.interface(DISCLAIMER)
        summary = localizer.interface(REVIEW_SUMMARIES[article.metadata.clinical_review])
        return Localized(*disclaimer), Localized(*summary)

    def _build_alternate(self, slug: str, tag: str, media_type: str) -> Payload:
        """Article `slug` in language `tag` as JSON-LD or FHIR (memoized: `alternate`)."""
        localizer, article = Localizer(tag, self.catalogs.get(tag)), self.articles[slug]
        head, sections, title_language = self._localize(localizer, article)
        disclaimer, summary = self._notices(localizer, article)
        document_type = Localized(*localizer.interface(representations.FHIR_DOCUMENT_TYPE))
        canonical = with_lang(article_url(slug), tag)
        linked = [{**section, "url": self.public_url(section["url"])} for section in sections]
        localized = LocalizedArticle(
            tag,
            article,
            self.public_url(canonical),
            head["title"],
            linked,
            disclaimer,
            summary,
            document_type,
        )
        build, schema = ALTERNATE_REPRESENTATIONS[media_type]
        body = serialize(schema, build(localized), f"{canonical} as {media_type}")
        languages = (
            tag,
            title_language,
            *(section["language"] for section in sections),
            disclaimer.language,
            summary.language,
            *((document_type.language,) if media_type == FHIR_JSON else ()),
        )
        extra = (
            ("Content-Language", ", ".join(dict.fromkeys(languages))),
            ("Content-Location", canonical),
        )
        return build_payload(body, tag, self.policy, media_type, vary=ARTICLE_VARY, extra=extra)

    def _language_entry(self, tag: str, response_locale: Locale, slugs) -> dict:
        """One language's names, completeness and provenance; per article for `slugs`."""
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
                for slug in slugs
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

    def language_list_page(self, tag: str, page: int) -> Payload:
        """One page of the language list in language `tag`: every language, with the
        per-article completeness of the article list's page `page` (so no page grows
        with the corpus). Page 1 is built at start-up, the others on first request."""
        response_locale = Locale.parse(tag.replace("-", "_"))
        on_page = self.page_of(self.all_articles.slugs, page)
        return self.localized_payload(
            f"{language_list_url(page)} [{tag}]",
            with_lang(language_list_url(page), tag),
            served=tag,
            schema=LANGUAGE_LIST_SCHEMA,
            data={
                "completeness_threshold": self.threshold,
                "languages": [
                    self._language_entry(each, response_locale, on_page)
                    for each in self.completeness
                ],
                "pagination": self.pagination(page, len(self.articles)),
            },
            languages=[tag],
            links=page_links(language_list_url, page, self.article_pages, tag),
        )


def current_store() -> PayloadStore:
    """The store serving the current request (swapped whole on a reload)."""
    return current_app.extensions["payload_store"]


def build_store(config: dict) -> PayloadStore:
    """Load content and catalogs named by the config and build every payload."""
    translations_dir: Path = config["TRANSLATIONS_DIR"]
    template = load_template(translations_dir)
    return PayloadStore(
        articles=load_articles(config["CONTENT_DIR"]),
        catalogs=load_catalogs(translations_dir, template),
        template=template,
        policy=HeaderPolicy(config["CACHE_MAX_AGE"], config["CORS_ALLOWED_ORIGINS"]),
        threshold=config["TRANSLATION_COMPLETENESS_THRESHOLD"],
        articles_per_page=config["ARTICLES_PER_PAGE"],
        public_base_url=config["PUBLIC_BASE_URL"],
    )
