"""A page of search results as served: hits with their snippets and highlight spans.

A snippet is a window of the section's text around the most query words it can hold;
`highlights` are the matched words in it, as [start, end) offsets in code points
(Python string indices, JavaScript's Array.from(text) positions) into the snippet's
own `text`, ellipses included: a client marks them up in whatever its medium is.

Pages are built per query, on the hot path: the words and their places come from the
index (no text is analyzed), and the page is written as the schema dumps it, without
a dump and validation per page (tests/test_search.py checks that pages are what the
schema and its JSON Schema give).
"""

from collections import Counter

import orjson
from rapidfuzz import process
from rapidfuzz.distance import OSA

from service import schemas
from service.encoding import Payload
from service.errors import PAGE_NOT_FOUND, Problem
from service.i18n import SOURCE_LANGUAGE
from service.search.analysis import WORD
from service.search.index import Hit, Query
from service.urls import SEARCH_PATH, page_links, paged_url, with_lang

HITS_PER_PAGE = 10
# Deeper pages are not served (500 hits): nobody reads them, and each costs more.
MAX_PAGES = 50
SNIPPET_CHARACTERS = 160
# A snippet starts about this far before its first match, at a word's start.
LEAD_CHARACTERS = 30
ELLIPSIS = "…"
# A snippet's window is chosen among a section's first matches, this many at most.
MARKS_CONSIDERED = 32
SEARCH_SCHEMA = schemas.SearchResultsSchema()


def _matching(hits: list[Hit], query: Query) -> dict[str, frozenset[str]]:
    """By language, the terms of the hits' texts that match the query: a query term, or
    one edit from a query word long enough for typos (as the engine's fuzzy terms
    match). Once a page: the typo candidates are the page's words."""
    matching = {}
    for language in {hit.language for hit in hits}:
        wanted = query.terms.get(language) or []
        found = {term.text for term in wanted}
        typos = [term.text for term in wanted if term.fuzzy]
        if typos:
            words = set(" ".join(hit.words for hit in hits if hit.language == language).split())
            for typo in typos:
                near = process.extract(typo, words, scorer=OSA.distance, score_cutoff=1, limit=None)
                found.update(word for word, _, _ in near)
        matching[language] = frozenset(found)
    return matching


def _places(words: str, matching: frozenset[str]) -> list[tuple[int, str]]:
    """(where it starts in `words`, term) of each of `matching` found in `words` (terms
    separated by single spaces), in order."""
    padded = f" {words} "  # " term " then finds whole terms; its offsets are the terms'
    found = []
    for term in matching:
        needle = f" {term} "
        at = padded.find(needle)
        while at >= 0:
            found.append((at, term))
            at = padded.find(needle, at + len(term) + 1)
    found.sort()
    return found


def _marked(hit: Hit, matching: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of the first MARKS_CONSIDERED words of the hit's text among
    `matching`, from the places the index stored."""
    if not matching:
        return []
    text, starts, words = hit.body, hit.starts, hit.words
    marked: list[tuple[int, int, str]] = []
    index, counted = 0, 0
    for place, term in _places(words, matching)[:MARKS_CONSIDERED]:
        index += words.count(" ", counted, place)  # the terms before this one
        counted = place
        start = starts[index]
        word = WORD.match(text, start)
        # A CJK run's term is one of its character pairs.
        marked.append((start, start + len(term) if word[1] else word.end(), term))
    return marked


def _merged(spans: list[tuple[int, int]]) -> list[dict]:
    """Overlapping or touching spans as one (a CJK word's character pairs overlap)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [{"start": start, "end": end} for start, end in merged]


def _window_start(marked: list[tuple[int, int, str]]) -> int:
    """The place of the first match whose window holds the most distinct matched terms
    (the windows slide over the matches: each match enters and leaves once)."""
    reach = SNIPPET_CHARACTERS - LEAD_CHARACTERS
    held: Counter[str] = Counter()
    best, best_terms, entering = 0, 0, 0
    for at, (start, _, term) in enumerate(marked):
        while entering < len(marked) and (entering <= at or marked[entering][1] <= start + reach):
            held[marked[entering][2]] += 1
            entering += 1
        if len(held) > best_terms:
            best, best_terms = at, len(held)
        held[term] -= 1
        if not held[term]:
            del held[term]
    return marked[best][0]


def snippet(hit: Hit, matching: frozenset[str]) -> dict:
    """About SNIPPET_CHARACTERS of the hit's text around its best run of `matching`
    words, cut at spaces where the script has them, and the matched words' spans in it."""
    text = hit.body
    marked = _marked(hit, matching)
    start = 0
    if marked:
        first = _window_start(marked)
        start = max(0, first - LEAD_CHARACTERS)
        if start:
            space = text.find(" ", start, first)
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARACTERS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = ELLIPSIS if start else ""
    shift = len(prefix) - start
    spans = [
        (each + shift, last + shift) for each, last, _ in marked if start <= each and last <= end
    ]
    return {
        "text": prefix + text[start:end] + (ELLIPSIS if end < len(text) else ""),
        "highlights": _merged(spans),
    }


def _entry(hit: Hit, matching: frozenset[str]) -> orjson.Fragment:
    """A hit as served: its stored members and its snippet."""
    snippet_json = orjson.dumps(snippet(hit, matching))
    return orjson.Fragment(b"".join((hit.shown[:-1], b',"snippet":', snippet_json, b"}")))


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
    matching = _matching(hits, query)
    entries = [_entry(hit, matching[hit.language]) for hit in hits]
    return store.localized_payload(
        f"{url} [{tag}]",
        with_lang(url, tag),
        served=tag,
        schema=SEARCH_SCHEMA,
        checked=False,
        gzip_later=True,
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
        languages=[tag, *(hit.language for hit in hits)],
        links=page_links(SEARCH_PATH, parameters, page, pages, tag),
    )
