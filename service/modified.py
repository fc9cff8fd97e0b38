"""When an article's text last changed, per language: the change feed's `modified`.

The text served in a language changes when its catalog is revised (PO-Revision-Date) or
when the English source is extracted anew (POT-Creation-Date: an untranslated section
then falls back to the new English); the article's own stated modified or published
date counts when it is later. The catalogs keep minutes, so a mirror polls with
`modified_since` set to the latest `modified` it has seen, and gets that minute again
rather than miss a second revision within it.
"""

import datetime

from service.catalogs import PO_DATE_FORMAT, LanguageCatalog, Template
from service.content.model import Article


def language_modified(template: Template, catalog: LanguageCatalog | None):
    """The latest moment a language's text can have changed: extraction or translation."""
    revised = catalog and datetime.datetime.strptime(catalog.revision_date, PO_DATE_FORMAT)
    return max(moment for moment in (template.creation_date, revised) if moment)


def text_modified(template: Template, catalog: LanguageCatalog | None, article: Article):
    """The latest moment the article's text in the catalog's language can have changed."""
    stated = [
        datetime.datetime.combine(day, datetime.time(), datetime.UTC)
        for day in (article.metadata.modified, article.metadata.published)
        if day
    ]
    return max([language_modified(template, catalog), *stated])
