"""The change feed: GET /v1/articles?modified_since=<RFC 3339> for mirrors that poll.

Its own small filter, so that it composes with the code filter (ArticleSelection `&`):
the articles whose text in the language each is given in changed at or after the
moment (each list entry's `modified`; see PayloadStore._text_modified), and, as
`removed`, the articles withdrawn at or after it, so that mirrors delete them.
"""

from werkzeug.datastructures import MultiDict

from service.api.serving import negotiate_lang
from service.errors import INVALID_TIMESTAMP, Problem
from service.parameters import format_rfc3339, parse_rfc3339
from service.payloads import ArticleSelection, current_store

MODIFIED_SINCE = "modified_since"


def modified_selection(args: MultiDict) -> ArticleSelection | None:
    """The articles modified since `modified_since`, or None without it (400 if invalid)."""
    if MODIFIED_SINCE not in args:
        return None
    values = args.getlist(MODIFIED_SINCE)
    since = parse_rfc3339(values[0]) if len(values) == 1 else None
    if since is None:
        raise Problem(INVALID_TIMESTAMP)
    store, negotiation = current_store(), negotiate_lang()
    return ArticleSelection(
        tuple(
            slug
            for slug in store.articles
            if store.modified[slug, store.served_language(negotiation.candidates, slug)] >= since
        ),
        ((MODIFIED_SINCE, format_rfc3339(since)),),
        removed=tuple(
            slug for slug, withdrawal in store.withdrawn.items() if withdrawal.removed_at >= since
        ),
    )
