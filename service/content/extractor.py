"""Babel extractor: yield every article string with its article/section context."""

from service.content.loader import parse_article


def extract_articles(fileobj, keywords, comment_tags, options):
    """Yield (line, "pgettext", (context, msgid), comments) for one article file."""
    data = fileobj.read()
    text = data.decode("utf-8")
    article = parse_article(data, getattr(fileobj, "name", "<article>"))
    notes = {
        (article.section_context(section), paragraph): section.translator_note
        for section in article.sections
        if section.translator_note
        for paragraph in section.paragraphs
    }
    for context, message in article.messages():
        # A string's first 30 characters locate it in the file for translators' tools.
        line = text.count("\n", 0, max(text.find(message[:30]), 0)) + 1
        note = notes.get((context, message))
        yield line, "pgettext", (context, message), [note] if note else []
