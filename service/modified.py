"""When an article's text last changed, per language: the change feed's `modified`.

The text of an article in a language changes when its catalog is revised
(PO-Revision-Date) or when its English is extracted anew (its template's
POT-Creation-Date: an untranslated section then falls back to the new English); the
article's own stated modified or published date counts when it is later. The
catalogs keep minutes, so a mirror polls with `modified_since` set to the latest
`modified` it has seen, and gets that minute again rather than miss a second revision
within it.
"""

import datetime
import re

from service.catalogs import Catalog, Template
from service.content.model import Article

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d)[Tt](?P<time>\d\d:\d\d):(?P<second>\d\d)(?P<fraction>\.\d+)?"
    r"(?P<offset>[Zz]|[+-]\d\d:\d\d)",
    re.ASCII,
)
_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def language_modified(template: Template, catalog: Catalog | None) -> datetime.datetime:
    """The latest moment a language's interface text can have changed."""
    revised = catalog.provenance.revised if catalog else None
    return max(filter(None, (template.created, revised)))


def text_modified(
    article: Article, extracted: datetime.datetime, catalog: Catalog | None
) -> datetime.datetime:
    """The latest moment an article's text in one language can have changed: its English
    extraction, its catalog's revision (None for the English), or its stated dates."""
    stated = [
        datetime.datetime.combine(day, datetime.time(), datetime.UTC)
        for day in (article.metadata.modified, article.metadata.published)
        if day
    ]
    revised = catalog.provenance.revised if catalog else None
    return max([extracted, *([revised] if revised else []), *stated])


def parse_rfc3339(text: str) -> datetime.datetime | None:
    """An RFC 3339 date-time with its offset, in UTC; None if it is not one.

    Python cannot hold every RFC 3339 value: a leap second counts as the second before
    it, and a moment outside years 1-9999 in UTC as the earliest or latest one.
    """
    match = _RFC3339.fullmatch(text)
    if not match:
        return None
    second = min(int(match["second"]), 59)
    offset = "+00:00" if match["offset"] in "Zz" else match["offset"]
    year = int(match["date"][:4])
    if year == 0:
        return _EARLIEST
    try:
        moment = datetime.datetime.fromisoformat(
            f"{match['date']}T{match['time']}:{second:02}{(match['fraction'] or '')[:7]}{offset}"
        )
    except ValueError:  # no such day, hour or minute
        return None
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        return _EARLIEST if year == 1 else _LATEST


def format_rfc3339(moment: datetime.datetime) -> str:
    """A UTC moment as RFC 3339, as canonical URLs spell it."""
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
