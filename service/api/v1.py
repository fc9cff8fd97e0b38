"""Version 1 of the API: thin views over the payload store.

Each view's docstring (after ---) is its OpenAPI operation; service/openapi.py
collects them. A /v2 is a new module beside this one.
"""

from flask import Blueprint

from service.api.serving import article_list_page, serve

bp = Blueprint("v1", __name__, url_prefix="/v1")


@bp.get("/articles")
def list_articles():
    """List the articles.
    ---
    get:
      summary: List the articles
      description: Every article with its title in the negotiated language, its
        sections, medical codes and the languages it is available in, a page at a
        time (ARTICLES_PER_PAGE, default 50). The Link header (RFC 8288) gives the
        first, prev, next and last pages.
      tags: [articles]
      parameters: [page, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200": {description: The articles., content: {application/json: {schema: ArticleList}}}
        "304": NotModified
        "400": InvalidParameter
        "404": NotFound
    """
    return serve(("articles", article_list_page()))


@bp.get("/articles/<slug>")
def get_article(slug: str):
    """Get one article.
    ---
    get:
      summary: Get a whole article
      description: Metadata, medical codes, clinical review status, a localized
        disclaimer and every section. A section not fully translated is served whole
        in English and says so in its `language`.
      tags: [articles]
      parameters: [slug, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200": {description: The article., content: {application/json: {schema: Article}}}
        "304": NotModified
        "400": InvalidLanguage
        "404": NotFound
    """
    return serve(("article", slug))


@bp.get("/articles/<slug>/sections")
def list_sections(slug: str):
    """List an article's sections.
    ---
    get:
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
    """
    return serve(("sections", slug))


@bp.get("/articles/<slug>/sections/<section_id>")
def get_section(slug: str, section_id: str):
    """Get one section.
    ---
    get:
      summary: Get one section
      description: Heading, paragraphs, position and links to the previous and next
        sections.
      tags: [sections]
      parameters: [slug, section_id, lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200": {description: The section., content: {application/json: {schema: Section}}}
        "304": NotModified
        "400": InvalidLanguage
        "404": NotFound
    """
    return serve(("section", slug, section_id))


@bp.get("/languages")
def list_languages():
    """List the languages.
    ---
    get:
      summary: List the languages served
      description: Every language with a catalog, its names, direction, completeness
        (whole catalog and per article), provenance and whether it is offered in
        negotiation (complete at or above the configured threshold).
      tags: [languages]
      parameters: [lang, accept_language, accept_encoding, if_none_match]
      responses:
        "200": {description: The languages., content: {application/json: {schema: LanguageList}}}
        "304": NotModified
        "400": InvalidLanguage
    """
    return serve(("languages",))
