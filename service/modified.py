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

from service.catalogs import Catalog, Template
from service.content.model import Article


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
