"""A page of search results as served: hits with their snippets and highlight spans.

A snippet is a window of the section's text around the most query words it can hold;
`highlights` are the matched words in it, as [start, end) offsets in code points
(Python string indices, JavaScript's Array.from(text) positions) into the snippet's
own `text`, ellipses included: a client marks them up in whatever its medium is.
"""

from rapidfuzz.distance import OSA

from service import schemas
from service.encoding import Payload
from service.errors import PAGE_NOT_FOUND, Problem
from service.i18n import SOURCE_LANGUAGE, text_direction
from service.search.analysis import Term, terms
from service.search.index import Hit, Query
from service.urls import SEARCH_PATH, article_url, page_links, paged_url, section_url, with_lang

HITS_PER_PAGE = 20
# Deeper pages are not served (1,000 hits): nobody reads them, and each costs more.
MAX_PAGES = 50
SNIPPET_CHARACTERS = 160
# A snippet starts about this far before its first match, at a word's start.
LEAD_CHARACTERS = 30
ELLIPSIS = "…"
SEARCH_SCHEMA = schemas.SearchResultsSchema()


def _matches(term: Term, wanted: list[Term]) -> bool:
    """The term is a query term, or one edit from a query word long enough for typos."""
    return any(
        term.text == each.text
        or (each.fuzzy and OSA.distance(term.text, each.text, score_cutoff=1) <= 1)
        for each in wanted
    )


def _merged(spans: list[tuple[int, int]]) -> list[dict]:
    """Overlapping or touching spans as one (a CJK word's character pairs overlap)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [{"start": start, "end": end} for start, end in merged]


def snippet(text: str, language: str, query: Query) -> dict:
    """The window of `text` with the most distinct query terms, and their spans."""
    found = terms(text, language)
    wanted = query.terms.get(language) or []
    matched = [term for term in found if _matches(term, wanted)]
    start = 0
    if matched:
        best = max(
            range(len(matched)),
            key=lambda at: (
                len(
                    {
                        each.text
                        for each in matched[at:]
                        if each.end <= matched[at].start + SNIPPET_CHARACTERS - LEAD_CHARACTERS
                    }
                ),
                -at,
            ),
        )
        lead = matched[best].start - LEAD_CHARACTERS
        start = next((term.start for term in found if term.start >= lead), matched[best].start)
        start = min(start, matched[best].start)
    limit = start + SNIPPET_CHARACTERS
    end = max((term.end for term in found if start <= term.start and term.end <= limit), default=0)
    end = end if end > start else min(len(text), limit)
    if len(text) - start <= SNIPPET_CHARACTERS:
        end = len(text)
    prefix = ELLIPSIS if start > 0 else ""
    shift = len(prefix) - start
    spans = [
        (term.start + shift, term.end + shift)
        for term in matched
        if start <= term.start and term.end <= end
    ]
    return {
        "text": prefix + text[start:end] + (ELLIPSIS if end < len(text) else ""),
        "highlights": _merged(spans),
    }


def _hit(hit: Hit, query: Query) -> dict:
    canonical = with_lang(section_url(hit.slug, hit.section), hit.served)
    return {
        "article": {
            "slug": hit.slug,
            "title": hit.title,
            "language": hit.served,
            "url": with_lang(article_url(hit.slug), hit.served),
        },
        "section": {"id": hit.section, "heading": hit.heading, "position": hit.position},
        "language": hit.language,
        "direction": text_direction(hit.language),
        "url": canonical,
        "snippet": snippet(hit.body, hit.language, query),
    }


def search_page(store, tag: str, text: str, slug: str | None, page: int) -> Payload:
    """Page `page` of the sections matching `text`, for a request served in `tag`
    (articles not available in it searched in English): built once per distinct
    query in the store's memo."""
    query = Query.of(text, (tag, SOURCE_LANGUAGE))
    count, hits = (
        store.search.search(query, tag, slug, (page - 1) * HITS_PER_PAGE, HITS_PER_PAGE)
        if query
        else (0, [])
    )
    pages = max(1, min(MAX_PAGES, -(-count // HITS_PER_PAGE)))
    if page > pages:
        raise Problem(PAGE_NOT_FOUND, pages=pages)
    parameters = (("q", text), *((("article", slug),) if slug else ()))
    url = paged_url(SEARCH_PATH, page, parameters)
    entries = [_hit(hit, query) for hit in hits]
    return store.localized_payload(
        f"{url} [{tag}]",
        with_lang(url, tag),
        served=tag,
        schema=SEARCH_SCHEMA,
        data={
            "query": text,
            "article": slug,
            "hits": entries,
            "pagination": {
                "page": page,
                "per_page": HITS_PER_PAGE,
                "total_hits": count,
                "total_pages": pages,
            },
        },
        languages=[tag, *(entry["language"] for entry in entries)],
        links=page_links(SEARCH_PATH, parameters, page, pages, tag),
    )
