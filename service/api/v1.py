"""Version 1 of the API: thin views over the payload store.

Each view's docstring (after ---) is its OpenAPI operation; service/openapi.py
collects them. A /v2 is a new module beside this one.
"""

import functools
import operator

from flask import Blueprint, request

from service.api.bundles import serve_bundle, serve_bundle_index
from service.api.change_feed import modified_selection
from service.api.code_lookup import code_selection, read_code_query
from service.api.search import serve_search
from service.api.serving import (
    negotiate,
    refuse_unknown_parameters,
    send_payload,
    serve,
    serve_language_list,
    serve_selection,
)
from service.infobutton import (
    CODE_PARAMETER,
    SYSTEM_PARAMETER,
    KnowledgeRequest,
    build_feed,
    infobutton_language_values,
    response_content_type,
)
from service.payloads import current_store
from service.urls import ResourceKey

bp = Blueprint("v1", __name__, url_prefix="/v1")


@bp.get("/articles")
def list_articles():
    """List the articles.
    ---
    get:
      operationId: listArticles
      summary: List the articles
      description: Every article with its title in the negotiated language, its
        sections, medical codes and the languages it is available in, a page at a
        time (ARTICLES_PER_PAGE, default 50). The Link header (RFC 8288) gives the
        first, prev, next and last pages. With `code` (and `system`), only the
        articles with that medical code. With `modified_since` (the change feed),
        only those whose text in this language changed at or after that moment (each
        article's `modified`); both filters together select what both select. Any
        other query parameter is a 400 (unknown-parameter), as a misspelt filter is an
        error, never the unfiltered list.
      tags: [articles]
      parameters: [code, system, modified_since, page, lang, accept_language, accept_encoding,
                   if_none_match]
      responses:
        "200": {description: The articles., content: {application/json: {schema: ArticleList}}}
        "304": NotModified
        "400": InvalidParameter
        "404": NotFound
        "406": NotAcceptable
    """
    refuse_unknown_parameters("code", "system", "modified_since", "page", "lang")
    filters = [code_selection(request.args), modified_selection(request.args)]
    selections = [current_store().all_articles, *(each for each in filters if each is not None)]
    return serve_selection(functools.reduce(operator.and_, selections))


@bp.get("/search")
def search_articles():
    """Search the articles.
    ---
    get:
      operationId: searchArticles
      summary: Search the articles
      description: The sections whose words match `q`, best first, in the negotiated
        language; articles not available in it are searched in English, and their hits
        say so in `language`. Matching is per language (stems, accents and case folded
        where the language allows, Arabic-script letter forms merged, Chinese, Japanese
        and Korean matched by character pairs, one typo forgiven in words of five
        letters or more, ranked below exact matches); title, heading and also-called
        matches rank above text matches. Each hit gives its article, its section, the
        section's canonical URL and a plain-text snippet with the matched words as
        code-point ranges. A page holds 10 hits (50 pages at most); the Link header
        (RFC 8288) gives the first, prev, next and last pages. A query that matches
        nothing is a 200 with no hits. Any other query parameter is a 400
        (unknown-parameter).
      tags: [search]
      parameters: [q, article, page, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200":
          description: The matching sections.
          content: {application/json: {schema: SearchResults}}
        "304": NotModified
        "400": InvalidParameter
        "404": NotFound
        "406": NotAcceptable
    """
    return serve_search()


# The next three routes' GET and HEAD requests are answered by api/shortcut.py before
# Flask's dispatch, through the same serve path; these views answer what it leaves to
# Flask (errors of any kind, a listed-origin CORS request).
@bp.get("/articles/<slug>")
def get_article(slug: str):
    """Get one article.
    ---
    get:
      operationId: getArticle
      summary: Get a whole article
      description: Metadata, medical codes, clinical review status, a localized
        disclaimer and every section. A section not fully translated is served whole
        in English and says so in its `language`. By Accept, also a schema.org
        MedicalWebPage (JSON-LD) or a FHIR R4B Composition, each with its own ETag.
      tags: [articles]
      parameters: [slug, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200":
          description: The article, as JSON (the default), JSON-LD or FHIR.
          content:
            application/json: {schema: Article}
            application/ld+json: {schema: MedicalWebPage}
            application/fhir+json: {schema: FhirComposition}
        "304": NotModified
        "400": InvalidLanguage
        "404": NotFound
        "410": Gone
        "406": NotAcceptable
    """
    return serve(ResourceKey("article", slug))


@bp.get("/articles/<slug>/sections")
def list_sections(slug: str):
    """List an article's sections.
    ---
    get:
      operationId: listSections
      summary: List an article's sections
      description: The section index (id, heading, position), in order.
      tags: [sections]
      parameters: [slug, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200":
          description: The section index.
          content: {application/json: {schema: SectionIndex}}
        "304": NotModified
        "400": InvalidLanguage
        "404": NotFound
        "410": Gone
        "406": NotAcceptable
    """
    return serve(ResourceKey("sections", slug))


@bp.get("/articles/<slug>/sections/<section_id>")
def get_section(slug: str, section_id: str):
    """Get one section.
    ---
    get:
      operationId: getSection
      summary: Get one section
      description: Heading, typed blocks (paragraphs, lists, quotes, call-outs, with
        inline marks and links), the v1 plain `paragraphs`, position and links to the
        previous and next sections. By Accept, also a sanitized HTML fragment rendered
        from the same blocks (`text/html`, a `section` element with `lang` and `dir`).
      tags: [sections]
      parameters: [slug, section_id, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200":
          description: The section, as JSON (the default) or an HTML fragment.
          content:
            application/json: {schema: Section}
            text/html:
              schema: {type: string, description: "A <section lang dir> element: h2, p,
                ul/ol/li, blockquote, aside (call-outs), em, strong, a; all text escaped."}
        "304": NotModified
        "400": InvalidLanguage
        "404": NotFound
        "410": Gone
        "406": NotAcceptable
    """
    return serve(ResourceKey("section", slug, section_id))


@bp.get("/languages")
def list_languages():
    """List the languages.
    ---
    get:
      operationId: listLanguages
      summary: List the languages served
      description: Every language with a catalog, its names, direction, completeness
        (whole catalog and per article), provenance and whether it is offered in
        negotiation (complete at or above the configured threshold). The per-article
        figures come a page at a time, the pages of the article list (`page`); the
        Link header (RFC 8288) gives the first, prev, next and last pages.
      tags: [languages]
      parameters: [page, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200": {description: The languages., content: {application/json: {schema: LanguageList}}}
        "304": NotModified
        "400": InvalidParameter
        "404": NotFound
        "406": NotAcceptable
    """
    refuse_unknown_parameters("page", "lang")
    return serve_language_list()


@bp.get("/bundles")
def list_bundles():
    """List the offline bundles.
    ---
    get:
      operationId: listBundles
      summary: List the offline bundles
      description: One bundle per offered language, with its URL, article count,
        `modified`, ETags and sizes (with and without gzip), so an app can see whether
        its bundle changed, and how large a download is, without downloading it. It
        takes no query parameter (any is a 400).
      tags: [bundles]
      parameters: [accept_encoding, if_none_match]
      responses:
        "200": {description: The bundles., content: {application/json: {schema: BundleIndex}},
                headers: {ETag: {$ref: "#/components/headers/ETag"},
                          Cache-Control: {$ref: "#/components/headers/Cache-Control"},
                          Vary: {$ref: "#/components/headers/Vary"},
                          Content-Encoding: {$ref: "#/components/headers/Content-Encoding"}}}
        "304": NotModified
        "400": InvalidParameter
        "406": NotAcceptable
    """
    return serve_bundle_index()


@bp.get("/bundles/<language>")
def get_bundle(language: str):
    """Get one language's offline bundle.
    ---
    get:
      operationId: getBundle
      summary: Get every article in one language, for reading offline
      description: Every published article available in this language, whole, each
        exactly as GET /v1/articles/{slug}?lang= gives it, with a manifest (each
        article's slug, URL, `modified` and ETags, and every withdrawn article with its
        `removed_at`). Download it once, then keep it current with the change feed
        (GET /v1/articles?modified_since=, whose `removed` lists what to delete). gzip
        when accepted (about a fifth of the size). Tags match in any case. It takes no
        query parameter (any is a 400).
      tags: [bundles]
      parameters: [language, accept_encoding, if_none_match]
      responses:
        "200": {description: The bundle., content: {application/json: {schema: Bundle}}}
        "304": NotModified
        "400": InvalidParameter
        "404": BundleNotFound
        "406": NotAcceptable
    """
    return serve_bundle(language)


@bp.get("/infobutton")
def infobutton():
    """Answer an HL7 Infobutton request, as MedlinePlus Connect does.
    ---
    get:
      operationId: getInfobuttonFeed
      summary: Articles for a medical code (HL7 Infobutton)
      description: The URL-based HL7 Context-Aware Knowledge Retrieval (Infobutton)
        request that MedlinePlus Connect answers, in every language we offer. The
        answer is an Atom 1.0 feed (one entry per article, up to 10) whose entries link
        to the article in the feed's language; a code with no article gives a feed
        with no entries. The language comes from informationRecipient.languageCode.c,
        then Accept-Language, then English (`lang` is not read here). Any other query
        parameter, such as HL7's context parameters (patientPerson.administrativeGenderCode.c,
        age.v.v, taskContext.c.c, performer, ...), is accepted and ignored.
      tags: [infobutton]
      parameters: [infobutton_code, infobutton_system, infobutton_display_name,
                   infobutton_language, knowledge_response_type, accept_language,
                   accept_encoding, if_none_match]
      responses:
        "200":
          description: The feed. Links are relative to this service.
          headers:
            ETag: {$ref: "#/components/headers/ETag"}
            Cache-Control: {$ref: "#/components/headers/Cache-Control"}
            Vary: {$ref: "#/components/headers/Vary"}
            Content-Language: {$ref: "#/components/headers/Content-Language"}
            Content-Encoding: {$ref: "#/components/headers/Content-Encoding"}
          content:
            application/atom+xml:
              schema: {type: string, description: "Atom 1.0 (RFC 4287): the same feed."}
            application/json: {schema: InfobuttonFeed}
        "304": NotModified
        "400": InvalidInfobuttonRequest
        "406": NotAcceptable
    """
    args = request.args
    store, negotiation = current_store(), negotiate(infobutton_language_values(args))
    language = negotiation.served
    query = read_code_query(args, CODE_PARAMETER, SYSTEM_PARAMETER, language)
    knowledge = KnowledgeRequest.of(query, args, response_content_type(args, language))
    candidates = store.list_candidates(negotiation)
    return send_payload(store.query_payload(build_feed, candidates, knowledge))
