"""The API's paths, built in one place: resources, paged lists and canonical URLs."""

from typing import NamedTuple
from urllib.parse import urlencode

API_PREFIX = "/v1"
ARTICLE_LIST_PATH = f"{API_PREFIX}/articles"
LANGUAGE_LIST_PATH = f"{API_PREFIX}/languages"
BUNDLE_LIST_PATH = f"{API_PREFIX}/bundles"
SEARCH_PATH = f"{API_PREFIX}/search"

Query = tuple[tuple[str, str], ...]  # normalized query parameters, as canonical URLs spell them


class ResourceKey(NamedTuple):
    """One article resource: the whole article, its section index, or one section."""

    kind: str  # "article", "sections" or "section"
    slug: str
    section_id: str | None = None

    @property
    def path(self) -> str:
        if self.kind == "article":
            return article_url(self.slug)
        if self.kind == "sections":
            return section_index_url(self.slug)
        return section_url(self.slug, self.section_id or "")


def article_url(slug: str) -> str:
    return f"{ARTICLE_LIST_PATH}/{slug}"


def section_index_url(slug: str) -> str:
    return f"{article_url(slug)}/sections"


def section_url(slug: str, section_id: str) -> str:
    return f"{section_index_url(slug)}/{section_id}"


def bundle_url(tag: str) -> str:
    return f"{BUNDLE_LIST_PATH}/{tag}"


def paged_url(path: str, page: int, query: Query = ()) -> str:
    """The address of one page of a paginated list, filters included."""
    return _paged(path, urlencode(query), page)


def _paged(path: str, encoded_query: str, page: int) -> str:
    parameters = "&".join(filter(None, (encoded_query, f"page={page}" if page != 1 else "")))
    return f"{path}?{parameters}" if parameters else path


def with_lang(url: str, tag: str) -> str:
    """The canonical URL of `url` in language `tag`."""
    return f"{url}{'&' if '?' in url else '?'}lang={tag}"


def page_links(path: str, query: Query, page: int, pages: int, tag: str) -> tuple[tuple[str, str]]:
    """The RFC 8288 Link header of page `page` of `pages` of a list, in language `tag`."""
    relations = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
    encoded_query = urlencode(query)  # once, not once a link
    links = ", ".join(
        f'<{with_lang(_paged(path, encoded_query, number), tag)}>; rel="{relation}"'
        for relation, number in relations.items()
        if 1 <= number <= pages
    )
    return (("Link", links),)
