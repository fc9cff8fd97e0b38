"""Reading a search request (GET /v1/search): its words, the article it may be limited
to and its page; bad input is a 400 (or a 404 for an article or page that is not there)."""

from flask import Response, request

from service.api.serving import refuse_unknown_parameters, requested_page, serve_built
from service.errors import ARTICLE_NOT_FOUND, BAD_REQUEST, INVALID_QUERY, Problem
from service.i18n import Negotiation
from service.payloads import PayloadStore, current_store
from service.search.analysis import words
from service.search.results import MAX_PAGES, search_page

# A patient's query is a few words; these bound what one request can cost (a 10 KB
# paste or a thousand-word query is a 400, not a slow answer).
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 32
PARAMETERS = ("q", "article", "page", "lang")


def read_query() -> str:
    """The `q` parameter: given once, not blank, within the limits."""
    given = request.args.getlist("q")
    if len(given) != 1 or not given[0].strip():
        raise Problem(INVALID_QUERY["missing"])
    text = given[0].strip()
    # A word has a character at least: only a longer text can have too many (counted).
    too_many_words = len(text) > MAX_QUERY_WORDS and words(text) > MAX_QUERY_WORDS
    if len(text) > MAX_QUERY_CHARACTERS or too_many_words:
        raise Problem(
            INVALID_QUERY["too-long"], characters=MAX_QUERY_CHARACTERS, words=MAX_QUERY_WORDS
        )
    return text


def read_article(store: PayloadStore) -> str | None:
    """The `article` parameter: at most once, naming a served article (else a 404)."""
    given = request.args.getlist("article")
    if not given:
        return None
    if len(given) > 1:
        raise Problem(BAD_REQUEST)
    if given[0] not in store.available:
        raise Problem(ARTICLE_NOT_FOUND)
    return given[0]


def _search(store: PayloadStore, negotiation: Negotiation, text, slug, page):
    return store.query_payload(search_page, negotiation.served, text, slug, page)


def serve_search() -> Response:
    """Serve a page of search results in the negotiated language."""
    refuse_unknown_parameters(*PARAMETERS)
    text, slug = read_query(), read_article(current_store())
    return serve_built(_search, text, slug, requested_page(MAX_PAGES))
