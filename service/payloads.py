"""Build once, serve many: every response body, built at start-up and kept as bytes.

`build_store` loads the articles and compiled catalogs and decides, per article, which
languages it is available in (its own catalog meets the completeness threshold) and
which languages are offered at all (their interface catalog is complete). It then dumps
every (resource, language) representation through its schema, validates it, serializes
it and hashes it for its ETag. A content request only negotiates, takes the article's
best language (`Negotiation.best_of`), looks up a `Payload` here and returns its bytes.
Adding, changing or removing one article changes no other article's payloads.
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel import Locale
from flask import current_app

from service import representations, schemas
from service.bundles import build_bundles
from service.catalogs import (
    PO_DATE_FORMAT,
    Catalogs,
    Completeness,
    Provenance,
    load_catalogs,
)
from service.codes import CodeIndex
from service.content.loader import load_articles
from service.content.model import Article
from service.content.render import LinkUrl, blocks_json, section_html
from service.encoding import Encoded, Payload, build_payload
from service.encodings import AcceptedCodings
from service.headers import JSON, HeaderPolicy, shared
from service.i18n import (
    SOURCE_LANGUAGE,
    Negotiation,
    Negotiator,
    first_available,
    text_direction,
)
from service.localization import (
    DISCLAIMER,
    REVIEW_SUMMARIES,
    Localized,
    Localizer,
)
from service.media_types import FHIR_JSON, HTML_FRAGMENT, JSON_LD
from service.modified import text_modified
from service.representations import LocalizedArticle
from service.urls import (
    ARTICLE_LIST_PATH,
    LANGUAGE_LIST_PATH,
    Query,
    ResourceKey,
    article_url,
    page_links,
    paged_url,
    section_url,
    with_lang,
)
from service.validation import serialize, written

if TYPE_CHECKING:
    from service.search.index import SearchIndex

# Schema instances are reused: dump and validate keep no state, and creating one per
# payload was a third of the start-up time.
ARTICLE_LIST_SCHEMA = schemas.ArticleListSchema()
ARTICLE_SCHEMA = schemas.ArticleSchema()
SECTION_INDEX_SCHEMA = schemas.SectionIndexSchema()
SECTION_SCHEMA = schemas.SectionSchema()
LANGUAGE_LIST_SCHEMA = schemas.LanguageListSchema()

# Query endpoints (code lookup, feeds, lists in several languages) keep this many
# distinct answers: queries are client-chosen, so their variety must not grow memory.
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
# An article and a section have several representations (media_types.py), by Accept.
ARTICLE_VARY = ("Accept", *LANGUAGE_VARY)
# A language is offered only when every interface string (errors, disclaimer) has its
# translation; the operators' threshold applies to articles.
INTERFACE_THRESHOLD = 100


@dataclass(frozen=True)
class ArticleSelection:
    """Some articles, in list order, and the query parameters that select them; in the
    change feed, also the withdrawn articles to list as `removed` (None elsewhere)."""

    slugs: tuple[str, ...]
    query: Query
    removed: tuple[str, ...] | None = None

    def __and__(self, other: "ArticleSelection") -> "ArticleSelection":
        """The articles both select: filters compose (a filter that says nothing of
        removed articles, None, keeps the other's)."""
        kept = set(other.slugs)
        removed = self.removed if other.removed is None else other.removed
        if self.removed is not None and other.removed is not None:
            removed = tuple(slug for slug in self.removed if slug in other.removed)
        return ArticleSelection(
            tuple(slug for slug in self.slugs if slug in kept), self.query + other.query, removed
        )


@dataclass(frozen=True)
class LocalizedHead:
    """One article localized in one language, as lists and the article itself show it."""

    summary: dict  # the list entry: slug, title, sections (without their paragraphs)...
    sections: list[dict]  # every section's body
    title: Localized
    provenance: Provenance | None  # of the article's catalog; None for English


TRANSLATION_SCHEMA = schemas.TranslationSchema()


@functools.cache
def links_in(tag: str) -> LinkUrl:
    """Where an article served in `tag` links another article or section: its URL in
    that language. The linked article negotiates for itself when followed, so no
    article's payload depends on another's translations."""

    def link_url(slug: str, section_id: str | None) -> str:
        path = section_url(slug, section_id) if section_id else article_url(slug)
        return with_lang(path, tag)

    return link_url


@functools.lru_cache(maxsize=1024)
def translation_provenance(tag: str, provenance: Provenance | None) -> dict | None:
    """The `translation` member: who translated text in `tag`, dumped once through its
    schema per catalog (schemas.Prebuilt); None for the English."""
    if tag == SOURCE_LANGUAGE or provenance is None:
        return None
    return TRANSLATION_SCHEMA.dump({"language": tag, **provenance.as_dict()})


class PayloadStore:
    """Everything the service serves, by article resource and language."""

    # Its search index (service/search), attached by service.compiled_store: never pickled.
    search: "SearchIndex | None" = None

    def __init__(
        self,
        articles: tuple[Article, ...],
        catalogs: Catalogs,
        policy: HeaderPolicy,
        *,
        threshold: int,
        articles_per_page: int = 50,
        public_base_url: str = "",
    ):
        # The published articles: what every list, lookup, feed, bundle and search
        # reads. A withdrawn one is only in `withdrawn`: answered 410, and listed as
        # removed in the change feed and the bundles' manifests.
        self.articles = {
            article.slug: article for article in articles if article.metadata.withdrawn is None
        }
        self.withdrawn = {
            article.slug: article.metadata.withdrawn
            for article in articles
            if article.metadata.withdrawn is not None
        }
        self.catalogs = catalogs
        self.policy = policy
        self.threshold = threshold
        self.articles_per_page = articles_per_page
        self.public_base_url = public_base_url
        self.languages = (SOURCE_LANGUAGE, *catalogs.interface)
        self.interface_completeness = {
            tag: Completeness.of(
                catalogs.interface.get(tag),
                catalogs.template.keys,
                source=tag == SOURCE_LANGUAGE,
            )
            for tag in self.languages
        }
        self.offered = tuple(
            tag
            for tag, measured in self.interface_completeness.items()
            if measured.meets(INTERFACE_THRESHOLD)
        )
        self.negotiator = Negotiator(self.offered)
        self.completeness = {
            (slug, tag): Completeness.of(
                catalogs.of_article(slug, tag), article.messages(), source=tag == SOURCE_LANGUAGE
            )
            for slug, article in self.articles.items()
            for tag in self.languages
        }
        interned: dict[frozenset, frozenset] = {}
        self.available: dict[str, frozenset[str]] = {}
        for slug in self.articles:
            languages = frozenset(
                tag for tag in self.offered if self.completeness[slug, tag].meets(threshold)
            )
            self.available[slug] = interned.setdefault(languages, languages)
        self.articles_available = {
            tag: sum(tag in languages for languages in self.available.values())
            for tag in self.languages
        }
        # The languages every article has: a list asked for in one of them needs no
        # other (so lists in them are built at start-up and shared by more requests).
        self.universal = frozenset(self.offered).intersection(*self.available.values())
        self.modified = {
            (slug, tag): text_modified(
                article,
                catalogs.extracted.get(slug, catalogs.template.created),
                catalogs.of_article(slug, tag) if tag != SOURCE_LANGUAGE else None,
            )
            for slug, article in self.articles.items()
            for tag in self.available[slug]
        }
        self.all_articles = ArticleSelection(tuple(self.articles), ())
        self.article_pages = self.page_count(len(self.articles))
        self.codes = CodeIndex(tuple(self.articles.values()))
        self.payloads: dict[tuple[ResourceKey, str], Payload] = {}
        self.list_pages: dict[tuple[tuple[str, ...], int], Payload] = {}
        self._add_memos()
        self._build()
        every_alternate = [
            (key, tag, media_type)
            for slug, article in self.articles.items()
            for tag in sorted(self.available[slug])
            for key, media_type in (
                *((ResourceKey("article", slug), each) for each in ALTERNATE_REPRESENTATIONS),
                *(
                    (ResourceKey("section", slug, section.id), HTML_FRAGMENT)
                    for section in article.sections
                ),
            )
        ]
        self.prebuilt_alternates: dict[tuple[ResourceKey, str, str], Payload] = {}
        if len(every_alternate) <= ALTERNATES_CACHED:
            for arguments in every_alternate:
                self.prebuilt_alternates[arguments] = self._build_alternate(*arguments)
        self.bundles = build_bundles(self)

    def _add_memos(self):
        """The bounded memos of what is built on request (empty in a new or loaded store)."""
        self.query_payload = functools.lru_cache(maxsize=QUERY_MEMO_SIZE)(self._query_payload)
        # Bounded: requested tags are client-chosen. The identity variant is not kept: it
        # costs a few microseconds to make (nothing rehashed whole), less than a memo's
        # churn when clients rotate more (article, tag) pairs than it holds (measured:
        # 10% of throughput over 1,000 articles and 10,000 headers); gzip's is.
        self._gzip_with_requested_language = functools.lru_cache(maxsize=1024)(
            Payload.gzip_with_requested_language
        )
        self._zipped = functools.lru_cache(maxsize=QUERY_MEMO_SIZE)(Payload.zipped)
        self._built_alternate = functools.lru_cache(maxsize=ALTERNATES_CACHED)(
            self._build_alternate
        )

    def __getstate__(self) -> dict:
        """What service/compiled_store.py writes: everything built, not the memos."""
        memos = (
            "query_payload",
            "_gzip_with_requested_language",
            "_zipped",
            "_built_alternate",
            "search",
        )
        return {name: value for name, value in vars(self).items() if name not in memos}

    def __setstate__(self, state: dict):
        vars(self).update(state)
        self._add_memos()

    def alternate(self, key: ResourceKey, tag: str, media_type: str) -> Payload:
        """An article in language `tag` as JSON-LD or FHIR, or a section as an HTML
        fragment: built ahead when they all fit, else on first request (memoized, bounded)."""
        built = self.prebuilt_alternates.get((key, tag, media_type))
        return built or self._built_alternate(key, tag, media_type)

    def served_language(self, candidates: tuple[str, ...], slug: str) -> str:
        """The language article `slug` is given in, for a request's candidates."""
        return first_available(candidates, self.available[slug])

    def list_candidates(self, negotiation: Negotiation) -> tuple[str, ...]:
        """The candidates a list needs: up to the first that every article has."""
        needed = []
        for tag in negotiation.candidates:
            needed.append(tag)
            if tag in self.universal:
                break
        return tuple(needed)

    # Lookup

    def get(self, key: ResourceKey, language: str) -> Payload | None:
        return self.payloads.get((key, language))

    def encoded(
        self, payload: Payload, requested: str | None, codings: AcceptedCodings
    ) -> Encoded | None:
        """The bytes to send: with `requested_language` when it differs, in an accepted
        coding (None when there is none)."""
        if requested and requested.lower() != payload.language.lower():
            coding = codings.coding_for(payload.has_gzip)
            if coding == "gzip":
                return self._gzip_with_requested_language(payload, requested)
            return payload.with_requested_language(requested) if coding else None
        return payload.encoded(codings, self._zipped)

    def public_url(self, path: str) -> str:
        """A link for documents read away from the service: absolute with PUBLIC_BASE_URL,
        else the path itself."""
        return self.public_base_url + path

    def localizer(self, tag: str) -> Localizer:
        return Localizer(tag, self.catalogs)

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

    def removed_entries(self, slugs) -> list[dict]:
        """The `removed` members of the change feed and the bundles' manifests."""
        return [
            {
                "slug": slug,
                "url": article_url(slug),
                "removed_at": self.withdrawn[slug].removed_at,
                "reason": self.withdrawn[slug].reason,
            }
            for slug in slugs
        ]

    def _query_payload(self, build: Callable[..., Payload], *arguments) -> Payload:
        """`build(self, *arguments)`, memoized in `query_payload` per distinct query. Every
        builder takes the store, then the language (or the candidates, best first), then
        what the query selects."""
        return build(self, *arguments)

    # Building

    def localized_payload(
        self,
        where,
        canonical,
        *,
        served,
        schema,
        data,
        languages,
        links=(),
        vary=LANGUAGE_VARY,
        checked=True,
        gzip_later=False,
    ) -> Payload:
        """Serialize one representation in `served`; `canonical` is its URL in that
        language (None when no single URL gives the same body). `gzip_later`: see
        encoding.Payload (for one built per request).

        The body's `language` is the first of `languages` (a section served in English
        inside a Spanish request says "en"); Content-Language lists them all. Unless
        `checked` is false (`data` is already as the schema dumps it: a per-request
        page whose builder's tests check that), it is dumped through `schema` and
        validated.
        """
        body_language = languages[0] if languages else served
        data = {"language": body_language, "direction": text_direction(body_language), **data}
        body = serialize(schema, data, where) if checked else written(data)
        present = ", ".join(dict.fromkeys(languages or [served]))
        location = (("Content-Location", canonical),) if canonical else ()
        extra = (shared("Content-Language", present), *location, *links)
        return build_payload(
            body, body_language, self.policy, JSON, vary=vary, extra=extra, gzip_later=gzip_later
        )

    def _add(self, key: ResourceKey, served: str, schema, data, languages, *, vary=LANGUAGE_VARY):
        """Serialize one representation of an article resource for requests served `served`.

        Its canonical URL names it in that language: caches and CDNs can key on it
        instead of on every Accept-Language variant."""
        self.payloads[key, served] = self.localized_payload(
            f"{key.path} [{served}]",
            with_lang(key.path, served),
            served=served,
            schema=schema,
            data=data,
            languages=languages,
            vary=vary,
        )

    def _build(self):
        """Every article in every language it is available in; the article list in
        English and in each language every article has (other lists are built on first
        request, with the fallbacks they need); page 1 of the language list."""
        english = {}
        for slug, article in self.articles.items():
            english[slug] = self._build_article(self.localizer(SOURCE_LANGUAGE), article)
        for tag in self.offered[1:]:
            heads = {}
            for slug, article in self.articles.items():
                if tag in self.available[slug]:
                    heads[slug] = self._build_article(self.localizer(tag), article)
            if tag in self.universal:
                self._build_list_pages(tag, heads)
        self._build_list_pages(SOURCE_LANGUAGE, english)
        self.language_pages = {tag: self.language_list_page(tag, 1) for tag in self.offered}

    def _build_list_pages(self, tag: str, heads: dict[str, LocalizedHead]):
        for page in range(1, self.article_pages + 1):
            self.list_pages[(tag,), page] = self.article_list_page(
                (tag,), self.all_articles, page, heads
            )

    def _localize(self, localizer: Localizer, article: Article) -> LocalizedHead:
        """One article in one language: its list entry and its sections' bodies."""
        title = localizer.title(article)
        catalog = self.catalogs.of_article(article.slug, localizer.tag)
        provenance = catalog.provenance if catalog else None
        sections = []
        for position, section in enumerate(article.sections, 1):
            localized = localizer.section(article, section)
            sections.append(
                {
                    "id": section.id,
                    "heading": localized.heading,
                    "position": position,
                    "language": localized.language,
                    "direction": text_direction(localized.language),
                    "url": section_url(article.slug, section.id),
                    "paragraphs": localized.paragraphs,
                    "blocks": blocks_json(localized.blocks, links_in(localizer.tag)),
                    "tree": localized.blocks,  # for the other representations; not dumped
                    "translation": translation_provenance(localized.language, provenance),
                }
            )
        summary = {
            "slug": article.slug,
            "language": localizer.tag,
            "direction": text_direction(localizer.tag),
            "title": title.text,
            "url": article_url(article.slug),
            "languages_available": [
                tag for tag in self.offered if tag in self.available[article.slug]
            ],
            "modified": self.modified[article.slug, localizer.tag],
            "codes": [
                {
                    "system": code.system_uri,
                    "system_name": code.system_name,
                    "code": code.code,
                    "display": code.display,
                }
                for code in article.metadata.codes
            ],
            "sections": sections,
        }
        return LocalizedHead(summary, sections, title, provenance)

    def _notices(self, localizer: Localizer, article: Article) -> tuple[Localized, Localized]:
        """The medical disclaimer and the review summary every article carries."""
        disclaimer = localizer.interface(DISCLAIMER)
        summary = localizer.interface(REVIEW_SUMMARIES[article.metadata.clinical_review])
        return disclaimer, summary

    def _build_article(self, localizer: Localizer, article: Article) -> LocalizedHead:
        """The whole article, its section index and each section; return its head."""
        head = self._localize(localizer, article)
        metadata, tag, sections = article.metadata, localizer.tag, head.sections
        disclaimer, summary = self._notices(localizer, article)
        also_called = localizer.also_called(article)
        section_languages = [section["language"] for section in sections]
        self._add(
            ResourceKey("article", article.slug),
            tag,
            ARTICLE_SCHEMA,
            {
                **head.summary,
                "also_called": list(also_called.terms),
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
                "translation": translation_provenance(tag, head.provenance),
                "disclaimer": {"language": disclaimer.language, "text": disclaimer.text},
            },
            [
                tag,
                head.title.language,
                also_called.language,
                *section_languages,
                disclaimer.language,
                summary.language,
            ],
            vary=ARTICLE_VARY,
        )
        self._add(
            ResourceKey("sections", article.slug),
            tag,
            SECTION_INDEX_SCHEMA,
            {"article": article.slug, "sections": sections},
            [tag, *section_languages],
        )
        urls = [None, *(section["url"] for section in sections), None]
        for index, section in enumerate(sections, 1):
            self._add(
                ResourceKey("section", article.slug, section["id"]),
                tag,
                SECTION_SCHEMA,
                {
                    **section,
                    "article": article.slug,
                    "links": {
                        "self": section["url"],
                        "article": head.summary["url"],
                        "previous": urls[index - 1],
                        "next": urls[index + 1],
                    },
                },
                [section["language"]],
                vary=ARTICLE_VARY,
            )
        return head

    def article_list_page(
        self,
        candidates: tuple[str, ...],
        selection: ArticleSelection,
        page: int,
        heads: dict[str, LocalizedHead] | None = None,
    ) -> Payload:
        """One page of the list of the selected articles, each in the first of
        `candidates` it is available in, with its RFC 8288 Link header.

        `heads` maps slugs to their localized heads; without it, the articles of the
        page are localized here."""
        tag = candidates[0]
        pages, on_page = self.page_count(len(selection.slugs)), self.page_of(selection.slugs, page)
        if heads is None:
            heads = {}
            for slug in on_page:
                best = self.served_language(candidates, slug)
                heads[slug] = self._localize(self.localizer(best), self.articles[slug])
        entries = [heads[slug] for slug in on_page]
        entry_languages = {entry.summary["language"] for entry in entries}
        url = paged_url(ARTICLE_LIST_PATH, page, selection.query)
        # ?lang=<tag> gives the same body only if no entry needed a later candidate.
        same_as_canonical = entry_languages <= {tag, SOURCE_LANGUAGE}
        return self.localized_payload(
            f"{url} [{', '.join(candidates)}]",
            with_lang(url, tag) if same_as_canonical else None,
            served=tag,
            schema=ARTICLE_LIST_SCHEMA,
            data={
                "articles": [entry.summary for entry in entries],
                "pagination": self.pagination(page, len(selection.slugs)),
                # Few, and never paged: on every page of the change feed.
                **(
                    {"removed": self.removed_entries(selection.removed)}
                    if selection.removed is not None
                    else {}
                ),
            },
            languages=[tag, *(entry.title.language for entry in entries)],
            links=page_links(ARTICLE_LIST_PATH, selection.query, page, pages, tag),
        )

    def list_page(self, negotiation: Negotiation, selection: ArticleSelection, page: int):
        """The article list page a request gets: built at start-up, else once per query."""
        candidates = self.list_candidates(negotiation)
        if selection is self.all_articles and (built := self.list_pages.get((candidates, page))):
            return built
        return self.query_payload(PayloadStore.article_list_page, candidates, selection, page)

    def _build_alternate(self, key: ResourceKey, tag: str, media_type: str) -> Payload:
        """An article in language `tag` as JSON-LD or FHIR, or a section as an HTML
        fragment (see `alternate`)."""
        if key.kind == "section":
            return self._section_html(key, tag)
        slug = key.slug
        localizer, article = self.localizer(tag), self.articles[slug]
        head = self._localize(localizer, article)
        disclaimer, summary = self._notices(localizer, article)
        also_called = localizer.also_called(article)
        document_type = localizer.interface(representations.FHIR_DOCUMENT_TYPE)
        canonical = with_lang(article_url(slug), tag)
        linked = [{**section, "url": self.public_url(section["url"])} for section in head.sections]
        localized = LocalizedArticle(
            tag,
            article,
            self.public_url(canonical),
            head.title.text,
            also_called,
            linked,
            disclaimer,
            summary,
            document_type,
            head.provenance if tag != SOURCE_LANGUAGE else None,
            lambda slug, section_id: self.public_url(links_in(tag)(slug, section_id)),
        )
        build, schema = ALTERNATE_REPRESENTATIONS[media_type]
        body = serialize(schema, build(localized), f"{canonical} as {media_type}")
        languages = (
            tag,
            head.title.language,
            *((also_called.language,) if media_type == JSON_LD else ()),
            *(section["language"] for section in head.sections),
            disclaimer.language,
            summary.language,
            *((document_type.language,) if media_type == FHIR_JSON else ()),
        )
        extra = (
            ("Content-Language", ", ".join(dict.fromkeys(languages))),
            ("Content-Location", canonical),
        )
        return build_payload(body, tag, self.policy, media_type, vary=ARTICLE_VARY, extra=extra)

    def _section_html(self, key: ResourceKey, tag: str) -> Payload:
        """A section as a sanitized HTML fragment, from the same tree as its `blocks`."""
        article = self.articles[key.slug]
        section = next(each for each in article.sections if each.id == key.section_id)
        localized = self.localizer(tag).section(article, section)
        body = section_html(
            localized.heading,
            localized.blocks,
            language=localized.language,
            direction=text_direction(localized.language),
            link_url=links_in(tag),
        ).encode()
        extra = (
            shared("Content-Language", localized.language),
            ("Content-Location", with_lang(key.path, tag)),
        )
        return build_payload(
            body, localized.language, self.policy, HTML_FRAGMENT, vary=ARTICLE_VARY, extra=extra
        )

    def _language_entry(self, tag: str, response_locale: Locale, slugs) -> dict:
        """One language's names, completeness and provenance; per article for `slugs`."""
        catalog = self.catalogs.interface.get(tag)
        locale = Locale.parse(tag.replace("-", "_"))
        if catalog is None:
            status = "source"
        else:
            status = "complete" if tag in self.offered else "in_progress"
        provenance = catalog.provenance if catalog else None
        return {
            "tag": tag,
            "english_name": locale.get_display_name("en"),
            "native_name": locale.get_display_name(locale),
            "name": locale.get_display_name(response_locale),
            "direction": locale.text_direction,
            "status": status,
            "offered": tag in self.offered,
            "completeness": self.interface_completeness[tag].as_dict(),
            "articles_available": self.articles_available[tag],
            "articles": [self._article_entry(slug, tag) for slug in slugs],
            "revision_date": provenance.revised.strftime(PO_DATE_FORMAT)
            if provenance and provenance.revised
            else None,
            "last_translator": provenance and provenance.last_translator,
            "language_team": provenance and provenance.language_team,
            "provenance": {
                "translated_by": provenance and provenance.translated_by,
                "medical_review": provenance and provenance.medical_review.as_dict(),
            },
        }

    def _article_entry(self, slug: str, tag: str) -> dict:
        """One article's completeness, availability and provenance in one language."""
        catalog = self.catalogs.of_article(slug, tag)
        return {
            "slug": slug,
            **self.completeness[slug, tag].as_dict(),
            "available": tag in self.available[slug],
            "translation": translation_provenance(tag, catalog and catalog.provenance),
        }

    def language_list_page(self, tag: str, page: int) -> Payload:
        """One page of the language list in language `tag`: every language, with the
        per-article figures of the article list's page `page` (so no page grows with
        the corpus). Page 1 is built at start-up, the others on first request."""
        response_locale = Locale.parse(tag.replace("-", "_"))
        on_page = self.page_of(self.all_articles.slugs, page)
        url = paged_url(LANGUAGE_LIST_PATH, page)
        return self.localized_payload(
            f"{url} [{tag}]",
            with_lang(url, tag),
            served=tag,
            schema=LANGUAGE_LIST_SCHEMA,
            data={
                "completeness_threshold": self.threshold,
                "languages": [
                    self._language_entry(each, response_locale, on_page) for each in self.languages
                ],
                "pagination": self.pagination(page, len(self.articles)),
            },
            languages=[tag],
            links=page_links(LANGUAGE_LIST_PATH, (), page, self.article_pages, tag),
        )


def current_store() -> PayloadStore:
    """The store serving the current request (swapped whole on a reload)."""
    return current_app.extensions["payload_store"]


def build_store(config: dict) -> PayloadStore:
    """Load content and catalogs named by the config and build every payload."""
    articles = load_articles(config["CONTENT_DIR"])
    # A withdrawn article's catalogs are not read: it needs no translation.
    keys = {
        article.slug: article.messages()
        for article in articles
        if article.metadata.withdrawn is None
    }
    return PayloadStore(
        articles=articles,
        catalogs=load_catalogs(config["TRANSLATIONS_DIR"], keys),
        policy=HeaderPolicy(config["CACHE_MAX_AGE"], config["CORS_ALLOWED_ORIGINS"]),
        threshold=config["TRANSLATION_COMPLETENESS_THRESHOLD"],
        articles_per_page=config["ARTICLES_PER_PAGE"],
        public_base_url=config["PUBLIC_BASE_URL"],
    )
